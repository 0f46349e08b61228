"""Turn imported questions into a pack folder, all or nothing.

The pack is written to a hidden temporary folder beside the target, read back with the pack
loader's YAML parser and compared with the questions it should hold, and only then renamed into
place; on any failure the temporary folder is removed and the target untouched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from studyvm.errors import PackError
from studyvm.packs.importers.common import slug
from studyvm.packs.model import ID_PATTERN, PackMeta

_KNOWN_SUFFIXES = (".gift", ".txt", ".aiken", ".csv", ".tsv")


class InstallError(PackError):
    """The pack cannot be written where asked (exists, clashes, disk error, …)."""


def base_name(path: Path) -> str:
    """The file name without its known suffixes: ``Week 1.gift.txt`` -> ``Week 1``."""
    name = Path(path).name
    changed = True
    while changed:
        changed = False
        for suffix in _KNOWN_SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name, changed = name[: -len(suffix)], True
    return name


def pack_id_for(path: Path) -> str:
    """A pack id from a file name: known suffixes dropped (``bank.gift.txt`` -> ``bank``), slugged."""
    return slug(base_name(path), 80) or "imported"


def check_pack_id(pack_id: str) -> str | None:
    """Why ``pack_id`` is not a valid id, or ``None`` when it is."""
    if not re.fullmatch(ID_PATTERN, pack_id) or len(pack_id) > 200:
        return f"invalid pack id {pack_id!r}: use lower-case letters, digits and '.', '_', '-'"
    return None


def install(
    meta: PackMeta, questions: list[Any], target: Path, force: bool = False, staging: Path | None = None
) -> Path:
    """Write a pack with ``meta`` and ``questions`` as the folder ``target``; return ``target``.

    Refuses an existing non-empty ``target`` unless ``force``, and even then replaces only a
    folder that is a pack (holds a ``pack.yaml``). The pack is written in a staging folder under
    ``staging`` (default: beside ``target``), checked, and swapped in whole
    (:func:`studyvm.packs.staging.swap_in`); the caller holds the pack id's lock.
    """
    from studyvm.packs.staging import checkpoint, staging_folder, swap_in
    from studyvm.packs.writer import question_data, write_pack_data

    target = Path(target)
    exists = target.exists() and (not target.is_dir() or any(target.iterdir()))
    if exists and not force:
        raise InstallError(f"{target} already exists (use --force to replace it)")
    if target.exists() and not target.is_dir():
        raise InstallError(f"{target} exists and is not a folder")
    if exists and not (target / "pack.yaml").is_file():
        raise InstallError(f"{target} is not a pack folder (it has no pack.yaml); --force replaces only a pack")
    try:
        with staging_folder(staging or target.parent, f".{target.name}.import" if staging is None else meta.id) as temp:
            ids = [q.id for q in questions]
            if len(set(ids)) != len(ids):
                raise InstallError("internal error: two imported questions have the same id")
            data = [question_data(q) for q in questions]
            files = write_pack_data(temp, meta, data, [])
            checkpoint("written")
            _check_limits(files)
            _check_written(files, meta, data)
            swap_in(temp, target)
            checkpoint("swapped")
    except OSError as exc:
        raise InstallError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


def _check_limits(files: list[Path]) -> None:
    """Refuse a written pack the loader would refuse: a file over its cap, the pack over its total."""
    from studyvm.packs.loader import MAX_FILES, MAX_PACK_BYTES
    from studyvm.packs.yamlsafe import MAX_FILE_BYTES

    sizes = {path: path.stat().st_size for path in files}
    too_big = [path.name for path, size in sizes.items() if size > MAX_FILE_BYTES]
    if too_big:
        raise InstallError(
            f"the written {too_big[0]} is over the loader's {MAX_FILE_BYTES // 1_048_576} MB limit per file "
            "(questions too long?); nothing was installed"
        )
    if sum(sizes.values()) > MAX_PACK_BYTES or len(files) > MAX_FILES:
        raise InstallError(
            f"the pack would be {sum(sizes.values()) / 1_048_576:.0f} MB in {len(files)} files; the loader's "
            f"limits are {MAX_PACK_BYTES // 1_048_576} MB and {MAX_FILES} files; nothing was installed"
        )


def _check_written(files: list[Path], meta: PackMeta, expected: list[dict[str, Any]]) -> None:
    """Read the written YAML back with the loader's YAML 1.2 parser and compare it with what was meant.

    The questions were validated when imported, so what remains to prove is that the files hold
    exactly their data (the full ``load_pack_dir`` check runs in the tests; here it would double
    the time of a 10,000-question import).
    """
    import yaml_rs

    found: list[Any] = []
    try:
        for path in files:
            data = yaml_rs.loads(path.read_text(encoding="utf-8"), parse_datetime=False)
            if path.name == "pack.yaml":
                if PackMeta.model_validate(data) != meta:
                    raise InstallError("internal error: pack.yaml does not read back as written")
            else:
                found += data["questions"]
    except (yaml_rs.YAMLDecodeError, ValueError) as exc:
        raise InstallError(f"internal error: the written pack does not read back: {exc}") from None
    if found != expected:
        raise InstallError("internal error: the written questions do not read back as written")
