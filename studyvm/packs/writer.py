"""Write a pack as a folder of YAML files that :func:`studyvm.packs.loader.load_pack_dir` reads back.

``pack.yaml`` holds the metadata; the authored questions go to ``questions.yaml`` (or
``questions-001.yaml``, ``questions-002.yaml``… for banks too big for one file) and tables to
``tables.yaml``. Values equal to their default are left out, so the files read like hand-written
ones; multi-line text uses YAML's ``|`` block style.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

try:  # the C emitter is several times faster on big banks
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

from studyvm.packs.model import ComparisonTable, PackMeta

QUESTIONS_PER_FILE = 4000
"""Questions per file when a bank is split (keeps each file well under the loader's size cap)."""


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """A safe dumper that writes multi-line strings as ``|`` blocks."""


_YAML12_NON_STRING = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
    r"|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
"""Plain scalars the loader's YAML 1.2 parser reads as something other than text."""
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML resolves with YAML 1.1 rules, the loader with 1.2: quote what 1.2 would not read as text.
    if _YAML12_NON_STRING.match(value) or any(ch in value for ch in _ODD_BREAKS):
        style = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    """YAML text for plain data, keys in the given order, Unicode kept readable."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


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
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "pack.yaml"]
    written[0].write_text(dump_yaml(meta.model_dump(mode="json", exclude_defaults=True)), encoding="utf-8")
    authored = [question_data(q) for q in questions if getattr(q, "generated_from", None) is None]
    chunks = [authored[i : i + QUESTIONS_PER_FILE] for i in range(0, len(authored), QUESTIONS_PER_FILE)]
    for index, chunk in enumerate(chunks, start=1):
        name = "questions.yaml" if len(chunks) == 1 else f"questions-{index:03d}.yaml"
        path = folder / name
        path.write_text(dump_yaml({"questions": chunk}), encoding="utf-8")
        written.append(path)
    table_data = [t.model_dump(mode="json", exclude_defaults=True) for t in tables]
    if table_data:
        path = folder / "tables.yaml"
        path.write_text(dump_yaml({"tables": table_data}), encoding="utf-8")
        written.append(path)
    return written


def write_pack(pack: Any, folder: Path) -> list[Path]:
    """Write a loaded :class:`~studyvm.packs.model.Pack` (authored questions and tables) to ``folder``."""
    return write_pack_files(folder, pack.meta, pack.questions, pack.tables)
