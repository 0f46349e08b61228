"""Turn imported questions into a pack folder, all or nothing.

The pack is written to a hidden temporary folder beside the target, read back with the pack
loader's YAML parser and compared with the questions it should hold, and only then renamed into
place; on any failure the temporary folder is removed and the target untouched.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from studyvm.packs.importers.common import slug
from studyvm.packs.model import ID_PATTERN, PackMeta

_KNOWN_SUFFIXES = (".gift", ".txt", ".aiken", ".csv", ".tsv", ".xml", ".apkg", ".colpkg")


class InstallError(Exception):
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
    if not re.match(ID_PATTERN, pack_id) or len(pack_id) > 200:
        return f"invalid pack id {pack_id!r}: use lower-case letters, digits and '.', '_', '-'"
    return None


def install(
    meta: PackMeta, questions: list[Any], target: Path, force: bool = False, media: dict[str, bytes] | None = None
) -> Path:
    """Write a pack with ``meta`` and ``questions`` (and ``media`` files in ``media/``) as the folder
    ``target``; return ``target``.

    Refuses an existing non-empty ``target`` unless ``force``, in which case the old folder is
    replaced only once the new one is complete and valid.
    """
    from studyvm.packs.writer import question_data, write_pack_data

    target = Path(target)
    exists = target.exists() and (not target.is_dir() or any(target.iterdir()))
    if exists and not force:
        raise InstallError(f"{target} already exists (use --force to replace it)")
    if target.exists() and not target.is_dir():
        raise InstallError(f"{target} exists and is not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=target.parent))
        temp.chmod(0o755)  # mkdtemp makes it private; a pack folder is an ordinary folder
    except OSError as exc:
        raise InstallError(f"cannot write in {target.parent}: {exc.strerror or exc}") from None
    try:
        ids = [q.id for q in questions]
        if len(set(ids)) != len(ids):
            raise InstallError("internal error: two imported questions have the same id")
        data = [question_data(q) for q in questions]
        _check_written(write_pack_data(temp, meta, data, []), meta, data)
        _write_media(temp, media or {})
        _swap(temp, target)
    except OSError as exc:
        raise InstallError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    return target


def _write_media(folder: Path, media: dict[str, bytes]) -> None:
    """Write the media files in ``folder/media`` under their (already safe) names."""
    from studyvm.packs.importers.media import MEDIA_DIR, safe_name

    if not media:
        return
    where = folder / MEDIA_DIR
    where.mkdir()
    for name, data in media.items():
        if safe_name(name) != name:
            raise InstallError(f"internal error: unsafe media file name {name!r}")
        (where / name).write_bytes(data)


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


def _swap(new: Path, target: Path) -> None:
    """Rename ``new`` to ``target``, moving an existing ``target`` aside first and dropping it after."""
    if not target.exists():
        new.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old.rmdir()
    target.rename(old)
    try:
        new.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
