"""The browser's search texts come from the pack index: the same texts as the parsed questions give
(every question type), the same search results, and no question parsed for them."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from studyvm.config import Settings
from studyvm.packs import indexcache
from studyvm.packs.catalog import load_catalog
from studyvm.packs.loader import load_pack_dir
from studyvm.packs.model import QUESTION_TYPES
from studyvm.packs.packindex import LazyPack
from studyvm.study.browse import find_cards
from studyvm.study.grading import expected_answer
from studyvm.study.service import StudyService
from tests.support.pack_fixtures import GOOD_QUESTIONS, PACK_YAML

from .helpers import FakeClock

ODD = """\
questions:
  - id: q.odd
    type: flip
    topic: escapes
    tags: [x]
    prompt: "Two\\n  lines   and\\ttabs"
    back: "  Padded BACK  "
    explanation: An EXPLANATION
"""
QUERIES = ("", "hypervisor", '"padded back"', "explanation", "true", "-is:new", "type:mcq or type:cloze", "tag:x")


def _home(tmp_path: Path) -> tuple[Settings, Path]:
    folder = tmp_path / "home" / "packs" / "demo"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK_YAML)
    (folder / "questions.yaml").write_text(GOOD_QUESTIONS)
    (folder / "odd.yaml").write_text(ODD)
    return Settings(home=tmp_path / "home", learner="t"), folder


def _old_text(q: Any) -> str:
    """The search text as the browser made it from a parsed question before the index stored it."""
    parts = [q.prompt, expected_answer(q), getattr(q, "explanation", "") or ""]
    parts += [o.text for o in getattr(q, "options", None) or []]
    return " ".join(str(p) for p in parts).lower()


def test_index_texts_equal_the_parsed_questions_texts_for_every_type(tmp_path: Path) -> None:
    settings, _ = _home(tmp_path)
    load_catalog(settings)  # indexes the demo pack and the built-in one
    catalog = load_catalog(settings)
    seen: set[str] = set()
    for pack in catalog.packs.values():
        assert isinstance(pack, LazyPack)
        stored = pack.listing_texts()
        assert stored is not None
        full = load_pack_dir(Path(pack.location), origin=pack.origin).pack
        assert full is not None
        assert list(stored[0]) == [" ".join(q.prompt.split()) for q in full.questions]
        assert list(stored[1]) == [_old_text(q) for q in full.questions]
        seen |= {q.type for q in full.questions}
    assert seen == set(QUESTION_TYPES)


def _ids(svc: StudyService, query: str) -> list[str]:
    return [c.question_id + "|" + c.prompt + "|" + c.text for c in find_cards(svc, query, sort="question")]


def _results(settings: Settings, packs: dict[str, object], db: str) -> dict[str, list[str]]:
    """Every query's results in a fresh database ``db`` after one answer."""
    fresh = Settings(home=settings.home, learner="t", db_url=f"sqlite:///{settings.home / db}")
    with StudyService(fresh, packs=packs, clock=FakeClock(), tz=UTC, fuzz=False) as svc:
        card = svc.next_card()
        assert card is not None
        svc.answer(card, rating=3)
        return {query: _ids(svc, query) for query in QUERIES}


def test_a_search_over_an_indexed_pack_parses_nothing_and_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, folder = _home(tmp_path)
    load_catalog(settings)
    full = load_pack_dir(folder, origin="user").pack
    assert full is not None
    expected = _results(settings, {"demo": full}, "full.db")
    assert expected["hypervisor"] and expected['"padded back"'] == [e for e in expected[""] if "q.odd|" in e]
    parsed: list[int] = []
    real = LazyPack.at

    def counting(self: LazyPack, pos: int, keep: bool = True) -> object:
        parsed.append(pos)
        return real(self, pos, keep)

    monkeypatch.setattr(LazyPack, "at", counting)
    lazy = load_catalog(settings).packs["demo"]
    assert isinstance(lazy, LazyPack)
    fresh = Settings(home=settings.home, learner="t", db_url=f"sqlite:///{settings.home / 'lazy.db'}")
    with StudyService(fresh, packs={"demo": lazy}, clock=FakeClock(), tz=UTC, fuzz=False) as svc:
        got = {query: _ids(svc, query) for query in QUERIES if query != "-is:new"}
    assert parsed == []  # no answer given here: nothing needed a question
    assert got == {q: v for q, v in expected.items() if q != "-is:new"}
    assert _results(settings, {"demo": load_catalog(settings).packs["demo"]}, "answered.db") == expected


def test_damaged_texts_are_ignored_and_the_questions_parsed(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    load_catalog(settings)
    full = load_pack_dir(folder, origin="user").pack
    expected = _results(settings, {"demo": full}, "full.db")
    path = indexcache.cache_file(settings.home / "cache" / "packs", folder, "user")
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # inside the texts: the rest of the file still checks
    path.write_bytes(bytes(data))
    lazy = load_catalog(settings).packs["demo"]
    assert isinstance(lazy, LazyPack) and lazy.listing_texts() is None
    assert _results(settings, {"demo": lazy}, "lazy.db") == expected


def test_an_index_of_the_last_layout_is_rebuilt_with_texts(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    load_catalog(settings)
    path = indexcache.cache_file(settings.home / "cache" / "packs", folder, "user")
    data = path.read_bytes()
    assert data.startswith(indexcache.MAGIC) and indexcache.MAGIC not in indexcache.OLD_MAGICS
    path.write_bytes(b"studyvm-pack-index/3\n" + data[len(indexcache.MAGIC) :])  # as the last version wrote it
    pack = load_catalog(settings).packs["demo"]
    assert isinstance(pack, LazyPack) and pack.listing_texts() is not None
    assert path.read_bytes().startswith(indexcache.MAGIC)


def test_row_positions_agree_with_a_lookup_by_id_in_any_order() -> None:
    """Rows in pack order take a fast path; shuffled rows, rows of questions no longer in the pack
    and rows of an unknown pack are looked up id by id: the same answer as a plain lookup."""
    import random
    from itertools import groupby
    from types import SimpleNamespace

    from studyvm.packs.packindex import QuestionIndex
    from studyvm.study.cardlisting import PackTexts, _positions

    def index(prefix: str, n: int) -> QuestionIndex:
        out = QuestionIndex()
        for i in range(n):
            out.add(f"{prefix}{i}", "t", (), "flip", None)
        return out

    packs = {
        "a": PackTexts(SimpleNamespace(index=index("a", 50))),
        "b": PackTexts(SimpleNamespace(index=index("b", 7))),
    }
    rng = random.Random(5)
    in_order = [("a", f"a{i}") for i in range(50)] + [("b", f"b{i}") for i in range(7)]
    cases = [
        in_order,
        in_order[10:30] + in_order[50:],
        list(reversed(in_order)),
        rng.sample(in_order, len(in_order)),
        [("a", "a3"), ("a", "gone"), ("a", "a4"), ("x", "a1"), ("b", "b0"), ("a", "a5")],
        [],
    ]
    for rows in cases:
        runs = [(pack_id, len(list(run))) for pack_id, run in groupby(r[0] for r in rows)]
        expected = [packs[p].index.positions().get(q) if p in packs else None for p, q in rows]
        assert _positions(rows, runs, packs) == expected
