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
        one.answer(card, rating=1)  # on the review path's own connection
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
