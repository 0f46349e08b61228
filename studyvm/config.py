"""Where StudyVM keeps its data and which database it talks to.

Nothing here touches the file system at import time: a :class:`Settings` is built by the CLI
(or by a test) and directories are created only by :meth:`Settings.ensure_home`.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_HOME = "STUDYVM_HOME"
ENV_DATABASE_URL = "STUDYVM_DATABASE_URL"
ENV_LEARNER = "STUDYVM_LEARNER"
MAX_LEARNER_NAME = 200
"""Longest learner name (the database column's width, on SQLite as on PostgreSQL)."""


def check_learner_name(name: str) -> str:
    """``name`` if it can be a learner name; a :class:`~studyvm.errors.UsageError` naming the problem.

    Names are shown to the instructor in the class report, so control characters (an escape
    sequence would reach the instructor's terminal) and names longer than the database column
    are refused up front, the same way on SQLite and PostgreSQL.
    """
    from studyvm.errors import UsageError
    from studyvm.textsafe import inert_name

    if not name.strip():
        raise UsageError("the learner name is empty; give one with --learner or STUDYVM_LEARNER")
    if inert_name(name) != name:
        raise UsageError(f"the learner name {inert_name(name)!r} holds control characters; choose another")
    if len(name) > MAX_LEARNER_NAME:
        raise UsageError(f"the learner name is {len(name)} characters long; the limit is {MAX_LEARNER_NAME}")
    return name


def default_home() -> Path:
    """The platform's user data directory for StudyVM (not created here)."""
    from platformdirs import user_data_path

    return user_data_path("studyvm", appauthor=False)


def default_learner() -> str:
    """The OS user name, or ``learner`` when it cannot be determined."""
    try:
        return getpass.getuser() or "learner"
    except Exception:  # getpass raises various errors in containers without a passwd entry
        return "learner"


def builtin_content_dir() -> Path:
    """The folder holding the built-in packs, in a wheel or in a source checkout."""
    here = Path(__file__).resolve().parent
    shipped = here / "_content"
    return shipped if shipped.is_dir() else here.parent / "content"


@dataclass
class Settings:
    """Resolved global options: the user's home, database, learner and extra pack folders."""

    home: Path
    """Folder for all user data: the SQLite database and installed packs."""
    db_url: str | None = None
    """SQLAlchemy URL of a shared database; ``None`` means SQLite under :attr:`home`."""
    learner: str = field(default_factory=default_learner)
    """Whose progress is read and written."""
    extra_pack_dirs: list[Path] = field(default_factory=list)
    """Folders given with ``--packs``, searched after the built-in and installed packs."""

    @classmethod
    def from_env(
        cls,
        home: Path | None = None,
        db_url: str | None = None,
        learner: str | None = None,
        extra_pack_dirs: list[Path] | None = None,
    ) -> Settings:
        """Combine explicit options with ``STUDYVM_*`` environment variables and defaults."""
        env_home = os.environ.get(ENV_HOME)
        resolved_home = home or (Path(env_home) if env_home else default_home())
        return cls(
            home=Path(resolved_home).expanduser(),
            db_url=db_url or os.environ.get(ENV_DATABASE_URL) or None,
            learner=check_learner_name(
                learner if learner is not None else os.environ.get(ENV_LEARNER) or default_learner()
            ),
            extra_pack_dirs=list(extra_pack_dirs or []),
        )

    @property
    def user_packs_dir(self) -> Path:
        """Where ``pack add`` and ``pack import`` install packs."""
        return self.home / "packs"

    @property
    def database_url(self) -> str:
        """The URL to connect to: ``--db`` / env, or SQLite in the home folder."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.home / 'studyvm.sqlite3'}"

    @property
    def settings_file(self) -> Path:
        """The user's settings file (theme, key bindings, retention)."""
        return self.home / "settings.toml"

    def ensure_home(self) -> Path:
        """Create the home folder (and its packs folder) if missing; return the home."""
        self.user_packs_dir.mkdir(parents=True, exist_ok=True)
        return self.home
