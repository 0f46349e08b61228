"""Which files make up a pack folder (shared by the loader and the pack index, without loading either)."""

from __future__ import annotations

from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")


def question_files(folder: Path) -> list[Path]:
    """The YAML files of a pack folder other than ``pack.yaml``, sorted (symlinks are never followed)."""
    meta_path = folder / "pack.yaml"
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix in YAML_SUFFIXES and p.is_file() and p != meta_path and not p.is_symlink()
    )
