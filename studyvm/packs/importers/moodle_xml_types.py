"""Moodle XML question types, one reader each: ``<question type="…">`` -> StudyVM model fields.

See :mod:`studyvm.packs.importers.moodle_xml` for the mapping; each reader gets the question
(:class:`~studyvm.packs.importers.moodle_xml_text.QuestionText`), the fields carried in its
``studyvm`` comment and its general feedback, and returns model data or ``None`` when the
question is skipped (with a warning already given).
"""

from __future__ import annotations

import re
from typing import Any

from studyvm.packs.importers.common import ImportProblem, markers
from studyvm.packs.importers.gift_answers import ESSAY_BACK
from studyvm.packs.importers.moodle_cloze import GAP, read_gap
from studyvm.packs.importers.moodle_xml_text import QuestionText as _Question
from studyvm.packs.importers.moodle_xml_text import child_text as _child_text

SKIPPED = {
    "calculated": "calculated",
    "calculatedsimple": "calculated (simple)",
    "calculatedmulti": "calculated multichoice",
    "ddwtos": "drag and drop into text",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "gapselect": "select missing words",
    "randomsamatch": "random short-answer matching",
    "random": "random",
}
"""Moodle types StudyVM has no equivalent for, with the name a warning gives them."""
_TRUE = {"1", "true", "yes"}
MOODLE_GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                 12.5, 11.11111, 10, 5, 0)  # fmt: skip
"""The answer grades (%) Moodle accepts, each also negated: p/q for q <= 6, tenths, 1/q for q <= 10, 1/20."""
GRADE_SLACK = 0.001
"""How far (in %) a grade may be from one of :data:`MOODLE_GRADES`: Moodle allows 0.00001 of a fraction."""


def _first(el: Any, tag: str) -> Any:
    """``el``'s first ``<tag>`` child, or ``None`` (a direct scan, faster than ``find``)."""
    return next((child for child in el if child.tag == tag), None)


def _fraction(q: _Question, answer: Any) -> float:
    raw = answer.get("fraction", "0")
    try:
        return float(raw)
    except ValueError:
        line = answer.sourceline or q.line
        raise ImportProblem(q.reader.out.path, line, 1, f"answer fraction {raw!r} is not a number") from None


def _answers(q: _Question) -> list[tuple[Any, float, str, str]]:
    """``(element, fraction, text, feedback)`` of every ``<answer>`` with text (blank ones dropped)."""
    out = []
    for answer in q.all("answer"):
        text = q.text(answer)
        if not text:
            q.warn("an empty answer dropped (as Moodle does)", answer.sourceline)
            continue
        out.append((answer, _fraction(q, answer), text, q.text(_first(answer, "feedback"), "html")))
    return out


def _off_grades(q: _Question, answers: list[tuple[Any, float, str, str]]) -> bool:
    """True (with a warning) when an answer's grade is not on Moodle's grade list.

    Moodle's importer refuses such a question ("Grades (…) do not match grade options - question
    skipped"), so a bank read here holds what the same bank holds in Moodle.
    """
    off = [f for _, f, _, _ in answers if not any(abs(abs(f) - g) < GRADE_SLACK for g in MOODLE_GRADES)]
    if off:
        shown = ", ".join(f"{f:g} %" for f in off)
        q.warn(f"answer grade {shown} is not on Moodle's grade list (33.33333 %, 50 %…): skipped, as Moodle does")
    return bool(off)


def _multichoice(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any] | None:
    single = q.value("single").lower() in _TRUE
    answers = _answers(q)
    if not meta.get("flags") and _off_grades(q, answers):  # with flags the fractions are computed shares
        return None
    options = []
    for _, fraction, text, feedback in answers:
        option: dict[str, Any] = {"text": text}
        if meta.get("flags") and not single:
            option["correct"] = fraction > 0
        elif fraction == 100:
            option["correct"] = True
        elif fraction != 0:
            option["weight"] = fraction
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    shuffle = q.value("shuffleanswers").lower()
    body: dict[str, Any] = {"type": "mcq" if single else "multi", "options": options, "explanation": general}
    if shuffle in ("0", "false"):
        body["shuffle"] = False
    return body


def _truefalse(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "true_false", "answer": True, "explanation": general}
    for _, fraction, text, feedback in _answers(q):
        value = text.strip().lower() == "true"
        if fraction >= 100:
            body["answer"] = value
        if feedback:
            body["feedback_true" if value else "feedback_false"] = feedback
    return body


