"""The on-disk pack index: a pack folder loaded once, then opened without parsing its questions.

After a pack folder loads cleanly, its index is written to ``<home>/cache/packs/<name>.idx``: the
pack's metadata and tables, the :class:`~studyvm.packs.packindex.QuestionIndex` columns, and
each question as one compact JSON record. The next start reads only the metadata and columns;
a question's record is read (``os.pread``) and validated into its pydantic model when it is
shown, graded or exported. The browser's texts of every question (its prompt on one line and its
search text, :mod:`studyvm.packs.answertext`) are stored too, and read only at the first search.

The index is used only if its key matches the pack as it is now: the size, modification time
and path of every YAML file of the folder, a hash of their bytes, the StudyVM version and the
size and time of the code that shapes a loaded pack. Anything else (an edited file, another
version, a truncated or corrupted index whose checksum fails) means the folder is loaded from
its YAML again and the index rewritten; a cache that cannot be read or written is never an error.

File layout: ``MAGIC``, the source (a little-endian 32-bit length, then JSON: the pack folder the
index stands for), four little-endian 64-bit lengths (header, offsets, records, texts), the header
(JSON), the record offsets (64-bit, one more than there are questions), the records (JSON), the
CRC-32 of everything before it (4 bytes), then the texts (two columns, :mod:`studyvm.packs.textcolumns`:
each question's prompt on one line and its search text) and their own CRC-32: opening a pack checks
and reads everything but the texts.

An index whose pack folder is gone (the pack was removed) is deleted by :func:`sweep_stale`, which
reads only the source of each file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import sys
import threading
import time
import weakref
import zlib
from array import array
from pathlib import Path
from typing import Any

from studyvm import __version__
from studyvm.packs.folders import question_files
from studyvm.packs.packindex import LazyPack, QuestionIndex
from studyvm.packs.textcolumns import TextColumn, encode_columns, read_columns

logger = logging.getLogger(__name__)

MAGIC = b"studyvm-pack-index/4\n"  # 4: the browser's texts; 3: the source first; 2: question families
OLD_MAGICS = (b"studyvm-pack-index/1\n", b"studyvm-pack-index/2\n", b"studyvm-pack-index/3\n")
"""Earlier layouts: this version rewrites the index of every pack it opens, so such a file is left
over from a pack that is no longer opened."""
_SOURCE_LEN = struct.Struct("<I")
_SOURCE_MAX = 1 << 16
_LENGTHS = struct.Struct("<QQQQ")
_DIGEST = 4
_HERE = Path(__file__).resolve().parent
SHAPING_CODE = (
    "model.py",
    "modelparts.py",
    "loader.py",
    "checks.py",
    "tables.py",
    "packindex.py",
    "indexcache.py",
    "family.py",
    "answertext.py",
    "textcolumns.py",
)
"""Modules whose change may change a loaded pack: their size and time are part of the key."""


def cache_file(cache_dir: Path, folder: Path, origin: str) -> Path:
    """Where the index of the pack in ``folder`` is kept.

    Built-in and installed packs are named by origin and folder name, so a home folder moved or
    copied elsewhere keeps its indexes; ``--packs`` folders by their full path.
    """
    where = str(Path(folder).resolve()) if origin not in ("builtin", "user") else Path(folder).name
    name = hashlib.blake2b(f"{origin}\0{where}".encode(), digest_size=12).hexdigest()
    return cache_dir / f"{name}.idx"


def folder_key(folder: Path) -> dict[str, Any] | None:
    """:func:`source_key` of every file of the pack folder, or ``None`` if one cannot be read now."""
    try:
        return source_key(folder, [folder / "pack.yaml", *question_files(folder)])
    except OSError:
        return None  # the full load says what is wrong


def source_key(folder: Path, files: list[Path]) -> dict[str, Any]:
    """The key an index must carry to stand for ``folder`` as it is now (reads every file)."""
    digest = hashlib.blake2b(digest_size=16)
    entries = []
    for path in files:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
        rel = path.relative_to(folder).as_posix()
        entries.append([rel, stat.st_size, stat.st_mtime_ns])
        digest.update(rel.encode() + b"\0" + len(data).to_bytes(8, "little"))
        digest.update(data)
    code = [[name, *_stamp(_HERE / name)] for name in SHAPING_CODE]
    return {"studyvm": __version__, "code": code, "files": entries, "hash": digest.hexdigest()}


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_size, stat.st_mtime_ns)


# -- writing -------------------------------------------------------------------------------------
def write_index(path: Path, key: dict[str, Any], pack: Any) -> bool:
    """Write the index of a loaded :class:`~studyvm.packs.model.Pack` to ``path`` (atomically).

    Returns whether it was written; a folder that cannot be created or written is only logged.
    """
    from studyvm.packs.answertext import listed_prompt, search_text

    index = QuestionIndex.of(pack.questions)
    offsets = array("Q", [0])
    records = []
    prompts, texts = [], []
    for question in pack.questions:
        record = question.model_dump_json(exclude_defaults=True).encode()
        records.append(record)
        offsets.append(offsets[-1] + len(record))
        prompts.append(listed_prompt(question))
        texts.append(search_text(question))
    text_bytes = encode_columns([prompts, texts])
    header = json.dumps(
        {
            "key": key,
            "meta": pack.meta.model_dump(mode="json"),
            "tables": [t.model_dump(mode="json") for t in pack.tables],
            **_columns(index),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    offset_bytes = offsets.tobytes() if offsets.itemsize == 8 else b""
    if not offset_bytes:
        return False  # no 64-bit array type on this platform: go without an index
    source = _source(pack)
    lengths = _LENGTHS.pack(len(header), len(offset_bytes), offsets[-1], len(text_bytes))
    body = b"".join([MAGIC, _SOURCE_LEN.pack(len(source)), source, lengths, header, offset_bytes, *records])
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep(path.parent)
        with tmp.open("wb") as out:
            out.write(body)
            out.write(checksum(body))
            out.write(text_bytes)
            out.write(checksum(text_bytes))
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
    except OSError as exc:
        logger.debug("pack index not written to %s: %s", path, exc)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True


LEFTOVER_AGE_S = 3600
"""A temporary index file this old was left by a process that stopped while writing it."""


def _sweep(folder: Path) -> None:
    """Remove temporary files that a killed process left behind (never one still being written)."""
    now = time.time()
    for pattern in (".*.idx.*.tmp", ".*.idx.*.sweep"):
        for leftover in folder.glob(pattern):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > LEFTOVER_AGE_S:
                    leftover.unlink()


def _source(pack: Any) -> bytes:
    """The source record: the pack folder's origin, name and full path."""
    folder = Path(pack.location)
    return json.dumps({"origin": pack.origin, "name": folder.name, "path": str(folder.resolve())}).encode()


