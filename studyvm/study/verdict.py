"""What happened in one answer, line by line: the marks a Moodle review shows, as plain text.

:func:`explain` turns a question and the learner's response into lines ready to show under a
verdict: every option marked ✔ (right) or ✘ (the learner's wrong pick), ○ for a right option
the learner missed; "your answer" for typed answers; each option's feedback labelled with the
option it belongs to; and the arithmetic of partial credit ("2 of 3 right options, 1 wrong
pick: 33%"). :func:`verdict_title` is the heading above them. Headless: no Textual, no database.
"""

from __future__ import annotations

from typing import Any

from studyvm.study.grading import FULL, NotGradable, expected_answer, grade, normalize, text_matches

RIGHT, WRONG, MISSED = "✔", "✘", "○"


def verdict_title(correct: bool | None, score: float) -> str:
    """``✔ Correct``, ``◐ Partially correct (67%)``, ``✘ Not right`` or ``Answer:`` (self-rated)."""
    if correct is None:
        return "Answer:"
    if correct:
        return "✔ Correct"
    if score > 0:
        return f"◐ Partially correct ({score:.0%})"
    return "✘ Not right"


def _order(presentation: Any, count: int) -> list[int]:
    given = list(getattr(presentation, "order", None) or [])
    return given if sorted(given) == list(range(count)) else list(range(count))


def _choice_lines(question: Any, chosen: set[int], presentation: Any, boxes: bool) -> list[str]:
    """One line per option in display order, marked; the learner's picks labelled, with their feedback."""
    right = question.correct_indexes() if boxes else {i for i, o in enumerate(question.options) if o.credit() >= 100}
    lines = []
    for position, index in enumerate(_order(presentation, len(question.options))):
        option = question.options[index]
        picked = index in chosen
        mark = (RIGHT if index in right else WRONG) if picked else (MISSED if index in right else " ")
        box = ("[x] " if picked else "[ ] ") if boxes else ""
        note = (
            ("your answer, right" if index in right else "your answer")
            if picked
            else ("right answer, not chosen" if index in right else "")
        )
        lines.append(f"{mark} {box}{position + 1}. {option.text}" + (f"  — {note}" if note else ""))
        if picked and option.feedback:
            lines.append(f"    On {position + 1}: {option.feedback}")
    return lines


def _multi_summary(question: Any, chosen: set[int]) -> str:
    right = question.correct_indexes()
    if any(o.weight is not None for o in question.options):
        parts = " + ".join(f"{question.options[i].credit():g}%" for i in sorted(chosen)) or "nothing"
        return f"Credit: the weights of your picks add up: {parts} (at least 0%, at most 100%)"
    hits, misses = len(chosen & right), len(chosen - right)
    score = max(0.0, (hits - misses) / len(right)) if right else 0.0
    wrong = f", {misses} wrong pick{'s' if misses != 1 else ''}" if misses else ""
    rule = " (each wrong pick cancels a right one)" if misses else ""
    return f"{hits} of {len(right)} right options{wrong}: {score:.0%}{rule}"


def _typed_lines(question: Any, response: Any) -> list[str]:
    try:
        result = grade(question, response)
    except NotGradable:
        return [f"Your answer: {response} {WRONG}"]
    mark = RIGHT if result.correct else WRONG
    lines = [f"Your answer: {response} {mark}"]
    if not result.correct:
        lines.append(f"Accepted: {result.expected}")
    if result.feedback:
        lines.append(f"On your answer: {result.feedback}")
    if 0 < result.score < FULL:
        lines.append(f"Partial credit for this answer: {result.score:.0%}")
    return lines


def _cloze_lines(question: Any, response: Any) -> list[str]:
    gaps = question.gaps()
    given = [response] if isinstance(response, str) else list(response or [])
    given += [""] * (len(gaps) - len(given))
    lines, right = [], 0
    for n, (typed, accepted) in enumerate(zip(given, gaps, strict=False)):
        ok = any(text_matches(typed, alt) for alt in accepted)
        right += ok
        shown = typed if typed else "(empty)"
        lines.append(f"{RIGHT if ok else WRONG} Gap {n + 1}: {shown}" + ("" if ok else f"  — answer: {accepted[0]}"))
    if len(gaps) > 1:
        lines.append(f"{right} of {len(gaps)} gaps right: {right / len(gaps):.0%}")
    return lines


def _matching_lines(question: Any, response: Any) -> list[str]:
    given = dict(response or {})
    lines, right = [], 0
    for pair in question.pairs:
        chosen = given.get(pair.left, "")
        ok = normalize(chosen) == normalize(pair.right)
        right += ok
        picked = chosen or "(nothing)"
        lines.append(f"{RIGHT if ok else WRONG} {pair.left} → {picked}" + ("" if ok else f"  — answer: {pair.right}"))
    lines.append(f"{right} of {len(question.pairs)} pairs right: {right / len(question.pairs):.0%}")
    return lines


def _ordering_lines(question: Any, response: Any) -> list[str]:
    order = [int(i) for i in response or []]
    lines = ["Your order: " + " → ".join(question.items[i] for i in order)]
    if len(order) == len(question.items) > 1:
        good = sum(1 for a, b in zip(order, order[1:], strict=False) if b == a + 1)
        lines.append(f"{good} of {len(order) - 1} neighbouring pairs in the right order: {good / (len(order) - 1):.0%}")
    if order != list(range(len(question.items))):
        lines.append("Right order: " + " → ".join(question.items))
    return lines


def explain(question: Any, response: Any, presentation: Any = None) -> list[str]:
    """Lines saying what the learner answered and how each part was marked (empty for flip cards)."""
    kind = question.type
    if kind == "flip":
        return []
    if response is None:
        return ["Your answer: (none — shown without answering)", f"Answer: {expected_answer(question)}"]
    try:
        if kind == "mcq":
            return _choice_lines(question, {int(response)}, presentation, boxes=False)
        if kind == "multi":
            chosen = {int(i) for i in response}
            return [*_choice_lines(question, chosen, presentation, boxes=True), _multi_summary(question, chosen)]
        if kind == "true_false":
            mark = RIGHT if bool(response) == question.answer else WRONG
            feedback = question.feedback_true if response else question.feedback_false
            lines = [f"Your answer: {'True' if response else 'False'} {mark}"]
            if mark == WRONG:
                lines.append(f"Right answer: {'True' if question.answer else 'False'}")
            return lines + ([f"On {'True' if response else 'False'}: {feedback}"] if feedback else [])
        if kind in ("short", "numerical"):
            return _typed_lines(question, response)
        if kind == "cloze":
            return _cloze_lines(question, response)
        if kind == "matching":
            return _matching_lines(question, response)
        if kind == "ordering":
            return _ordering_lines(question, response)
    except (IndexError, TypeError, ValueError):
        return [f"Your answer: {response}"]
    return []
