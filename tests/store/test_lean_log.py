"""Migration 0005 and what it serves: the last rating kept on the card, per-pack day totals, the
review log with one narrow index (a card's history), retention from the day totals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from study.helpers import FakeClock, make_pack

from studyvm.config import Settings
from studyvm.store.engine import make_engine, migrate, open_database
from studyvm.study import undosnap
from studyvm.study.browse import act, find_cards, history
from studyvm.study.service import StudyService

T0 = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
DAY = T0.date().toordinal()


def _seed_0004(engine) -> None:
    """A 0004 database: q1 answered Again then Good, q2 answered then forgotten, q3 new."""
    card = (
        "INSERT INTO card_state (id, learner_id, pack_id, question_id, position, queue, state, reps, lapses,"
        " suspended, leech, removed) VALUES (:id, 1, 'virt', :q, :id, :queue, :state, 1, 0, false, false, false)"
    )
    log = (
        "INSERT INTO review_log (learner_id, pack_id, question_id, rating, reviewed_at, review_day, state_before)"
        " VALUES (1, 'virt', :q, :rating, :t, :day, :before)"
    )
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', :t)"), {"t": "2026-01-05"})
        for id_, q, queue, state in ((1, "q1", 1, 2), (2, "q2", 0, 0), (3, "q3", 0, 0)):
            conn.execute(text(card), {"id": id_, "q": q, "queue": queue, "state": state})
        for q, rating, day, before in (("q1", 1, DAY - 8, 0), ("q2", 3, DAY - 1, 0), ("q1", 3, DAY, 2)):
            conn.execute(
                text(log), {"q": q, "rating": rating, "t": "2026-01-05 08:30:00", "day": day, "before": before}
            )


def test_upgrade_from_0004_keeps_the_history_and_fills_the_new_columns(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0004")
    _seed_0004(engine)
    engine.dispose()
    engine = open_database(db_url)
    with engine.connect() as conn:
        ratings = dict(conn.execute(text("SELECT question_id, last_rating FROM card_state")).all())
        assert ratings == {"q1": 3, "q2": None, "q3": None}  # q2 was forgotten: new again, no last rating
        cards = conn.execute(
            text(
                "SELECT c.question_id, l.card_id FROM review_log l JOIN card_state c ON c.id = l.card_id ORDER BY l.id"
            )
        ).all()
        assert [tuple(r) for r in cards] == [("q1", 1), ("q2", 2), ("q1", 1)]
        days = conn.execute(
            text("SELECT review_day, pack_id, new_cards, review_cards FROM pack_day_stats ORDER BY review_day")
        ).all()
        assert [tuple(r) for r in days] == [(DAY - 8, "virt", 1, 0), (DAY - 1, "virt", 1, 0), (DAY, "virt", 0, 1)]
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("review_log")}
        free_pages = conn.exec_driver_sql("PRAGMA freelist_count").scalar() if db_url.startswith("sqlite") else 0
    engine.dispose()
    assert indexes == {"ix_review_log_card_id"}  # the two wide indexes are gone
    assert free_pages == 0  # and their space given back to the disk (VACUUM after the upgrade)


def test_a_cards_history_is_read_through_the_narrow_index(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT rating FROM review_log WHERE card_id = "
            "(SELECT id FROM card_state WHERE learner_id = 1 AND pack_id = 'p' AND question_id = 'q') ORDER BY id"
        ).all()
    engine.dispose()
    assert any("ix_review_log_card_id" in str(row[-1]) for row in plan), plan


def _service(settings: Settings, clock: FakeClock) -> StudyService:
    pack = make_pack()
    return StudyService(settings, packs={pack.id: pack}, clock=clock, tz=UTC, fuzz=False, seed=1)


def _last(svc: StudyService, qid: str) -> int | None:
    with svc.engine.connect() as conn:
        return conn.execute(text("SELECT last_rating FROM card_state WHERE question_id = :q"), {"q": qid}).scalar_one()


def test_the_last_rating_follows_answer_undo_and_forget(db_url: str, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    db = None if db_url.startswith("sqlite") else db_url
    with _service(Settings(home=tmp_path, learner="ada", db_url=db), clock) as svc:
        card = svc.card("virt", "flip-1")
        svc.answer(card, rating=1)
        assert _last(svc, "flip-1") == 1
        clock.advance(minutes=10)
        svc.answer(svc.card("virt", "flip-1"), rating=3)
        assert _last(svc, "flip-1") == 3
        assert svc.undo() == ("virt", "flip-1")
        assert _last(svc, "flip-1") == 1  # back to the answer before
        svc.undo()
        assert _last(svc, "flip-1") is None  # back to new
        svc.answer(svc.card("virt", "flip-1"), rating=4)
        (listed,) = find_cards(svc, "VMCS")
        assert listed.last_rating == 4
        assert act(svc, "forget", [listed]) == 1
        assert _last(svc, "flip-1") is None
        (forgotten,) = find_cards(svc, "VMCS")
        assert forgotten.last_rating is None and forgotten.state == "new"
        assert [h.rating for h in history(svc, "virt", "flip-1")] == ["Easy"]  # the history is kept


def test_undo_of_an_answer_recorded_before_the_column_reads_the_log(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    with _service(Settings(home=tmp_path, learner="ada"), clock) as svc:
        svc.answer(svc.card("virt", "flip-1"), rating=2)
        clock.advance(minutes=10)
        svc.answer(svc.card("virt", "flip-1"), rating=3)
        with svc.engine.begin() as conn:  # the snapshot of an answer written by 0004's code
            prev = undosnap.decode(
                conn.execute(text("SELECT prev FROM review_log ORDER BY id DESC LIMIT 1")).scalar_one()
            )
            assert prev.last_rating == 2
            old = {**prev.fields.as_dict(), "suspended": prev.suspended, "leech": prev.leech, "buried_until": None}
            conn.execute(
                text("UPDATE review_log SET prev = :p WHERE id = (SELECT max(id) FROM review_log)"),
                {"p": json.dumps(old)},
            )
        svc.undo()
        assert _last(svc, "flip-1") == 2


@pytest.mark.parametrize("ratings", [(3, 1, 3, 4), (1, 1, 2)])
def test_retention_by_week_comes_from_the_day_totals(tmp_path: Path, ratings: tuple[int, ...]) -> None:
    clock = FakeClock(T0)
    with _service(Settings(home=tmp_path, learner="ada"), clock) as svc:
        svc.answer(svc.card("virt", "flip-1"), rating=4)  # new -> review
        expected: list[int] = []
        for rating in ratings:
            clock.advance(days=60)  # due again, in the Review state
            svc.answer(svc.card("virt", "flip-1"), rating=rating)
            expected.append(rating != 1)
            if rating == 1:  # relearn back to Review
                clock.advance(days=1)
                svc.answer(svc.card("virt", "flip-1"), rating=4)
        shares = svc.retention_by_week(weeks=100)
    assert sorted(shares) == sorted(float(right) for right in expected)
