"""Question generation from comparison tables: each kind asks something the others do not.

A table's rows are aspects and its columns approaches. The author picks the kinds in the table's
``generate:`` list; ids derive only from the table id, the row's aspect and the column's name:

- ``flip`` -> ``<table>.<aspect>.<column>.flip``: approach + aspect -> cell (self-graded);
- ``flip_reverse`` -> ``.flip-reverse``: cell -> approach, unless the cell's mcq is generated;
- ``mcq`` -> ``.mcq``: "which approach does this describe?" with at least three approaches;
- ``matching`` -> ``<table>.<aspect>.matching``: every approach to its cell, three columns or more;
- ``true_false`` -> ``.true`` (only when no forward flip says the same) and ``.false`` (the
  neighbouring column's cell swapped in).

Nothing is generated that would repeat another item or give its answer away: a cell naming its
own column yields only its forward flip, a row with equal cells yields no "which approach?" item,
and a table or row marked ``contested`` (its cells are wrong or unsourced) yields no graded item.
Rewording a cell keeps every id; renaming an aspect or a column starts afresh.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from studyvm.packs.model import (
    ComparisonTable,
    FlipQuestion,
    MatchingQuestion,
    McqQuestion,
    Option,
    Pair,
    Question,
    TableRow,
    TrueFalseQuestion,
)

_NON_ID = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+")
MIN_OPTIONS = 3
"""A generated mcq needs this many approaches to choose from; with fewer it is skipped."""


def slug(text: str) -> str:
    """A lower-case id fragment of ``text`` (letters and digits joined by dashes), at most 48 long.

    The cap keeps a generated id (table, aspect, column, kind) under the 200-character limit of
    ids however long a row's aspect or a column's title is.
    """
    return _NON_ID.sub("-", text.lower())[:48].strip("-") or "x"


def _squash(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


def column_marks(columns: Sequence[str]) -> list[set[str]]:
    """For each column, the fragments that name it: its full name and what sets it apart.

    The suffix every column shares ("virtualization" in "Full virtualization" and
    "Paravirtualization") is dropped, so "Paravirtualization" is named by "para" and "Full
    virtualization" by "full"; a fragment shorter than three letters is too weak to count.
    """
    squashed = [_squash(c) for c in columns]
    suffix = ""
    if len(squashed) > 1 and all(squashed):
        shortest = min(squashed, key=len)
        while len(suffix) < len(shortest) and all(s.endswith(shortest[-len(suffix) - 1 :]) for s in squashed):
            suffix = shortest[-len(suffix) - 1 :]
    marks: list[set[str]] = []
    for column, whole in zip(columns, squashed, strict=True):
        found = {whole} if len(whole) >= 3 else set()
        stem = whole[: len(whole) - len(suffix)] if suffix and whole != suffix else ""
        if len(stem) >= 3:
            found.add(stem)
        shared = set().union(*(set(_WORD.findall(c.lower())) for c in columns if c != column))
        found |= {w for w in _WORD.findall(column.lower()) if len(w) >= 4 and w not in shared}
        marks.append(found)
    return marks


def cell_names_column(cell: str, marks: set[str]) -> bool:
    """True when ``cell`` contains a word starting with one of its column's ``marks``."""
    words = _WORD.findall(cell.lower())
    squashed = _squash(cell)
    return any(any(w.startswith(m) for w in words) or (len(m) >= 8 and m in squashed) for m in marks)


def _explanation(table: ComparisonTable, row: TableRow) -> str:
    if row.why:
        return row.why
    cells = "; ".join(f"{col}: {cell}" for col, cell in zip(table.columns, row.cells, strict=False))
    return f"{row.aspect} \u2014 {cells}."


def _caveat(table: ComparisonTable, row: TableRow) -> str:
    return "\n".join(part for part in (row.caveat, table.caveat) if part)


def generate_questions(table: ComparisonTable, pool: Sequence[ComparisonTable] = ()) -> list[Question]:
    """Every question the table generates, in a deterministic order (``pool``: see row_questions)."""
    questions: list[Question] = []
    for row in table.rows:
        if len(row.cells) != len(table.columns):
            continue  # ragged rows are reported by the validator; generate nothing for them
        questions.extend(row_questions(table, row, pool))
    return questions


