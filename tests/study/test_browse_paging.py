"""The browser's search by pages: the count of every match, and pages that join up to the whole
sorted result (the Browse screen shows 200 rows at a time; issue 13's speed target)."""

from __future__ import annotations

import random
from datetime import UTC
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.study.browse import SORTS, find_cards, search_cards, sort_cards
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack

TOPICS = ("hardware", "memory", "io")


def _service(home: Path, clock: FakeClock) -> StudyService:
    questions = [
        {
            "id": f"q{n:02d}",
            "type": "flip",
            "prompt": f"{random.Random(n).choice(['Alpha', 'beta', 'alpha', 'Gamma'])} card {n % 7}",
            "back": f"answer {n}",
            "topic": TOPICS[n % 3],
        }
        for n in range(40)
    ]
    pack = make_pack(questions=questions)
    return StudyService(Settings(home=home, learner="ada"), packs={pack.id: pack}, clock=clock, tz=UTC, fuzz=False)


@pytest.fixture
def svc(tmp_path: Path):
    clock = FakeClock()
    rng = random.Random(3)
    with _service(tmp_path, clock) as svc:
        for _ in range(25):  # a mix of ratings, intervals and lapses; some cards stay new
            card = svc.next_card()
            if card is None:
                break
            svc.answer(card, rating=rng.choice([1, 2, 3, 4]))
            clock.advance(hours=rng.choice([1, 5, 30]))
        svc.suspend(("virt", "q03"))
        yield svc


def _ids(cards) -> list[str]:
    return [c.question_id for c in cards]


@pytest.mark.parametrize("query", ["", "-is:new", "topic:memory or is:suspended", "card 3", "is:leech"])
def test_pages_join_up_to_the_whole_sorted_result(svc, query) -> None:
    for sort in SORTS:
        for reverse in (False, True):
            whole = find_cards(svc, query, sort, reverse)
            # the order of one sort of every match on the key (as before pages)
            assert _ids(whole) == _ids(sort_cards(whole, sort, reverse)), (sort, reverse)
            pages, offset = [], 0
            while True:
                page = search_cards(svc, query, sort, reverse, offset=offset, limit=7)
                assert page.total == len(whole) and page.offset == offset
                assert len(page.cards) == min(7, len(whole) - offset)
                pages += page.cards
                offset += 7
                if not page.more:
                    break
            assert _ids(pages) == _ids(whole), (query, sort, reverse)
            assert [c.as_json() for c in pages] == [c.as_json() for c in whole]


def test_page_boundaries(svc) -> None:
    total = len(find_cards(svc, ""))
    assert total == 40
    first = search_cards(svc, "", "question", limit=10)
    assert (first.total, len(first.cards), first.more) == (40, 10, True)
    last = search_cards(svc, "", "question", offset=30, limit=10)
    assert (len(last.cards), last.more) == (10, False)
    assert search_cards(svc, "", offset=40, limit=10).cards == []
    assert search_cards(svc, "", offset=99, limit=10).total == 40
    assert search_cards(svc, "", limit=0).cards == [] and search_cards(svc, "", limit=0).more
    assert len(search_cards(svc, "", offset=35).cards) == 5  # no limit: the rest
    with pytest.raises(ValueError, match="negative"):
        search_cards(svc, "", offset=-1)


def test_a_change_between_pages_shows_on_the_next_page(svc) -> None:
    first = search_cards(svc, "is:suspended", limit=1)
    assert (first.total, _ids(first.cards)) == (1, ["q03"])
    svc.suspend(("virt", "q39"))  # the kept matches of that search are let go with the listing
    assert search_cards(svc, "is:suspended", offset=0, limit=5).total == 2
    pages = [search_cards(svc, "is:suspended", "question", offset=n, limit=1).cards for n in (0, 1)]
    assert sorted(_ids(pages[0] + pages[1])) == ["q03", "q39"]


TERMS = [
    "alpha",
    '"card 3"',
    "answer",
    "topic:mem*",
    "topic:io",
    "type:flip",
    "type:mcq",
    "pack:virt",
    "pack:other",
    "tag:*",
    *(f"is:{flag}" for flag in ("due", "new", "learn", "review", "suspended", "buried", "leech")),
    "prop:lapses>0",
    "prop:reps>=2",
    "prop:ivl<1.5",
    "prop:ivl!=0",
    "prop:reps=1",
]


def _query(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        term = f"({_query(rng, depth + 1)})" if depth < 2 and rng.random() < 0.2 else rng.choice(TERMS)
        parts.append(("-" if rng.random() < 0.3 else "") + term)
    joiner = " or " if rng.random() < 0.4 else " "
    return joiner.join(parts)


def test_the_column_search_matches_testing_each_card(svc) -> None:
    from studyvm.study.search import parse

    svc.bury(("virt", "q05"))
    every = find_cards(svc, "")
    rng = random.Random(11)
    for _ in range(300):
        query = _query(rng)
        tree = parse(query)
        assert _ids(find_cards(svc, query)) == [c.question_id for c in every if tree.matches(c)], query


def test_few_matches_sorted_alone_come_in_the_order_of_every_card(svc) -> None:
    """A search with few matches and no order kept sorts only its matches: the same order."""
    from studyvm.study.cardlisting import listing_of

    find_cards(svc, "")
    listing = listing_of(svc)
    rng = random.Random(7)
    for sort in SORTS:
        for reverse in (False, True):
            for size in (0, 1, 3, 9, 40):
                chosen = sorted(rng.sample(range(len(listing.rows)), min(size, len(listing.rows))))
                alone = listing.sorted_rows(chosen, sort, reverse)
                assert alone == [i for i in listing.order(sort, reverse) if i in set(chosen)], (sort, reverse, size)
