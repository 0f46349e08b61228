"""Two sessions and one daily new-card limit (issue 13 item 3), on SQLite and PostgreSQL.

The decision, as Anki's: the limit is checked when a card is drawn, and an answer the learner has
given is always recorded. So a new card already on screen in a second session is recorded even
if the first session used the day's last new card meanwhile: the day ends at most one new card
over per extra session, and neither session draws another new card that day. The same card on
screen in both sessions is new only once: the second answer is scheduled from the state the first
one left and counts no second new card.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from studyvm.config import Settings
from studyvm.study import daytotals
from studyvm.study.scheduling import day_of
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


def _flips(prefix: str, n: int) -> list[dict]:
    return [
        {"id": f"{prefix}{i}", "type": "flip", "prompt": f"{prefix} {i}?", "back": "x", "topic": "t"} for i in range(n)
    ]


PACKS = {"a": make_pack("a", _flips("a", 4)), "b": make_pack("b", _flips("b", 4))}


def _pair(tmp_path: Path, db_url: str, toml: str, clock: FakeClock) -> tuple[StudyService, StudyService]:
    home = tmp_path / "home"
    home.mkdir(parents=True, exist_ok=True)
    settings = Settings(home=home, learner="ada", db_url=None if db_url.startswith("sqlite") else db_url)
    settings.settings_file.write_text(toml)

    def make() -> StudyService:
        return StudyService(settings, packs=dict(PACKS), clock=clock, tz=UTC, fuzz=False, seed=1)

    return make(), make()


def _new_today(svc: StudyService) -> dict[str, int]:
    with svc.read() as session:
        done = daytotals.done_today(svc.learner_id, day_of(svc.clock(), svc.tz), session=session)
    return {pack: new for pack, (new, _reviews) in done.items() if new}


def test_a_new_card_already_on_screen_is_recorded_one_over_the_limit(db_url: str, tmp_path: Path) -> None:
    clock = FakeClock()
    one, two = _pair(tmp_path, db_url, "[study]\nnew_per_day = 1\n", clock)  # one new card a day, all packs
    with one, two:
        first, second = one.next_card("a"), two.next_card("b")  # each session shows a new card
        assert first is not None and second is not None and (first.state, second.state) == ("new", "new")
        one.answer(first, rating=4)  # the day's one new card
        outcome = two.answer(second, rating=4)  # already on screen: recorded all the same
        assert outcome.question_id == second.question_id
        assert _new_today(one) == {"a": 1, "b": 1}  # one over the limit, never more
        for svc in (one, two):  # and no session draws another new card today
            assert svc.next_card() is None
            assert sum(c.new for c in svc.due_counts().values()) == 0
        clock.advance(days=1)
        tomorrow = one.next_card()
        assert tomorrow is not None and tomorrow.state == "new"  # a new day, a new allowance


def test_the_same_new_card_in_both_sessions_is_new_once(db_url: str, tmp_path: Path) -> None:
    clock = FakeClock()
    one, two = _pair(tmp_path, db_url, '[limits.packs."a"]\nnew_per_day = 1\n', clock)
    with one, two:
        shown_one, shown_two = one.next_card("a"), two.next_card("a")
        assert shown_one is not None and shown_two is not None
        assert shown_one.question_id == shown_two.question_id and shown_two.state == "new"
        one.answer(shown_one, rating=1)  # Again: into learning
        two.answer(shown_two, rating=3)  # the second answer is a learning step, not a second new card
        assert _new_today(one) == {"a": 1}
        assert one.card("a", shown_one.question_id).state != "new"
        for svc in (one, two):  # pack a's one new card is used: no other is drawn today
            shown = svc.next_card("a")
            assert shown is None or (shown.question_id, shown.state) == (shown_one.question_id, "learning")
