"""Aiken import: single-answer multiple choice, as Moodle reads it.

::

    What does a VMM trap on?
    A. Sensitive instructions
    B) Only I/O
    ANSWER: A

The question text may span several lines; options are ``A.`` or ``A)`` followed by the text
(a space after the mark is optional, as in Moodle); ``ANSWER:`` (any case) names the right letter
and ends the question (``ANSWER: A) Paris`` is read as ``A``, with a warning, as Moodle takes the
first letter). Blank lines between questions are optional. Ids come from a hash of the
question text. Every problem of the file is reported, each at its line, and a question with a
problem never swallows the next one: an option line before any question text, a question left
without its ``ANSWER:`` line, a letter out of order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from studyvm.packs.gcpause import gc_paused
from studyvm.packs.importers.common import Collector, ImportResult, Progress, read_text

_OPTION = re.compile(r"^([A-Z])[.)][ \t]*(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)
_SPELLED_ANSWER = re.compile(r"^([A-Za-z])(?:[.)]|\s)\s*\S")
"""An answer written with its option's text after the letter: ``A) Paris``, ``B. Rome``."""


class _Question:
    """A question being read: its text lines, options and where it started."""

    def __init__(self, line: int, broken: bool = False) -> None:
        self.line = line
        self.text: list[str] = []
        self.options: list[tuple[str, str, int]] = []
        self.broken = broken
        """A problem was reported: the rest of it is skipped up to its ANSWER line."""


class _Reader:
    def __init__(self, path: str) -> None:
        self.out = Collector(path)
        self.current: _Question | None = None

    def line(self, number: int, col: int, line: str) -> None:
        current = self.current
        answer = _ANSWER.match(line)
        option = _OPTION.match(line) if not answer else None
        if answer:
            self.answer(number, col, answer.group(1).strip())
        elif option and (current is None or not current.text):
            if current is None or not current.broken:
                self.out.problem(number, col, "option line before any question text (is the question line missing?)")
            self.current = current or _Question(number, broken=True)
        elif option and current is not None:
            if current.broken:
                return
            letter, expected = option.group(1), chr(ord("A") + len(current.options))
            if letter != expected:
                self.out.problem(number, col, f"option {letter} out of order: expected {expected}")
                current.broken = True
                return
            current.options.append((letter, option.group(2).strip(), number))
        elif current is not None and (current.options or (current.broken and not current.text)):
            if not current.broken:
                self.out.problem(
                    number,
                    col,
                    f"the question of line {current.line} has no ANSWER: line; expected another option "
                    "(A. text) or the ANSWER: line after the options",
                )
            self.current = _Question(number)
            self.current.text.append(line)
        else:
            self.current = current or _Question(number)
            self.current.text.append(line)

    def answer(self, number: int, col: int, letter: str) -> None:
        current, self.current = self.current, None
        if current is not None and current.broken:
            return
        if current is None or not current.options:
            where = "" if current is None else f" (the question of line {current.line} has no A. B. … options)"
            self.out.problem(number, col, f"ANSWER line without options before it{where}")
            return
        letters = [opt[0] for opt in current.options]
        if len(letters) < 2:
            self.out.problem(number, col, f"a question needs at least 2 options, found {len(letters)}")
            return
        spelled = _SPELLED_ANSWER.match(letter)
        if letter.upper() not in letters and spelled and spelled.group(1).upper() in letters:
            # "ANSWER: A) Paris": Moodle reads the first letter; say so, in case the text disagrees
            self.out.warn(
                number, col, f"ANSWER {letter!r} read as {spelled.group(1).upper()} (the letter alone is enough)"
            )
            letter = spelled.group(1)
        if letter.upper() not in letters:
            self.out.problem(number, col, f"ANSWER {letter!r} is not one of the options {', '.join(letters)}")
            return
        prompt = "\n".join(current.text)
        options = current.options
        data = {
            "type": "mcq",
            "prompt": prompt,
            "options": [{"text": text, "correct": key == letter.upper()} for key, text, _ in options],
        }

        def locate(err: dict[str, Any], q: _Question = current) -> tuple[int, int]:
            loc = [p for p in err["loc"] if p != "mcq"]
            if len(loc) >= 2 and loc[0] == "options" and isinstance(loc[1], int):
                return q.options[loc[1]][2], 1
            return q.line, 1

        self.out.add(data, "", current.line, 1, locate)

    def end(self) -> ImportResult:
        if self.current is not None and not self.current.broken:
            self.out.problem(self.current.line, 1, "question without an ANSWER: line")
        return self.out.finish()


def parse_aiken(text: str, path: str = "<aiken>", progress: Progress | None = None) -> ImportResult:
    """Every question of an Aiken text, or :class:`ImportProblem` listing every problem."""
    reader = _Reader(path)
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line:
            reader.line(number, len(raw) - len(raw.lstrip()) + 1, line)
        if progress is not None and number % 5000 == 0:
            progress(number, len(lines))
    return reader.end()


@gc_paused  # every caller, not only `pack import`: the collector costs 15-25 % here
def import_aiken(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read and parse an Aiken file."""
    return parse_aiken(read_text(Path(path)), str(path), progress)
