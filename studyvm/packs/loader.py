"""Load a pack folder, a single question file or a JSON export, reporting every problem.

Loading never raises on bad input: it returns a :class:`LoadResult` whose ``diagnostics`` say
what is wrong and where; ``pack`` is ``None`` when there is any error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from studyvm.packs.checks import check_pack
from studyvm.packs.diagnostics import Diagnostic, from_validation_error, has_errors
from studyvm.packs.folders import question_files
from studyvm.packs.gcpause import gc_paused
from studyvm.packs.model import QUESTION_ADAPTER, ComparisonTable, Pack, PackMeta, Question
from studyvm.packs.tables import row_questions
from studyvm.packs.yamlsafe import MAX_FILE_BYTES, Positions, YamlProblem, read_yaml_file

"""Validates one question of any type."""
MAX_FILES = 500
"""Most YAML files read from one pack folder."""
MAX_PACK_BYTES = 64 * 1024 * 1024
"""Largest total size of one pack folder's YAML files."""


def _allowed_fields() -> dict[str, list[str]]:
    from studyvm.packs.model import QUESTION_CLASSES

    return {name: list(cls.model_fields) for name, cls in QUESTION_CLASSES.items()}


ALLOWED_FIELDS = _allowed_fields()


class Located:
    """Where an authored question or table came from; the line is looked up only when needed."""

    def __init__(self, file: str, positions: Positions | None = None, path: tuple = (), value: bool = False) -> None:
        self.file = file
        self._positions = positions
        self._path = path
        self._value = value
        self._where: tuple[int, int] | None = None if positions is not None else (1, 1)

    def _locate(self) -> tuple[int, int]:
        if self._where is None:
            self._where = self._positions.locate(self._path, self._value)  # type: ignore[union-attr]
        return self._where

    def value_of(self, *keys: str) -> Located:
        """The place of the value written under ``keys`` here (the nearest place written when there is none)."""
        if self._positions is None:
            return self
        return Located(self.file, self._positions, (*self._path, *keys), value=True)

    @property
    def line(self) -> int:
        """1-based line."""
        return self._locate()[0]

    @property
    def col(self) -> int:
        """1-based column."""
        return self._locate()[1]

    def inside(self, path: tuple) -> tuple[str, int, int]:
        """``(file, line, col)`` of ``path`` below this place (a field of the question)."""
        if self._positions is None:
            return self.file, self.line, self.col
        return self.file, *self._positions.locate((*self._path, *path))


@dataclass
class LoadResult:
    """A loaded pack (or ``None``) and every diagnostic found on the way."""

    pack: Pack | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not has_errors(self.diagnostics)


@dataclass
class _Parsed:
    """Questions and tables read from the YAML files, with their locations."""

    questions: list[Question] = field(default_factory=list)
    tables: list[ComparisonTable] = field(default_factory=list)
    where: dict[int, Located] = field(default_factory=dict)
    """``id(question or table)`` -> location."""
    row_where: dict[tuple[str, int], Located] = field(default_factory=dict)
    """(table id, row index) -> location of the row."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    raw_ids: dict[str, tuple[Located, bool]] = field(default_factory=dict)
    """Question id -> where it was first written and whether that entry was valid."""


def _error(path: str, message: str, line: int = 1, col: int = 1) -> Diagnostic:
    return Diagnostic(path, line, col, "error", message)


def _read(path: Path, display: str, out: list[Diagnostic]) -> tuple[Any, Positions] | None:
    try:
        return read_yaml_file(path, MAX_FILE_BYTES)
    except YamlProblem as problem:
        out.append(_error(display, problem.message, problem.line, problem.col))
        return None


def _parse_question_file(data: Any, positions: Positions, display: str, parsed: _Parsed) -> None:
    """Validate one file's ``questions`` and ``tables`` item by item, collecting errors."""
    if data is None:
        parsed.diagnostics.append(Diagnostic(display, 1, 1, "warning", "file is empty"))
        return
    if not isinstance(data, dict):
        parsed.diagnostics.append(
            _error(display, "expected a mapping with 'questions' and/or 'tables'", *positions.locate(()))
        )
        return
    for key in data:
        if key not in ("questions", "tables"):
            parsed.diagnostics.append(
                _error(
                    display,
                    f"unknown top-level key '{key}' (expected 'questions' or 'tables')",
                    *positions.locate((key,)),
                )
            )
    buckets: tuple[tuple[str, Callable[[Any], Any], list[Any]], ...] = (
        ("questions", QUESTION_ADAPTER.validate_python, parsed.questions),
        ("tables", ComparisonTable.model_validate, parsed.tables),
    )
    for key, validate, bucket in buckets:
        items = data.get(key, [])
        if items is None:
            continue
        if not isinstance(items, list):
            parsed.diagnostics.append(_error(display, f"'{key}' must be a list", *positions.locate((key,))))
            continue
        for index, item in enumerate(items):
            base = (key, index)
            try:
                obj = validate(item)
            except ValidationError as exc:
                allowed = ALLOWED_FIELDS if key == "questions" else None
                parsed.diagnostics.extend(from_validation_error(exc, item, positions, display, base, allowed))
                _note_id(parsed, key, item, Located(display, positions, base), valid=False)
                continue
            _note_id(parsed, key, item, Located(display, positions, base), valid=True)
            bucket.append(obj)
            parsed.where[id(obj)] = Located(display, positions, base)
            if key == "tables":
                for row_index in range(len(obj.rows)):
                    parsed.row_where[(obj.id, row_index)] = Located(display, positions, (*base, "rows", row_index))


