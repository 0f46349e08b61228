"""Migration 0006: the review log names its card by ``card_id`` alone, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, select, text

from studyvm.store.engine import _alembic_config, make_engine, migrate, open_database, writer
from studyvm.store.models import ReviewLog

LOG = (
    "INSERT INTO review_log (learner_id, pack_id, question_id, card_id, rating, reviewed_at, review_day,"
    " state_before, prev) VALUES (1, 'virt', :q, (SELECT id FROM card_state WHERE question_id = :card), :rating,"
    " :t, 739256, 0, :prev)"
)


def _seed_0005(engine) -> None:
    """Two cards; three answers, one of them (hand-edited) naming no card and a question without one."""
    card = (
        "INSERT INTO card_state (learner_id, pack_id, question_id, position, queue, state, reps, lapses,"
        " suspended, leech, removed, last_rating) VALUES (1, 'virt', :q, :pos, 1, 2, 1, 0, false, false, false, 3)"
    )
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', '2026-01-05')"))
        for pos, q in enumerate(("q1", "q2")):
            conn.execute(text(card), {"pos": pos, "q": q})
        for q, rating, prev, at in (
            ("q1", 3, '{"state": 0}', "2026-01-05 08:30:00.000001"),
            ("q2", 4, None, "1969-12-31 23:59:59.999999"),
            ("gone", 1, None, "2026-01-05 08:30:00"),
        ):
            conn.execute(text(LOG), {"q": q, "card": q, "rating": rating, "prev": prev, "t": at})


def test_upgrade_from_0005_keeps_every_answer_and_its_question(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0005")
    _seed_0005(engine)
    engine.dispose()
    engine = open_database(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.pack_id, c.question_id, l.rating, l.prev, c.removed FROM review_log l"
                " JOIN card_state c ON c.id = l.card_id ORDER BY l.id"
            )
        ).all()
        times = conn.execute(select(ReviewLog.__table__.c.reviewed_at).order_by(ReviewLog.__table__.c.id)).scalars()
        times = list(times)
        stored = conn.execute(text("SELECT reviewed_at FROM review_log ORDER BY id")).scalars().all()
        columns = {col["name"]: col for col in inspect(conn).get_columns("review_log")}
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("review_log")}
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("virt", "q1", 3, '{"state": 0}', False),
        ("virt", "q2", 4, None, False),
        ("virt", "gone", 1, None, True),  # a card was made for it, removed (no such question to study)
    ]
    assert "pack_id" not in columns and "question_id" not in columns
    assert columns["card_id"]["nullable"] is False
    assert indexes == {"ix_review_log_card_id"}
    assert times == [  # exact to the microsecond, aware UTC
        datetime(2026, 1, 5, 8, 30, 0, 1, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 1, 5, 8, 30, tzinfo=UTC),
    ]
    if db_url.startswith("sqlite"):  # stored as integer microseconds since the epoch
        assert stored == [1767601800000001, -1, 1767601800000000]


def test_downgrade_to_0005_puts_the_ids_back(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0005")
    _seed_0005(engine)
    migrate(engine, "head")
    with writer(engine).begin() as conn:
        command.downgrade(_alembic_config(conn), "0005")
    with engine.connect() as conn:
        times = conn.execute(text("SELECT reviewed_at FROM review_log ORDER BY id")).scalars().all()
        rows = conn.execute(
            text(
                "SELECT l.pack_id, l.question_id, c.question_id FROM review_log l"
                " JOIN card_state c ON c.id = l.card_id ORDER BY l.id"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("virt", "q1", "q1"), ("virt", "q2", "q2"), ("virt", "gone", "gone")]
    if db_url.startswith("sqlite"):  # the text 0005 wrote
        assert times == ["2026-01-05 08:30:00.000001", "1969-12-31 23:59:59.999999", "2026-01-05 08:30:00.000000"]
