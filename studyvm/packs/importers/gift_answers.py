"""The answer block of a GIFT question: which type it is and its answers, as model data.

Works on text whose escapes are already placeholders (see :mod:`gift_text`), so splitting on
``~ = #`` never splits an escaped character. Every piece keeps its offset in the question's
text, so an error can point at the answer that causes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from studyvm.packs.importers.gift_text import restore
from studyvm.packs.importers.htmltext import html_to_text

Problem = Callable[[int, str], Exception]
"""Makes the exception for an error at an offset of the question's text."""

ESSAY_BACK = "(essay question: no model answer was given; compare with your notes)"
"""The back of a flip imported from an essay that has no general feedback."""
_WEIGHT = re.compile(r"%\s*(-?\d+(?:\.\d*)?)\s*%")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class Piece(NamedTuple):
    """A slice of the question text and the offset where it starts."""

    text: str
    at: int

    def strip(self) -> Piece:
        """The piece without surrounding white space, its offset moved accordingly."""
        lead = len(self.text) - len(self.text.lstrip())
        return Piece(self.text.strip(), self.at + lead)

    def cut(self, start: int) -> Piece:
        """The piece from ``start`` on."""
        return Piece(self.text[start:], self.at + start)


def _text(piece: str, fmt: str) -> str:
    piece = piece.strip()
    if piece.startswith("["):
        end = piece.find("]")
        if end > 0 and piece[1:end].lower() in ("html", "moodle", "plain", "markdown"):
            fmt, piece = piece[1:end].lower(), piece[end + 1 :]
    return html_to_text(restore(piece)) if fmt == "html" else restore(piece).strip()


_SPLIT = {markers: re.compile("([" + re.escape(markers) + "])") for markers in ("=", "~=")}


def _answers(piece: Piece, markers: str = "=") -> list[tuple[str, Piece]]:
    """Split at every character of ``markers``: ``(marker, stripped piece)`` pairs.

    Text before the first marker is kept with marker ``""`` unless it is blank (as Moodle does).
    """
    parts = _SPLIT[markers].split(piece.text)  # text, marker, text, marker, …, text
    out: list[tuple[str, Piece]] = []
    pos, marker = piece.at, ""
    for index in range(0, len(parts), 2):
        part = parts[index]
        stripped = part.strip()
        if index or stripped:
            out.append((marker, Piece(stripped, pos + len(part) - len(part.lstrip()))))
        pos += len(part) + 1
        if index + 1 < len(parts):
            marker = parts[index + 1]
    return out


def _weight(piece: Piece, problem: Problem, low: float, high: float) -> tuple[float | None, Piece]:
    if not piece.text.startswith("%"):
        return None, piece
    m = _WEIGHT.match(piece.text)
    if not m:
        return None, piece
    value = float(m.group(1))
    if not low <= value <= high:
        raise problem(piece.at, f"answer weight {m.group(1)}% is outside {low:g}..{high:g}%")
    return value, piece.cut(m.end()).strip()


def _feedback(piece: Piece, fmt: str) -> tuple[str, str]:
    text, _, feedback = piece.text.partition("#")
    return _text(text, fmt), _text(feedback, fmt)


def build_answers(answer: Piece, fmt: str, general: str, problem: Problem) -> dict[str, Any]:
    """Model fields (``type``, answers, ``explanation``) for the answer block ``answer``."""
    raw = answer.text.strip()
    if not raw:
        return {"type": "flip", "back": general or ESSAY_BACK}
    if raw.startswith("#"):
        body = _numerical(answer.cut(answer.text.index("#") + 1), fmt, problem)
    elif "~" in raw:
        body = _choice(answer, fmt, problem)
    elif "=" in raw and "->" in raw:
        body = _matching(answer, fmt, problem)
    elif raw.split("#", 1)[0].strip().upper() in _TF:
        body = _true_false(raw, fmt)
    else:
        body = _short(answer, fmt, problem)
    if general and not body.get("explanation"):
        body["explanation"] = general
    elif general:
        body["explanation"] = f"{general}\n{body['explanation']}"
    return body