def _note_id(parsed: _Parsed, key: str, item: Any, here: Located, valid: bool) -> None:
    """Report a duplicate question id at once when either entry is invalid (the pack-wide check sees
    only valid questions), so fixing one round of errors never uncovers another."""
    qid = item.get("id") if key == "questions" and isinstance(item, dict) else None
    if not isinstance(qid, str):
        return
    first = parsed.raw_ids.get(qid)
    if first is None:
        parsed.raw_ids[qid] = (here, valid)
    elif not (valid and first[1]):
        where = first[0]
        where, here = where.value_of("id"), here.value_of("id")
        parsed.diagnostics.append(
            _error(
                here.file,
                f"duplicate question id '{qid}'; first used at {where.file}:{where.line}:{where.col}",
                here.line,
                here.col,
            )
        )


def _assemble(
    meta: PackMeta, parsed: _Parsed, location: str, origin: str, known_demos: set[str] | None, meta_where: Located
) -> LoadResult:
    """Generate table questions, run the cross-file checks and build the :class:`Pack`."""
    questions = list(parsed.questions)
    for table in parsed.tables:
        for index, row in enumerate(table.rows):
            if len(row.cells) != len(table.columns):
                continue  # reported by check_pack
            for question in row_questions(table, row, parsed.tables):
                questions.append(question)
                parsed.where[id(question)] = parsed.row_where[(table.id, index)]
    diagnostics = parsed.diagnostics + check_pack(
        meta,
        parsed.questions,
        parsed.tables,
        questions,
        parsed.where,
        parsed.row_where,
        known_demos,
        meta_where,
    )
    if has_errors(diagnostics):
        return LoadResult(None, sorted(diagnostics))
    pack = Pack(meta=meta, questions=questions, tables=parsed.tables, location=location, origin=origin)  # type: ignore[arg-type]
    return LoadResult(pack, sorted(diagnostics))


