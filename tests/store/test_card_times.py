"""Migration 0007: card_state's times as integer microseconds in SQLite, kept exactly, both ways;
and every hot-path statement on those columns still read through its index."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from studyvm.store import hotpath
from studyvm.store.engine import _alembic_config, make_engine, migrate, open_database, writer
from studyvm.store.models import CardState

CARD = (
    "INSERT INTO card_state (learner_id, pack_id, question_id, position, queue, state, reps, lapses, suspended,"
    " leech, removed, due, last_review, buried_until) VALUES (1, 'virt', :q, :pos, :queue, :state, 1, 0, false,"
    " false, false, :due, :last, :buried)"
)
# (question, queue, state, due, last review, buried until) as 0006 stored them (naive UTC text on SQLite)
SEEDED = (
    ("q1", 1, 2, "2026-01-17 08:30:00.000001", "2026-01-05 08:30:00.250000", None),
    ("q2", -2, 1, "1969-12-31 23:59:59.999999", "2026-01-05 08:30:00", "2026-01-06 04:00:00.000000"),
    ("q3", 0, 0, None, None, None),
)
EXPECTED = [
    (
        datetime(2026, 1, 17, 8, 30, 0, 1, tzinfo=UTC),
        datetime(2026, 1, 5, 8, 30, 0, 250000, tzinfo=UTC),
        None,
    ),
    (
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 1, 5, 8, 30, tzinfo=UTC),
        datetime(2026, 1, 6, 4, tzinfo=UTC),
    ),
    (None, None, None),
]


def _seed_0006(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', '2026-01-05')"))
        for pos, (q, queue, state, due, last, buried) in enumerate(SEEDED):
            conn.execute(
                text(CARD),
                {"q": q, "pos": pos, "queue": queue, "state": state, "due": due, "last": last, "buried": buried},
            )


def _times(conn) -> list[tuple]:
    table = CardState.__table__
    query = select(table.c.due, table.c.last_review, table.c.buried_until).order_by(table.c.position)
    return [tuple(row) for row in conn.execute(query)]


def test_upgrade_from_0006_keeps_every_time_exactly(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0006")
    _seed_0006(engine)
    engine.dispose()
    engine = open_database(db_url)
    with engine.connect() as conn:
        times = _times(conn)
        stored = conn.execute(text("SELECT due, last_review, buried_until FROM card_state ORDER BY position")).all()
        columns = {col["name"]: str(col["type"]) for col in inspect(conn).get_columns("card_state")}
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("card_state")}
        free_pages = conn.exec_driver_sql("PRAGMA freelist_count").scalar() if db_url.startswith("sqlite") else 0
    engine.dispose()
    assert times == EXPECTED  # aware UTC, to the microsecond
    assert indexes >= {"ix_card_state_queue", "ix_card_state_pack_queue", "ix_card_state_new"}
    if db_url.startswith("sqlite"):
        assert [tuple(r) for r in stored] == [
            (1768638600000001, 1767601800250000, None),
            (-1, 1767601800000000, 1767672000000000),
            (None, None, None),
        ]
        assert {columns[c] for c in ("due", "last_review", "buried_until")} == {"BIGINT"}
        assert free_pages == 0  # the copied table's old pages given back (VACUUM after 0006 -> 0007)
    else:  # PostgreSQL keeps its timestamp type
        assert {columns[c] for c in ("due", "last_review", "buried_until")} == {"TIMESTAMP"}


def test_downgrade_to_0006_puts_the_text_back(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0006")
    _seed_0006(engine)
    migrate(engine, "head")
    with writer(engine).begin() as conn:
        command.downgrade(_alembic_config(conn), "0006")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT due, last_review, buried_until FROM card_state ORDER BY position")).all()
        times = _times(conn) if not db_url.startswith("sqlite") else None
    engine.dispose()
    if db_url.startswith("sqlite"):  # the text 0006 wrote, fraction always there
        assert [tuple(r) for r in stored] == [
            ("2026-01-17 08:30:00.000001", "2026-01-05 08:30:00.250000", None),
            ("1969-12-31 23:59:59.999999", "2026-01-05 08:30:00.000000", "2026-01-06 04:00:00.000000"),
            (None, None, None),
        ]
    else:
        assert times == EXPECTED


def test_the_orm_and_the_hot_path_store_the_same_value(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    moment = datetime(2026, 3, 2, 11, 0, 0, 123456, tzinfo=UTC)
    with writer(engine).begin() as conn:
        conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', '2026-01-05')"))
        conn.execute(CardState.__table__.insert().values(learner_id=1, pack_id="p", question_id="q", due=moment))
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT due FROM card_state").scalar()
        back = conn.execute(select(CardState.__table__.c.due)).scalar()
    engine.dispose()
    assert raw == hotpath.stamp_of(moment) and hotpath.from_stamp(raw) == back == moment


# The statements the review queue, the dashboard and the per-pack limits run on card_state's times.
HOT = {
    "due cards, all packs": ("ix_card_state_queue", hotpath.scheduled, ()),
    "due cards, one pack": ("ix_card_state_pack_queue", hotpath.scheduled, ("p",)),
    "due count of a pack": ("ix_card_state_pack_queue", hotpath.due_count, ("p",)),
    "burial over": ("ix_card_state_queue", hotpath.burial_over, ()),
}


@pytest.mark.parametrize("name", sorted(HOT))
def test_hot_statements_on_the_times_use_their_index(sqlite_url: str, name: str) -> None:
    index, func, extra = HOT[name]
    engine = open_database(sqlite_url)
    raw = engine.raw_connection()
    conn = raw.driver_connection
    sent: list[str] = []
    conn.set_trace_callback(sent.append)
    now = hotpath.stamp_of(datetime(2026, 3, 2, tzinfo=UTC))
    if func is hotpath.due_count:
        func(conn, 1, extra[0], now)
    elif func is hotpath.scheduled:
        func(conn, 1, now, *extra)
    else:
        func(conn, 1, now)
    conn.set_trace_callback(None)
    plan = [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sent[-1]).fetchall()]
    raw.close()
    engine.dispose()
    assert any(index in line and ("due<?" in line or "queue=?" in line) for line in plan), plan
    assert not any("TEMP B-TREE" in line or line.startswith("SCAN") for line in plan), plan


def test_the_dashboard_glance_reads_nothing_from_an_older_schema(tmp_path: Path) -> None:
    # Before 0007 a due time was text, which SQLite sorts after every integer: read with 0007's
    # statements, an old database would show no card due. The service migrates it first instead.
    from study.helpers import FakeClock, make_pack

    from studyvm.config import Settings
    from studyvm.study.glance import glance_for
    from studyvm.study.service import StudyService

    clock = FakeClock()
    flips = [{"id": f"f{i}", "type": "flip", "prompt": f"{i}?", "back": "x", "topic": "t"} for i in range(4)]
    packs, options = {"a": make_pack("a", flips)}, {"clock": clock, "tz": UTC, "fuzz": False}
    settings = Settings(home=tmp_path, learner="ada")
    with StudyService(settings, packs=packs, **options) as svc:
        for _ in range(2):
            svc.answer(svc.next_card(), rating=3)
    clock.advance(days=30)
    current = glance_for(settings, packs, **options)
    assert current is not None and current[0]["a"][0] == 2  # both answered cards are due again
    engine = make_engine(f"sqlite:///{tmp_path / 'studyvm.sqlite3'}")
    with writer(engine).begin() as conn:
        command.downgrade(_alembic_config(conn), "0006")
    engine.dispose()
    assert glance_for(settings, packs, **options) is None
    with StudyService(settings, packs=packs, **options) as svc:  # migrates it back
        assert svc.due_counts()["a"].due == 2
    assert glance_for(settings, packs, **options) == current