# -- removed packs -------------------------------------------------------------------------------
def sweep_stale(cache_dir: Path, roots: dict[str, Path]) -> list[Path]:
    """Delete the index files whose pack folder no longer holds a pack; the paths deleted.

    ``roots``: origin -> the folder its packs are in now (``builtin`` and ``user``; their indexes are
    named by folder name, so a moved home keeps them); any other pack is looked for at its full path.
    A file of a layout this version does not know (a newer one) is left alone, and so is one that
    cannot be read. Safe beside other processes: a writer replaces an index in one rename, and a file
    replaced between the check and the deletion is put back (:func:`_remove_if_unchanged`). Nothing
    here is an error; it only frees space.
    """
    removed: list[Path] = []
    try:
        files = sorted(cache_dir.glob("*.idx"))
    except OSError:
        return removed
    for path in files:
        try:
            inode = _stale_inode(path, roots)
        except (OSError, ValueError):
            continue
        if inode is not None and _remove_if_unchanged(path, inode):
            logger.debug("index of a removed pack deleted: %s", path)
            removed.append(path)
    return removed


def _stale_inode(path: Path, roots: dict[str, Path]) -> int | None:
    """The inode of ``path`` if it is the index of a pack folder that is gone, else ``None``."""
    with path.open("rb") as handle:
        inode = os.fstat(handle.fileno()).st_ino
        lead = handle.read(len(MAGIC) + _SOURCE_LEN.size)
        if lead[: len(MAGIC)] in OLD_MAGICS:
            return inode
        if not lead.startswith(MAGIC) or len(lead) != len(MAGIC) + _SOURCE_LEN.size:
            return None  # a newer layout, or damaged: its own pack's load deals with it
        (size,) = _SOURCE_LEN.unpack_from(lead, len(MAGIC))
        if size > _SOURCE_MAX:
            return None
        source = json.loads(handle.read(size))
    root = roots.get(source["origin"])
    folder = root / source["name"] if root is not None else Path(source["path"])
    return None if (folder / "pack.yaml").is_file() else inode


