"""The browser's first search, made cheaper (issue 13): the narrow listing row (a card's small numbers
packed in one integer), every card read by a table scan, word searches in the stored text column,
and an ``and`` that tests its words on the rows left. Every answer is checked against a plain one."""

from __future__ import annotations

import gc
import random
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from studyvm.config import Settings
from studyvm.packs import textcolumns
from studyvm.packs.catalog import load_catalog
from studyvm.packs.packindex import LazyPack
from studyvm.packs.textcolumns import decode_columns, encode_columns
from studyvm.store import cardlist
from studyvm.store.models import CardState
from studyvm.store.repo import table_of
from studyvm.study import cardselect
from studyvm.study.browse import find_cards
from studyvm.study.search import parse
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack

CARD = table_of(CardState)
strings = st.lists(st.text(alphabet="ab ", max_size=6), max_size=12)


@settings(max_examples=300, deadline=None)
@given(values=strings, needle=st.text(alphabet="ab ", max_size=3), blob=st.booleans())
def test_a_text_column_finds_the_strings_holding_a_needle(values: list[str], needle: str, blob: bool) -> None:
    """Searched in the one text (hits across two strings are not matches) or string by string."""
    column = decode_columns(encode_columns([values]))[0]
    few = textcolumns.FEW_HITS
    textcolumns.FEW_HITS = 10**9 if not blob else 0  # 0: never string by string
    try:
        found = column.containing(needle)
    finally:
        textcolumns.FEW_HITS = few
    assert found == [i for i, value in enumerate(values) if needle in value]
    assert column.occurrences(needle) >= len(found) or not needle


def _varied(svc: StudyService, rng: random.Random, clock: FakeClock) -> None:
    for _ in range(30):
        card = svc.next_card()
        if card is None:
            break
        svc.answer(card, rating=rng.randint(1, 4))
        clock.advance(hours=rng.choice((1, 9, 30)))
    svc.suspend(("virt", "q03"))
    svc.bury(("virt", "q04"))
    svc.forget(("virt", "q05"))


def test_the_card_code_holds_every_field_on_either_database(tmp_path: Path, db_url: str) -> None:
    """Packed in SQL (SQLite and PostgreSQL), unpacked in Python: the card's own columns, extremes too."""
    clock = FakeClock()
    questions = [{"id": f"q{n:02d}", "type": "flip", "prompt": f"p {n}", "back": "b"} for n in range(20)]
    pack = make_pack(questions=questions)
    with StudyService(Settings(home=tmp_path, learner="ada", db_url=db_url), packs={"virt": pack}, clock=clock) as svc:
        _varied(svc, random.Random(5), clock)
        with svc.card_writer() as session:  # the largest counts the code holds, and a leech
            where = (CARD.c.pack_id == "virt", CARD.c.question_id == "q10")
            session.execute(update(CARD).where(*where).values(lapses=(1 << 24) - 1, reps=1 << 28, leech=True))
        with svc.read() as session:
            listed = {(r[0], r[1]): r for r in cardlist.listed_cards(svc.learner_id, session=session)}
            columns = (CARD.c.state, CARD.c.queue, CARD.c.suspended, CARD.c.leech, CARD.c.last_rating)
            stored = session.execute(
                select(CARD.c.pack_id, CARD.c.question_id, *columns, CARD.c.lapses, CARD.c.reps)
            ).all()
    assert len(listed) == len(stored) == 20
    for row in stored:
        code = cardlist.unpack(listed[(row[0], row[1])][4])
        assert tuple(code) == tuple(row[2:]), row
    assert {cardlist.unpack(r[4]).queue for r in listed.values()} >= {-2, -1, 0, 1}