def _shortanswer(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any] | None:
    read = _answers(q)
    if _off_grades(q, read):
        return None
    if q.value("usecase") == "1":
        q.warn("case-sensitive matching is not kept (StudyVM grades typed answers leniently)")
    answers = []
    for _, fraction, text, feedback in read:
        item: dict[str, Any] = {"text": text}
        if fraction != 100:
            item["weight"] = fraction
        if feedback:
            item["feedback"] = feedback
        answers.append(item)
    return {"type": "short", "answers": answers, "explanation": general}


def _numerical(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any] | None:
    ranges = meta.get("ranges") or []
    read = _answers(q)
    if _off_grades(q, read):
        return None
    answers, other = [], ""
    for index, (answer, fraction, text, feedback) in enumerate(read):
        if text == "*":
            other = feedback or other
            continue
        try:
            value = float(text)
            tolerance = abs(float(_child_text(answer, "tolerance") or 0))
        except ValueError:
            raise ImportProblem(q.reader.out.path, answer.sourceline or q.line, 1, f"not a number: {text!r}") from None
        span = ranges[index] if index < len(ranges) else None
        item: dict[str, Any] = {"min": span[0], "max": span[1]} if span else {"value": value, "tolerance": tolerance}
        if fraction != 100:
            item["weight"] = fraction
        if feedback:
            item["feedback"] = feedback
        answers.append(item)
    body: dict[str, Any] = {"type": "numerical", "answers": answers, "explanation": general}
    unit_els = q.el.findall("units/unit")
    units = [(u.findtext("unit_name") or "").strip() for u in unit_els]
    multipliers = [(u.findtext("multiplier") or "1").strip() for u in unit_els]
    base = [name for name, mult in zip(units, multipliers, strict=True) if name and float(mult or 1) == 1]
    if base:
        body["unit"] = base[0]
    extra = [u for u in units if u and u not in base[:1]]
    if extra:
        q.warn(f"units other than the base unit ignored: {', '.join(extra)}")
    if other:
        body["explanation"] = "\n".join(x for x in (general, f"Any other answer: {other}") if x)
    return body


def _matching(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    pairs, distractors = [], []
    for sub in q.all("subquestion"):
        left = q.text(sub, "html")
        right = _child_text(sub, "answer")
        if not right:
            continue
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    body: dict[str, Any] = {"type": "matching", "pairs": pairs, "explanation": general}
    if distractors:
        body["distractors"] = distractors
    return body


def _essay(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    grader = q.text(q.kid("graderinfo"), "html")
    if grader:
        return {"type": "flip", "back": grader, "explanation": general}
    return {"type": "flip", "back": general or ESSAY_BACK}


def _ordering(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    answers = _answers(q)
    positions = [fraction for _, fraction, _, _ in answers]
    if len(set(positions)) == len(positions) and all(p > 0 for p in positions):
        answers.sort(key=lambda a: a[1])  # the position is written as the answer's fraction
    items = [text for _, _, text, _ in answers]
    return {"type": "ordering", "items": items, "explanation": general}


def _cloze(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any] | None:
    container = q.kid("questiontext")
    raw = q.value("questiontext")
    fmt = (container.get("format") or "html") if container is not None else "html"
    gaps = []
    for index, m in enumerate(GAP.finditer(raw), start=1):
        gap, why = read_gap(m.group(2), m.group(3), html=fmt in ("html", "moodle_auto_format"))
        if gap is None:
            q.warn(f"cloze gap {index} ({m.group(0)[:40]}): {why}; question skipped")
            return None
        if gap.dropped:
            q.warn(f"cloze gap {index}: answers without full credit dropped: {', '.join(gap.dropped)}")
        gaps.append(gap)
    if not gaps:
        q.warn("cloze question without embedded answers: skipped")
        return None
    counter = iter(range(len(gaps)))
    start, end = markers(raw)
    marked = GAP.sub(lambda _m: f"{start}{next(counter)}{end}", raw)
    text = q.plain(marked, fmt, q.line)
    found = re.compile(f"{start}(\\d+){end}")
    prompt = found.sub(lambda m: "{{" + "|".join(gaps[int(m.group(1))].answers) + "}}", text)
    return {"type": "cloze", "prompt": prompt, "explanation": general}


READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
    "ordering": _ordering,
    "cloze": _cloze,
    "multianswer": _cloze,
}


"""Type attribute -> reader."""
