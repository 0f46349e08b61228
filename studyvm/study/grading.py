"""Grading of every question type: a response in, a :class:`Grade` (score 0..1) out.

Responses are plain Python values expressed in the question's *own* order (option indexes as
in the pack, not as shuffled on screen; :mod:`studyvm.study.presentation` converts what a learner
typed). Every function is registered in the question-type table
(:mod:`studyvm.packs.questions`), which dispatches on the type:

============  ==========================================================
type          response
============  ==========================================================
mcq           ``int`` option index
multi         iterable of ``int`` option indexes
true_false    ``bool``
short         ``str``
numerical     ``float`` or ``str`` ("1,024", "12 ms")
cloze         ``list[str]``, one per gap (a ``str`` for a single gap)
matching      ``dict[left text, right text]``
ordering      ``list[int]`` item indexes in the learner's order
============  ==========================================================

Text answers are graded leniently: case, accents, whitespace and punctuation are ignored, and
one typo (an edit, or two letters swapped) is forgiven in a word of five letters or more. A
``flip`` card is never graded here: the learner rates it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from studyvm.packs.answertext import answer_in_words
from studyvm.packs.model import (
    ClozeQuestion,
    FlipQuestion,
    MatchingQuestion,
    McqQuestion,
    MultiQuestion,
    NumericalQuestion,
    OrderingQuestion,
    ShortQuestion,
    TrueFalseQuestion,
)
from studyvm.packs.questions import register, row

FULL = 0.999
"""A score at least this high counts as right."""
TYPO_MIN_LENGTH = 5
"""Shortest word in which one typo is forgiven."""


@dataclass
class Grade:
    """The result of grading one response."""

    score: float
    """0..1 (partial credit clamped at 0)."""
    correct: bool
    expected: str
    """The right answer, in words, for feedback."""
    feedback: str = ""
    """Feedback attached to the chosen option or matched answer, if the pack has one."""


class NotGradable(ValueError):
    """The question type is self-rated (flip) or the response has the wrong shape."""


def normalize(text: str) -> str:
    """Case, accents, punctuation and runs of whitespace removed, for lenient comparison."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    kept = []
    for ch in decomposed:
        cat = unicodedata.category(ch)
        if cat.startswith("M"):
            continue
        kept.append(" " if cat.startswith(("P", "S", "Z")) else ch)
    return " ".join("".join(kept).split())


def _one_change_or_swap(a: str, b: str) -> bool:
    """Strings of one length: one character changed, or two neighbours swapped."""
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _one_insertion(short: str, long: str) -> bool:
    """``long`` is ``short`` with one character added."""
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one edit or one swap of neighbours."""
    if a == b:
        return True
    if len(a) == len(b):
        return _one_change_or_swap(a, b)
    if abs(len(a) - len(b)) > 1:
        return False
    return _one_insertion(a, b) if len(a) < len(b) else _one_insertion(b, a)


def text_matches(given: str, accepted: str) -> bool:
    """Lenient equality: normalized words equal, one typo allowed in one long alphabetic word."""
    g, a = normalize(given).split(), normalize(accepted).split()
    if "".join(g) == "".join(a):  # "VTx", "VT-x" and "vt x" are the same answer
        return True
    if len(g) != len(a) or not a:
        return False
    diffs = [(x, y) for x, y in zip(g, a, strict=True) if x != y]
    if len(diffs) != 1:
        return False
    x, y = diffs[0]
    return len(y) >= TYPO_MIN_LENGTH and y.isalpha() and _one_edit(x, y)


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(value: Any, unit: str = "") -> float:
    """A float from a number or from text like ``1,024``, ``2,5`` or ``12 ms``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if unit and text.lower().endswith(unit.lower()):
        text = text[: -len(unit)].strip()
    text = text.replace(" ", "").replace("_", "")
    text = text.replace(",", "") if _THOUSANDS.match(text) else text.replace(",", ".")
    match = _NUMBER.fullmatch(text)
    if not match:
        raise NotGradable(f"not a number: {value!r}")
    return float(text)


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


@register("mcq", "grade")
def _grade_mcq(q: McqQuestion, response: Any) -> Grade:
    idx = int(response)
    if not 0 <= idx < len(q.options):
        raise NotGradable("no such option")
    score = _clamp(q.options[idx].credit() / 100)
    return Grade(score, score >= FULL, answer_in_words(q), q.options[idx].feedback)


@register("multi", "grade")
def _grade_multi(q: MultiQuestion, response: Any) -> Grade:
    chosen = {int(i) for i in response}
    if any(not 0 <= i < len(q.options) for i in chosen):
        raise NotGradable("no such option")
    correct = q.correct_indexes()
    if any(o.weight is not None for o in q.options):
        score = _clamp(sum(q.options[i].credit() for i in chosen) / 100)  # GIFT: weights add up
    else:
        hits = len(chosen & correct)
        misses = len(chosen - correct)
        score = _clamp((hits - misses) / len(correct))  # each wrong pick cancels a right one
    feedback = " ".join(q.options[i].feedback for i in sorted(chosen) if q.options[i].feedback)
    return Grade(score, score >= FULL, answer_in_words(q), feedback)


@register("true_false", "grade")
def _grade_true_false(q: TrueFalseQuestion, response: Any) -> Grade:
    if not isinstance(response, bool):
        raise NotGradable("answer true or false")
    score = 1.0 if response == q.answer else 0.0
    feedback = q.feedback_true if response else q.feedback_false
    return Grade(score, score >= FULL, answer_in_words(q), feedback)


