"""Question generation from comparison tables.

A table's rows are aspects and its columns approaches. From each cell we generate, in a fixed
order and with ids derived only from the table id, the row's aspect and the column's name:

- ``<table>.<aspect>.<column>.flip``: approach + aspect -> cell (and ``.flip-reverse``: cell -> approach);
- ``<table>.<aspect>.<column>.mcq``: "which approach?" with the other columns as distractors;
- ``<table>.<aspect>.matching``: match every approach to its cell for one aspect;
- ``<table>.<aspect>.<column>.true`` / ``.false``: the cell, and a neighbour's cell swapped in.

Rewording a cell therefore keeps a learner's history; renaming an aspect or column starts afresh.
Kinds that would be ambiguous (two columns with the same cell) are skipped for that row.
"""

from __future__ import annotations

import re
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


def slug(text: str) -> str:
    """A lower-case id fragment of ``text`` (letters and digits joined by dashes)."""
    return _NON_ID.sub("-", text.lower()).strip("-") or "x"


def _explanation(table: ComparisonTable, row: TableRow) -> str:
    cells = "; ".join(f"{col}: {cell}" for col, cell in zip(table.columns, row.cells, strict=False))
    return f"From the table \u201c{table.title}\u201d, {row.aspect} \u2014 {cells}."


def _caveat(table: ComparisonTable, row: TableRow) -> str:
    return "\n".join(part for part in (row.caveat, table.caveat) if part)


def generate_questions(table: ComparisonTable) -> list[Question]:
    """Every question the table generates, in a deterministic order."""
    questions: list[Question] = []
    for row in table.rows:
        if len(row.cells) != len(table.columns):
            continue  # ragged rows are reported by the validator; generate nothing for them
        questions.extend(row_questions(table, row))
    return questions


def row_questions(table: ComparisonTable, row: TableRow) -> list[Question]:
    """The questions generated from one (well-formed) row of ``table``."""
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
            if distinct:
                out.append(
                    FlipQuestion(
                        type="flip",
                        id=f"{base}.flip-reverse",
                        prompt=f"{table.title}\n{row.aspect}: which approach is this?\n\u201c{cell}\u201d",
                        back=column,
                        **common,
                    )
                )
        if "mcq" in kinds and distinct:
            out.append(
                McqQuestion(
                    type="mcq",
                    id=f"{base}.mcq",
                    prompt=f"{table.title}\n{row.aspect}: which approach does this describe?\n\u201c{cell}\u201d",
                    options=[Option(text=c, correct=(c == column)) for c in table.columns],
                    **common,
                )
            )
        if "true_false" in kinds:
            out.append(
                TrueFalseQuestion(
                    type="true_false",
                    id=f"{base}.true",
                    prompt=f"{table.title}\n{row.aspect} \u2014 {column}: \u201c{cell}\u201d",
                    answer=True,
                    **common,
                )
            )
            other = row.cells[(index + 1) % len(row.cells)]
            if other.casefold() != cell.casefold():
                out.append(
                    TrueFalseQuestion(
                        type="true_false",
                        id=f"{base}.false",
                        prompt=f"{table.title}\n{row.aspect} \u2014 {column}: \u201c{other}\u201d",
                        answer=False,
                        feedback_true=f"That describes the neighbouring column; {column}: {cell}",
                        **common,
                    )
                )
    if "matching" in kinds and distinct:
        out.append(
            MatchingQuestion(
                type="matching",
                id=f"{aspect_id}.matching",
                prompt=f"{table.title}\nMatch each approach to its {row.aspect}.",
                pairs=[Pair(left=c, right=v) for c, v in zip(table.columns, row.cells, strict=True)],
                **common,
            )
        )
    return out
