"""Finding packs: built-in ones, those installed in the user's home and ``--packs`` folders.

A pack id must be unique across all of them; a clash is an error naming both places.

A pack folder is parsed and validated in full the first time it is seen (and after any change);
from then on it is opened from its on-disk index (:mod:`studyvm.packs.indexcache`) as a
:class:`~studyvm.packs.packindex.LazyPack` whose questions are parsed when used. ``pack validate``
and ``pack lint`` never use the index: they load the files themselves.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from studyvm.config import Settings, builtin_content_dir

if TYPE_CHECKING:  # the loader and the model (pydantic, YAML) load only when a pack must be parsed
    from studyvm.packs.diagnostics import Diagnostic
    from studyvm.packs.model import Pack
    from studyvm.packs.packindex import LazyPack

    AnyPack: TypeAlias = Pack | LazyPack
    """A pack as the catalog hands it out: read from its index, or parsed in full when it has none."""


@dataclass
class Catalog:
    """Every pack that loaded, by id, and the problems of those that did not."""

    packs: dict[str, AnyPack] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: dict[str, list[Diagnostic]] = field(default_factory=dict)
    """Folder -> diagnostics, for packs that were refused."""

    def get(self, pack_id: str) -> AnyPack | None:
        """The pack with ``pack_id``, or ``None``."""
        return self.packs.get(pack_id)


def pack_folders(root: Path) -> list[Path]:
    """``root`` itself if it is a pack, else its immediate sub-folders that hold a ``pack.yaml``.

    Hidden folders (a name starting with ``.``) are skipped: temporary folders are never packs.
    """
    if not root.is_dir():
        return []
    if (root / "pack.yaml").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if not p.name.startswith(".") and (p / "pack.yaml").is_file())


def search_roots(settings: Settings) -> list[tuple[Path, str]]:
    """Where packs are looked for, in order, with the origin each gets."""
    roots = [(builtin_content_dir(), "builtin"), (settings.user_packs_dir, "user")]
    roots += [(Path(p), "extra") for p in settings.extra_pack_dirs]
    return roots


logger = logging.getLogger(__name__)


def load_catalog(settings: Settings, known_demos: set[str] | None = None) -> Catalog:
    """Load every pack the settings can see."""
    catalog = Catalog()
    # No home folder yet (a fresh --home): parse the packs, create nothing.
    cache_dir = settings.home / "cache" / "packs" if settings.home.is_dir() else None
    for root, origin in search_roots(settings):
        for folder in pack_folders(root):
            pack, problems = load_indexed(folder, origin, cache_dir, known_demos)
            if pack is None:
                catalog.failed[str(folder)] = problems
                logger.warning("pack at %s not loaded: %d problem(s)", folder, len(problems))
                continue
            clash = catalog.packs.get(pack.id)
            if clash is not None:
                from studyvm.packs.diagnostics import Diagnostic

                catalog.diagnostics.append(
                    Diagnostic(
                        str(folder / "pack.yaml"),
                        1,
                        1,
                        "error",
                        f"pack id '{pack.id}' is already used by {clash.location}",
                    )
                )
                continue
            catalog.packs[pack.id] = pack
    if cache_dir is not None:  # every pack is indexed by now: the indexes of removed ones can go
        from studyvm.packs.indexcache import sweep_stale

        sweep_stale(cache_dir, {origin: root for root, origin in search_roots(settings) if origin != "extra"})
    logger.debug("catalog: %d pack(s) loaded, %d refused", len(catalog.packs), len(catalog.failed))
    return catalog


def load_indexed(
    folder: Path, origin: str, cache_dir: Path | None, known_demos: set[str] | None = None
) -> tuple[AnyPack | None, list[Diagnostic]]:
    """The pack in ``folder`` from its index when that is current, else loaded in full (and indexed).

    Returns the pack (``None`` if it has errors) and the diagnostics of a full load (none when
    the index was used: the pack had no error when it was indexed). With ``known_demos``, a pack
    naming an unknown demo is loaded in full, so the error is reported as before. Without a
    ``cache_dir`` (or ``os.pread``, which reads the records) every load is a full one.
    """
    from studyvm.packs import indexcache

    where = indexcache.cache_file(cache_dir, folder, origin) if cache_dir is not None else None
    key = indexcache.folder_key(folder) if where is not None and hasattr(os, "pread") else None
    if where is not None and key is not None:
        lazy = indexcache.read_index(where, key, str(folder), origin)
        if lazy is not None and (known_demos is None or set(lazy.index.demos.values()) <= known_demos):
            return lazy, []
    from studyvm.packs.loader import load_pack_dir  # pydantic and YAML: only for a pack to parse

    result = load_pack_dir(folder, origin=origin, known_demos=known_demos)
    if result.pack is None or where is None or key is None:
        return result.pack, result.diagnostics
    if indexcache.write_index(where, key, result.pack):
        lazy = indexcache.read_index(where, key, str(folder), origin)
        if lazy is not None:  # the parsed pack is dropped: the index now stands for it
            return lazy, result.diagnostics
    return result.pack, result.diagnostics