def _remove_if_unchanged(path: Path, inode: int) -> bool:
    """Delete ``path`` if it is still the file ``inode``; whether it was deleted.

    The file is first renamed to a private name (atomic): a writer replacing ``path`` meanwhile
    makes a new file there. If the file renamed is not the one checked, it is linked back (never
    over a newer one).
    """
    private = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.sweep")
    try:
        os.rename(path, private)
    except OSError:
        return False
    try:
        if os.stat(private).st_ino == inode:
            return True
        with contextlib.suppress(OSError):
            os.link(private, path)
        return False
    finally:
        with contextlib.suppress(OSError):
            private.unlink()


def _columns(index: QuestionIndex) -> dict[str, Any]:
    """The index as JSON columns: topics, tag sets and types as codes into their lists of names."""
    codes: dict[str, dict[Any, int]] = {"topics": {}, "tagsets": {}, "types": {}}
    columns: dict[str, list[int]] = {}
    for name, values, column in (
        ("topics", index.topics, "topic_of"),
        ("tagsets", index.tags, "tags_of"),
        ("types", index.types, "type_of"),
    ):
        table = codes[name]
        columns[column] = [table.setdefault(v, len(table)) for v in values]
    return {
        "ids": index.ids,
        **{name: [list(v) if isinstance(v, tuple) else v for v in table] for name, table in codes.items()},
        **columns,
        "demos": {str(pos): demo for pos, demo in index.demos.items()},
        "families": {str(pos): family for pos, family in index.families.items()},
    }


# -- reading -------------------------------------------------------------------------------------
class Records:
    """Random access to the question records of one open index file (closed with its pack)."""

    def __init__(self, fd: int, start: int, offsets: array, texts_at: int = 0, texts_len: int = 0) -> None:
        self._fd = fd
        self._start = start
        self._offsets = offsets
        self._texts = (texts_at, texts_len)
        # The file stays open: another process may replace it, this one keeps reading its own copy.
        weakref.finalize(self, os.close, fd)

    def __call__(self, pos: int) -> Any:
        """The question at ``pos``, validated into its pydantic model."""
        from studyvm.packs.model import QUESTION_ADAPTER

        begin, end = self._offsets[pos], self._offsets[pos + 1]
        return QUESTION_ADAPTER.validate_json(os.pread(self._fd, end - begin, self._start + begin))

    def texts(self) -> tuple[TextColumn, TextColumn] | None:
        """Every question's prompt on one line and search text, in pack order; ``None`` if that part
        of the file is damaged (the caller parses the questions instead)."""
        found = read_columns(self._fd, *self._texts, strings=len(self._offsets) - 1)
        return (found[0], found[1]) if found is not None and len(found) == 2 else None


