"""Grading tables for every question type, and typed-line parsing with shuffled options."""

from __future__ import annotations

import random

import pytest

from studyvm.study.grading import (
    NotGradable,
    describe_response,
    expected_answer,
    grade,
    response_problem,
    suggested_rating,
    text_matches,
)
from studyvm.study.presentation import Presentation, parse_response, present

from .helpers import make_pack

PACK = make_pack()
Q = {q.id: q for q in PACK.questions}
EXTRA = make_pack(
    questions=[
        {
            "id": "multi-w",
            "type": "multi",
            "prompt": "Weighted",
            "options": [{"text": "a", "weight": 50}, {"text": "b", "weight": 50}, {"text": "c", "weight": -100}],
        },
        {
            "id": "num-range",
            "type": "numerical",
            "prompt": "Range",
            "unit": "ms",
            "answers": [{"min": 10, "max": 20}, {"value": 30, "tolerance": 2, "weight": 50, "feedback": "close"}],
        },
        {"id": "cloze-2", "type": "cloze", "prompt": "{{Intel}} calls it {{VT-x}}."},
        {
            "id": "short-w",
            "type": "short",
            "prompt": "?",
            "answers": [
                {"text": "binary translation", "weight": 100},
                {"text": "translation", "weight": 50, "feedback": "partly"},
            ],
        },
    ]
)
X = {q.id: q for q in EXTRA.questions}


@pytest.mark.parametrize(
    ("qid", "response", "score"),
    [
        ("mcq-1", 0, 1.0),
        ("mcq-1", 1, 0.0),
        ("mcq-1", 2, 0.5),
        ("multi-1", [0, 1], 1.0),
        ("multi-1", [0], 0.5),
        ("multi-1", [0, 1, 2], 0.5),
        ("multi-1", [2], 0.0),
        ("multi-w", [0, 1], 1.0),
        ("multi-w", [0], 0.5),
        ("multi-w", [0, 1, 2], 0.0),
        ("tf-1", False, 1.0),
        ("tf-1", True, 0.0),
        ("short-1", "LIDT", 1.0),
        ("short-1", "  lidt. ", 1.0),
        ("short-1", "Lidt Instruction!", 1.0),
        ("short-1", "LGDT", 0.0),
        ("short-w", "Binary  Translation", 1.0),
        ("short-w", "binary transaltion", 1.0),
        ("short-w", "binari translation", 1.0),
        ("short-w", "translation", 0.5),
        ("short-w", "bnary trnslation", 0.0),
        ("num-1", 4, 1.0),
        ("num-1", "4", 1.0),
        ("num-1", "4.0", 1.0),
        ("num-1", 3, 0.0),
        ("num-range", "10 ms", 1.0),
        ("num-range", "20", 1.0),
        ("num-range", "20,5", 0.0),
        ("num-range", 31.5, 0.5),
        ("cloze-1", "hypercalls", 1.0),
        ("cloze-1", ["Hypercall"], 1.0),
        ("cloze-1", "syscalls", 0.0),
        ("cloze-2", ["intel", "vt x"], 1.0),
        ("cloze-2", ["intel", "svm"], 0.5),
        ("match-1", {"Binary translation": "Full", "Hypercalls": "Para"}, 1.0),
        ("match-1", {"Binary translation": "Full", "Hypercalls": "None"}, 0.5),
        ("order-1", [0, 1, 2, 3], 1.0),
        ("order-1", [1, 2, 3, 0], 2 / 3),
        ("order-1", [3, 2, 1, 0], 0.0),
    ],
)
def test_grading_table(qid: str, response, score: float) -> None:
    question = Q.get(qid) or X[qid]
    result = grade(question, response)
    assert result.score == pytest.approx(score)
    assert result.correct == (score >= 0.999)


def test_feedback_and_expected() -> None:
    assert grade(Q["mcq-1"], 2).feedback == "half right"
    assert grade(Q["tf-1"], False).feedback.startswith("Right")
    assert grade(X["num-range"], 31).feedback == "close"
    assert grade(X["num-range"], 0).expected == "10..20 ms"
    assert grade(X["short-w"], "translation").feedback == "partly"
    assert expected_answer(Q["cloze-1"]) == "Xen guests call the hypervisor with hypercalls."
    assert expected_answer(Q["flip-1"]) == "Virtual Machine Control Structure"
    assert expected_answer(Q["order-1"]).startswith("Guest runs → Exit condition")


