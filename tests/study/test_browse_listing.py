"""The browser's listing is reused between searches only while nothing changed: an answer on the
review path, a suspension through the engine and another process's answer each show at once."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from studyvm.config import Settings
from studyvm.study.browse import find_cards
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


def _service(home: Path, clock: FakeClock) -> StudyService:
    pack = make_pack()
    return StudyService(Settings(home=home, learner="ada"), packs={pack.id: pack}, clock=clock, tz=UTC, fuzz=False)


def _ids(svc: StudyService, query: str) -> set[str]:
    return {c.question_id for c in find_cards(svc, query)}


def test_every_change_shows_in_the_next_search(tmp_path: Path) -> None:
    clock = FakeClock()
    with _service(tmp_path, clock) as one, _service(tmp_path, clock) as two:
        new = _ids(one, "is:new")
        assert _ids(one, "is:new") == new  # nothing changed: the same cards
        card = one.next_card()
        assert card is not None
        assert "browse_rows" in one.caches
        one.answer(card, rating=1)  # on the review path's own connection
        assert "browse_rows" in one.caches  # this service's own change: the listing is kept, the card re-read
        assert _ids(one, "is:new") == new - {card.question_id}
        assert _ids(one, "is:learn") == {card.question_id}
        one.suspend(card)  # through the engine
        assert _ids(one, "is:suspended") == {card.question_id}
        other = two.next_card()
        assert other is not None and other.question_id != card.question_id
        two.answer(other, rating=3)  # another process
        assert _ids(one, "is:new") == new - {card.question_id, other.question_id}
        clock.advance(days=30)  # time alone: due is worked out at each search
        assert {card.question_id, other.question_id} - _ids(one, "is:due") == {card.question_id}  # suspended


def test_sorting_gives_the_order_of_one_sort_on_the_key(tmp_path: Path) -> None:
    import random
    from datetime import timedelta

    from studyvm.study.browse import SORTS, CardInfo, sort_cards

    rng, now = random.Random(7), FakeClock().now
    cards = [
        CardInfo(
            pack_id=rng.choice("ab"),
            question_id=f"q{rng.randrange(40)}",  # the same id in two packs: ties keep their order
            prompt=rng.choice(["Alpha", "beta", "alpha"]),
            topic=rng.choice(["t1", "t2"]),
            type="flip",
            state="review",
            due=None if rng.random() < 0.3 else now + timedelta(days=rng.randrange(5)),
            ivl=rng.choice([0.0, 1.5, 3.25]),
            lapses=rng.randrange(3),
            reps=rng.randrange(3),
            last_rating=rng.choice([None, 1, 3]),
        )
        for _ in range(300)
    ]
    keys = {
        "due": lambda c: (c.due is None, c.due or now, c.question_id),
        "ivl": lambda c: (c.ivl, c.question_id),
        "lapses": lambda c: (c.lapses, c.question_id),
        "reps": lambda c: (c.reps, c.question_id),
        "rating": lambda c: (c.last_rating or 0, c.question_id),
        "question": lambda c: (c.prompt.lower(), c.question_id),
        "topic": lambda c: (c.topic, c.question_id),
    }
    for sort in SORTS:
        for reverse in (False, True):
            expected = sorted(cards, key=keys[sort], reverse=reverse)
            assert [id(c) for c in sort_cards(cards, sort, reverse)] == [id(c) for c in expected], (sort, reverse)
