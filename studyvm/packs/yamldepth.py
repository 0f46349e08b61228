"""A linear, non-recursive estimate of how deeply a YAML text nests, taken before any parser runs.

Both parsers StudyVM uses recurse on the C stack: ``yaml_rs`` overflows it (a segfault) on
about 14,000 nested block sequences, and libyaml refuses deep flow nesting in words of its own
that change between releases. So the nesting cap is enforced here, on the raw text, in one pass
that cannot crash, and every later layer only ever sees texts that nest moderately.

The estimate never under-counts real nesting: each level of indentation, each ``- `` sequence
entry opened on a line and each open ``[`` / ``{`` counts as a level. It may over-count a little
(a mapping inside a sequence entry on one line), which the generous cap absorbs: real packs nest
four or five levels deep.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

_BLOCK_SCALAR = re.compile(r"[|>][0-9+-]*\s*(?:#.*)?$")
"""The end of a line that opens a literal or folded block scalar (``key: |``, ``- >-``)."""
_SPECIAL = re.compile(r"[\[\]{}\"'#\\]")
"""The characters that matter inside a flow collection or a quoted scalar."""


class NestingTooDeep(Exception):
    """The text nests deeper than the cap; carries the 1-based line and column where it did."""

    def __init__(self, line: int, col: int) -> None:
        super().__init__(f"nesting too deep at {line}:{col}")
        self.line = line
        self.col = col


def check_nesting(text: str, limit: int) -> None:
    """Raise :class:`NestingTooDeep` where ``text`` nests deeper than ``limit`` levels.

    A bound computed at C speed clears ordinary files at once (about 30 ms for 9 MB); only a
    file it cannot clear gets the exact line-by-line scan, which also finds the line to report.
    """
    if not clearly_shallow(text, limit):
        _Scanner(limit).scan(text)


def clearly_shallow(text: str, limit: int) -> bool:
    """True when ``text`` certainly nests no deeper than ``limit`` (bar brackets inside quotes).

    Block depth is at most the number of distinct indentation widths (the indentation stack
    holds strictly increasing widths), so fewer than ``limit // 2`` spaces of indentation on
    every line bound it; plus fewer than ``limit // 4`` ``- `` entries opened on any one line.
    Flow depth is at most the deepest running count of opening brackets over every bracket in
    the text, those inside strings included.
    """
    indent_cap, dash_cap = limit // 2, max(limit // 4, 1)
    if text.startswith(" " * indent_cap) or ("\n" + " " * indent_cap) in text:
        return False
    if _dash_run(dash_cap).search(text):
        return False
    brackets = text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    flow = max(accumulate(map(_BRACKET_STEP.__getitem__, brackets), _clamped_sum), default=0)
    return indent_cap + dash_cap + flow <= limit


def _clamped_sum(depth: int, step: int) -> int:
    return depth + step if depth + step > 0 else 0


@lru_cache(maxsize=8)
def _dash_run(count: int) -> re.Pattern[str]:
    # Unrolled rather than "(?:-[ \t]+){n}": the literal "-" lets the regex engine skip ahead.
    return re.compile(r"[ \t]+".join("-" * count) + r"[ \t]")


_BRACKET_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_BRACKETS = bytes(code for code in range(256) if code not in _BRACKET_STEP)


class _Scanner:
    """One pass over the lines, keeping an indentation stack and the open flow brackets."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.indents: list[int] = []
        self.flow = 0  # open [ and { brackets
        self.base = 0  # block depth at which the current flow collection started
        self.quote = ""  # the quote character of a flow scalar still open at the end of a line
        self.block_scalar_indent = -1  # lines indented deeper than this are block-scalar text

    def scan(self, text: str) -> None:
        for number, line in enumerate(text.split("\n"), start=1):
            self._line(line.rstrip("\r"), number)

    def _check(self, depth: int, line: int, col: int) -> None:
        if depth > self.limit:
            raise NestingTooDeep(line, col)

    def _line(self, line: str, number: int) -> None:
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if self.block_scalar_indent >= 0:
            if not stripped.strip() or indent > self.block_scalar_indent:
                return  # text of a literal/folded scalar: brackets and dashes there are just text
            self.block_scalar_indent = -1
        if self.flow or self.quote:
            self._flow_text(line, 0, number)
            return
        if not stripped or stripped.startswith("#"):
            return
        while self.indents and self.indents[-1] > indent:
            self.indents.pop()
        if not self.indents or self.indents[-1] < indent:
            self.indents.append(indent)
        depth = len(self.indents)
        self._check(depth, number, indent + 1)
        pos = indent
        # Each "- " opens a sequence (and perhaps a mapping) one level deeper, on the same line.
        while pos < len(line) and line[pos] == "-" and (pos + 1 == len(line) or line[pos + 1] in " \t"):
            depth += 1
            self._check(depth, number, pos + 1)
            pos += 1
            while pos < len(line) and line[pos] in " \t":
                pos += 1
        value = self._value_start(line, pos)
        first = line[value] if value < len(line) else ""
        if first in ("'", '"'):  # a quoted key: its value follows the colon after it
            after = _after_quoted_key(line, value)
            if after is not None:
                value = _skip_properties(line, after)
                first = line[value] if value < len(line) else ""
        if first in ("[", "{"):
            self.base = depth
            self._flow_text(line, value, number)
        elif first in ("'", '"'):
            self.quote = first  # a quoted scalar may run on over several lines
            self._flow_text(line, value + 1, number)
        elif _BLOCK_SCALAR.match(line, value):
            self.block_scalar_indent = indent

    @staticmethod
    def _value_start(line: str, pos: int) -> int:
        """Where the value of a ``key: value`` (or a bare value) begins on this line."""
        pos = _skip_properties(line, pos)
        if pos < len(line) and line[pos] in "[{\"'":
            return pos
        found = line.find(": ", pos)
        if found < 0:
            return len(line) if line.endswith(":") else pos
        return _skip_properties(line, found + 2)

    def _flow_text(self, line: str, pos: int, number: int) -> None:
        """Follow brackets and quotes from ``pos``; a flow collection may span many lines."""
        length = len(line)
        while pos < length:
            found = _SPECIAL.search(line, pos)  # jump over ordinary text in one step
            if found is None:
                return
            pos = found.start()
            char = line[pos]
            if self.quote:
                if char == "\\" and self.quote == '"':
                    pos += 2
                    continue
                if char == self.quote:
                    if self.quote == "'" and pos + 1 < length and line[pos + 1] == "'":
                        pos += 2  # '' is an escaped quote inside a single-quoted scalar
                        continue
                    self.quote = ""
            elif char in "[{":
                self.flow += 1
                self._check(self.base + self.flow, number, pos + 1)
            elif not self.flow:
                return  # the collection closed; what follows on the line is not ours to judge
            elif char in "\"'":
                self.quote = char
            elif char in "]}":
                self.flow -= 1
            elif char == "#" and (pos == 0 or line[pos - 1] in " \t"):
                return
            pos += 1


def _skip_properties(line: str, pos: int) -> int:
    """Skip blanks and any anchors (``&a``) or tags (``!t``) that stand before a node."""
    length = len(line)
    while True:
        while pos < length and line[pos] in " \t":
            pos += 1
        if pos < length and line[pos] in "&!":
            while pos < length and line[pos] not in " \t":
                pos += 1
            continue
        return pos


def _after_quoted_key(line: str, start: int) -> int | None:
    """Where the value starts when a quoted scalar at ``start`` is a key on its own line, else None."""
    quote, pos = line[start], start + 1
    while pos < len(line):
        if line[pos] == "\\" and quote == '"':
            pos += 2
            continue
        if line[pos] == quote:
            if quote == "'" and line[pos + 1 : pos + 2] == "'":
                pos += 2
                continue
            rest = line[pos + 1 :].lstrip(" \t")
            if rest.startswith(":") and (len(rest) == 1 or rest[1] in " \t"):
                return len(line) - len(rest) + 1
            return None
        pos += 1
    return None
