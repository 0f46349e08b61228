"""The store on both databases: schema, pragmas, migrations from the first schema, two writers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from studyvm.store.engine import (
    SCHEMA_HEAD,
    current_revision,
    head_revision,
    make_engine,
    migrate,
    open_database,
    write_session,
)
from studyvm.store.models import UTCDateTime

T0 = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)


def test_open_creates_the_newest_schema_matching_the_models(db_url: str) -> None:
    engine = open_database(db_url)
    assert current_revision(engine) == head_revision() == SCHEMA_HEAD
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert {"learner", "card_state", "review_log", "attempt", "attempt_answer", "mistake"} <= tables
    open_database(db_url)  # a second open is a no-op
    engine.dispose()


def test_sqlite_pragmas(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_switching_to_wal_waits_for_a_connection_holding_the_database(tmp_path) -> None:
    # SQLite does not call the busy handler for a journal-mode change: without a retry, a
    # connection arriving while another holds a fresh database fails with "database is locked".
    import sqlite3

    path = tmp_path / "fresh.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")  # a writer holds RESERVED: readers get in, a mode switch cannot
    timer = threading.Timer(0.3, holder.execute, ("COMMIT",))
    timer.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        timer.join()
        engine.dispose()
        holder.close()


def test_datetimes_come_back_aware_utc(db_url: str) -> None:
    engine = open_database(db_url)
    with write_session(engine) as s:
        s.execute(text("INSERT INTO learner (name, created_at) VALUES ('x', :t)").bindparams(t=T0.replace(tzinfo=None)))
    with engine.connect() as conn:
        from sqlalchemy import column, select, table

        got = conn.execute(select(column("created_at", UTCDateTime())).select_from(table("learner"))).scalar()
    assert got == T0 and got.tzinfo is not None
    engine.dispose()


def _seed_first_schema(engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', :t)"), {"t": "2026-01-05 08:30:00"}
        )
        conn.execute(
            text(
                "INSERT INTO card_state (learner_id, pack_id, question_id, position, queue, state, step, stability,"
                " difficulty, due, last_review, reps, lapses, suspended, leech, removed)"
                " VALUES (1, 'virt', 'q1', 0, 1, 2, NULL, 12.5, 5.1, :due, :t, 3, 1, false, false, false)"
            ),
            {"due": "2026-01-17 08:30:00", "t": "2026-01-05 08:30:00"},
        )
        conn.execute(
            text(
                "INSERT INTO review_log (learner_id, pack_id, question_id, rating, reviewed_at, review_day,"
                " state_before) VALUES (1, 'virt', 'q1', 3, :t, 739256, 2)"
            ),
            {"t": "2026-01-05 08:30:00"},
        )


def test_migration_from_the_first_schema_keeps_every_row(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    _seed_first_schema(engine)
    engine.dispose()
    engine = open_database(db_url)  # what a newer StudyVM does on start
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM learner")).scalars().all() == ["ada"]
        row = conn.execute(text("SELECT stability, reps, lapses FROM card_state")).one()
        assert (row.stability, row.reps, row.lapses) == (12.5, 3, 1)
        assert conn.execute(text("SELECT count(*) FROM review_log")).scalar() == 1
        logged = "SELECT c.pack_id, c.question_id FROM review_log l JOIN card_state c ON c.id = l.card_id"
        assert tuple(conn.execute(text(logged)).one()) == ("virt", "q1")  # 0006: the card names the question
        assert conn.execute(text("SELECT count(*) FROM attempt")).scalar() == 0
        day = conn.execute(text("SELECT review_day, reviews, review_cards, lapses FROM review_day_stats")).one()
        assert tuple(day) == (739256, 1, 1, 0)  # the log's history summed by the migration
    engine.dispose()


def test_two_writers_at_once_never_fail(db_url: str) -> None:
    open_database(db_url).dispose()
    engines = [make_engine(db_url) for _ in range(2)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(40):
                with write_session(engines[n]) as s:
                    s.execute(
                        text("INSERT INTO learner (name, created_at) VALUES (:n, :t)"),
                        {"n": f"w{n}-{i}", "t": "2026-01-05 08:30:00"},
                    )
                    s.execute(text("SELECT count(*) FROM learner")).scalar()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engines[0].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM learner")).scalar() == 80
    for e in engines:
        e.dispose()


def test_two_processes_opening_a_new_database_at_once(tmp_path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    code = "import sys; from studyvm.store.engine import open_database; open_database(sys.argv[1]).dispose()"
    procs = [subprocess.Popen([sys.executable, "-c", code, url]) for _ in range(2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert current_revision(make_engine(url)) == head_revision()