def extra_approaches(table: ComparisonTable, row: TableRow, cell: str, pool: Sequence[ComparisonTable]) -> list[str]:
    """Approaches from other tables of the same topic that are wrong for ``cell``.

    An approach qualifies when another table of the topic has a row with the same aspect whose
    cell for that approach differs from ``cell``: the pack itself says it is described otherwise.
    """
    own = {c.casefold() for c in table.columns}
    found: list[str] = []
    for other in pool:
        if other.id == table.id or other.topic != table.topic:
            continue
        for other_row in other.rows:
            if slug(other_row.aspect) != slug(row.aspect) or len(other_row.cells) != len(other.columns):
                continue
            for column, other_cell in zip(other.columns, other_row.cells, strict=True):
                key = column.casefold()
                if key not in own and other_cell.casefold() != cell.casefold() and column not in found:
                    found.append(column)
    return found


def row_questions(table: ComparisonTable, row: TableRow, pool: Sequence[ComparisonTable] = ()) -> list[Question]:
    """The questions generated from one (well-formed) row of ``table``.

    ``pool`` is every table of the pack: a table with fewer than three columns draws its mcq's
    extra approaches from the other tables of its topic (see :func:`extra_approaches`).
    """
    common: dict[str, Any] = {  # the fields every generated question shares
        "explanation": _explanation(table, row),
        "topic": table.topic,
        "tags": [*table.tags, "table", table.id],
        "source": table.source,
        "caveat": _caveat(table, row),
        "demo": row.demo,
        "generated_from": table.id,
    }
    aspect_id = f"{table.id}.{slug(row.aspect)}"
    distinct = len({c.casefold() for c in row.cells}) == len(row.cells)
    marks = column_marks(table.columns)
    naming = [cell_names_column(cell, m) for cell, m in zip(row.cells, marks, strict=True)]
    graded = not (table.contested or row.contested)
    kinds = set(table.generate)
    out: list[Question] = []
    for index, (column, cell) in enumerate(zip(table.columns, row.cells, strict=True)):
        base = f"{aspect_id}.{slug(column)}"
        if "flip" in kinds:
            out.append(
                FlipQuestion(
                    type="flip",
                    id=f"{base}.flip",
                    prompt=f"{table.title}\n{row.aspect} \u2014 {column}?",
                    back=cell,
                    **common,
                )
            )
        if naming[index]:
            continue  # the cell gives its column away: only its forward flip is worth asking
        options = list(table.columns)
        if len(options) < MIN_OPTIONS:
            options += extra_approaches(table, row, cell, pool)
        has_mcq = graded and distinct and "mcq" in kinds and len(options) >= MIN_OPTIONS
        if has_mcq:
            out.append(
                McqQuestion(
                    type="mcq",
                    id=f"{base}.mcq",
                    prompt=f"{table.title}\n{row.aspect}: which approach does this describe?\n\u201c{cell}\u201d",
                    options=[Option(text=c, correct=(c == column)) for c in options],
                    **common,
                )
            )
        if "flip_reverse" in kinds and distinct and not has_mcq:
            out.append(
                FlipQuestion(
                    type="flip",
                    id=f"{base}.flip-reverse",
                    prompt=f"{table.title}\n{row.aspect}: which approach is this?\n\u201c{cell}\u201d",
                    back=column,
                    **common,
                )
            )
        if "true_false" in kinds and graded:
            out += _statements(table, row, index, base, naming, "flip" in kinds, common)
    if "matching" in kinds and graded and distinct and not any(naming) and len(table.columns) >= MIN_OPTIONS:
        out.append(
            MatchingQuestion(
                type="matching",
                id=f"{aspect_id}.matching",
                prompt=f"{table.title}\nMatch each approach to its {row.aspect[:1].lower()}{row.aspect[1:]}.",
                pairs=[Pair(left=c, right=v) for c, v in zip(table.columns, row.cells, strict=True)],
                **common,
            )
        )
    return out


def _statements(
    table: ComparisonTable, row: TableRow, index: int, base: str, naming: list[bool], has_flip: bool, common: dict
) -> list[Question]:
    """The true statement (unless the forward flip already says it) and the swapped false one."""
    column, cell = table.columns[index], row.cells[index]
    neighbour = (index + 1) % len(row.cells)
    other = row.cells[neighbour]
    wanted = [
        (True, cell, {"feedback_false": f"It is true: {column} \u2014 {cell}."}) if not has_flip else None,
        (False, other, {"feedback_true": f"That is {table.columns[neighbour]}; {column}: {cell}."})
        if other.casefold() != cell.casefold() and not naming[neighbour]
        else None,
    ]
    return [
        TrueFalseQuestion(
            type="true_false",
            id=f"{base}.{'true' if answer else 'false'}",
            prompt=f"{table.title}\n{row.aspect} \u2014 {column}: \u201c{text}\u201d",
            answer=answer,
            **feedback,  # type: ignore[arg-type]  # feedback_true/feedback_false: both text
            **common,
        )
        for answer, text, feedback in filter(None, wanted)
    ]
