"""Importers: GIFT, Aiken and CSV/TSV files into validated questions.

Each importer returns an :class:`ImportResult` (questions in file order, warnings) or raises
:class:`ImportProblem` (``path:line:col: error: message``) at the first error, importing nothing.
Importer modules are loaded only when used.
"""

from __future__ import annotations

from pathlib import Path

from studyvm.packs.gcpause import gc_paused
from studyvm.packs.importers.common import ImportProblem, ImportResult, Progress

FORMATS = ("gift", "aiken", "csv")
"""Formats ``studyvm pack import`` understands."""
_SUFFIXES = {".gift": "gift", ".txt": "gift", ".aiken": "aiken", ".csv": "csv", ".tsv": "csv"}

__all__ = ["FORMATS", "ImportProblem", "ImportResult", "guess_format", "import_file"]


_ANKI_HEADERS = ("#separator:", "#html:", "#columns:", "#notetype", "#deck", "#guid column:", "#tags")


def guess_format(path: Path) -> str | None:
    """The format implied by the file's suffix (``.gift``/``.txt`` GIFT, ``.csv``/``.tsv``, ``.aiken``).

    A ``.txt`` file that starts with Anki's ``#separator:``-style headers (Anki's "Notes in
    Plain Text" export) is read as CSV.
    """
    path = Path(path)
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt == "gift":
        try:
            with path.open("rb") as handle:
                head = handle.read(64).decode("utf-8-sig", errors="replace").lower()
        except OSError:
            return fmt
        if head.startswith(_ANKI_HEADERS):
            return "csv"
    return fmt


@gc_paused
def import_file(path: Path, fmt: str, progress: Progress | None = None) -> ImportResult:
    """Import ``path`` as ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "gift":
        from studyvm.packs.importers.gift import import_gift

        return import_gift(path, progress)
    if fmt == "aiken":
        from studyvm.packs.importers.aiken import import_aiken

        return import_aiken(path, progress)
    if fmt == "csv":
        from studyvm.packs.importers.csv_tsv import import_csv

        return import_csv(path, progress)
    raise ValueError(f"unknown import format {fmt!r}; expected one of {', '.join(FORMATS)}")
