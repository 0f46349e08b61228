"""A class database on PostgreSQL: one login role per learner, row-level security, an instructor role.

``studyvm class init`` (run by the instructor, who owns the database) creates the schema, two
group roles and the policies; ``studyvm class add-student NAME`` makes a login role in the
student group. From then on the database itself enforces who sees what:

- a learner *is* the database role they connect as (``current_user``); on every table that
  holds progress, a policy lets a member of the student group read, insert, change and delete
  only the rows of the learner named ``current_user``, and refuses a row written for anyone
  else — whatever the client, be it StudyVM or ``psql``;
- members of the instructor group (the owner is made one) see every row; only the owner may
  change the schema, and ``FORCE ROW LEVEL SECURITY`` holds the owner to the policies too;
- the database, its schema and its tables are closed to everyone else (no ``PUBLIC`` rights).

SQLite and a PostgreSQL database that was never set up as a class are left as they are.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from studyvm.store.engine import MIGRATION_LOCK_KEY, is_sqlite, migrate, writer
from studyvm.store.security import INSTRUCTOR, STUDENT, apply_security, owns_table, quote_role, stored_roles

PASSWORD_BYTES = 15
"""Entropy of a generated password (120 bits; 20 URL-safe characters)."""
NAME_RE = re.compile(r"[a-z][a-z0-9_.-]{0,62}")


class ClassDBError(Exception):
    """A class-database request that cannot be honoured; the message is for people."""


@dataclass(frozen=True)
class ClassInfo:
    """Who is connected to a PostgreSQL database, and what the class roles make of them."""

    role: str
    """``current_user``: on a class database, the learner's name."""
    database: str
    students: str | None
    """The student group role; ``None`` when the database is not set up as a class."""
    instructors: str | None
    is_student: bool
    is_instructor: bool
    """Member of the instructor group, or a superuser."""

    @property
    def is_class(self) -> bool:
        """True when ``studyvm class init`` has set this database up."""
        return self.students is not None


def session_role(engine: Engine) -> str | None:
    """The database role StudyVM is connected as on PostgreSQL (the learner); ``None`` on SQLite."""
    if is_sqlite(engine):
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT current_user")).scalar_one()


def _info(conn: Connection) -> ClassInfo:
    role, database, superuser = conn.execute(
        text("SELECT current_user, current_database(), rolsuper FROM pg_roles WHERE rolname = current_user")
    ).one()
    roles = stored_roles(conn)
    students, instructors = roles.get(STUDENT), roles.get(INSTRUCTOR)

    def member(group: str | None) -> bool:
        if group is None:
            return False
        query = text(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :g)"
            " THEN pg_has_role(:g, 'MEMBER') ELSE false END"
        )
        return bool(conn.execute(query, {"g": group}).scalar())

    return ClassInfo(role, database, students, instructors, member(students), superuser or member(instructors))


def class_info(engine: Engine) -> ClassInfo | None:
    """The connected role and the class roles of a PostgreSQL database; ``None`` on SQLite."""
    if is_sqlite(engine):
        return None
    with engine.connect() as conn:
        return _info(conn)


def require_instructor(engine: Engine, what: str = "the class report") -> None:
    """Refuse a student (or any role outside the instructor group) on a class database.

    SQLite (one user) and a shared database without class roles are not restricted.
    """
    info = class_info(engine)
    if info is None or not info.is_class or info.is_instructor:
        return
    raise ClassDBError(
        f"{what} is for the class's instructors, and the database role '{info.role}' is not one of them "
        f"(not a member of '{info.instructors}')"
    )


def default_role_names(database: str) -> tuple[str, str]:
    """The group roles of a class in ``database``: ``<db>_students`` and ``<db>_instructors``.

    Roles belong to the whole PostgreSQL server, so the database name keeps two classes on one
    server apart.
    """
    base = re.sub(r"[^a-z0-9_]+", "_", database.lower()).strip("_")[:48] or "studyvm"
    return f"{base}_students", f"{base}_instructors"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).scalar())


def _check_owner(conn: Connection) -> None:
    if not owns_table(conn, "learner"):
        raise ClassDBError(
            "only the owner of StudyVM's tables (the instructor who created the database) can set up a class; "
            "connect as that role"
        )