@gc_paused
def load_pack_dir(
    folder: Path, origin: str = "file", known_demos: set[str] | None = None, check_media: bool = False
) -> LoadResult:
    """Load a pack folder: ``pack.yaml`` plus every other ``*.yaml``/``*.yml`` below it.

    ``check_media`` also warns about each media placeholder whose file is not in ``media/``
    (``pack validate`` asks for it; loading the catalog does not, to stay quiet and fast).
    """
    folder = Path(folder)
    meta_path = folder / "pack.yaml"
    display_meta = str(meta_path)
    if meta_path.exists() and not meta_path.is_file():  # a folder or a FIFO, not "missing" (F18)
        kind = "a folder" if meta_path.is_dir() else "not a regular file"
        return LoadResult(None, [_error(display_meta, f"pack.yaml is {kind}: it must be a YAML file")])
    if not meta_path.is_file():
        return LoadResult(
            None,
            [_error(display_meta, "missing pack.yaml: every pack folder needs one (with at least 'id' and 'title')")],
        )
    diagnostics: list[Diagnostic] = []
    meta: PackMeta | None = None
    read = _read(meta_path, display_meta, diagnostics)
    if read is not None:
        data, positions = read
        try:
            meta = PackMeta.model_validate(data if data is not None else {})
        except ValidationError as exc:
            diagnostics.extend(from_validation_error(exc, data, positions, display_meta))
    files = question_files(folder)
    if len(files) > MAX_FILES:
        diagnostics.append(_error(str(folder), f"{len(files)} YAML files; the limit is {MAX_FILES}"))
        return LoadResult(None, diagnostics)
    total = sum(p.stat().st_size for p in files)
    if total > MAX_PACK_BYTES:
        diagnostics.append(
            _error(str(folder), f"pack is {total / 1_048_576:.0f} MB; the limit is {MAX_PACK_BYTES / 1_048_576:.0f} MB")
        )
        return LoadResult(None, diagnostics)
    parsed = _Parsed(diagnostics=diagnostics)
    for path in files:
        read = _read(path, str(path), parsed.diagnostics)
        if read is not None:
            _parse_question_file(read[0], read[1], str(path), parsed)
    if meta is None:
        return LoadResult(None, sorted(parsed.diagnostics))
    result = _assemble(meta, parsed, str(folder), origin, known_demos, Located(display_meta))
    if check_media:
        from studyvm.packs.mediarefs import missing_media

        where = parsed.where
        missing = missing_media(folder, parsed.questions, lambda q, path: where[id(q)].inside(path))
        result.diagnostics = sorted(result.diagnostics + missing)
    return result


def load_question_file(path: Path, known_demos: set[str] | None = None) -> LoadResult:
    """Load one YAML question file on its own, as a pack named after the file."""
    path = Path(path)
    parsed = _Parsed()
    read = _read(path, str(path), parsed.diagnostics)
    if read is not None:
        _parse_question_file(read[0], read[1], str(path), parsed)
    from studyvm.packs.tables import slug

    meta = PackMeta(id=slug(path.stem), title=path.stem)
    return _assemble(meta, parsed, str(path), "file", known_demos, Located(str(path)))


@gc_paused
def load_export(path: Path) -> LoadResult:
    """Load a JSON export made by ``studyvm pack export --format json``."""
    path = Path(path)
    display = str(path)
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            return LoadResult(None, [_error(display, "file is too large")])
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return LoadResult(None, [_error(display, f"cannot read file: {exc}")])
    except json.JSONDecodeError as exc:
        return LoadResult(None, [_error(display, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)])
    if not isinstance(data, dict) or data.get("format") != "studyvm-pack/1":
        return LoadResult(None, [_error(display, "not a StudyVM pack export (format studyvm-pack/1)")])
    body = dict(data)
    body.pop("format")
    questions = body.pop("questions", [])
    tables = body.pop("tables", [])
    try:
        pack = Pack(
            meta=PackMeta.model_validate(body), questions=questions, tables=tables, location=display, origin="file"
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        return LoadResult(None, [_error(display, f"{where}: {first['msg']}")])
    return LoadResult(pack, [])


def load_path(path: Path, known_demos: set[str] | None = None, check_media: bool = False) -> LoadResult:
    """Load whatever ``path`` is: a pack folder, a ``pack.yaml``, a question file or an export.

    ``check_media``: see :func:`load_pack_dir` (only a pack folder has a ``media/`` folder).
    """
    path = Path(path)
    if path.is_dir():
        return load_pack_dir(path, known_demos=known_demos, check_media=check_media)
    if not path.exists():
        return LoadResult(None, [_error(str(path), "no such file or folder", 0, 0)])
    if path.name == "pack.yaml":
        return load_pack_dir(path.parent, known_demos=known_demos, check_media=check_media)
    if path.suffix == ".json":
        return load_export(path)
    return load_question_file(path, known_demos=known_demos)