def _choice(answer: Piece, fmt: str, problem: Problem) -> dict[str, Any]:
    options, where = [], {}
    single = False
    for index, (marker, piece) in enumerate(_answers(answer, "~=")):
        option: dict[str, Any] = {}
        if marker == "=":
            single = True
            option["correct"] = True
        weight, piece = _weight(piece, problem, -100, 100)
        if weight is not None:
            option["weight"] = weight
        text, feedback = _feedback(piece, fmt)
        option["text"] = text
        if feedback:
            option["feedback"] = feedback
        options.append(option)
        where[("options", index)] = piece.at
    return {"type": "mcq" if single else "multi", "options": options, "_where": where}


def _matching(answer: Piece, fmt: str, problem: Problem) -> dict[str, Any]:
    pairs, distractors, where = [], [], {}
    for _, piece in _answers(answer):
        if "->" not in piece.text:
            raise problem(piece.at, "matching answer without '->' (write =item -> match)")
        left, _, right = piece.text.partition("->")
        right_text = restore(right).strip()
        if not right_text:
            raise problem(piece.at, "matching answer with nothing after '->'")
        left_text = _text(left, fmt)
        if left_text:
            where[("pairs", len(pairs))] = piece.at
            pairs.append({"left": left_text, "right": right_text})
        else:
            distractors.append(right_text)
    body: dict[str, Any] = {"type": "matching", "pairs": pairs, "_where": where}
    if distractors:
        body["distractors"] = distractors
    return body


def _true_false(raw: str, fmt: str) -> dict[str, Any]:
    parts = raw.split("#", 2) + ["", ""]
    answer = _TF[parts[0].strip().upper()]
    wrong, right = _text(parts[1], fmt), _text(parts[2], fmt)
    body: dict[str, Any] = {"type": "true_false", "answer": answer}
    # GIFT: the first feedback is for a wrong answer, the second for a right one.
    true_fb, false_fb = (right, wrong) if answer else (wrong, right)
    if true_fb:
        body["feedback_true"] = true_fb
    if false_fb:
        body["feedback_false"] = false_fb
    return body


def _short(answer: Piece, fmt: str, problem: Problem) -> dict[str, Any]:
    answers, where = [], {}
    for index, (_, piece) in enumerate(_answers(answer)):
        weight, piece = _weight(piece, problem, 0, 100)
        text, feedback = _feedback(piece, fmt)
        item: dict[str, Any] = {"text": text}
        if weight is not None and weight != 100:
            item["weight"] = weight
        if feedback:
            item["feedback"] = feedback
        answers.append(item)
        where[("answers", index)] = piece.at
    return {"type": "short", "answers": answers, "_where": where}


def _number(piece: Piece, text: str, problem: Problem) -> float:
    text = text.strip()
    if not _NUMBER.match(text):
        raise problem(piece.at, f"not a number: {text!r}")
    return float(text)


def _numerical(answer: Piece, fmt: str, problem: Problem) -> dict[str, Any]:
    text = answer.text
    wrong_feedback = ""
    tilde = text.find("~")
    if tilde >= 0:
        wrong_feedback = _feedback(Piece(text[tilde + 1 :], 0), fmt)[1]
        answer = Piece(text[:tilde], answer.at)
    pieces = [piece for _, piece in _answers(answer)]
    if not pieces:
        raise problem(answer.at, "numerical answer block without a number")
    answers, where = [], {}
    for index, piece in enumerate(pieces):
        weight, piece = _weight(piece, problem, 0, 100)
        value, _, feedback = piece.text.partition("#")
        item: dict[str, Any] = {}
        if ".." in value.strip()[1:]:
            low, _, high = value.partition("..")
            item["min"], item["max"] = _number(piece, low, problem), _number(piece, high, problem)
        elif ":" in value:
            val, _, tol = value.partition(":")
            item["value"], item["tolerance"] = _number(piece, val, problem), _number(piece, tol, problem)
        else:
            item["value"] = _number(piece, value, problem)
        if weight is not None and weight != 100:
            item["weight"] = weight
        if feedback.strip():
            item["feedback"] = _text(feedback, fmt)
        answers.append(item)
        where[("answers", index)] = piece.at
    body: dict[str, Any] = {"type": "numerical", "answers": answers, "_where": where}
    if wrong_feedback:
        body["explanation"] = f"Any other answer: {wrong_feedback}"
    return body
