"""Importers: GIFT, Aiken, CSV/TSV, Moodle XML and Anki packages into validated questions.

Each importer returns an :class:`ImportResult` (questions in file order, warnings, media) or
raises :class:`ImportProblem` (``path:line:col: error: message``, every problem of the file in
one :class:`~studyvm.packs.importers.common.ImportProblems`), importing nothing.
Importer modules are loaded only when used.
"""

from __future__ import annotations

from pathlib import Path

from studyvm.packs.gcpause import gc_paused
from studyvm.packs.importers.common import ImportProblem, ImportResult, Progress

FORMATS = ("gift", "aiken", "csv", "moodle-xml", "apkg")
"""Formats ``studyvm pack import`` understands."""
_SUFFIXES = {
    ".gift": "gift",
    ".txt": "gift",
    ".aiken": "aiken",
    ".csv": "csv",
    ".tsv": "csv",
    ".xml": "moodle-xml",
    ".apkg": "apkg",
    ".colpkg": "apkg",
}

__all__ = ["FORMATS", "ImportProblem", "ImportResult", "guess_format", "import_file"]


_ANKI_HEADERS = ("#separator:", "#html:", "#columns:", "#notetype", "#deck", "#guid column:", "#tags")


def guess_format(path: Path) -> str | None:
    """The format of a file, from its content where that is certain, else from its suffix.

    A Moodle XML document (``<quiz>``) and a zip holding an Anki collection are recognised
    whatever their name; a ``.txt`` file that starts with Anki's ``#separator:``-style headers
    (Anki's "Notes in Plain Text" export) is read as CSV; otherwise ``.gift``/``.txt`` GIFT,
    ``.csv``/``.tsv``, ``.aiken``, ``.xml`` Moodle XML, ``.apkg``/``.colpkg`` Anki.
    """
    path = Path(path)
    fmt = _SUFFIXES.get(path.suffix.lower())
    if not path.is_file():  # never open a FIFO here: it would wait for a writer
        return fmt
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return fmt
    from studyvm.packs.importers.moodle_xml import looks_like_moodle_xml

    if looks_like_moodle_xml(head):
        return "moodle-xml"
    if head.startswith(b"PK\x03\x04") and fmt != "apkg":
        return "apkg" if _is_anki_zip(path) else "zip"
    if fmt == "gift" and head.decode("utf-8-sig", errors="replace").lower().startswith(_ANKI_HEADERS):
        return "csv"
    return fmt


def _is_anki_zip(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith("collection.anki") for n in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


@gc_paused
def import_file(path: Path, fmt: str, progress: Progress | None = None, with_history: bool = False) -> ImportResult:
    """Import ``path`` as ``fmt`` (one of :data:`FORMATS`); ``with_history`` reads Anki's review log too."""
    if fmt == "gift":
        from studyvm.packs.importers.gift import import_gift

        return import_gift(path, progress)
    if fmt == "aiken":
        from studyvm.packs.importers.aiken import import_aiken

        return import_aiken(path, progress)
    if fmt == "csv":
        from studyvm.packs.importers.csv_tsv import import_csv

        return import_csv(path, progress)
    if fmt == "moodle-xml":
        from studyvm.packs.importers.moodle_xml import import_moodle_xml

        return import_moodle_xml(path, progress)
    if fmt == "apkg":
        from studyvm.packs.importers.apkg import import_apkg

        return import_apkg(path, progress, with_history=with_history)
    raise ValueError(f"unknown import format {fmt!r}; expected one of {', '.join(FORMATS)}")
