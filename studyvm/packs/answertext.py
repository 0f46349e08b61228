"""A question's right answer in words, and the text the card browser's words and phrases search.

Both are facts of the pack, not of a learner: the grader reports the right answer with these words
(:mod:`studyvm.study.grading`), and the pack index stores each question's search text when the pack
is indexed (:mod:`studyvm.packs.indexcache`), so the first search of a session parses no question.
Plain functions of a parsed question; no pydantic, no YAML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_GAP = re.compile(r"\{\{(.+?)\}\}")


def number(x: float) -> str:
    """A number as the feedback writes it (``%g``: 42, 0.5, 1e+06)."""
    return f"{x:g}"


def _numerical(q: Any) -> str:
    best = max(q.answers, key=lambda a: a.weight)
    unit = f" {q.unit}" if q.unit else ""
    if best.value is None:
        lo, hi = best.bounds()
        return f"{number(lo)}..{number(hi)}{unit}"
    return f"{number(best.value)}{unit}" + (f" ± {number(best.tolerance)}" if best.tolerance else "")


def _cloze(q: Any) -> str:
    filled = iter(alts[0] for alts in q.gaps())
    return _GAP.sub(lambda _m: next(filled), q.prompt)


def _short(q: Any) -> str:
    # "*" is Moodle's catch-all answer: never the one to show as right
    return str(max((a for a in q.answers if a.text != "*"), key=lambda a: a.weight, default=q.answers[0]).text)


_IN_WORDS: dict[str, Callable[[Any], str]] = {
    "flip": lambda q: q.back,
    "mcq": lambda q: " / ".join(o.text for o in q.options if o.credit() >= 100),  # Moodle allows several
    "multi": lambda q: "; ".join(q.options[i].text for i in sorted(q.correct_indexes())),
    "true_false": lambda q: "True" if q.answer else "False",
    "short": _short,
    "numerical": _numerical,
    "cloze": _cloze,
    "matching": lambda q: "; ".join(f"{p.left} → {p.right}" for p in q.pairs),
    "ordering": lambda q: " → ".join(q.items),
}


def answer_in_words(question: Any) -> str:
    """The right answer of ``question`` in words (a flip card's back; empty for an unknown type)."""
    made = _IN_WORDS.get(question.type)
    return made(question) if made is not None else ""


def search_text(question: Any, answer: str | None = None) -> str:
    """Prompt, right answer, explanation and options of ``question``, lower-cased: what words search.

    ``answer``: the right answer in words when the caller has it (else :func:`answer_in_words`).
    """
    if answer is None:
        try:
            answer = answer_in_words(question)
        except (TypeError, ValueError):  # a question no grader could grade either: no answer to search
            answer = ""
    parts = [question.prompt, answer]
    parts += [getattr(question, "explanation", "") or ""]
    parts += [o.text for o in getattr(question, "options", None) or []]
    return " ".join(str(p) for p in parts).lower()


def listed_prompt(question: Any) -> str:
    """The prompt on one line, as the browser's table lists it."""
    return " ".join(question.prompt.split())
