"""What every importer shares: the error type, the result, reading text files and making ids.

An importer turns a file into validated :class:`~studyvm.packs.model.Question` objects or
raises :class:`ImportProblems` listing every place a person has to fix; nothing is
half-imported. Ids are given at the end (:func:`assign_ids`), from the whole file, so that they
do not depend on the order of the questions.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from studyvm.errors import PackError
from studyvm.packs.diagnostics import Diagnostic
from studyvm.packs.model import QUESTION_ADAPTER

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

    @property
    def count(self) -> int:
        """How many problems this is (one here; every one of a file for :class:`ImportProblems`)."""
        return 1

    def listing(self) -> list[str]:
        """One ``path:line:col: error: message`` line per problem, without a summary line."""
        return [ImportProblem.__str__(self)]


@dataclass
class ImportResult:
    """The questions read from a file, in file order, and any warnings about what was dropped."""

    questions: list[Any] = field(default_factory=list)
    """Validated questions (pydantic models of :data:`studyvm.packs.model.Question`)."""
    warnings: list[Diagnostic] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    """Media files to keep in the pack's ``media/`` folder, by safe file name."""
    history: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    """Anki review log by question id: ``(time in ms, rating 1-4, interval in days)``, oldest first."""


def decode(raw: bytes, path: str) -> str:
    """Decode UTF-8 (BOM allowed), refusing binary data with the position of the first bad byte."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportProblem(path, 1, 1, f"file is {len(raw) / 1_048_576:.0f} MB; the limit is 64 MB")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        raise ImportProblem(path, 1, 1, "the file is UTF-16 text: save it as UTF-8 and import it again")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise ImportProblem(path, *_line_col(raw, nul), "binary data (NUL byte): not a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            path,
            *_line_col(raw, exc.start),
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); if the file was saved as Windows-1252 or Latin-1, "
            "save it as UTF-8 and import it again",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of the first few characters is zero."""
    head = raw[:16]
    return len(head) >= 8 and (head[1::2].count(0) == len(head[1::2]) or head[0::2].count(0) == len(head[0::2]))


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
    """A lower-case ASCII id fragment: any script transliterated (``Вопрос`` -> ``vopros``,
    ``création`` -> ``creation``, ``質問`` -> ``zhiwen``), letters and digits joined by dashes, cut
    at a dash near ``limit``."""
    from anyascii import anyascii

    text = text.replace("'", "").replace("\u2019", "")
    if not text.isascii():
        text = anyascii(text)
    s = _NON_ID.sub("-", text.lower().replace("'", "")).strip("-")
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


def markers(text: str) -> tuple[str, str]:
    """Two private-use characters that do not occur in ``text``: they mark the gaps of a cloze
    while its HTML is turned into text, and survive that untouched."""
    free = (chr(c) for c in range(0xE000, 0xF8FF) if chr(c) not in text)
    return next(free), next(free)


ID_TAG = "studyvm::"
"""Anki tag prefix under which a .apkg export records each note's StudyVM id (``studyvm::hw.vmcs``)."""


def id_from_tags(tags: list[str]) -> tuple[str, list[str]]:
    """The id a note exported by StudyVM records in its ``studyvm::<id>`` tag ('' if none), and the
    other tags: a round trip through Anki (.apkg or its text export) keeps every id, so learners'
    progress stays with its question."""
    found = ""
    rest = []
    for tag in tags:
        if tag.startswith(ID_TAG):
            found = found or name_id(tag[len(ID_TAG) :])
        else:
            rest.append(tag)
    return found, rest


def guid_id(guid: str) -> str:
    """The question id for an Anki note GUID (the .apkg and the CSV importers give the same)."""
    return "anki-" + hashlib.sha1(guid.encode("utf-8")).hexdigest()[:10]


def content_hash(data: dict[str, Any]) -> str:
    """A short hash of a question's content (everything but its id), independent of file order."""
    body = {k: v for k, v in data.items() if k != "id" and not k.startswith("_")}
    return hashlib.sha1(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:8]


def assign_ids(wanted: list[str], content: Callable[[int], str]) -> list[str]:
    """Final ids for questions wanting ``wanted``, independent of the order of the questions.

    A wanted id used once is kept. When several questions want the same id, each gets the id
    followed by ``content(index)``, a hash of its own content, so reordering the bank gives every
    question the same id as before and a learner's history stays with its question. Only
    questions whose content is identical too fall back to ``-2``, ``-3``… (they are interchangeable).
    """
    counts = Counter(wanted)
    taken = {w for w, n in counts.items() if n == 1}
    next_suffix: dict[str, int] = {}  # per base: where the search for a free -N resumes (adversary F11)
    out: list[str] = []
    for index, want in enumerate(wanted):
        if counts[want] == 1:
            out.append(want)
            continue
        candidate = base = f"{want}-{content(index)}"
        n = next_suffix.get(base, 1)
        if n > 1:
            candidate = f"{base}-{n}"
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        next_suffix[base] = n
        taken.add(candidate)
        out.append(candidate)
    return out


