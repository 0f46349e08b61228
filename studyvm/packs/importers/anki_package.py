"""Reading an Anki package (``.apkg``/``.colpkg``) of either generation into plain records.

- *Legacy* packages hold ``collection.anki2`` or ``collection.anki21`` (SQLite, note types and
  decks as JSON in the ``col`` row) and a JSON ``media`` map ``{"0": "photo.jpg"}``.
- *Current* packages (Anki 2.1.50+) hold ``collection.anki21b``: the same SQLite, newer schema
  (``notetypes``, ``fields``, ``templates``, ``decks`` tables with protobuf configs),
  compressed with zstd; a protobuf ``meta``; a zstd-compressed protobuf ``media`` list whose
  entry *n* is the zip member named ``n``, itself zstd-compressed.

Only the few protobuf fields needed are decoded, by a small reader here (note type kind,
template formats, media names). Sizes are capped against zip bombs; the collection is opened
read-only from a private temporary file.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_COLLECTION_BYTES = 512 * 1024 * 1024
"""Largest uncompressed collection read."""
MAX_PACKAGE_BYTES = 1024 * 1024 * 1024
"""Largest total uncompressed size of a package's members."""
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class PackageError(Exception):
    """The file is not an Anki package this reader understands."""


@dataclass
class NoteType:
    """An Anki note type: its fields (in order) and card templates ``(name, front, back)``."""

    id: int
    name: str
    cloze: bool
    fields: list[str]
    templates: list[tuple[str, str, str]]


@dataclass
class Note:
    """One note: its GUID, note type, field values (HTML), tags, and the deck and ords of its cards."""

    id: int
    guid: str
    notetype: int
    fields: list[str]
    tags: list[str]
    deck: str = ""
    card_ords: list[int] = field(default_factory=list)
    card_ids: dict[int, int] = field(default_factory=dict)
    """Card id by template ord (for the review log)."""


@dataclass
class Review:
    """One row of Anki's review log."""

    card_id: int
    time_ms: int
    ease: int
    """1 again, 2 hard, 3 good, 4 easy (0: the card was rescheduled by hand)."""
    interval: int
    kind: int
    """0 learn, 1 review, 2 relearn, 3 filtered, 4 manual."""


@dataclass
class Package:
    """Everything read from a package."""

    version: str
    notetypes: dict[int, NoteType]
    notes: list[Note]
    media_names: dict[str, str]
    """Zip member -> media file name."""
    reviews: list[Review]
    archive: zipfile.ZipFile


