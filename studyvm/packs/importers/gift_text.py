"""Low-level GIFT reading: escapes, comments, blocks and positions.

GIFT's control characters (``~ = # { } :``) and the backslash are escaped with a backslash, and
``\\n`` is a line break. Escapes are swapped for private placeholders before parsing, so the
parser can split on control characters freely, and swapped back in every piece of text it keeps.
Questions are separated by blank lines; ``//`` lines are comments (kept, because Moodle stores a
question's ``[id:…]`` and ``[tag:…]`` in them).

Speed matters (10,000 questions in well under 2 s), so the whole file is escaped with a few
``str.replace`` calls and split into blocks with one regular expression; the exact column of a
character in the file is worked out again only when a message needs it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

ORDERING_HINT = "\n(Match each item to its position; 1 is first.)"
"""What StudyVM's GIFT export adds to the prompt of an ordering question it writes as matching;
its importer takes it off again."""
_ESCAPABLE = "\\~=#{}:n"
PLACEHOLDER = {ch: chr(0x10FFF0 + i) for i, ch in enumerate(_ESCAPABLE)}
"""Escaped character -> the private code point standing for it while parsing."""
_RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in PLACEHOLDER.items()})
_HAS_PLACEHOLDER = re.compile("[\U0010fff0-\U0010fff7]")
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_BLANK_LINES = re.compile(r"\n(?:[ \t\f\v\r]*\n)+")


def restore(text: str) -> str:
    """Turn placeholders back into the characters they stand for (``\\n`` into a newline)."""
    return text.translate(_RESTORE) if _HAS_PLACEHOLDER.search(text) else text


def escape_all(text: str) -> str:
    """Replace every escape of ``text`` by its placeholder (``\\\\`` first, as Moodle does)."""
    if "\\" not in text:
        return text
    text = text.replace("\\\\", PLACEHOLDER["\\"])
    for ch in _ESCAPABLE[1:]:
        text = text.replace("\\" + ch, PLACEHOLDER[ch])
    return text


def _shifts(raw: str) -> list[int]:
    """Positions (in the escaped line) of the placeholders of one raw line."""
    return [m.start() - i for i, m in enumerate(_ESCAPE.finditer(raw))]


class Comment(NamedTuple):
    """A ``//`` line inside a block, as written in the file."""

    number: int
    col: int
    """0-based column where the comment starts."""
    text: str


class Block:
    """The lines of one question (or category) and the comments written inside it."""

    __slots__ = ("numbers", "lines", "comments", "raw", "_text", "_starts")

    def __init__(self, numbers: list[int], lines: list[str], comments: list[Comment], raw: list[str]) -> None:
        self.numbers = numbers
        """1-based file line number of each line."""
        self.lines = lines
        """The block's non-comment lines, stripped, escapes replaced."""
        self.comments = comments
        self.raw = raw
        """Every line of the file as written (to locate positions)."""
        self._text: str | None = None
        self._starts: list[int] | None = None

    @property
    def text(self) -> str:
        """The block's lines joined by newlines."""
        if self._text is None:
            self._text = "\n".join(self.lines)
        return self._text

    def locate(self, offset: int) -> tuple[int, int]:
        """(line, column) in the file of ``offset`` in :attr:`text`, both 1-based."""
        if not self.lines:
            return (self.comments[0].number if self.comments else 1), 1
        if self._starts is None:
            starts, pos = [], 0
            for line in self.lines:
                starts.append(pos)
                pos += len(line) + 1
            self._starts = starts
        index = max(0, bisect_right(self._starts, offset) - 1)
        number = self.numbers[index]
        raw = self.raw[number - 1]
        escaped = escape_all(raw)
        x = len(escaped) - len(escaped.lstrip()) + min(offset - self._starts[index], len(self.lines[index]))
        shifts = _shifts(raw)
        return number, x + bisect_left(shifts, x) + 1

    def slice(self, start: int, end: int) -> Block:
        """Lines ``start:end`` of the block as a block of their own (split at ``$CATEGORY:`` lines).

        Comments go with the part they are written in (or just before, for the first part).
        """
        numbers = self.numbers[start:end]
        low = self.numbers[start - 1] if start else 0
        high = self.numbers[end] if end < len(self.numbers) else 1 << 62
        comments = [c for c in self.comments if low < c.number < high]
        return Block(numbers, self.lines[start:end], comments, self.raw)


def _chunks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of every run of non-blank lines, in order."""
    out: list[tuple[int, str]] = []
    line, start = 1, 0
    for m in _BLANK_LINES.finditer(text):
        out.append((line, text[start : m.start()]))
        line += text.count("\n", start, m.end())
        start = m.end()
    out.append((line, text[start:]))
    return out


def split_blocks(text: str) -> list[Block]:
    """Split a GIFT file into blocks: runs of lines separated by blank lines.

    A blank line inside an answer block that is still open does not end the question, so
    answers may be spaced out; comment lines never end a block.
    """
    raw_lines = text.split("\n")
    blocks: list[Block] = []
    numbers: list[int] = []
    lines: list[str] = []
    comments: list[Comment] = []
    depth = 0
    for first, chunk in _chunks(escape_all(text)):
        stripped = [line.strip() for line in chunk.split("\n")]
        if "//" in chunk:
            for i, line in enumerate(stripped):
                if line.startswith("//"):  # kept raw, as Moodle reads comments
                    raw = raw_lines[first + i - 1]
                    comments.append(Comment(first + i, len(raw) - len(raw.lstrip()), raw.strip()))
                    depth -= line.count("{") - line.count("}")  # braces in comments do not count
                elif line:
                    numbers.append(first + i)
                    lines.append(line)
        elif "" in stripped:  # a line of white space that the blank-line pattern did not catch
            numbers += [first + i for i, line in enumerate(stripped) if line]
            lines += [line for line in stripped if line]
        else:
            numbers += range(first, first + len(stripped))
            lines += stripped
        depth += chunk.count("{") - chunk.count("}")
        if depth > 0:
            continue  # an answer block is still open: the blank line does not end the question
        depth = 0
        if lines or comments:
            blocks.append(Block(numbers, lines, comments, raw_lines))
        numbers, lines, comments = [], [], []
    if lines or comments:
        blocks.append(Block(numbers, lines, comments, raw_lines))
    return blocks
