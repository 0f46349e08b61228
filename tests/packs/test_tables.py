"""Questions generated from comparison tables: deterministic, with ids from table, row and column."""

from __future__ import annotations

from studyvm.packs.model import ComparisonTable
from studyvm.packs.tables import generate_questions, slug

TABLE = ComparisonTable.model_validate(
    {
        "id": "fvp",
        "title": "Full vs para",
        "columns": ["Full virtualization", "Para-virtualization"],
        "rows": [
            {"aspect": "Guest OS", "cells": ["unmodified", "modified"]},
            {"aspect": "Examples", "cells": ["VMware", "Xen"], "caveat": "Xen does both."},
        ],
    }
)


def test_generation_is_deterministic_and_ids_are_stable() -> None:
    first = [q.model_dump() for q in generate_questions(TABLE)]
    second = [q.model_dump() for q in generate_questions(TABLE)]
    assert first == second
    ids = [q["id"] for q in first]
    assert len(ids) == len(set(ids))
    assert "fvp.guest-os.full-virtualization.flip" in ids
    assert "fvp.guest-os.para-virtualization.flip-reverse" in ids
    assert "fvp.guest-os.full-virtualization.mcq" in ids
    assert "fvp.guest-os.matching" in ids
    assert "fvp.examples.para-virtualization.false" in ids


def test_counts_per_kind() -> None:
    questions = generate_questions(TABLE)
    by_type: dict[str, int] = {}
    for q in questions:
        by_type[q.type] = by_type.get(q.type, 0) + 1
    cells = 4
    assert by_type == {"flip": 2 * cells, "mcq": cells, "true_false": 2 * cells, "matching": 2}


def test_rewording_a_cell_keeps_ids() -> None:
    reworded = TABLE.model_copy(deep=True)
    reworded.rows[0].cells[0] = "runs unchanged"
    assert [q.id for q in generate_questions(reworded)] == [q.id for q in generate_questions(TABLE)]


def test_mcq_uses_other_columns_as_distractors_and_false_swaps_cells() -> None:
    questions = {q.id: q for q in generate_questions(TABLE)}
    mcq = questions["fvp.guest-os.para-virtualization.mcq"]
    assert [o.text for o in mcq.options] == TABLE.columns
    assert [o.correct for o in mcq.options] == [False, True]
    false = questions["fvp.guest-os.full-virtualization.false"]
    assert false.answer is False and "modified" in false.prompt
    assert questions["fvp.examples.full-virtualization.flip"].caveat == "Xen does both."


def test_identical_cells_skip_ambiguous_kinds() -> None:
    table = ComparisonTable.model_validate(
        {"id": "t", "title": "T", "columns": ["A", "B"], "rows": [{"aspect": "x", "cells": ["same", "same"]}]}
    )
    kinds = sorted(q.id.rsplit(".", 1)[1] for q in generate_questions(table))
    assert kinds == ["flip", "flip", "true", "true"]


def test_generate_subset() -> None:
    table = TABLE.model_copy(update={"generate": ["matching"]})
    assert [q.type for q in generate_questions(table)] == ["matching", "matching"]


def test_slug() -> None:
    assert slug("Guest OS Awareness") == "guest-os-awareness"
    assert slug("I/O performance!") == "i-o-performance"
    assert slug("***") == "x"
