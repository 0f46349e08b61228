"""Siblings never spoil each other (newcomer review m16): answering one buries the others until
tomorrow, as Anki buries the cards of one note, an undo puts them back, and a quiz or exam never
draws two questions generated from the same table row."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.packs.loader import load_pack_dir
from studyvm.study.service import StudyService
from studyvm.study.siblings import sibling_key

from .helpers import FakeClock

PACK = 'id: sib\ntitle: Siblings\nversion: "1"\nsources:\n  - {id: n1, title: A note}\n'
TABLES = """\
tables:
  - id: approaches
    title: Approaches
    columns: [Full virtualization, Para-virtualization, Hardware-assisted]
    generate: [flip, mcq]
    topic: comparison
    source: {note: n1}
    rows:
      - aspect: Guest OS awareness
        cells: ["The guest cannot tell", "The guest knows and is ported", "The CPU helps an unaware guest"]
        why: Awareness decides who catches sensitive instructions.
      - aspect: Sensitive instructions
        cells: ["Translated on the fly", "Replaced by hypercalls", "Trap to root mode"]
        why: Each approach handles them its own way.
"""


@pytest.fixture
def service(tmp_path: Path):
    folder = tmp_path / "sib"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "tables.yaml").write_text(TABLES, encoding="utf-8")
    loaded = load_pack_dir(folder, origin="extra")
    assert loaded.pack is not None, [str(d) for d in loaded.diagnostics]
    settings = Settings(home=tmp_path / "home", learner="ada")
    svc = StudyService(settings, packs={"sib": loaded.pack}, clock=FakeClock(), tz=UTC, fuzz=False, seed=1)
    with svc:
        yield svc


def row_of(question) -> str:
    return question.id.split(".")[1]


def test_siblings_are_the_questions_of_one_table_row_or_one_anki_note(service) -> None:
    keys = {q.id: sibling_key(q) for q in service.pack("sib").questions}
    assert len(keys) == 12 and len(set(keys.values())) == 2
    assert keys["approaches.guest-os-awareness.full-virtualization.flip"] == "approaches.guest-os-awareness"
    anki = type("Q", (), {"id": "anki-ab12-card2", "generated_from": None})()
    assert sibling_key(anki) == "anki-ab12"


def test_answering_a_card_buries_its_siblings_until_tomorrow_and_undo_puts_them_back(service) -> None:
    seen = []
    while (card := service.next_card()) is not None:
        seen.append(card.question.id)
        service.answer(card, rating=4)  # Easy: out of today's queue, so only siblings could follow
    assert [row_of(service.pack("sib").question(q)) for q in seen] == ["guest-os-awareness", "sensitive-instructions"]
    assert service.undo() is not None  # the second answer, and the burial of its five siblings
    again = service.next_card()
    assert again is not None and again.question.id == seen[1]
    service.answer(again, rating=4)
    assert service.next_card() is None
    service.clock.advance(days=1)
    back = service.next_card()  # a new day: the buried siblings are new cards again
    assert back is not None and back.question.id not in seen


def test_a_quiz_never_draws_two_siblings(service) -> None:
    quiz = service.start_quiz(12, pack_id="sib")
    rows = [row_of(item.question) for item in quiz.items]
    assert sorted(rows) == ["guest-os-awareness", "sensitive-instructions"]
