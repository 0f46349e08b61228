"""Aiken import: single-answer multiple choice, as Moodle reads it.

::

    What does a VMM trap on?
    A. Sensitive instructions
    B) Only I/O
    ANSWER: A

The question text may span several lines; options are ``A.`` or ``A)`` followed by a space;
``ANSWER:`` names the right letter and ends the question. Blank lines between questions are
optional. Ids come from a hash of the question text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from studyvm.packs.importers.common import IdMaker, ImportProblem, ImportResult, Progress, read_text, text_id
from studyvm.packs.model import QUESTION_ADAPTER

_OPTION = re.compile(r"^([A-Z])[.)](?:\s+(.*))?$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


class _Question:
    """A question being read: its text lines, options and where it started."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.text: list[str] = []
        self.options: list[tuple[str, str, int]] = []


def parse_aiken(text: str, path: str = "<aiken>", progress: Progress | None = None) -> ImportResult:
    """Every question of an Aiken text, or :class:`ImportProblem` at the first error."""
    result = ImportResult()
    ids = IdMaker()
    current: _Question | None = None
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        col = len(raw) - len(raw.lstrip()) + 1
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            if current is None or not current.options:
                raise ImportProblem(path, number, col, "ANSWER line without options before it")
            result.questions.append(_finish(current, answer.group(1).strip(), path, number, col, ids))
            current = None
        elif option and current is not None and current.text:
            letter = option.group(1)
            expected = chr(ord("A") + len(current.options))
            if letter != expected:
                raise ImportProblem(path, number, col, f"option {letter} out of order: expected {expected}")
            current.options.append((letter, (option.group(2) or "").strip(), number))
        elif current is not None and current.options:
            raise ImportProblem(
                path, number, col, "expected another option (A. text) or the ANSWER: line after the options"
            )
        else:
            current = current or _Question(number)
            current.text.append(line)
        if progress is not None and number % 5000 == 0:
            progress(number, len(lines))
    if current is not None:
        raise ImportProblem(path, current.line, 1, "question without an ANSWER: line")
    return result


def _finish(q: _Question, letter: str, path: str, line: int, col: int, ids: IdMaker) -> Any:
    letters = [opt[0] for opt in q.options]
    if letter.upper() not in letters:
        raise ImportProblem(path, line, col, f"ANSWER {letter!r} is not one of the options {', '.join(letters)}")
    prompt = "\n".join(q.text)
    data = {
        "type": "mcq",
        "id": ids.take(text_id(prompt)),
        "prompt": prompt,
        "options": [{"text": text, "correct": key == letter.upper()} for key, text, _ in q.options],
    }
    try:
        return QUESTION_ADAPTER.validate_python(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = [p for p in err["loc"] if p != "mcq"]
        where = q.line
        if len(loc) >= 2 and loc[0] == "options" and isinstance(loc[1], int):
            where = q.options[loc[1]][2]
        detail = ".".join(str(p) for p in loc)
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise ImportProblem(path, where, 1, f"{detail}: {msg}" if detail else msg) from None


def import_aiken(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read and parse an Aiken file."""
    return parse_aiken(read_text(Path(path)), str(path), progress)