def test_typos_only_in_long_alphabetic_words() -> None:
    assert text_matches("hypervisr", "hypervisor")
    assert text_matches("hpyervisor", "hypervisor")  # swapped neighbours
    assert not text_matches("ring 3", "ring 0")
    assert not text_matches("vt-d", "vt-x")
    assert text_matches("VTX", "VT-x") and text_matches("hyper-visor", "Hypervisor")
    assert not text_matches("hypervisr monitr", "hypervisor monitor")  # one typo only


def test_responses_in_words() -> None:
    assert describe_response(Q["mcq-1"], 1) == "Binary translation"
    assert describe_response(Q["multi-1"], [0, 2]) == "VT-x; Hypercall"
    assert describe_response(Q["order-1"], [1, 0, 2, 3]).startswith("Exit condition → Guest runs")
    assert describe_response(Q["match-1"], {"Hypercalls": "Para"}) == "Hypercalls → Para"
    assert describe_response(Q["tf-1"], False) == "False" and describe_response(Q["num-1"], None) == "(not answered)"
    assert describe_response(Q["mcq-1"], 99) == "99"


def test_flip_and_bad_shapes_are_not_gradable() -> None:
    with pytest.raises(NotGradable):
        grade(Q["flip-1"], "x")
    with pytest.raises(NotGradable):
        grade(Q["mcq-1"], 7)
    with pytest.raises(NotGradable):
        grade(Q["num-1"], "four")
    with pytest.raises(NotGradable):
        grade(Q["order-1"], [0, 0, 1, 2])


def test_suggested_rating_follows_the_score() -> None:
    assert suggested_rating(1.0) == 3 and suggested_rating(0.5) == 2 and suggested_rating(0.49) == 1
    assert suggested_rating(0.0) == 1 and suggested_rating(None) == 3  # None: a self-rated card


def test_a_typed_non_number_is_a_problem_to_correct_not_a_wrong_answer() -> None:
    assert response_problem(Q["num-1"], "d") is not None and "not a number" in response_problem(Q["num-1"], "d")
    assert response_problem(Q["num-1"], "4") is None and response_problem(Q["num-1"], None) is None
    assert response_problem(Q["mcq-1"], "d") is None
    with pytest.raises(NotGradable, match="not a number"):
        parse_response(Q["num-1"], Presentation(), "d")


def test_typed_lines_map_through_the_shuffled_order() -> None:
    shown = Presentation(order=[2, 0, 1])
    assert parse_response(Q["mcq-1"], shown, "2") == 0
    assert parse_response(Q["mcq-1"], shown, "trap and EMULATE") == 0
    assert parse_response(Q["multi-1"], Presentation(order=[2, 1, 0]), "3, 2") == [0, 1]
    assert parse_response(Q["tf-1"], Presentation(), "false") is False
    assert parse_response(Q["cloze-1"], Presentation(), "a | b") == ["a", "b"]
    m = Presentation(choices=["Para", "None", "Full"])
    assert parse_response(Q["match-1"], m, "3 1") == {"Binary translation": "Full", "Hypercalls": "Para"}
    o = Presentation(order=[3, 1, 0, 2])
    assert parse_response(Q["order-1"], o, "3 2 4 1") == [0, 1, 2, 3]
    for qid, bad in (("mcq-1", "9"), ("multi-1", "x"), ("tf-1", "maybe"), ("match-1", "1"), ("order-1", "1 1 2 3")):
        with pytest.raises(NotGradable):
            parse_response(Q[qid], present(Q[qid], random.Random(1)), bad)


def test_present_shuffles_but_keeps_everything() -> None:
    rng = random.Random(3)
    for q in PACK.questions:
        shown = present(q, rng)
        if q.type in ("mcq", "multi"):
            assert sorted(shown.order) == list(range(len(q.options)))
        if q.type == "ordering":
            assert sorted(shown.order) == list(range(len(q.items))) and shown.order != sorted(shown.order)
        if q.type == "matching":
            assert set(shown.choices) == {"Full", "Para", "None"}
        assert Presentation.from_dict(shown.as_dict()) == shown
