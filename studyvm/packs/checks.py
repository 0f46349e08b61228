"""Checks that look across a whole pack: ids, sources, demos, tables and suspicious content."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from studyvm.packs.diagnostics import Diagnostic, Severity
from studyvm.packs.model import (
    ComparisonTable,
    MatchingQuestion,
    McqQuestion,
    MultiQuestion,
    PackMeta,
    Question,
)


class _Where(Protocol):
    """A place in a pack file (the loader's ``Located`` works it out lazily)."""

    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def col(self) -> int: ...

    def value_of(self, *keys: str) -> _Where:
        """The place of the value written under ``keys`` (the nearest place written when there is none)."""
        ...


def _value_of(where: _Where | None, *keys: str) -> _Where | None:
    return where.value_of(*keys) if where is not None else None


def _at(where: _Where | None, fallback: _Where, severity: Severity, message: str) -> Diagnostic:
    place = where or fallback
    return Diagnostic(place.file, place.line, place.col, severity, message)


def check_pack(
    meta: PackMeta,
    authored: list[Question],
    tables: list[ComparisonTable],
    questions: list[Question],
    where: Mapping[int, _Where],
    row_where: Mapping[tuple[str, int], _Where],
    known_demos: set[str] | None,
    meta_where: _Where,
) -> list[Diagnostic]:
    """Every cross-question problem of a pack, as diagnostics."""
    out: list[Diagnostic] = []
    out += _check_tables(tables, where, row_where, meta_where)
    out += _check_ids(questions, where, meta_where)
    note_ids = {s.id for s in meta.sources}
    for q in questions:
        here = where.get(id(q))
        if q.source is not None and meta.sources and q.source.note not in note_ids:
            out.append(
                _at(
                    _value_of(here, "source", "note"),
                    meta_where,
                    "error",
                    f"question '{q.id}': source note '{q.source.note}' is not listed in pack.yaml 'sources'",
                )
            )
        if q.demo and known_demos is not None and q.demo not in known_demos:
            out.append(
                _at(
                    _value_of(here, "demo"),
                    meta_where,
                    "error",
                    f"question '{q.id}': unknown demo scenario '{q.demo}' (see `studyvm sim list`)",
                )
            )
    for q in authored:
        out += _check_content(q, where.get(id(q)), meta_where)
    return out


def _check_tables(tables, where, row_where, meta_where) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: dict[str, _Where] = {}
    for table in tables:
        here = where.get(id(table))
        if table.id in seen:
            first = seen[table.id]
            out.append(
                _at(here, meta_where, "error", f"duplicate table id '{table.id}' (first at {first.file}:{first.line})")
            )
        else:
            seen[table.id] = here or meta_where
        for index, row in enumerate(table.rows):
            if len(row.cells) != len(table.columns):
                out.append(
                    _at(
                        row_where.get((table.id, index)),
                        meta_where,
                        "error",
                        f"table '{table.id}': row '{row.aspect}' has {len(row.cells)} cells "
                        f"but the table has {len(table.columns)} columns",
                    )
                )
    return out


def _check_ids(questions, where, meta_where) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    first_seen: dict[str, _Where] = {}
    for q in questions:
        here = where.get(id(q))
        if q.id in first_seen:
            first = first_seen[q.id]
            origin = f" (generated from table '{q.generated_from}')" if q.generated_from else ""
            out.append(
                _at(
                    _value_of(here, "id"),
                    meta_where,
                    "error",
                    f"duplicate question id '{q.id}'{origin}; first used at {first.file}:{first.line}:{first.col}",
                )
            )
        else:
            first_seen[q.id] = _value_of(here, "id") or meta_where
    return out


def _check_content(q: Question, here, meta_where) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if isinstance(q, McqQuestion | MultiQuestion):
        texts = [o.text.casefold() for o in q.options]
        if len(set(texts)) != len(texts):
            out.append(_at(here, meta_where, "warning", f"question '{q.id}': two options have the same text"))
    if isinstance(q, McqQuestion) and sum(o.credit() >= 100 for o in q.options) > 1:
        out.append(
            _at(
                here,
                meta_where,
                "warning",
                f"question '{q.id}': several fully correct options: any one of them gives full credit "
                "(write a multi question if the learner must pick them all)",
            )
        )
    if isinstance(q, MultiQuestion):
        positive = sum(o.credit() for o in q.options if o.credit() > 0)
        explicit = any(o.weight is not None for o in q.options)
        if explicit and abs(positive - 100) > 0.5:
            out.append(
                _at(
                    here,
                    meta_where,
                    "warning",
                    f"question '{q.id}': positive weights add up to {positive:g}%, not 100%",
                )
            )
    if isinstance(q, MatchingQuestion):
        rights = {p.right.casefold() for p in q.pairs}
        if any(d.casefold() in rights for d in q.distractors):
            out.append(_at(here, meta_where, "warning", f"question '{q.id}': a distractor equals a correct answer"))
    return out