def test_every_card_is_read_by_a_table_scan_without_statistics(tmp_path: Path) -> None:
    """Without ANALYZE, SQLite would walk an index and look up each card in the table (slower)."""
    pack = make_pack(questions=[{"id": "q1", "type": "flip", "prompt": "p", "back": "b"}])
    svc = StudyService(Settings(home=tmp_path, learner="ada"), packs={"virt": pack}, clock=FakeClock())
    with svc, svc.read() as session:
        conn = cardlist.cast_conn(session)
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchall()
        plan = conn.execute("EXPLAIN QUERY PLAN " + cardlist.SQLITE_LISTING.format(hint=" NOT INDEXED"), (1,))
        steps = " ".join(str(step[-1]) for step in plan)
    assert "SCAN card_state" in steps and "INDEX" not in steps


WORDS = ("alpha", "beta", "gamma", "delta", "vm", "exit", "trap", "page")


def _indexed_service(tmp_path: Path, clock: FakeClock) -> StudyService:
    """A service over a pack read from its on-disk index (stored text columns), some cards answered."""
    from studyvm.packs.writer import write_pack

    rng = random.Random(2)
    questions = []
    for n in range(60):  # common and rare words, and phrases that only meet across two questions
        words = rng.sample(WORDS, rng.randint(1, 3)) + ([f"rare{n}"] if n % 9 == 0 else [])
        questions.append({"id": f"q{n:02d}", "type": "flip", "prompt": " ".join(words), "back": f"end {n}"})
    write_pack(make_pack(questions=questions), tmp_path / "packs" / "virt")
    settings_ = Settings(home=tmp_path, learner="ada")
    load_catalog(settings_)
    pack = load_catalog(settings_).packs["virt"]
    assert isinstance(pack, LazyPack) and pack.listing_texts() is not None
    svc = StudyService(settings_, packs={"virt": pack}, clock=clock, tz=UTC, fuzz=False).open()
    for _ in range(20):
        card = svc.next_card()
        if card is None:
            break
        svc.answer(card, rating=rng.randint(1, 4))
        clock.advance(hours=5)
    return svc


TERMS = (*WORDS, "rare9", "rare45", '"end 1"', '"alpha beta"', "1 q", "is:due", "is:new", "-is:review", "prop:reps>0")


@pytest.mark.parametrize(("few_hits", "few_candidates"), [(8, 8), (0, 0), (10**9, 10**9)])
def test_word_searches_over_stored_texts_match_testing_each_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few_hits: int, few_candidates: int
) -> None:
    """Through every path: in the one text or string by string, words on all rows or on those left."""
    monkeypatch.setattr(textcolumns, "FEW_HITS", few_hits)
    monkeypatch.setattr(cardselect, "FEW_CANDIDATES", few_candidates)
    with _indexed_service(tmp_path, FakeClock()) as svc:
        every = find_cards(svc, "")
        assert len(every) == 60
        rng = random.Random(17)
        for _ in range(150):
            parts = [("-" if rng.random() < 0.2 else "") + rng.choice(TERMS) for _ in range(rng.randint(1, 4))]
            query = (" or " if rng.random() < 0.25 else " ").join(parts)
            tree = parse(query)
            expected = [c.question_id for c in every if tree.matches(c)]
            assert [c.question_id for c in find_cards(svc, query)] == expected, query


def test_reading_every_card_pauses_the_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector is off while every card is read (a full collection there cost 20-40 ms at
    100,000 cards) and on again after; reading a few changed cards leaves it alone."""
    seen: list[bool] = []
    real = cardlist.listed_cards

    def watching(*args: object, **kwargs: object) -> list[tuple]:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cardlist, "listed_cards", watching)
    pack = make_pack(questions=[{"id": f"q{n}", "type": "flip", "prompt": "p", "back": "b"} for n in range(5)])
    with StudyService(Settings(home=tmp_path, learner="ada"), packs={"virt": pack}, clock=FakeClock()) as svc:
        find_cards(svc, "")
        svc.suspend(("virt", "q1"))
        find_cards(svc, "is:suspended")
    assert seen == [False, True] and gc.isenabled()