@register("short", "grade")
def _grade_short(q: ShortQuestion, response: Any) -> Grade:
    # A "*" answer is Moodle's catch-all: it matches any response (usually at 0% with feedback).
    matched = [a for a in q.answers if a.text == "*" or text_matches(str(response), a.text)]
    if not matched:
        return Grade(0.0, False, answer_in_words(q))
    top = max(matched, key=lambda a: a.weight)
    score = _clamp(top.weight / 100)
    return Grade(score, score >= FULL, answer_in_words(q), top.feedback)


@register("numerical", "grade")
def _grade_numerical(q: NumericalQuestion, response: Any) -> Grade:
    value = parse_number(response, q.unit)
    expected = answer_in_words(q)
    eps = 1e-9 * max(1.0, abs(value))
    hits = [a for a in q.answers if a.bounds()[0] - eps <= value <= a.bounds()[1] + eps]
    if not hits:
        return Grade(0.0, False, expected)
    top = max(hits, key=lambda a: a.weight)
    score = _clamp(top.weight / 100)
    return Grade(score, score >= FULL, expected, top.feedback)


@register("cloze", "grade")
def _grade_cloze(q: ClozeQuestion, response: Any) -> Grade:
    gaps = q.gaps()
    given = [response] if isinstance(response, str) else list(response)
    given += [""] * (len(gaps) - len(given))
    right = sum(any(text_matches(g, alt) for alt in alts) for g, alts in zip(given, gaps, strict=False))
    score = right / len(gaps)
    return Grade(score, score >= FULL, answer_in_words(q))


@register("matching", "grade")
def _grade_matching(q: MatchingQuestion, response: Any) -> Grade:
    given = dict(response)
    right = sum(1 for p in q.pairs if normalize(given.get(p.left, "")) == normalize(p.right))
    score = right / len(q.pairs)
    return Grade(score, score >= FULL, answer_in_words(q))


@register("ordering", "grade")
def _grade_ordering(q: OrderingQuestion, response: Any) -> Grade:
    order = [int(i) for i in response]
    if sorted(order) != list(range(len(q.items))):
        raise NotGradable(f"give each of the {len(q.items)} items exactly once")
    # Credit for each neighbour pair placed in the right relative order (Moodle's "next item").
    good = sum(1 for a, b in zip(order, order[1:], strict=False) if b == a + 1)
    score = good / (len(order) - 1)
    return Grade(score, score >= FULL, answer_in_words(q))


def is_self_rated(question: Any) -> bool:
    """True for question types the learner grades themselves (``flip``)."""
    return row(question).self_rated


def grade(question: Any, response: Any) -> Grade:
    """Grade ``response`` to ``question``; raises :class:`NotGradable` for a flip or a bad shape."""
    grader = row(question).grade
    if grader is None:
        raise NotGradable(f"a {question.type} question is self-rated")
    try:
        return grader(question, response)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, NotGradable):
            raise
        raise NotGradable(str(exc)) from exc


# Probes: a response whose grade carries the right answer in words (``expected_answer``).
register("mcq", "probe")(lambda q: 0)
register("multi", "probe")(lambda q: [])
register("true_false", "probe")(lambda q: True)
register("short", "probe")(lambda q: "")
register("numerical", "probe")(lambda q: math.nan)
register("cloze", "probe")(lambda q: [])
register("matching", "probe")(lambda q: {})
register("ordering", "probe")(lambda q: list(range(len(q.items))))
register("flip", "probe")(lambda q: None)


def expected_answer(question: Any) -> str:
    """The right answer of any question, in words (a flip card's back)."""
    if isinstance(question, FlipQuestion):
        return question.back
    probe = row(question).probe
    try:
        return grade(question, probe(question) if probe else None).expected
    except NotGradable:
        return ""


def suggested_rating(score: float | None) -> int:
    """The rating offered (preselected) after a verdict; the learner's own key always wins.

    Right -> Good; partly right (half or more) -> Hard; wrong or not answered -> Again; a
    self-rated card (``score`` ``None``) -> Good, as Anki preselects it.
    """
    if score is None:
        return 3
    if score >= FULL:
        return 3
    return 2 if score >= 0.5 else 1


def response_problem(question: Any, response: Any) -> str | None:
    """Why ``response`` cannot be graded as typed (a message for the learner), or ``None``.

    A typed answer that is not a number, on a numerical question, is a slip to correct rather
    than a wrong answer: the caller asks again instead of grading it.
    """
    if response is None or getattr(question, "type", "") != "numerical":
        return None
    try:
        parse_number(response, getattr(question, "unit", ""))
    except NotGradable:
        unit = f" (in {question.unit})" if getattr(question, "unit", "") else ""
        return f"'{response}' is not a number: type digits{unit}, for example 42 or 3.5"
    return None


# How a saved response reads in words, per type (``describe_response``).
register("flip", "describe")(lambda q, r: {1: "did not know it"}.get(r, "knew it"))
register("mcq", "describe")(lambda q, r: q.options[int(r)].text)
register("multi", "describe")(lambda q, r: "; ".join(q.options[int(i)].text for i in r) or "(nothing chosen)")
register("true_false", "describe")(lambda q, r: "True" if r else "False")
register("short", "describe")(lambda q, r: str(r))
register("numerical", "describe")(lambda q, r: str(r))
register("cloze", "describe")(lambda q, r: r if isinstance(r, str) else " | ".join(str(part) for part in r))
register("matching", "describe")(
    lambda q, r: "; ".join(f"{left} → {right}" for left, right in dict(r).items()) or "(nothing matched)"
)
register("ordering", "describe")(lambda q, r: " → ".join(q.items[int(i)] for i in r))


def describe_response(question: Any, response: Any) -> str:
    """A response in words, as the learner would recognise it (option texts, not indexes)."""
    if response is None:
        return "(not answered)"
    describe = row(question).describe
    try:
        return describe(question, response) if describe else str(response)
    except (IndexError, TypeError, ValueError):
        return str(response)
