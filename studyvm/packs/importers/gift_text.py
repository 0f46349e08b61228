"""Low-level GIFT reading: escapes, comments, blocks and positions.

GIFT's control characters (``~ = # { } :``) and the backslash are escaped with a backslash, and
``\\n`` is a line break. Escapes are swapped for private placeholders before parsing, so the
parser can split on control characters freely, and swapped back in every piece of text it keeps.
Questions are separated by blank lines; ``//`` lines are comments (kept, because Moodle stores a
question's ``[id:…]`` and ``[tag:…]`` in them).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

_ESCAPABLE = "\\~=#{}:n"
PLACEHOLDER = {ch: chr(0x10FFF0 + i) for i, ch in enumerate(_ESCAPABLE)}
"""Escaped character -> the private code point standing for it while parsing."""
_RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in PLACEHOLDER.items()})
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")


def restore(text: str) -> str:
    """Turn placeholders back into the characters they stand for (``\\n`` into a newline)."""
    return text.translate(_RESTORE)


@dataclass
class Line:
    """One non-blank, non-comment line of a block, with escapes already replaced."""

    number: int
    """1-based line number in the file."""
    col: int
    """0-based column (in the escaped line) where the stripped text starts."""
    text: str
    shifts: list[int] | None = None
    """Positions (in the escaped line) of placeholders, to map columns back to the file."""

    def file_col(self, col_in_text: int) -> int:
        """1-based column in the file of ``col_in_text`` (an index into :attr:`text`)."""
        x = self.col + col_in_text
        if self.shifts:
            x += bisect_left(self.shifts, x)
        return x + 1


@dataclass
class Block:
    """The lines of one question (or category) and the comments written inside it."""

    lines: list[Line] = field(default_factory=list)
    comments: list[Line] = field(default_factory=list)
    _starts: list[int] | None = None
    _text: str | None = None

    @property
    def text(self) -> str:
        """The block's lines joined by newlines."""
        if self._text is None:
            self._text = "\n".join(line.text for line in self.lines)
        return self._text

    def locate(self, offset: int) -> tuple[int, int]:
        """(line, column) in the file of ``offset`` in :attr:`text`, both 1-based."""
        if self._starts is None:
            starts, pos = [], 0
            for line in self.lines:
                starts.append(pos)
                pos += len(line.text) + 1
            self._starts = starts
        index = max(0, bisect_right(self._starts, offset) - 1)
        line = self.lines[index]
        return line.number, line.file_col(min(offset - self._starts[index], len(line.text)))

    def drop_first_line(self) -> Block:
        """The same block without its first line (used after a ``$CATEGORY:`` line)."""
        return Block(self.lines[1:], self.comments)


def _escape_line(raw: str) -> tuple[str, list[int] | None]:
    if "\\" not in raw:
        return raw, None
    shifts: list[int] = []
    out: list[str] = []
    last = 0
    for m in _ESCAPE.finditer(raw):
        out.append(raw[last : m.start()])
        shifts.append(m.start() - len(shifts))
        out.append(PLACEHOLDER[m.group(1)])
        last = m.end()
    out.append(raw[last:])
    return "".join(out), shifts or None


def split_blocks(text: str) -> list[Block]:
    """Split a GIFT file into blocks: runs of lines separated by blank lines.

    A blank line inside an answer block that is still open does not end the question, so
    answers may be spaced out; comment lines never end a block.
    """
    blocks: list[Block] = []
    current = Block()
    depth = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            if depth <= 0 and (current.lines or current.comments):
                blocks.append(current)
                current = Block()
                depth = 0
            continue
        if stripped.startswith("//"):  # comments are kept raw, as Moodle reads them
            current.comments.append(Line(number, len(raw) - len(raw.lstrip()), stripped))
            continue
        escaped, shifts = _escape_line(raw)
        stripped = escaped.strip()
        line = Line(number, len(escaped) - len(escaped.lstrip()), stripped, shifts)
        current.lines.append(line)
        if "{" in stripped or "}" in stripped:
            depth += stripped.count("{") - stripped.count("}")
    if current.lines or current.comments:
        blocks.append(current)
    return blocks
