"""Engines and migrations: SQLite (default) or PostgreSQL with the same code.

:func:`open_database` is the one entry point: it makes an engine for a URL and upgrades the
schema to the newest alembic revision, keeping every row. SQLite gets WAL (readers never wait
for a writer), foreign keys, and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so two processes writing at once wait for each other instead of failing
with "database is locked" (a deferred transaction that upgrades from read to write cannot be
retried by SQLite's busy handler).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

from studyvm.errors import DatabaseError
from studyvm.store.revision import SCHEMA_HEAD
from studyvm.store.security import owns_table, reapply_security

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another one before giving up."""
MIGRATION_LOCK_KEY = 0x5354_5544
"""PostgreSQL advisory lock taken while migrating, so two first starts do not race."""
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SHRINK_FROM = {"0001", "0002", "0003", "0004", "0005", "0006"}
"""Revisions whose SQLite file is compacted after upgrading: 0005 drops a third of a big database
(two wide review-log indexes), 0006 copies the log without two columns, 0007 copies ``card_state``
with integer times; SQLite only gives the space back to the disk with ``VACUUM``."""
WRITE = "studyvm_write"
"""Execution option marking an engine whose transactions write (``BEGIN IMMEDIATE`` on SQLite)."""


def is_sqlite(engine: Engine) -> bool:
    """True for a SQLite engine."""
    return engine.dialect.name == "sqlite"


SUPPORTED_SCHEMES = ("sqlite", "postgresql", "postgres", "postgresql+psycopg")
"""URL schemes StudyVM can open; anything else is refused before SQLAlchemy looks for a driver."""


def check_url(url: str) -> None:
    """A :class:`~studyvm.errors.DatabaseError` if ``url`` is not a database URL StudyVM supports."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in SUPPORTED_SCHEMES:
        shown = scheme or url[:20]
        raise DatabaseError(
            f"unsupported database URL scheme {shown!r}: use sqlite:///FILE or postgresql://USER@HOST/DB"
        )
    try:
        make_url(url).port  # noqa: B018 -- parsing the port is where a malformed host fails
    except (ArgumentError, ValueError):
        raise DatabaseError("the database URL is malformed (check the host, the port and the brackets)") from None


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with StudyVM's connection settings (no schema work)."""
    check_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:") and not Path(path).parent.is_dir():
            # The home folder is made by the settings; a --db path with a typo makes no folders (F18).
            raise DatabaseError(f"the folder for the SQLite database does not exist: {Path(path).parent}")
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_events(engine)
        return engine
    for alias in ("postgresql://", "postgres://"):  # libpq's spellings: StudyVM talks psycopg 3
        if url.startswith(alias):
            url = "postgresql+psycopg://" + url.removeprefix(alias)
    require_postgres_driver()
    return create_engine(url, pool_pre_ping=True)


def require_postgres_driver() -> None:
    """A :class:`~studyvm.errors.DatabaseError` saying how to install PostgreSQL support when the
    driver is missing (it is the ``postgres`` extra: a learner on SQLite never downloads it)."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:
        raise DatabaseError(
            "PostgreSQL support is not installed: pip install 'studyvm[postgres]' (SQLite needs nothing more)"
        )


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, see _on_begin
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _enable_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        # In WAL mode NORMAL loses nothing on a process crash (kill -9); only a power cut
        # can roll back the last commits. FULL would fsync on every answer.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        immediate = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _enable_wal(cur) -> None:
    """Switch the database to WAL, retrying while another connection holds it.

    SQLite does not call the busy handler for a journal-mode change, so two first starts at
    once (the app and a command, say) would otherwise fail with "database is locked".
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def writer(engine: Engine) -> Engine:
    """The same engine, its transactions marked as writes."""
    return engine.execution_options(**{WRITE: True})


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock at once and commits on success."""
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        yield session


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this version."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    if head is None:  # only a broken install ships no migrations
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database, ``None`` if it is empty."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> set[str]:
    """The revisions this version ships (from the migration files' names, without alembic)."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")}


class SchemaError(DatabaseError):
    """The schema cannot be brought up to date by this connection; the message is for people."""


def _check_may_migrate(conn) -> None:
    """Refuse to migrate a PostgreSQL schema the connected role does not own (a learner on a
    class database): it would fail half-way with a permission error."""
    if owns_table(conn, "alembic_version") is False:
        raise SchemaError(
            "the database's schema is older than this StudyVM and only its owner may upgrade it: "
            "ask the instructor to run `studyvm class init` (or open it once as the owner)"
        )


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` in one transaction; a no-op when already there.

    A database whose revision this version does not know was written by a newer StudyVM:
    :class:`~studyvm.errors.SchemaTooNewError`, and nothing is touched.
    """
    current = current_revision(engine)
    if revision == "head" and current == SCHEMA_HEAD:
        return
    if current is not None and current not in known_revisions():
        from studyvm.errors import SchemaTooNewError

        raise SchemaTooNewError(current, SCHEMA_HEAD)
    from alembic import command

    sqlite = is_sqlite(engine)
    with writer(engine).connect() as conn:
        raw = conn.connection.dbapi_connection
        if sqlite and raw is not None:
            # Batch migrations copy tables; with foreign keys on, dropping the old copy would
            # cascade. The pragma only works outside a transaction, hence the raw connection.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if not sqlite:
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
                    _check_may_migrate(conn)
                command.upgrade(_alembic_config(conn), revision)
                if not sqlite:
                    reapply_security(conn)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("migration left rows breaking a foreign key")
            if sqlite and raw is not None and current in SHRINK_FROM:
                raw.execute("VACUUM")  # outside the transaction, once, after the upgrade committed
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def open_database(url: str) -> Engine:
    """An engine for ``url`` with the schema upgraded to the newest revision."""
    engine = make_engine(url)
    migrate(engine)
    return engine
