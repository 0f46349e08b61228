"""The built-in virtualization pack validates cleanly and covers what the issue asks for."""

from __future__ import annotations

from collections import Counter

import pytest

from studyvm.config import builtin_content_dir
from studyvm.packs.loader import load_pack_dir
from studyvm.packs.model import QUESTION_TYPES


@pytest.fixture(scope="module")
def result():
    try:
        import minisim

        demos = set(minisim.SCENARIOS)
    except (ImportError, AttributeError):
        demos = None
    return load_pack_dir(builtin_content_dir() / "virtualization", origin="builtin", known_demos=demos)


def test_validates_without_errors_or_warnings(result) -> None:
    assert [str(d) for d in result.diagnostics] == []
    assert result.pack is not None


def test_size_and_types(result) -> None:
    pack = result.pack
    assert len(pack.questions) >= 150
    assert set(Counter(q.type for q in pack.questions)) == set(QUESTION_TYPES)
    assert len(pack.tables) >= 3


def test_every_question_cites_a_note(result) -> None:
    notes = {s.id for s in result.pack.meta.sources}
    assert len(notes) >= 4
    unsourced = [q.id for q in result.pack.questions if q.source is None or q.source.note not in notes]
    assert unsourced == []
    cited = {q.source.note for q in result.pack.questions}
    assert len(cited) >= 4  # every note is used


def test_caveats_and_potential_questions(result) -> None:
    authored = [q for q in result.pack.questions if not q.generated_from]
    assert sum(1 for q in authored if q.caveat) >= 8
    assert sum(1 for q in authored if "potential-question" in q.tags) >= 3
    hardware_claim = [q for q in authored if q.caveat and "binary translation" in q.caveat.lower()]
    assert hardware_claim, "the 'full virtualization needs VT-x' contradiction must carry a caveat"
