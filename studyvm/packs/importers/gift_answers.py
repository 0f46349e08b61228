"""The answer block of a GIFT question: which type it is and its answers, as model data.

Works on text whose escapes are already placeholders (see :mod:`gift_text`), so splitting on
``~ = #`` never splits an escaped character. Every piece keeps its offset in the question's
text, so an error can point at the answer that causes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from studyvm.packs.importers.gift_text import restore
from studyvm.packs.importers.htmltext import Label, MediaRef, html_to_text_media, looks_like_html, markdown_to_html

Problem = Callable[[int, str], Exception]
"""Makes the exception for an error at an offset of the question's text."""


@dataclass
class Context:
    """What reading one answer block needs: the text format, the error maker and two sinks."""

    fmt: str
    problem: Problem
    media: list[MediaRef] = field(default_factory=list)
    """Media referenced by any text of the question."""
    notes: list[tuple[int, str]] = field(default_factory=list)
    """Warnings ``(offset, message)`` about what was dropped or changed."""
    label: Label | None = None
    """Names the kept file a media placeholder shows (see :func:`html_to_text_media`)."""


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


def plain_text(text: str, fmt: str, media: list[MediaRef], label: Label | None = None) -> str:
    """Restored GIFT text in ``fmt`` as plain text; media references are added to ``media``.

    ``html`` is rendered; so is the default ``moodle`` format when the text holds tags or
    entities, since Moodle's auto-format shows them rendered (its line breaks stay breaks).
    ``markdown`` is rendered as Moodle shows it (``**KVM**`` reads ``KVM``); ``plain`` stays as written.
    """
    text = restore(text)
    if fmt == "moodle" and looks_like_html(text):
        text, fmt = text.strip().replace("\n", "<br>"), "html"
    elif fmt == "markdown":
        text, fmt = markdown_to_html(text), "html"
    if fmt != "html":
        return text.strip()
    out, found = html_to_text_media(text, label)
    media += found
    return out


def _text(piece: str, ctx: Context) -> str:
    piece = piece.strip()
    fmt = ctx.fmt
    if piece.startswith("["):
        end = piece.find("]")
        if end > 0 and piece[1:end].lower() in ("html", "moodle", "plain", "markdown"):
            fmt, piece = piece[1:end].lower(), piece[end + 1 :]
    return plain_text(piece, fmt, ctx.media, ctx.label)


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


def _check_weight(piece: Piece, weight: float | None, ctx: Context) -> None:
    if weight is None and piece.text.startswith("%"):
        ctx.notes.append((piece.at, "this does not read as a weight (write it %50%): kept as answer text"))


def _feedback(piece: Piece, ctx: Context) -> tuple[str, str]:
    text, _, feedback = piece.text.partition("#")
    return _text(text, ctx), _text(feedback, ctx)


def build_answers(answer: Piece, ctx: Context, general: str) -> dict[str, Any]:
    """Model fields (``type``, answers, ``explanation``) for the answer block ``answer``."""
    raw = answer.text.strip()
    if not raw:
        return {"type": "flip", "back": general or ESSAY_BACK}
    if raw.startswith("#"):
        body = _numerical(answer.cut(answer.text.index("#") + 1), ctx)
    elif "~" in raw:
        body = _choice(answer, ctx)
    elif "=" in raw and "->" in raw:
        body = _matching(answer, ctx)
    elif raw.split("#", 1)[0].strip().upper() in _TF:
        body = _true_false(raw, ctx)
    else:
        body = _short(answer, ctx)
    if general and not body.get("explanation"):
        body["explanation"] = general
    elif general:
        body["explanation"] = f"{general}\n{body['explanation']}"
    return body


def _choice(answer: Piece, ctx: Context) -> dict[str, Any]:
    options: list[dict[str, Any]] = []
    where: dict[Any, Any] = {}
    single = False
    for marker, piece in _answers(answer, "~="):
        option: dict[str, Any] = {}
        weight, piece = _weight(piece, ctx.problem, -100, 100)
        _check_weight(piece, weight, ctx)
        text, feedback = _feedback(piece, ctx)
        if not text:  # Moodle drops a blank answer when it saves the question (`~=right`)
            ctx.notes.append((piece.at, f"empty answer after '{marker}' dropped (as Moodle does)"))
            continue
        if marker == "=":
            single = True
            option["correct"] = True
        if weight is not None:
            option["weight"] = weight
        option["text"] = text
        if feedback:
            option["feedback"] = feedback
        where[("options", len(options))] = piece.at
        options.append(option)
    return {"type": "mcq" if single else "multi", "options": options, "_where": where}


def _matching(answer: Piece, ctx: Context) -> dict[str, Any]:
    pairs: list[dict[str, Any]] = []
    distractors: list[str] = []
    where: dict[Any, Any] = {}
    for _, piece in _answers(answer):
        if "->" not in piece.text:
            raise ctx.problem(piece.at, "matching answer without '->' (write =item -> match)")
        left, _, right = piece.text.partition("->")
        right_text = restore(right).strip()
        if not right_text:
            raise ctx.problem(piece.at, "matching answer with nothing after '->'")
        left_text = _text(left, ctx)
        if left_text:
            where[("pairs", len(pairs))] = piece.at
            pairs.append({"left": left_text, "right": right_text})
        else:
            distractors.append(right_text)
    body: dict[str, Any] = {"type": "matching", "pairs": pairs, "_where": where}
    if distractors:
        body["distractors"] = distractors
    return body


def _true_false(raw: str, ctx: Context) -> dict[str, Any]:
    parts = raw.split("#", 2) + ["", ""]
    answer = _TF[parts[0].strip().upper()]
    wrong, right = _text(parts[1], ctx), _text(parts[2], ctx)
    body: dict[str, Any] = {"type": "true_false", "answer": answer}
    # GIFT: the first feedback is for a wrong answer, the second for a right one.
    true_fb, false_fb = (right, wrong) if answer else (wrong, right)
    if true_fb:
        body["feedback_true"] = true_fb
    if false_fb:
        body["feedback_false"] = false_fb
    return body


def _short(answer: Piece, ctx: Context) -> dict[str, Any]:
    answers, where = [], {}
    for index, (_, piece) in enumerate(_answers(answer)):
        weight, piece = _weight(piece, ctx.problem, 0, 100)
        _check_weight(piece, weight, ctx)
        text, feedback = _feedback(piece, ctx)
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


def _numerical(answer: Piece, ctx: Context) -> dict[str, Any]:
    problem = ctx.problem
    text = answer.text
    wrong_feedback = ""
    tilde = text.find("~")
    if tilde >= 0:
        wrong_feedback = _feedback(Piece(text[tilde + 1 :], 0), ctx)[1]
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
            item["feedback"] = _text(feedback, ctx)
        answers.append(item)
        where[("answers", index)] = piece.at
    body: dict[str, Any] = {"type": "numerical", "answers": answers, "_where": where}
    if wrong_feedback:
        body["explanation"] = f"Any other answer: {wrong_feedback}"
    return body
