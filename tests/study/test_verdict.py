"""Verdict lines: marked options, "your answer", labelled feedback, partial credit worked out (newcomer M3)."""

from __future__ import annotations

from studyvm.study.presentation import Presentation
from studyvm.study.verdict import explain, verdict_title

from .helpers import make_pack

Q = {q.id: q for q in make_pack().questions}


def test_mcq_marks_the_wrong_pick_and_the_right_option_in_display_order() -> None:
    lines = explain(Q["mcq-1"], 2, Presentation(order=[2, 0, 1]))
    assert lines[0] == "✘ 1. Paravirtualization  — your answer"
    assert lines[1] == "    On 1: half right"  # the option's feedback, labelled with the option
    assert lines[2] == "○ 2. Trap and emulate  — right answer, not chosen"
    assert lines[3].startswith("  3. Binary translation")
    assert explain(Q["mcq-1"], 0)[0] == "✔ 1. Trap and emulate  — your answer, right"


def test_multi_partial_credit_is_explained() -> None:
    lines = explain(Q["multi-1"], [0, 2])
    assert "✔ [x] 1. VT-x  — your answer, right" in lines
    assert "○ [ ] 2. EPT  — right answer, not chosen" in lines
    assert "✘ [x] 3. Hypercall  — your answer" in lines
    assert lines[-1] == "1 of 2 right options, 1 wrong pick: 0% (each wrong pick cancels a right one)"
    assert explain(Q["multi-1"], [0])[-1] == "1 of 2 right options: 50%"


def test_typed_cloze_matching_ordering_true_false() -> None:
    assert explain(Q["short-1"], "sidt") == ["Your answer: sidt ✘", "Accepted: LIDT"]
    assert explain(Q["short-1"], "lidt") == ["Your answer: lidt ✔"]
    assert explain(Q["cloze-1"], ["traps"]) == ["✘ Gap 1: traps  — answer: hypercalls"]
    lines = explain(Q["match-1"], {"Binary translation": "Full", "Hypercalls": "None"})
    assert lines == ["✔ Binary translation → Full", "✘ Hypercalls → None  — answer: Para", "1 of 2 pairs right: 50%"]
    lines = explain(Q["order-1"], [2, 3, 0, 1])
    assert lines[1] == "2 of 3 neighbouring pairs in the right order: 67%" and lines[2].startswith("Right order:")
    assert explain(Q["tf-1"], True) == ["Your answer: True ✘", "Right answer: False", "On True: It fails silently."]
    assert explain(Q["flip-1"], None) == [] and explain(Q["mcq-1"], None)[0].startswith("Your answer: (none")


def test_titles() -> None:
    assert verdict_title(True, 1.0) == "✔ Correct" and verdict_title(None, 0) == "Answer:"
    assert verdict_title(False, 0.67) == "◐ Partially correct (67%)" and verdict_title(False, 0.0) == "✘ Not right"
