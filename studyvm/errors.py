"""The errors StudyVM raises for people, and how the command line reports them.

Every layer raises a :class:`StudyVMError` (or a subclass) whose message is written for the
person at the terminal: what went wrong, and what to do about it. The one error boundary in
:mod:`studyvm.cli` prints ``studyvm: error: <message>`` on stderr and exits with
:attr:`StudyVMError.exit_code`; nothing else in the code needs to know about exit codes.

This module imports nothing from StudyVM, so every layer (packs, store, study, tui, cli) may
use it.
"""

from __future__ import annotations


class StudyVMError(Exception):
    """A problem a person can act on; its ``str()`` is the whole message (no traceback)."""

    exit_code: int = 1
    """The process exit status the command line ends with."""


class UsageError(StudyVMError):
    """An option or argument out of range (``--minutes inf``, ``--scale 10**9``)."""

    exit_code = 2


class ConfigError(StudyVMError):
    """The settings file, an environment variable or the home folder cannot be used."""


class DatabaseError(StudyVMError):
    """The database cannot be opened, read or written; the message never holds SQL."""


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer StudyVM: its schema revision is unknown here."""

    def __init__(self, revision: str, newest_known: str) -> None:
        super().__init__(
            f"this database was written by a newer StudyVM (schema revision {revision}; "
            f"this version knows up to {newest_known}): upgrade StudyVM to use it"
        )
        self.revision = revision
        self.newest_known = newest_known


class PackError(StudyVMError):
    """A pack cannot be found, validated, installed or exported."""


class OutputError(StudyVMError):
    """A file or folder cannot be written where asked."""


def database_message(exc: BaseException) -> str:
    """A database error without the SQL statement or its parameters: the driver's first line."""
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else (str(exc.args[0]) if exc.args else "")
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first.split(" [SQL:", 1)[0].strip()


def describe(exc: BaseException) -> str:
    """One line for people about any exception: never a traceback, an SQL statement or parameters."""
    if isinstance(exc, StudyVMError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    if type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
        return f"database error: {database_message(exc)}"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
