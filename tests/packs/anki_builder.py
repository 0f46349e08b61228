"""Anki packages built in the tests: legacy ones with genanki, current ones (anki21b) by hand.

The current format is written the way Anki 2.1.50+ writes it: a zip with ``meta`` (protobuf,
version 3), ``collection.anki21b`` (a zstd-compressed SQLite database with the ``notetypes``,
``fields``, ``templates`` and ``decks`` tables whose configs are protobuf), a zstd-compressed
protobuf ``media`` list, media members named by their index and zstd-compressed, and the
placeholder ``collection.anki2`` that tells older Anki versions to update.
"""

from __future__ import annotations

import sqlite3
import struct
import zipfile
import zlib
from pathlib import Path

import genanki
import zstandard


def png() -> bytes:
    """A valid one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))


def build_legacy(path: Path, media_dir: Path) -> None:
    """A genanki deck tree with Basic, reversed, type-in and Cloze notes, tags, an image and a sound."""
    media_dir.mkdir(parents=True, exist_ok=True)
    (media_dir / "topology.png").write_bytes(png())
    (media_dir / "hello.mp3").write_bytes(b"ID3fake-mp3")
    week1 = genanki.Deck(2059400110, "Networks::Week 1")
    week2 = genanki.Deck(2059400111, "Networks::Week 2")
    week1.add_note(
        genanki.Note(
            genanki.BASIC_MODEL, ["What does <b>TCP</b> stand for?", "Transmission &amp; Control"], tags=["net"]
        )
    )
    week1.add_note(genanki.Note(genanki.BASIC_AND_REVERSED_CARD_MODEL, ["hund", "dog"], guid="rev-guid"))
    week1.add_note(genanki.Note(genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL, ["Port of HTTPS?", "443"], guid="type-guid"))
    week2.add_note(
        genanki.Note(
            genanki.CLOZE_MODEL,
            ["A {{c1::router::device}} joins {{c2::networks}}.", "Layer 3."],
            tags=["cloze", "week::2"],
            guid="cloze-guid",
        )
    )
    week2.add_note(
        genanki.Note(genanki.BASIC_MODEL, ['Name this topology <img src="topology.png">', "star [sound:hello.mp3]"])
    )
    week2.add_note(genanki.Note(genanki.BASIC_MODEL, ['Missing <img src="gone.png">', "x"], guid="missing-guid"))
    package = genanki.Package([week1, week2])
    package.media_files = [str(media_dir / "topology.png"), str(media_dir / "hello.mp3")]
    package.write_to_file(str(path))


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    data = value.encode() if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(data)) + data


_SCHEMA18 = """
CREATE TABLE col (id integer PRIMARY KEY, crt integer, mod integer, scm integer, ver integer, dty integer,
  usn integer, ls integer, conf text, models text, decks text, dconf text, tags text);
CREATE TABLE notes (id integer PRIMARY KEY, guid text, mid integer, mod integer, usn integer, tags text,
  flds text, sfld integer, csum integer, flags integer, data text);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer, did integer, ord integer, mod integer, usn integer,
  type integer, queue integer, due integer, ivl integer, factor integer, reps integer, lapses integer,
  left integer, odue integer, odid integer, flags integer, data text);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer, usn integer, ease integer, ivl integer,
  lastIvl integer, factor integer, time integer, type integer);
CREATE TABLE notetypes (id integer PRIMARY KEY, name text, mtime_secs integer, usn integer, config blob);
CREATE TABLE fields (ntid integer, ord integer, name text, config blob, PRIMARY KEY (ntid, ord));
CREATE TABLE templates (ntid integer, ord integer, name text, mtime_secs integer, usn integer, config blob,
  PRIMARY KEY (ntid, ord));
CREATE TABLE decks (id integer PRIMARY KEY, name text, mtime_secs integer, usn integer, common blob, kind blob);
"""


def build_current(path: Path, tmp: Path, notes: int = 3, reviews: bool = True) -> None:
    """An anki21b package: a Basic note type, a Cloze one, ``notes`` notes, a review log and one image."""
    db_path = tmp / "collection.anki21b.sqlite"
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    db.executescript(_SCHEMA18)
    db.execute("INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '')")
    db.execute("INSERT INTO notetypes VALUES (10, 'Basic', 0, 0, ?)", (_field(3, ".card {}"),))
    db.execute("INSERT INTO notetypes VALUES (11, 'Cloze', 0, 0, ?)", (_field(1, 1) + _field(3, ".card {}"),))
    db.executemany(
        "INSERT INTO fields VALUES (?, ?, ?, x'')",
        [(10, 0, "Front"), (10, 1, "Back"), (11, 0, "Text"), (11, 1, "Extra")],
    )
    db.execute(
        "INSERT INTO templates VALUES (10, 0, 'Card 1', 0, 0, ?)",
        (_field(1, "{{Front}}") + _field(2, "{{FrontSide}}<hr id=answer>{{Back}}"),),
    )
    db.execute(
        "INSERT INTO templates VALUES (11, 0, 'Cloze', 0, 0, ?)",
        (_field(1, "{{cloze:Text}}") + _field(2, "{{cloze:Text}}<br>{{Extra}}"),),
    )
    db.execute("INSERT INTO decks VALUES (1, 'Default', 0, 0, x'', x'')")
    db.execute("INSERT INTO decks VALUES (2, 'Спорт\x1fНеделя 1', 0, 0, x'', x'')")
    rows = []
    for n in range(notes):
        front = f"Вопрос {n}?" if n else 'Picture <img src="pic.png">'
        rows.append((1000 + n, f"guid-{n}", 10, 0, 0, " sport ru ", f"{front}\x1fОтвет {n}", 0, 0, 0, ""))
    rows.append(
        (5000, "guid-cloze", 11, 0, 0, "", "Moscow is the capital of {{c1::Russia}}.\x1fGeography", 0, 0, 0, "")
    )
    db.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    cards = [(2000 + n, 1000 + n, 2, 0) for n in range(notes)] + [(6000, 5000, 2, 0)]
    db.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, 0, 0, 2, 2, 0, 3, 2500, 2, 0, 0, 0, 0, 0, '')", cards)
    if reviews:
        day = 86_400_000
        log = [(1_700_000_000_000, 2001, 3, 1), (1_700_000_000_000 + day, 2001, 4, 4), (1_700_000_000_001, 6000, 1, 0)]
        db.executemany("INSERT INTO revlog VALUES (?, ?, 0, ?, ?, 0, 2500, 5000, 1)", log)
    db.commit()
    db.close()
    compress = zstandard.ZstdCompressor().compress
    media = _field(1, _field(1, "pic.png") + _field(2, len(png())) + _field(3, b"\x00" * 20))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("collection.anki2", b"placeholder: please update to the latest Anki version")
        archive.writestr("collection.anki21b", compress(db_path.read_bytes()))
        archive.writestr("meta", _field(1, 3))
        archive.writestr("media", compress(media))
        archive.writestr("0", compress(png()))