_PYDANTIC = (
    (re.compile(r"^String should have at least 1 character$"), "is empty"),
    (
        re.compile(r"^List should have at least (\d+) items? after validation, not (\d+)$"),
        r"needs at least \1, found \2",
    ),
    (re.compile(r"^Input should be a valid number.*"), "is not a number"),
    (re.compile(r"^Input should be (less|greater) than or equal to (.+)$"), r"must be \1 than or equal to \2"),
)
_FIELD_WORDS = {"options": "option", "answers": "answer", "pairs": "pair", "items": "item", "distractors": "distractor"}


def friendly(err: Any, qtype: str | None) -> str:
    """A pydantic error in an author's words, with 1-based positions: ``mcq: option 1: text is empty``."""
    loc = [p for p in err["loc"] if p != qtype]
    words: list[str] = []
    for index, part in enumerate(loc):
        if isinstance(part, int):
            continue
        nxt = loc[index + 1] if index + 1 < len(loc) else None
        if isinstance(nxt, int) and part in _FIELD_WORDS:
            words.append(f"{_FIELD_WORDS[part]} {nxt + 1}")
        else:
            words.append(str(part))
    msg = str(err["msg"]).removeprefix("Value error, ")
    for pattern, replacement in _PYDANTIC:
        if pattern.match(msg):
            msg = pattern.sub(replacement, msg)
            break
    where = ": ".join(words[:-1] + [" ".join(words[-1:])]) if words else ""
    text = f"{where} {msg}" if where else msg
    return f"{qtype}: {text}" if qtype else text


class ImportProblems(ImportProblem):
    """Every problem of a file at once (the file is still refused whole); shows one line each."""

    LIMIT = 200
    """At most this many lines are shown; a last line counts the rest."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        problems = sorted(problems, key=lambda p: (p.line, p.col))
        first = problems[0]
        super().__init__(first.path, first.line, first.col, first.message)
        self.problems = problems

    @property
    def count(self) -> int:
        """How many problems the file has."""
        return len(self.problems)

    def listing(self) -> list[str]:
        """A line per problem (the first :attr:`LIMIT`, then how many more), without a summary line."""
        lines = [ImportProblem.__str__(p) for p in self.problems[: self.LIMIT]]
        if len(self.problems) > self.LIMIT:
            lines.append(f"{self.path}: … and {len(self.problems) - self.LIMIT} more errors")
        return lines

    def __str__(self) -> str:
        lines = self.listing()
        if len(self.problems) > 1:
            lines.append(f"{self.path}: {len(self.problems)} errors; nothing was imported")
        return "\n".join(lines)


Locate = Callable[[Any], tuple[int, int]]
"""Where in the file a pydantic error of one question points: ``(line, col)``."""


@dataclass
class _Pending:
    data: dict[str, Any]
    wanted: str
    line: int
    col: int
    locate: Locate | None


class Collector:
    """What an importer gathers while reading: questions (checked at the end), warnings, problems.

    Reading goes on after a problem so that every problem of the file is reported at once;
    :meth:`finish` gives ids (see :func:`assign_ids`), validates every question and raises
    :class:`ImportProblems` if anything was wrong, so nothing is half-imported.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.pending: list[_Pending] = []
        self.problems: list[ImportProblem] = []
        self.warnings: list[Diagnostic] = []
        self.media: dict[str, bytes] = {}
        """Media files kept (see :class:`studyvm.packs.importers.media.MediaStore`)."""

    def problem(self, line: int, col: int, message: str) -> None:
        """Record an error at ``line:col``."""
        self.problems.append(ImportProblem(self.path, line, col, message))

    def warn(self, line: int, col: int, message: str) -> None:
        """Record a warning at ``line:col``."""
        self.warnings.append(Diagnostic(self.path, line, col, "warning", message))

    def add(self, data: dict[str, Any], wanted: str, line: int, col: int = 1, locate: Locate | None = None) -> None:
        """A question's model data (without ``id``), the id it wants, and where it starts."""
        self.pending.append(_Pending(data, wanted, line, col, locate))

    def finish(self) -> ImportResult:
        """Validate everything read; :class:`ImportProblems` lists every problem of the file."""
        wanted = [p.wanted or text_id(str(p.data.get("prompt", ""))) for p in self.pending]
        final_ids = assign_ids(wanted, lambda index: content_hash(self.pending[index].data))
        result = ImportResult(warnings=self.warnings, media=self.media)
        for item, final in zip(self.pending, final_ids, strict=True):
            data = {k: v for k, v in item.data.items() if not k.startswith("_")}
            data["id"] = final
            try:
                result.questions.append(QUESTION_ADAPTER.validate_python(data))
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    line, col = item.locate(err) if item.locate else (item.line, item.col)
                    self.problem(line, col, friendly(err, data.get("type")))
        if self.problems:
            raise ImportProblems(self.problems)
        return result


def topic_of_category(category: str) -> str:
    """A topic from a Moodle category path: context prefix and ``top`` dropped, the rest kept."""
    parts = [p.strip() for p in category.strip().split("/") if p.strip()]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts) or "general"
