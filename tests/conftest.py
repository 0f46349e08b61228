"""Shared fixtures: a throwaway PostgreSQL server and database URLs for both back ends.

The server is started once per test session with ``initdb`` into a temporary folder, listening
only on a unix socket, with fsync off. PostgreSQL refuses to run as root, so as root the server
runs as ``nobody``. When ``initdb`` cannot be found the PostgreSQL tests skip, unless
``STUDYVM_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), in which case they fail.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def find_pg_bindir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or ``None``."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    return Path(candidates[-1]).parent if candidates else None


PASSWORD_ROLE = "studyvm_password_login"
"""Members of this role log in with a password; every other role is trusted on the socket."""


class PgServer:
    """A running throwaway server; :meth:`new_database` gives each test its own database."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="studyvm-pg-"))  # short: socket paths are limited
        self.sock = self.base / "sock"
        self.data = self.base / "data"
        self._names = itertools.count(1)
        self.password_role = PASSWORD_ROLE
        """Grant this role to a login that must give its password (see :meth:`start`)."""
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self.base.chmod(0o755)
            self.sock.mkdir()
            shutil.chown(self.base, "nobody")
            shutil.chown(self.sock, "nobody")
            self._as_user = ["runuser", "-u", "nobody", "--"]
        else:
            self.sock.mkdir()

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=60, cwd=self.base)

    def start(self) -> None:
        """initdb and start the server, listening only on the unix socket."""
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "studyvm",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        # Members of PASSWORD_ROLE must give their password (to test generated passwords); the
        # rest connect without one. The first matching line wins.
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"local all +{PASSWORD_ROLE} scram-sha-256\n" + hba.read_text())
        options = f"-k {self.sock} -c listen_addresses= -F -c max_connections=50"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.base / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        """Stop the server at once and delete its files."""
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def admin(self, sql: str) -> None:
        """Run ``sql`` as the superuser in the ``postgres`` database."""
        import psycopg

        with psycopg.connect(host=str(self.sock), user="studyvm", dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self, owner: str = "studyvm") -> str:
        """Create an empty database (owned by ``owner``) and return its SQLAlchemy URL as the superuser."""
        name = f"t{next(self._names)}"
        self.admin(f'CREATE DATABASE {name} OWNER "{owner}"')
        return self.url(name)

    def url(self, database: str, user: str = "studyvm", password: str | None = None) -> str:
        """The SQLAlchemy URL of ``database`` for ``user`` over the unix socket."""
        secret = f":{password}" if password else ""
        return f"postgresql+psycopg://{user}{secret}@/{database}?host={self.sock}"

    def ensure_role(self, name: str, *options: str) -> str:
        """Create the login role ``name`` unless it exists (roles are server-wide); return ``name``."""
        self.admin(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN "
            f'CREATE ROLE "{name}" LOGIN {" ".join(options)}; END IF; END $$'
        )
        return name

    def as_role(self, url: str, name: str) -> str:
        """``url`` (one of :meth:`url`'s) for the superuser role ``name`` instead: on PostgreSQL the
        learner is the database role, so tests of several learners connect as several roles."""
        return url.replace("://studyvm@", f"://{self.ensure_role(name, 'SUPERUSER')}@", 1)

    def new_role(self, name: str, *options: str) -> str:
        """Create the login role ``name`` (with ``options`` such as ``CREATEROLE``); return ``name``."""
        self.admin(f'CREATE ROLE "{name}" LOGIN {" ".join(options)}')
        return name


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the whole test session (skip or fail when unavailable)."""
    required = os.environ.get("STUDYVM_REQUIRE_POSTGRES") == "1"
    bindir = find_pg_bindir()
    if bindir is None:
        if required:
            pytest.fail("STUDYVM_REQUIRE_POSTGRES=1 but initdb was not found")
        pytest.skip("PostgreSQL (initdb) is not installed")
    server = PgServer(bindir)
    try:
        server.start()
    except (subprocess.SubprocessError, OSError) as exc:
        log = server.base / "log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        server.stop()
        message = f"could not start PostgreSQL: {exc} {getattr(exc, 'stderr', b'')!r} {detail}"
        if required:
            pytest.fail(message)
        pytest.skip(message)
    server.admin(f"CREATE ROLE {PASSWORD_ROLE} NOLOGIN")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh, empty PostgreSQL database."""
    return pg_server.new_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database file."""
    return f"sqlite:///{tmp_path / 'studyvm.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'studyvm.sqlite3'}"
    return request.getfixturevalue("pg_server").new_database()


KEEP_ENV = {"STUDYVM_REQUIRE_POSTGRES"}
"""Variables about the test run itself (read by :func:`pg_server`), not settings of the app."""


@pytest.fixture(autouse=True)
def clean_studyvm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without the developer's ``STUDYVM_*`` settings (home, database, learner…)."""
    for name in list(os.environ):
        if name.startswith("STUDYVM_") and name not in KEEP_ENV:
            monkeypatch.delenv(name)


SLOW_FILES = {"test_types.py", "test_architecture.py", "test_import_contract.py", "test_generated_programs.py"}
"""Test files that start interpreters or run hundreds of simulations (``-m "not slow"`` skips them)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark PostgreSQL, tmux and slow tests, so ``-m "not postgres and not tmux and not slow"`` is the fast loop."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if fixtures & {"pg_server", "pg_url"} or params.get("db_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)
        if "tmux" in item.path.name:
            item.add_marker(pytest.mark.tmux)
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@dataclass
class PgClass:
    """A database owned by a non-superuser instructor role (``teacher``), not yet set up as a class."""

    server: PgServer
    database: str
    teacher: str

    @property
    def teacher_url(self) -> str:
        """The instructor's URL (the owner of the database, with CREATEROLE)."""
        return self.server.url(self.database, self.teacher)

    def url(self, role: str, password: str | None = None) -> str:
        """The URL of this database for ``role``."""
        return self.server.url(self.database, role, password)

    def name(self, base: str) -> str:
        """A role name unique on the server (roles are server-wide, test databases are not)."""
        return f"{base}_{self.database}"


@pytest.fixture
def pg_class(pg_server: PgServer) -> PgClass:
    """A fresh database owned by a new role with CREATEROLE (an instructor, not a superuser)."""
    probe = pg_server.new_database()
    database = probe.split("@/", 1)[1].split("?", 1)[0]
    teacher = pg_server.new_role(f"teacher_{database}", "CREATEROLE")
    pg_server.admin(f'ALTER DATABASE {database} OWNER TO "{teacher}"')
    return PgClass(pg_server, database, teacher)
