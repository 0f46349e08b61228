"""Moodle's embedded answers (Cloze) syntax, ``{1:SHORTANSWER:=Paris~%50%Marseille#close}``.

A Moodle cloze question becomes a StudyVM ``cloze`` when every gap asks for typed text: short
answer (``SA``/``MW``, case-sensitive variants too) or a numerical gap with one exact value.
Its accepted answers are the gap's full-credit ones (``=x`` or ``%100%x``); partial answers and
the ``*`` catch-all have no place in a StudyVM gap and are reported. A gap that offers choices
(``MULTICHOICE``, ``MULTIRESPONSE`` and their variants) or a numerical tolerance does not fit:
the caller skips the question with a message naming the gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

GAP = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^}\\])*)\}", re.S)
"""One embedded answer: weight, type and answers (``\\}`` escapes a brace inside)."""
_TEXT_TYPES = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
_NUMERIC_TYPES = {"NUMERICAL", "NM"}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")


@dataclass
class Gap:
    """The accepted answers of one gap, and what was left out of it."""

    answers: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def _split(text: str, sep: str) -> list[str]:
    """``text`` split at every ``sep`` not escaped with a backslash (escapes kept for later)."""
    parts, current, index = [], [], 0
    while index < len(text):
        ch = text[index]
        if ch == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        index += 1
    parts.append("".join(current))
    return parts


def _unescape(text: str, html: bool) -> str:
    text = re.sub(r"\\(.)", r"\1", text, flags=re.S)
    return (unescape(text) if html else text).strip()


def read_gap(kind: str, body: str, html: bool = True) -> tuple[Gap | None, str]:
    """The gap's answers, or ``(None, why it does not fit a StudyVM cloze)``; ``html``: entities decoded."""
    if kind not in _TEXT_TYPES | _NUMERIC_TYPES:
        return None, f"a {kind} gap offers choices, which a StudyVM cloze gap cannot"
    gap = Gap()
    for raw in _split(body, "~"):
        answer = _split(raw, "#")[0].strip()
        weight = 0.0
        if answer.startswith("="):
            weight, answer = 100.0, answer[1:]
        elif m := _WEIGHT.match(answer):
            weight, answer = float(m.group(1)), answer[m.end() :]
        if kind in _NUMERIC_TYPES and ":" in answer:
            value, _, tolerance = answer.partition(":")
            if float(tolerance or 0) != 0:
                return None, f"numerical gap '{answer}' has a tolerance, which a StudyVM cloze gap cannot hold"
            answer = value
        catch_all = answer.strip() == "*"  # Moodle's wildcard; an escaped \* is a literal star
        text = _unescape(answer, html)
        if not text:
            continue
        if kind in _NUMERIC_TYPES and not catch_all and not _is_number(text):
            return None, f"numerical gap answer {text!r} is not a number"
        if weight >= 100 and not catch_all and "|" not in text and "{" not in text and "}" not in text:
            gap.answers.append(text)
        else:
            gap.dropped.append(f"{text} ({weight:g}%)")
    if not gap.answers:
        return None, "a gap without a full-credit answer"
    return gap, ""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
