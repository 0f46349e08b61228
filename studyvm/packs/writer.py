"""Write a pack as a folder of YAML files that :func:`studyvm.packs.loader.load_pack_dir` reads back.

``pack.yaml`` holds the metadata; the authored questions go to ``questions.yaml`` (or
``questions-001.yaml``, ``questions-002.yaml``… for banks too big for one file) and tables to
``tables.yaml``. Values equal to their default are left out, so the files read like hand-written
ones: plain scalars where YAML reads them back as the same text, ``|-`` blocks for multi-line
text, double quotes (with escapes) for the rest.

The emitter is our own, for speed (PyYAML's pure-Python representer took seconds on a 10,000
question bank) and because the loader reads YAML 1.2: a scalar is written plain only when both
YAML 1.1 and 1.2 read it back as the same string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from studyvm.packs.model import ComparisonTable, PackMeta

QUESTIONS_PER_FILE = 4000
"""Questions per file when a bank is split (keeps each file well under the loader's size cap)."""

_PLAIN = re.compile(
    r"(?!(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$)"
    r"[A-Za-z_(/\\$^~\u00a0-\uffff](?:[^\n\t#:]*[^\s#:])?\Z"
)
"""Plain-scalar text: a safe first character; no line break, tab, '#' or ':'; no white space at
the end; not a word that some YAML version reads as null or a boolean."""
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _quoted(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    if out.isprintable():
        return out
    return "".join(ch if ch.isprintable() else _escape_char(ch) for ch in out)


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def scalar(value: Any, indent: str = "") -> str:
    """One scalar as YAML text (a multi-line string becomes a ``|-`` block indented by ``indent``)."""
    if type(value) is str:
        if _PLAIN.match(value) and value.isprintable():
            return value
        if "\n" in value and _block_ok(value):
            return "|-\n" + "\n".join(f"{indent}  {line}" if line else "" for line in value.split("\n"))
        return _quoted(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    return scalar(str(value), indent)


def _block_ok(text: str) -> bool:
    """Whether ``text`` survives a ``|-`` block unchanged (printable lines, no edge white space)."""
    if text != text.strip() or text.startswith(("#", " ")):
        return False
    return all(line == line.rstrip() and line.isprintable() and "\t" not in line for line in text.split("\n"))


_NESTED = (dict, list)
_key_cache: dict[str, str] = {}


def _key(key: str) -> str:
    text = _key_cache.get(key)
    if text is None:
        text = _key_cache[key] = key if _KEY.match(key) else _quoted(key)
    return text


def _emit(value: Any, indent: str, out: list[str], lead: str | None = None) -> None:
    """Append the lines of a mapping or sequence ``value`` at ``indent``.

    ``lead`` replaces the indentation of the first line (``"- "`` for a mapping inside a list).
    """
    child = indent + "  "
    if type(value) is dict:
        for key, item in value.items():
            prefix = indent if lead is None else lead
            lead = None
            if item and type(item) in _NESTED:
                out.append(f"{prefix}{_key(key)}:")
                _emit(item, child, out)
            else:
                out.append(f"{prefix}{_key(key)}: {scalar(item, indent)}")
        return
    for item in value:
        prefix = indent if lead is None else lead
        lead = None
        if item and type(item) in _NESTED:
            _emit(item, child, out, f"{prefix}- ")
        else:
            out.append(f"{prefix}- {scalar(item, child)}")


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML text for a mapping of plain data, keys in the given order."""
    out: list[str] = []
    _emit(data, "", out)
    return "\n".join(out) + "\n"


def question_data(question: Any) -> dict[str, Any]:
    """A question as pack-file data: ``id`` and ``type`` first, defaults left out."""
    data = question.model_dump(mode="json", exclude_defaults=True)
    data.pop("generated_from", None)
    return {"id": data.pop("id"), "type": data.pop("type"), **data}


def write_pack_files(
    folder: Path,
    meta: PackMeta,
    questions: Iterable[Any],
    tables: Iterable[ComparisonTable] = (),
) -> list[Path]:
    """Write ``meta``, the authored ``questions`` and ``tables`` into ``folder``; return the files.

    Generated questions (those with ``generated_from``) are skipped: the tables regenerate them.
    """
    authored = [question_data(q) for q in questions if getattr(q, "generated_from", None) is None]
    return write_pack_data(folder, meta, authored, [t.model_dump(mode="json", exclude_defaults=True) for t in tables])


def write_pack_data(folder: Path, meta: PackMeta, authored: list[dict[str, Any]], table_data: list[Any]) -> list[Path]:
    """Write already-dumped question and table data (see :func:`question_data`) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "pack.yaml"]
    written[0].write_text(dump_yaml(meta.model_dump(mode="json", exclude_defaults=True)), encoding="utf-8")
    chunks = [authored[i : i + QUESTIONS_PER_FILE] for i in range(0, len(authored), QUESTIONS_PER_FILE)]
    texts = [text for chunk in chunks for text in _file_texts(chunk)]
    for index, text in enumerate(texts, start=1):
        path = folder / ("questions.yaml" if len(texts) == 1 else f"questions-{index:03d}.yaml")
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if table_data:
        path = folder / "tables.yaml"
        path.write_text(dump_yaml({"tables": table_data}), encoding="utf-8")
        written.append(path)
    return written


def _file_texts(chunk: list[dict[str, Any]]) -> list[str]:
    """YAML texts for ``chunk``, halved until each is under half the loader's per-file limit."""
    from studyvm.packs.yamlsafe import MAX_FILE_BYTES

    text = dump_yaml({"questions": chunk})
    if len(chunk) < 2 or len(text.encode("utf-8")) <= MAX_FILE_BYTES // 2:
        return [text]
    middle = len(chunk) // 2
    return _file_texts(chunk[:middle]) + _file_texts(chunk[middle:])


def write_pack(pack: Any, folder: Path) -> list[Path]:
    """Write a loaded :class:`~studyvm.packs.model.Pack` (authored questions and tables) to ``folder``."""
    return write_pack_files(folder, pack.meta, pack.questions, pack.tables)