def fields_of(blob: bytes) -> list[tuple[int, int, Any]]:
    """``(field number, wire type, value)`` of a protobuf message (varints and length-delimited)."""
    out, pos = [], 0
    while pos < len(blob):
        key, pos = _varint(blob, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, pos = _varint(blob, pos)
        elif wire == 2:
            length, pos = _varint(blob, pos)
            value, pos = blob[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = blob[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = blob[pos : pos + 4], pos + 4
        else:
            raise PackageError(f"unreadable protobuf (wire type {wire})")
        if pos > len(blob):
            raise PackageError("truncated protobuf")
        out.append((number, wire, value))
    return out


def _varint(blob: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(blob):
            raise PackageError("truncated protobuf")
        byte = blob[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def unzstd(data: bytes, limit: int = MAX_COLLECTION_BYTES) -> bytes:
    """``data`` decompressed when it is zstd (as in current packages), else unchanged."""
    if not data.startswith(_ZSTD_MAGIC):
        return data
    import zstandard

    try:
        reader = zstandard.ZstdDecompressor().stream_reader(data)
        out = reader.read(limit + 1)
    except zstandard.ZstdError as exc:
        raise PackageError(f"broken zstd data: {exc}") from None
    if len(out) > limit:
        raise PackageError(f"a member is larger than {limit // 1_048_576} MB once uncompressed")
    return out


def open_package(path: Path, tmp: Path) -> Package:
    """Read ``path``; the collection is written to ``tmp`` (a private folder the caller removes)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackageError(f"not an Anki package (not a zip file: {exc})") from None
    names = set(archive.namelist())
    if sum(info.file_size for info in archive.infolist()) > MAX_PACKAGE_BYTES:
        raise PackageError(f"the package holds more than {MAX_PACKAGE_BYTES // 1_048_576} MB once unpacked")
    member = next((n for n in ("collection.anki21b", "collection.anki21", "collection.anki2") if n in names), None)
    if member is None:
        raise PackageError("not an Anki package (no collection.anki2/.anki21/.anki21b inside)")
    if archive.getinfo(member).file_size > MAX_COLLECTION_BYTES:
        raise PackageError(f"the collection is larger than {MAX_COLLECTION_BYTES // 1_048_576} MB")
    data = unzstd(archive.read(member))
    db_path = tmp / "collection.sqlite"
    db_path.write_bytes(data)
    version = {"collection.anki21b": "current", "collection.anki21": "legacy 2", "collection.anki2": "legacy 1"}
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)
        try:
            notetypes, decks = _notetypes(db), _decks(db)
            notes = _notes(db, decks)
            reviews = [Review(*row) for row in db.execute("SELECT cid, id, ease, ivl, type FROM revlog ORDER BY id")]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise PackageError(f"the collection is not a readable Anki database: {exc}") from None
    media = _media_names(archive.read("media") if "media" in names else b"")
    return Package(version[member], notetypes, notes, media, reviews, archive)


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _notetypes(db: sqlite3.Connection) -> dict[int, NoteType]:
    if not _has_table(db, "notetypes"):  # legacy: JSON in the col row
        models = json.loads(db.execute("SELECT models FROM col").fetchone()[0] or "{}")
        return {
            int(mid): NoteType(
                int(mid),
                m.get("name", ""),
                m.get("type") == 1,
                [f["name"] for f in sorted(m.get("flds", []), key=lambda f: f["ord"])],
                [
                    (t["name"], t.get("qfmt", ""), t.get("afmt", ""))
                    for t in sorted(m.get("tmpls", []), key=lambda t: t["ord"])
                ],
            )
            for mid, m in models.items()
        }
    out: dict[int, NoteType] = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        kind = next((v for n, w, v in fields_of(config or b"") if n == 1 and w == 0), 0)
        out[ntid] = NoteType(ntid, name, kind == 1, [], [])
    for ntid, _ord, name in db.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
        if ntid in out:
            out[ntid].fields.append(name)
    for ntid, _ord, name, config in db.execute("SELECT ntid, ord, name, config FROM templates ORDER BY ntid, ord"):
        parts = {n: v for n, w, v in fields_of(config or b"") if w == 2 and n in (1, 2)}
        if ntid in out:
            decoded = (parts.get(1, b"").decode("utf-8", "replace"), parts.get(2, b"").decode("utf-8", "replace"))
            out[ntid].templates.append((name, *decoded))
    return out


def _decks(db: sqlite3.Connection) -> dict[int, str]:
    if _has_table(db, "decks"):
        return {did: name.replace("\x1f", "::") for did, name in db.execute("SELECT id, name FROM decks")}
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0] or "{}")
    return {int(did): d.get("name", "") for did, d in decks.items()}


def _notes(db: sqlite3.Connection, decks: dict[int, str]) -> list[Note]:
    notes: dict[int, Note] = {}
    for nid, guid, mid, tags, flds in db.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"):
        notes[nid] = Note(nid, guid, mid, flds.split("\x1f"), tags.split())
    for cid, nid, did, ord_ in db.execute("SELECT id, nid, did, ord FROM cards ORDER BY nid, ord"):
        note = notes.get(nid)
        if note is None:
            continue
        if not note.card_ords:
            note.deck = decks.get(did, "")
        note.card_ords.append(ord_)
        note.card_ids[ord_] = cid
    return list(notes.values())


def _media_names(raw: bytes) -> dict[str, str]:
    raw = unzstd(raw, 64 * 1024 * 1024)
    if not raw.strip():
        return {}
    if raw.lstrip().startswith(b"{"):
        try:
            names = json.loads(raw)
        except ValueError as exc:
            raise PackageError(f"unreadable media list: {exc}") from None
        return {str(k): str(v) for k, v in names.items()}
    out: dict[str, str] = {}
    for index, (number, wire, entry) in enumerate(f for f in fields_of(raw) if f[0] == 1 and f[1] == 2):
        del number, wire
        parts = fields_of(entry)
        name = next((v.decode("utf-8", "replace") for n, w, v in parts if n == 1 and w == 2), "")
        legacy = next((v for n, w, v in parts if n == 255 and w == 0), None)
        out[str(legacy if legacy is not None else index)] = name
    return out


def private_dir() -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder for the unpacked collection."""
    return tempfile.TemporaryDirectory(prefix="studyvm-apkg-")
