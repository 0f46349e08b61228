"""What every importer shares: the error type, the result, reading text files and making ids.

An importer turns a file into validated :class:`~studyvm.packs.model.Question` objects or
raises :class:`ImportProblem` pointing at the first line a person has to fix; nothing is
half-imported.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyvm.errors import PackError
from studyvm.packs.diagnostics import Diagnostic

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""Largest file an importer reads."""

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while a long import runs (units are the importer's)."""

_NON_ID = re.compile(r"[^a-z0-9]+")
_ID_OK = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class ImportProblem(PackError):
    """A file that cannot be imported, with the 1-based line and column of the problem."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.col = col
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: error: {self.message}"

    def diagnostic(self) -> Diagnostic:
        """The problem as a :class:`Diagnostic` (severity ``error``)."""
        return Diagnostic(self.path, self.line, self.col, "error", self.message)


@dataclass
class ImportResult:
    """The questions read from a file, in file order, and any warnings about what was dropped."""

    questions: list[Any] = field(default_factory=list)
    """Validated questions (pydantic models of :data:`studyvm.packs.model.Question`)."""
    warnings: list[Diagnostic] = field(default_factory=list)


def decode(raw: bytes, path: str) -> str:
    """Decode UTF-8 (BOM allowed), refusing binary data with the position of the first bad byte."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportProblem(path, 1, 1, f"file is {len(raw) / 1_048_576:.0f} MB; the limit is 64 MB")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise ImportProblem(path, *_line_col(raw, nul), "binary data (NUL byte): not a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(path, *_line_col(raw, exc.start), f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path) -> str:
    """Read a text file for import (size-capped, UTF-8)."""
    display = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is then refused as not a file
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ImportProblem(display, 1, 1, "not a regular file (a pipe, a device or a folder?)")
            if info.st_size > MAX_IMPORT_BYTES:
                raise ImportProblem(display, 1, 1, "file is too large; the limit is 64 MB")
            raw = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise ImportProblem(display, 1, 1, f"cannot read file: {exc.strerror or exc}") from None
    return decode(raw, display)


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - start + 1


def slug(text: str, limit: int = 60) -> str:
    """A lower-case id fragment: letters and digits joined by dashes, cut at a dash near ``limit``."""
    s = _NON_ID.sub("-", text.lower().replace("'", "").replace("\u2019", "")).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0] if "-" in s[:limit] else s[:limit]
    return s


def text_id(text: str) -> str:
    """A stable id for an unnamed question: a few words of its text and a hash of all of it."""
    digest = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:8]
    words = slug(text, 40)
    return f"{words}-{digest}" if words else f"q-{digest}"


def name_id(name: str) -> str:
    """The id for a named question: the name itself when it is already a valid id, else its slug."""
    name = name.strip()
    if _ID_OK.match(name) and len(name) <= 200:
        return name
    return slug(name, 120)


class IdMaker:
    """Hands out unique ids in file order: a repeated id gets ``-2``, ``-3``… appended."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._next_suffix: dict[str, int] = {}  # per wanted id: where the search for a free -N resumes

    def take(self, wanted: str) -> str:
        """``wanted`` if free, else the first free ``wanted-N``.

        The search resumes where the last one for the same ``wanted`` stopped, so a bank that
        repeats one name n times costs O(n) in all, not O(n^2) (adversary F11).
        """
        candidate, n = wanted, self._next_suffix.get(wanted, 1)
        if n > 1:
            candidate = f"{wanted}-{n}"
        while candidate in self._used:
            n += 1
            candidate = f"{wanted}-{n}"
        self._next_suffix[wanted] = n
        self._used.add(candidate)
        return candidate


def topic_of_category(category: str) -> str:
    """A topic from a Moodle category path: context prefix and ``top`` dropped, the rest kept."""
    parts = [p.strip() for p in category.strip().split("/") if p.strip()]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts) or "general"
