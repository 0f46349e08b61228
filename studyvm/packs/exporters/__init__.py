"""Exporters: a pack as Moodle GIFT text or an Anki package.

``export_gift(pack) -> (text, warnings)`` and ``export_apkg(pack, out_path) -> warnings`` live in
their own modules (imported here lazily, so importing this package stays cheap). Both take an
optional ``progress(done, total)`` callback, e.g. :class:`studyvm.cli.progress.TtyProgress`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["export_apkg", "export_gift"]


def export_gift(pack: Any, progress: Any = None) -> tuple[str, list[str]]:
    """See :func:`studyvm.packs.exporters.gift.export_gift`."""
    from studyvm.packs.exporters.gift import export_gift as run

    return run(pack, progress)


def export_apkg(pack: Any, out_path: Any, timestamp: float | None = None, progress: Any = None) -> list[str]:
    """See :func:`studyvm.packs.exporters.apkg.export_apkg`."""
    from studyvm.packs.exporters.apkg import export_apkg as run

    return run(pack, out_path, timestamp, progress)
