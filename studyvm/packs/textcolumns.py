"""Columns of strings as the pack index stores them: each column one UTF-8 text and the character
offset where each string starts, so reading a column is one decode; one string (a row of the
browser's page) is then a slice, and the whole column a list of slices. Nothing is parsed.

Layout: a little-endian 64-bit count of columns, then per column its number of strings and the
length of its UTF-8 bytes (64-bit each), then per column its offsets (64-bit, one more than there
are strings) and its bytes.
"""

from __future__ import annotations

import logging
import os
import struct
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import overload

_WORD = struct.Struct("<Q")
_CRC = 4
logger = logging.getLogger(__name__)


def encode_columns(columns: Sequence[Sequence[str]]) -> bytes:
    """The stored form of ``columns`` (lists of strings)."""
    head = [len(columns)]
    bodies: list[bytes] = []
    for column in columns:
        offsets = array("Q", [0])
        for value in column:
            offsets.append(offsets[-1] + len(value))
        blob = "".join(column).encode(errors="surrogatepass")  # a lone surrogate from a YAML escape round-trips
        head += [len(column), len(blob)]
        bodies += [offsets.tobytes(), blob]
    return struct.pack(f"<{len(head)}Q", *head) + b"".join(bodies)


def decode_columns(data: bytes) -> list[TextColumn]:
    """The columns stored in ``data``; :class:`ValueError` if it is not their layout."""
    try:
        (count,) = _WORD.unpack_from(data, 0)
        if count > 64:
            raise ValueError("too many text columns")
        sizes = struct.unpack_from(f"<{2 * count}Q", data, _WORD.size)
    except struct.error as exc:
        raise ValueError(f"text columns truncated: {exc}") from None
    at = _WORD.size * (1 + 2 * count)
    columns = []
    for n, size in zip(sizes[::2], sizes[1::2], strict=True):
        offsets = array("Q")
        offsets.frombytes(data[at : at + 8 * (n + 1)])
        at += 8 * (n + 1)
        blob = data[at : at + size]
        at += size
        if len(offsets) != n + 1 or len(blob) != size or offsets[0] != 0:
            raise ValueError("text column truncated")
        text = blob.decode(errors="surrogatepass")  # UnicodeDecodeError is a ValueError
        if len(text) != offsets[-1]:
            raise ValueError("text column offsets do not match its text")
        columns.append(TextColumn(offsets, text))
    if at != len(data):
        raise ValueError("text columns padded")
    return columns


FEW_HITS = 8
"""A search whose string occurs more than once in this many strings tests them one by one
(:meth:`TextColumn.containing`): each hit in the one text costs more than a test of one string."""


class TextColumn(Sequence[str]):
    """One stored column: its strings by position (slices of one text)."""

    def __init__(self, offsets: array, text: str) -> None:
        self._offsets = offsets
        self._text = text

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, pos: int) -> str: ...
    @overload
    def __getitem__(self, pos: slice) -> list[str]: ...
    def __getitem__(self, pos: int | slice) -> str | list[str]:
        if isinstance(pos, slice):
            return [self[i] for i in range(len(self))[pos]]
        text, offsets = self._text, self._offsets
        if pos < 0:
            pos += len(self)
        if not 0 <= pos < len(self):
            raise IndexError("text column position out of range")
        return text[offsets[pos] : offsets[pos + 1]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tolist())

    def occurrences(self, needle: str) -> int:
        """How often ``needle`` occurs in the one text: at least the number of strings that contain it
        (a cheap guess at how many :meth:`containing` finds)."""
        return self._text.count(needle)

    def containing(self, needle: str) -> list[int]:
        """The positions, ascending, of the strings that contain ``needle`` (``needle in self[pos]``),
        found by searching the one text: no string is made (a word search of the browser)."""
        text, offsets = self._text, self._offsets
        if not needle:
            return list(range(len(self)))
        if text.count(needle) * FEW_HITS > len(self):  # a common word: string by string is cheaper
            return [pos for pos, value in enumerate(self.tolist()) if needle in value]
        out: list[int] = []
        size, find = len(needle), text.find
        at = find(needle)
        while at >= 0:
            pos = bisect_right(offsets, at) - 1  # the string holding the first character found
            end = offsets[pos + 1]
            if at + size <= end:
                out.append(pos)
                at = find(needle, end)  # the next string
            else:  # across two strings: not a match, look again from the next character
                at = find(needle, at + 1)
        return out

    def tolist(self) -> list[str]:
        """Every string, in order."""
        text, offsets = self._text, self._offsets
        # offsets has one more entry than there are strings: each string ends where the next starts
        return [text[a:b] for a, b in zip(offsets, islice(offsets, 1, None), strict=False)]


def read_columns(fd: int, at: int, length: int, strings: int) -> list[TextColumn] | None:
    """The columns stored at ``at`` in the open file ``fd`` (``length`` bytes, then their CRC-32, 4
    bytes little-endian), each of ``strings`` strings; ``None`` when that part of the file is
    damaged or cannot be read (never an error: the caller makes the strings another way)."""
    try:
        data = os.pread(fd, length + _CRC, at)
        if len(data) != length + _CRC or zlib.crc32(data[:length]).to_bytes(_CRC, "little") != data[length:]:
            raise ValueError("checksum mismatch")
        columns = decode_columns(data[:length])
        if any(len(column) != strings for column in columns):
            raise ValueError("text columns do not match the questions")
    except (OSError, ValueError) as exc:
        logger.info("stored text columns ignored: %s", exc)
        return None
    return columns
