"""Finding packs: built-in ones, those installed in the user's home and ``--packs`` folders.

A pack id must be unique across all of them; a clash is an error naming both places.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from studyvm.config import Settings, builtin_content_dir
from studyvm.packs.diagnostics import Diagnostic
from studyvm.packs.loader import load_pack_dir
from studyvm.packs.model import Pack


@dataclass
class Catalog:
    """Every pack that loaded, by id, and the problems of those that did not."""

    packs: dict[str, Pack] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: dict[str, list[Diagnostic]] = field(default_factory=dict)
    """Folder -> diagnostics, for packs that were refused."""

    def get(self, pack_id: str) -> Pack | None:
        """The pack with ``pack_id``, or ``None``."""
        return self.packs.get(pack_id)


def pack_folders(root: Path) -> list[Path]:
    """``root`` itself if it is a pack, else its immediate sub-folders that hold a ``pack.yaml``."""
    if not root.is_dir():
        return []
    if (root / "pack.yaml").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if (p / "pack.yaml").is_file())


def search_roots(settings: Settings) -> list[tuple[Path, str]]:
    """Where packs are looked for, in order, with the origin each gets."""
    roots = [(builtin_content_dir(), "builtin"), (settings.user_packs_dir, "user")]
    roots += [(Path(p), "extra") for p in settings.extra_pack_dirs]
    return roots


logger = logging.getLogger(__name__)


def load_catalog(settings: Settings, known_demos: set[str] | None = None) -> Catalog:
    """Load every pack the settings can see."""
    catalog = Catalog()
    for root, origin in search_roots(settings):
        for folder in pack_folders(root):
            result = load_pack_dir(folder, origin=origin, known_demos=known_demos)
            if result.pack is None:
                catalog.failed[str(folder)] = result.diagnostics
                logger.warning("pack at %s not loaded: %d problem(s)", folder, len(result.diagnostics))
                continue
            pack = result.pack
            clash = catalog.packs.get(pack.id)
            if clash is not None:
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
    logger.debug("catalog: %d pack(s) loaded, %d refused", len(catalog.packs), len(catalog.failed))
    return catalog