def init_class(engine: Engine, students: str | None = None, instructors: str | None = None) -> ClassInfo:
    """Set a PostgreSQL database up as a class; safe to run again (it also upgrades the schema).

    Creates (or upgrades) the schema, the two group roles if missing, makes the connected role
    (the owner) an instructor, and applies :func:`apply_security`. Raises :class:`ClassDBError`
    on SQLite, for a role that does not own the tables, or one that may not create roles.
    """
    if is_sqlite(engine):
        raise ClassDBError("a class database needs PostgreSQL (SQLite has one user and no roles)")
    migrate(engine)
    with writer(engine).connect() as conn, conn.begin():
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        _check_owner(conn)
        stored = stored_roles(conn)
        default_s, default_i = default_role_names(conn.execute(text("SELECT current_database()")).scalar_one())
        students = students or stored.get(STUDENT) or default_s
        instructors = instructors or stored.get(INSTRUCTOR) or default_i
        if students == instructors:
            raise ClassDBError("the student and instructor roles must differ")
        may_create = conn.execute(
            text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        ).scalar()
        for group in (students, instructors):
            if _role_exists(conn, group):
                continue
            if not may_create:
                raise ClassDBError(f"cannot create the role '{group}': the instructor's role needs CREATEROLE")
            conn.exec_driver_sql(f"CREATE ROLE {quote_role(conn, group)} NOLOGIN")
        me = conn.execute(text("SELECT current_user")).scalar_one()
        if not conn.execute(text("SELECT pg_has_role(:g, 'MEMBER')"), {"g": instructors}).scalar():
            conn.exec_driver_sql(f"GRANT {quote_role(conn, instructors)} TO {quote_role(conn, me)}")
        conn.exec_driver_sql("DELETE FROM class_role")
        conn.execute(
            text("INSERT INTO class_role (kind, role) VALUES (:k1, :r1), (:k2, :r2)"),
            {"k1": STUDENT, "r1": students, "k2": INSTRUCTOR, "r2": instructors},
        )
        apply_security(conn, students, instructors)
        return _info(conn)


def check_student_name(name: str) -> str | None:
    """Why ``name`` cannot be a learner's role (``None`` when it can)."""
    if not NAME_RE.fullmatch(name):
        return (
            f"'{name}' is not a valid learner name: use 1-63 lower-case letters, digits, '_', '.' or '-', "
            "starting with a letter"
        )
    if name.startswith("pg_"):
        return f"'{name}': names starting with 'pg_' are reserved by PostgreSQL"
    return None


def generate_password() -> str:
    """A new random password (URL-safe characters, so it can go in ~/.pgpass or PGPASSWORD as is)."""
    return secrets.token_urlsafe(PASSWORD_BYTES)


def add_student(engine: Engine, name: str, new_password: bool = False) -> str:
    """Create the login role ``name`` in the class's student group; return its new password.

    The password is sent to the server already hashed (SCRAM-SHA-256), so it never appears in
    the server's statement log. With ``new_password`` an existing student gets a new one.
    """
    problem = check_student_name(name)
    if problem:
        raise ClassDBError(problem)
    info = class_info(engine)
    if info is None or not info.is_class:
        raise ClassDBError("this database is not set up as a class: run `studyvm class init` first")
    if name in (info.students, info.instructors):
        raise ClassDBError(f"'{name}' is one of the class's group roles")
    students = info.students
    assert students is not None  # is_class
    password = generate_password()
    with writer(engine).connect() as conn, conn.begin():
        exists = _role_exists(conn, name)
        is_student = (
            exists and conn.execute(text("SELECT pg_has_role(:n, :g, 'MEMBER')"), {"n": name, "g": students}).scalar()
        )
        if exists and not is_student:
            raise ClassDBError(f"a database role '{name}' already exists and is not a student of this class")
        if exists and not new_password:
            raise ClassDBError(f"'{name}' is already a student; give --new-password to issue a new password")
        raw = conn.connection.dbapi_connection
        assert raw is not None  # an open connection
        pgconn = raw.pgconn
        verifier = pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
        role = quote_role(conn, name)
        if exists:
            conn.exec_driver_sql(f"ALTER ROLE {role} WITH LOGIN PASSWORD {_literal(verifier)}")
        else:
            conn.exec_driver_sql(
                f"CREATE ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                f"PASSWORD {_literal(verifier)} IN ROLE {quote_role(conn, students)}"
            )
    return password
