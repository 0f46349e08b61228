"""The in-memory review queue: its order and counts, and that it never shows what changed elsewhere."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from studyvm.config import Settings
from studyvm.store.micros import micros_of
from studyvm.study.queue import DueQueue
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _t(moment: datetime) -> int:
    return micros_of(moment)


def _queue(cards, counts=None, new=None, pack=None) -> DueQueue:
    """A queue over ``cards``: (due, id, pack, question id, state)."""
    meta = {card_id: (p, qid, state) for _due, card_id, p, qid, state in cards}
    scheduled = sorted((_t(due), card_id) for due, card_id, p, _q, _s in cards if pack is None or p == pack)
    return DueQueue(
        _t(T0 + timedelta(hours=2)),
        pack,
        scheduled,
        counts or {},
        lambda ids: {i: meta[i] for i in ids},
        lambda p: list((new or {}).get(p, [])),
    )


def test_order_limits_and_counts() -> None:
    m = timedelta(minutes=1)
    cards = [
        (T0 - 5 * m, 7, "b", "b7", 2),
        (T0 - 5 * m, 3, "a", "a3", 2),
        (T0 - m, 4, "a", "a4", 1),
        (T0 + 10 * m, 9, "a", "a9", 1),
        (T0 + 90 * m, 5, "b", "b5", 1),
    ]
    new = {"a": [(0, 20, "a0"), (1, 21, "a1")], "b": [(0, 30, "b0")]}
    q = _queue(cards, {"a": 2, "b": 1}, new)
    now, ahead = _t(T0), _t(T0 + 20 * m)
    assert q.next(now, ahead, True, True) == ("a", 3, "a3", 2)  # same due time: lower card id first
    assert _queue(cards, {"a": 2, "b": 1}, new, pack="b").next(now, ahead, True, True) == ("b", 7, "b7", 2)
    assert q.next(now, ahead, True, False) == ("a", 4, "a4", 1)  # review limit reached: learning only
    assert q.counts(now, 100, 20) == (3, 3) and q.counts(now, 2, 1) == (2, 1)
    assert _queue(cards, {"a": 2, "b": 1}, new, pack="b").counts(now, 100, 20) == (1, 1)
    later = _t(T0 + timedelta(days=3))
    for card_id, qid, state, pack, due in (
        (3, "a3", 2, "a", T0 - 5 * m),
        (7, "b7", 2, "b", T0 - 5 * m),
        (4, "a4", 1, "a", T0 - m),
    ):
        q.answered(pack, card_id, qid, (state, _t(due)), (2, later, True))
    assert q.next(now, ahead, True, True) == ("a", 20, "a0", 0)  # then new cards, in pack order
    q.answered("a", 20, "a0", (0, None), (1, _t(T0 + 5 * m), True))
    assert q.next(now, ahead, True, True) == ("a", 21, "a1", 0)
    assert q.counts(now, 100, 20) == (0, 2)
    assert q.next(now, ahead, False, True) == ("a", 20, "a0", 1)  # no new allowed: learning ahead
    assert q.next(_t(T0 - 10 * m), _t(T0 - 9 * m), False, True) is None


def _service(home: Path, clock: FakeClock, pack) -> StudyService:
    return StudyService(
        Settings(home=home, learner="ada"),
        packs={pack.id: pack},
        clock=clock,
        tz=UTC,
        fuzz=False,
        seed=1,
        new_per_day=5,
    )


def _flips(n: int) -> list[dict]:
    return [{"id": f"f{i}", "type": "flip", "prompt": f"{i}?", "back": "x", "topic": "t"} for i in range(n)]


def test_changes_by_another_process_are_seen(tmp_path: Path) -> None:
    pack, clock = make_pack("p", _flips(6)), FakeClock(T0)
    with _service(tmp_path, clock, pack) as one, _service(tmp_path, clock, pack) as two:
        first = one.next_card()
        assert first is not None and first.question_id == "f0"
        two.answer(two.next_card(), rating=4)  # f0 answered by the other process: Easy, due in days
        again = one.next_card()
        # f1..f5 wait, but the other process used one of the day's five new cards (F18)
        assert again is not None and again.question_id == "f1" and again.new == 4
        db = sqlite3.connect(tmp_path / "studyvm.sqlite3")
        with db:
            db.execute("UPDATE card_state SET queue = -1, suspended = 1 WHERE question_id = 'f1'")
        db.close()
        shown = one.next_card()
        assert shown is not None and shown.question_id == "f2" and shown.new == 4  # f2..f5, four allowed


def test_cards_coming_due_later_in_the_day_are_shown(tmp_path: Path) -> None:
    pack, clock = make_pack("p", _flips(1)), FakeClock(T0)
    with _service(tmp_path, clock, pack) as svc:
        db = sqlite3.connect(tmp_path / "studyvm.sqlite3")
        with db:  # a learning card due in two hours (past the queue's horizon when it is built)
            db.execute(
                "UPDATE card_state SET queue = 1, state = 1, step = 1, stability = 1, difficulty = 5, due = ?, last_review = ?",
                (micros_of(datetime(2026, 3, 2, 11, tzinfo=UTC)), micros_of(datetime(2026, 3, 2, 8, 50, tzinfo=UTC))),
            )
        db.close()
        assert svc.next_card() is None
        clock.advance(hours=1, minutes=30)
        assert svc.next_card() is None
        clock.advance(minutes=40)  # due now: the queue is built again, the card shows
        card = svc.next_card()
        assert card is not None and card.question_id == "f0" and card.state == "learning" and card.due == 1