def read_index(path: Path, key: dict[str, Any], location: str, origin: str) -> LazyPack | None:
    """The pack indexed at ``path`` if the file is whole and its key is ``key``; else ``None``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        pack = _read(fd, key, location, origin)
    except (OSError, ValueError, KeyError, TypeError, IndexError, struct.error) as exc:
        logger.info("pack index %s ignored: %s", path, exc)
        pack = None
    if pack is None:
        os.close(fd)
    return pack


def _read(fd: int, key: dict[str, Any], location: str, origin: str) -> LazyPack | None:
    size = os.fstat(fd).st_size
    lead = os.pread(fd, len(MAGIC) + _SOURCE_LEN.size, 0)
    if not lead.startswith(MAGIC) or len(lead) != len(MAGIC) + _SOURCE_LEN.size:
        raise ValueError("not a pack index")
    start = len(lead) + _SOURCE_LEN.unpack_from(lead, len(MAGIC))[0]
    lengths = os.pread(fd, _LENGTHS.size, start)
    if len(lengths) != _LENGTHS.size:
        raise ValueError("truncated")
    header_len, offsets_len, records_len, texts_len = _LENGTHS.unpack(lengths)
    start += _LENGTHS.size
    main_end = start + header_len + offsets_len + records_len + _DIGEST
    if main_end + texts_len + _DIGEST != size:
        raise ValueError("truncated or padded")
    if not _digest_ok(fd, main_end):  # the texts have their own checksum, checked when read
        raise ValueError("checksum mismatch")
    header = json.loads(os.pread(fd, header_len, start))
    if header["key"] != key:
        return None  # the pack changed since (or another version wrote it): not an error
    offsets = array("Q")
    offsets.frombytes(os.pread(fd, offsets_len, start + header_len))
    index = _index(header)
    if len(offsets) != len(index) + 1 or offsets[-1] != records_len:
        raise ValueError("offsets do not match the questions")
    records = Records(fd, start + header_len + offsets_len, offsets, main_end, texts_len)
    return LazyPack(
        header["meta"], header["tables"], index, records, _head_models, location, origin, texts=records.texts
    )


def _head_models(meta: dict[str, Any], tables: list[dict[str, Any]]) -> tuple[Any, list[Any]]:
    """``pack.yaml`` and the tables of an index as the model (they were valid when indexed)."""
    from studyvm.packs.model import ComparisonTable, PackMeta

    return PackMeta.model_validate(meta), [ComparisonTable.model_validate(t) for t in tables]


def checksum(data: bytes) -> bytes:
    """The index file's trailing checksum of ``data`` (CRC-32: it catches damage, and is fast)."""
    return zlib.crc32(data).to_bytes(_DIGEST, "little")


def _digest_ok(fd: int, size: int) -> bool:
    # Read in chunks through the page cache: mapping the file would count it in this process's memory.
    crc, pos, end = 0, 0, size - _DIGEST
    while pos < end:
        chunk = os.pread(fd, min(1 << 20, end - pos), pos)
        if not chunk:
            return False
        crc = zlib.crc32(chunk, crc)
        pos += len(chunk)
    return crc.to_bytes(_DIGEST, "little") == os.pread(fd, _DIGEST, end)


def _index(header: dict[str, Any]) -> QuestionIndex:
    # Column by column (a list comprehension each): 100,000 rows in a few milliseconds.
    topics = [sys.intern(str(t)) for t in header["topics"]]
    types = [sys.intern(str(t)) for t in header["types"]]
    tagsets = [tuple(sys.intern(str(t)) for t in tags) for tags in header["tagsets"]]
    ids = [str(i) for i in header["ids"]]
    columns = (header["topic_of"], header["tags_of"], header["type_of"])
    if any(len(column) != len(ids) for column in columns):
        raise ValueError("index columns of different lengths")
    demos = {int(pos): str(demo) for pos, demo in header["demos"].items()}
    if any(not 0 <= pos < len(ids) for pos in demos):
        raise ValueError("demo of a question that is not there")
    families = {int(pos): sys.intern(str(key)) for pos, key in header["families"].items()}
    if any(not 0 <= pos < len(ids) for pos in families):
        raise ValueError("family of a question that is not there")
    return QuestionIndex(
        ids=ids,
        topics=[topics[c] for c in header["topic_of"]],
        tags=[tagsets[c] for c in header["tags_of"]],
        types=[types[c] for c in header["type_of"]],
        demos=demos,
        families=families,
    )
