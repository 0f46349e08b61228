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

from studyvm.store.engine import MIGRATION_LOCK_KEY, is_sqlite, migrate, owns_table, writer

STUDENT = "student"
INSTRUCTOR = "instructor"
POLICY_STUDENT = "studyvm_student_own_rows"
POLICY_INSTRUCTOR = "studyvm_instructor_all_rows"
OWN_LEARNER = "(SELECT l.id FROM learner l WHERE l.name = current_user)"
PROGRESS_TABLES: dict[str, str] = {
    "learner": "name = current_user",
    "card_state": f"learner_id = {OWN_LEARNER}",
    "review_log": f"learner_id = {OWN_LEARNER}",
    "pack_sync": f"learner_id = {OWN_LEARNER}",
    "mistake": f"learner_id = {OWN_LEARNER}",
    "attempt": f"learner_id = {OWN_LEARNER}",
    "review_day_stats": f"learner_id = {OWN_LEARNER}",
    "attempt_answer": f"attempt_id IN (SELECT a.id FROM attempt a WHERE a.learner_id = {OWN_LEARNER})",
}
"""Every table holding a learner's data, with the row predicate a student's policy enforces."""
READ_ONLY_TABLES = ("alembic_version", "class_role")
"""Tables every member may read and nobody but the owner may write."""
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
    roles: dict[str, str] = {}
    if conn.execute(text("SELECT to_regclass('class_role') IS NOT NULL")).scalar():
        roles = dict(conn.execute(text("SELECT kind, role FROM class_role")).all())
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
        f"{what} is for the class's instructors: the database role '{info.role}' is not a member of "
        f"'{info.instructors}' (ask the instructor to grant it)"
    )


def default_role_names(database: str) -> tuple[str, str]:
    """The group roles of a class in ``database``: ``<db>_students`` and ``<db>_instructors``.

    Roles belong to the whole PostgreSQL server, so the database name keeps two classes on one
    server apart.
    """
    base = re.sub(r"[^a-z0-9_]+", "_", database.lower()).strip("_")[:48] or "studyvm"
    return f"{base}_students", f"{base}_instructors"


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


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


def apply_security(conn: Connection, students: str, instructors: str) -> None:
    """Grants, ``ENABLE`` + ``FORCE ROW LEVEL SECURITY`` and the policies, on every table.

    Idempotent: policies are dropped and made again, so running it after a migration covers new
    tables. Runs inside the caller's transaction, as the owner.
    """
    s, i = _q(conn, students), _q(conn, instructors)
    database = _q(conn, conn.execute(text("SELECT current_database()")).scalar_one())
    statements = [
        f"REVOKE ALL ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {s}, {i}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {s}, {i}",
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {s}",
    ]
    for table in READ_ONLY_TABLES:
        statements.append(f"GRANT SELECT ON {table} TO {s}, {i}")
    for table, predicate in PROGRESS_TABLES.items():
        statements += [
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {s}",
            f"GRANT SELECT ON {table} TO {i}",
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {POLICY_STUDENT} ON {table}",
            f"CREATE POLICY {POLICY_STUDENT} ON {table} FOR ALL TO {s} USING ({predicate}) WITH CHECK ({predicate})",
            f"DROP POLICY IF EXISTS {POLICY_INSTRUCTOR} ON {table}",
            # Instructors hold only SELECT (granted above); the owner, one of them, keeps every right.
            f"CREATE POLICY {POLICY_INSTRUCTOR} ON {table} FOR ALL TO {i} USING (true) WITH CHECK (true)",
        ]
    for statement in statements:
        conn.exec_driver_sql(statement)


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
        stored = dict(conn.execute(text("SELECT kind, role FROM class_role")).all())
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
            conn.exec_driver_sql(f"CREATE ROLE {_q(conn, group)} NOLOGIN")
        me = conn.execute(text("SELECT current_user")).scalar_one()
        if not conn.execute(text("SELECT pg_has_role(:g, 'MEMBER')"), {"g": instructors}).scalar():
            conn.exec_driver_sql(f"GRANT {_q(conn, instructors)} TO {_q(conn, me)}")
        conn.exec_driver_sql("DELETE FROM class_role")
        conn.execute(
            text("INSERT INTO class_role (kind, role) VALUES (:k1, :r1), (:k2, :r2)"),
            {"k1": STUDENT, "r1": students, "k2": INSTRUCTOR, "r2": instructors},
        )
        apply_security(conn, students, instructors)
        return _info(conn)


def reapply_security(conn: Connection) -> None:
    """After a migration on a class database, cover new tables with the same policies."""
    if conn.dialect.name != "postgresql" or not conn.execute(text("SELECT to_regclass('class_role')")).scalar():
        return
    roles = dict(conn.execute(text("SELECT kind, role FROM class_role")).all())
    if STUDENT in roles and INSTRUCTOR in roles:
        apply_security(conn, roles[STUDENT], roles[INSTRUCTOR])


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
    password = generate_password()
    with writer(engine).connect() as conn, conn.begin():
        exists = _role_exists(conn, name)
        is_student = (
            exists
            and conn.execute(text("SELECT pg_has_role(:n, :g, 'MEMBER')"), {"n": name, "g": info.students}).scalar()
        )
        if exists and not is_student:
            raise ClassDBError(f"a database role '{name}' already exists and is not a student of this class")
        if exists and not new_password:
            raise ClassDBError(f"'{name}' is already a student; give --new-password to issue a new password")
        pgconn = conn.connection.dbapi_connection.pgconn
        verifier = pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
        role = _q(conn, name)
        if exists:
            conn.exec_driver_sql(f"ALTER ROLE {role} WITH LOGIN PASSWORD {_literal(verifier)}")
        else:
            conn.exec_driver_sql(
                f"CREATE ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                f"PASSWORD {_literal(verifier)} IN ROLE {_q(conn, info.students)}"
            )
    return password
