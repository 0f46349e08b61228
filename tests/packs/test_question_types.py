"""The question-type table: one complete row per type of the Question union, and every dispatcher reads it."""

from __future__ import annotations

import random

import pytest
from study.helpers import make_pack

import studyvm.study.grading
import studyvm.study.presentation  # noqa: F401  (fills the study layer's slots)
from studyvm.packs.loader import ALLOWED_FIELDS
from studyvm.packs.model import QUESTION_CLASSES, QUESTION_TYPES
from studyvm.packs.questions import SLOTS, TYPES, names, register, row
from studyvm.study.grading import describe_response, expected_answer, grade, is_self_rated
from studyvm.study.presentation import HINTS, display_lines, parse_response, present
from studyvm.study.quiz import NEEDS_PICK, NO_ANSWER


def test_one_row_per_type_of_the_union() -> None:
    assert tuple(TYPES) == QUESTION_TYPES == tuple(QUESTION_CLASSES) == tuple(ALLOWED_FIELDS)
    assert len(QUESTION_TYPES) == 9 and all(TYPES[n].model is QUESTION_CLASSES[n] for n in QUESTION_TYPES)


@pytest.mark.parametrize("name", list(TYPES))
def test_every_row_is_complete(name: str) -> None:
    t = TYPES[name]
    assert all(getattr(t, slot) is not None for slot in SLOTS), name
    if t.self_rated:
        assert t.parse is None and name == "flip"
    else:
        assert t.parse is not None and t.hint == HINTS[name]


def test_derived_lists_match_what_they_replaced() -> None:
    assert NEEDS_PICK == ("mcq", "true_false", "ordering")
    assert set(NO_ANSWER) == {"multi", "short", "numerical", "cloze", "matching"}
    assert names(anki_self_graded=True) == ("mcq", "multi", "true_false", "numerical", "matching", "ordering")
    assert names(gift_missing_word=True) == ("mcq", "multi", "true_false", "short", "numerical", "matching")


def test_dispatch_goes_through_the_table(monkeypatch) -> None:
    q = next(q for q in make_pack().questions if q.type == "mcq")
    assert grade(q, 0).correct and expected_answer(q) == "Trap and emulate"
    shown = present(q, random.Random(3))
    assert display_lines(q, shown)[0].startswith("1) ")
    assert parse_response(q, shown, "1") == shown.order[0]
    assert describe_response(q, 1) == "Binary translation" and not is_self_rated(q)
    monkeypatch.setattr(row(q), "describe", lambda question, response: "from the table")
    assert describe_response(q, 1) == "from the table"


def test_register_refuses_an_unknown_slot() -> None:
    with pytest.raises(AttributeError):
        register("mcq", "colour")
