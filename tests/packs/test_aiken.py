"""Aiken import: single-answer multiple choice, and its errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyvm.packs.importers.aiken import import_aiken, parse_aiken
from studyvm.packs.importers.common import ImportProblem

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_fixture_imports_as_mcqs():
    questions = import_aiken(FIXTURES / "bank.aiken").questions
    assert [q.type for q in questions] == ["mcq", "mcq", "mcq"]
    first, second, third = questions
    assert first.prompt == "Which component runs in VMX root mode?"
    assert [o.text for o in first.options] == ["The guest kernel", "The hypervisor", "Guest user programs"]
    assert [o.credit() for o in first.options] == [0, 100, 0]
    assert [o.credit() for o in second.options] == [100, 0]  # "A)" options, no blank line after
    assert third.prompt == "Which x86 instruction is sensitive\nbut does not trap in ring 3?"
    assert third.options[0].correct


def test_ids_are_stable_and_unique():
    text = "Same?\nA. x\nB. y\nANSWER: A\n\nSame?\nA. x\nB. y\nANSWER: B\n"
    ids = [q.id for q in parse_aiken(text).questions]
    assert ids[1] == ids[0] + "-2"
    assert ids == [q.id for q in parse_aiken(text).questions]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Q?\nA. x\nB. y\n", 1, "without an ANSWER"),
        ("Q?\nA. x\nB. y\nANSWER: C\n", 4, "not one of the options"),
        ("Q?\nA. x\nC. y\nANSWER: A\n", 3, "out of order"),
        ("Q?\nA. x\nANSWER: A\n", 1, "at least 2 items"),
        ("Q?\nA.\nB. y\nANSWER: B\n", 2, "at least 1 character"),
        ("ANSWER: A\n", 1, "without options"),
        ("Q?\nA. x\nB. y\nstray text\nANSWER: A\n", 4, "expected another option"),
    ],
)
def test_errors(text, line, words):
    with pytest.raises(ImportProblem) as caught:
        parse_aiken(text, "bank.aiken")
    assert caught.value.line == line, str(caught.value)
    assert words in caught.value.message
    assert str(caught.value).startswith(f"bank.aiken:{line}:")
