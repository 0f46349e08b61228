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
    assert len(set(ids)) == 2 and all(i.startswith("same-") for i in ids)
    swapped = "Same?\nA. x\nB. y\nANSWER: B\n\nSame?\nA. x\nB. y\nANSWER: A\n"
    assert [q.id for q in parse_aiken(swapped).questions] == ids[::-1]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Q?\nA. x\nB. y\n", 1, "without an ANSWER"),
        ("Q?\nA. x\nB. y\nANSWER: C\n", 4, "not one of the options"),
        ("Q?\nA. x\nC. y\nANSWER: A\n", 3, "out of order"),
        ("Q?\nA. x\nANSWER: A\n", 3, "at least 2 options, found 1"),
        ("Q?\nA.\nB. y\nANSWER: B\n", 2, "option 1: text is empty"),
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


def test_no_space_after_the_letter_and_lower_case_answer():
    q = parse_aiken("Capital of France?\nA)Paris\nB)Rome\nanswer: a\n").questions[0]
    assert [o.text for o in q.options] == ["Paris", "Rome"] and q.options[0].correct


def test_every_problem_is_reported_at_its_line():
    text = (
        "A) Question not started\n"  # 1: stray option
        "B) still not\n"
        "ANSWER: A\n"
        "A good question?\n"  # 4
        "A. yes\n"
        "B. no\n"
        "ANSWER: A\n"
        "Only one option?\n"  # 8
        "A. alone\n"
        "ANSWER: A\n"  # 10
        "Never finished?\n"  # 11
        "A. a\n"
        "B. b\n"
        "Next question?\n"  # 14: the one before has no ANSWER
        "A. c\n"
        "B. d\n"
        "ANSWER: E\n"  # 17
    )
    with pytest.raises(ImportProblem) as caught:
        parse_aiken(text, "bank.aiken")
    lines = str(caught.value).splitlines()
    assert [line.split(":")[1] for line in lines[:-1]] == ["1", "10", "14", "17"], lines
    assert "option line before any question text" in lines[0]
    assert "question of line 11 has no ANSWER" in lines[2]
    assert lines[-1] == "bank.aiken: 4 errors; nothing was imported"


def test_stray_option_does_not_merge_into_the_next_question():
    text = "A) Question not started\n\nA good question?\nA. yes\nB. no\nANSWER: A\n"
    with pytest.raises(ImportProblem) as caught:
        parse_aiken(text, "bank.aiken")
    assert (caught.value.line, len(caught.value.problems)) == (1, 1)


def test_an_answer_spelled_with_its_option_text_is_read_by_its_letter_as_moodle_does():
    result = parse_aiken("Capital?\nA. Paris\nB. Rome\nANSWER: B) Rome\n\nSea?\nA. Med\nB. Baltic\nANSWER: a. Med\n")
    assert [[o.correct for o in q.options] for q in result.questions] == [[False, True], [True, False]]
    assert [w.message for w in result.warnings] == [
        "ANSWER 'B) Rome' read as B (the letter alone is enough)",
        "ANSWER 'a. Med' read as A (the letter alone is enough)",
    ]
    with pytest.raises(ImportProblem, match="ANSWER 'C\\) Oslo' is not one of the options A, B"):
        parse_aiken("Capital?\nA. Paris\nB. Rome\nANSWER: C) Oslo\n")
    with pytest.raises(ImportProblem, match="ANSWER 'Paris' is not one of the options"):
        parse_aiken("Capital?\nA. Paris\nB. Rome\nANSWER: Paris\n")
