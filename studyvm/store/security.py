"""The access rules of a class database: grants, forced row-level security and the policies.

Kept apart from :mod:`studyvm.store.classdb` (roles and set-up) so that the engine can re-apply
the rules after a migration without importing the set-up code. Every statement here runs inside
the caller's transaction, as the owner of the tables; see :mod:`studyvm.store.classdb` for the
model they enforce.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

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
    "pack_day_stats": f"learner_id = {OWN_LEARNER}",
    "attempt_answer": f"attempt_id IN (SELECT a.id FROM attempt a WHERE a.learner_id = {OWN_LEARNER})",
}
"""Every table holding a learner's data, with the row predicate a student's policy enforces."""
READ_ONLY_TABLES = ("alembic_version", "class_role")
"""Tables every member may read and nobody but the owner may write."""


def owns_table(conn: Connection, table: str) -> bool | None:
    """On PostgreSQL, whether the connected role owns ``table`` (or is a superuser or a member of
    its owner); ``None`` when there is no such table."""
    return conn.execute(
        text(
            "SELECT pg_has_role(t.tableowner, 'MEMBER') FROM pg_tables t "
            "WHERE t.schemaname = current_schema() AND t.tablename = :t"
        ),
        {"t": table},
    ).scalar()


def quote_role(conn: Connection, name: str) -> str:
    """``name`` as an always-quoted SQL identifier."""
    return conn.dialect.identifier_preparer.quote_identifier(name)


def apply_security(conn: Connection, students: str, instructors: str) -> None:
    """Grants, ``ENABLE`` + ``FORCE ROW LEVEL SECURITY`` and the policies, on every table.

    Idempotent: policies are dropped and made again, so running it after a migration covers new
    tables. Runs inside the caller's transaction, as the owner.
    """
    s, i = quote_role(conn, students), quote_role(conn, instructors)
    database = quote_role(conn, conn.execute(text("SELECT current_database()")).scalar_one())
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


def stored_roles(conn: Connection) -> dict[str, str]:
    """The class's group roles by kind (``student``, ``instructor``); empty when not a class."""
    if conn.dialect.name != "postgresql" or not conn.execute(text("SELECT to_regclass('class_role')")).scalar():
        return {}
    return {str(kind): str(role) for kind, role in conn.execute(text("SELECT kind, role FROM class_role"))}


def reapply_security(conn: Connection) -> None:
    """After a migration on a class database, cover new tables with the same policies."""
    roles = stored_roles(conn)
    if STUDENT in roles and INSTRUCTOR in roles:
        apply_security(conn, roles[STUDENT], roles[INSTRUCTOR])
