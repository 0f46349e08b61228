"""The figures the review path keeps between calls (new cards waiting, streak, reviews today) stay
true: after this service's answers, after another session's, and across days; and a next card reads
SQLite's change counter once, a new day with nothing buried writes nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from studyvm.config import Settings
from studyvm.store import hotpath
from studyvm.study.glance import streak
from studyvm.study.scheduling import day_of
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _service(home: Path, clock: FakeClock, pack) -> StudyService:
    return StudyService(
        Settings(home=home, learner="ada"), packs={pack.id: pack}, clock=clock, tz=UTC, fuzz=False, seed=1
    )


def _flips(n: int) -> list[dict]:
    return [{"id": f"f{i}", "type": "flip", "prompt": f"{i}?", "back": "x", "topic": "t"} for i in range(n)]


def _new_waiting(svc: StudyService) -> int:
    return svc.due_counts()["p"].new


def test_kept_figures_follow_own_and_other_answers(tmp_path: Path) -> None:
    pack, clock = make_pack("p", _flips(8)), FakeClock(T0)
    with _service(tmp_path, clock, pack) as one, _service(tmp_path, clock, pack) as two:
        assert one.today() == (0, 0) and _new_waiting(one) == 8
        one.answer(one.next_card(), rating=3)
        assert one.today() == (1, 1) and _new_waiting(one) == 7  # this service's answer, counted as it came
        two.answer(two.next_card(), rating=3)
        two.answer(two.next_card(), rating=3)
        assert one.today() == (1, 3) and _new_waiting(one) == 5  # another session's: read again
        assert one.undo_action() is not None  # this service's undo, written through the engine
        assert one.today() == (1, 2) and _new_waiting(one) == 6
        one.answer(one.next_card(), rating=3)
        clock.advance(days=1)
        assert one.today() == (1, 0)  # a new day: yesterday's reviews keep the streak
        one.answer(one.next_card(), rating=3)
        assert one.today() == (2, 1) and two.today() == (2, 1)
        clock.advance(days=2)
        assert one.today() == (0, 0)


def test_streak_read_back_matches_the_whole_history(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "d.sqlite3")
    db.execute(
        "CREATE TABLE review_day_stats (learner_id INTEGER, review_day INTEGER, reviews INTEGER, "
        "PRIMARY KEY (learner_id, review_day))"
    )
    today = 740_000
    histories = [
        {},
        {today: 3},
        {today - 1: 2, today - 2: 1, today - 4: 7},
        {today: 1, today - 1: 1, today - 3: 1},
        {today - 2: 5},
        {today: 0, today - 1: 4},  # a day whose reviews were all undone does not count
        {today + 1: 9, today: 2},  # a later day (another time zone) is not read
        {d: 1 for d in range(today - 400, today + 1)},
    ]
    for history in histories:
        db.execute("DELETE FROM review_day_stats")
        db.executemany("INSERT INTO review_day_stats VALUES (1, ?, ?)", list(history.items()))
        days = {d for d, n in history.items() if n > 0 and d <= today}
        expected = (streak(days, today), history.get(today, 0))
        assert hotpath.streak_and_reviews(db, 1, today) == expected, history
        assert hotpath.streak_and_reviews(db, 2, today) == (0, 0)


def _statements(svc: StudyService) -> list[str]:
    fast = svc._review_path()
    assert fast is not None
    seen: list[str] = []
    fast.conn.set_trace_callback(seen.append)
    return seen


def test_next_card_reads_the_change_counter_once(tmp_path: Path) -> None:
    pack, clock = make_pack("p", _flips(4)), FakeClock(T0)
    with _service(tmp_path, clock, pack) as svc:
        svc.answer(svc.next_card(), rating=3)
        seen = _statements(svc)
        assert svc.next_card() is not None
        assert sum("data_version" in s for s in seen) == 1


def test_a_new_day_with_nothing_buried_writes_nothing(tmp_path: Path) -> None:
    pack, clock = make_pack("p", _flips(3)), FakeClock(T0)
    with _service(tmp_path, clock, pack) as svc:
        svc.answer(svc.next_card(), rating=3)
        clock.advance(days=1)
        seen = _statements(svc)
        assert svc.next_card() is not None
        assert not [s for s in seen if s.startswith(("BEGIN", "UPDATE", "INSERT", "DELETE"))]
        first = svc.next_card()
        assert first is not None and svc.bury(first)
        clock.advance(days=1)  # the burial is over: the day starts by putting the card back
        seen = _statements(svc)
        shown = svc.next_card()
        assert any(s.startswith("BEGIN") for s in seen)
        assert shown is not None and shown.question_id == first.question_id
        assert day_of(clock(), UTC) == day_of(T0 + timedelta(days=2), UTC)
