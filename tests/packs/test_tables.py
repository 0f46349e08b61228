"""Questions generated from comparison tables: deterministic, stable ids, and nothing repeated.

Each rule of the generator (content/README.md, "What a table generates") has a test that fails
if the rule is dropped: no reverse flip beside its mcq, no mcq under three options, no `.true`
beside its forward flip, nothing that gives a column away, nothing graded from a contested row.
"""

from __future__ import annotations

from collections import Counter

from studyvm.packs.model import ComparisonTable
from studyvm.packs.tables import cell_names_column, column_marks, generate_questions, slug

THREE = ComparisonTable.model_validate(
    {
        "id": "t3",
        "title": "Three approaches",
        "columns": ["Full virtualization", "Paravirtualization", "Hardware-assisted virtualization"],
        "topic": "comparison",
        "rows": [
            {"aspect": "Guest OS", "cells": ["unmodified, translated", "ported kernel", "unmodified, guest mode"]},
            {"aspect": "Examples", "cells": ["VMware 1999", "Xen 2003", "KVM 2007"], "caveat": "Xen does both."},
        ],
    }
)

TWO = ComparisonTable.model_validate(
    {
        "id": "fvp",
        "title": "Full vs para",
        "topic": "comparison",
        "columns": ["Full virtualization", "Para-virtualization"],
        "generate": ["flip", "flip_reverse", "mcq", "true_false"],
        "rows": [
            {"aspect": "Guest OS", "cells": ["unmodified", "modified"]},
            {"aspect": "Speed", "cells": ["slower system calls", "faster system calls"]},
        ],
    }
)


def ids(table: ComparisonTable, pool=()) -> list[str]:
    return [q.id for q in generate_questions(table, pool)]


def test_generation_is_deterministic_and_ids_are_stable() -> None:
    first = [q.model_dump() for q in generate_questions(THREE)]
    assert first == [q.model_dump() for q in generate_questions(THREE)]
    got = [q["id"] for q in first]
    assert len(got) == len(set(got))
    assert "t3.guest-os.full-virtualization.flip" in got
    assert "t3.guest-os.paravirtualization.mcq" in got
    assert "t3.guest-os.matching" in got
    assert "t3.examples.hardware-assisted-virtualization.false" in got


def test_rewording_a_cell_keeps_ids() -> None:
    reworded = THREE.model_copy(deep=True)
    reworded.rows[0].cells[0] = "runs unchanged; its kernel is translated"
    reworded.rows[1].cells[2] = "KVM on Linux"
    assert ids(reworded) == ids(THREE)


def test_default_kinds_ask_each_thing_once() -> None:
    by_kind = Counter(q.id.rsplit(".", 1)[1] for q in generate_questions(THREE))
    # 6 cells: a forward flip and an mcq each, a false swap each, one matching per row;
    # no reverse flip (the mcq asks it) and no ".true" (the forward flip says it).
    assert by_kind == {"flip": 6, "mcq": 6, "false": 6, "matching": 2}


def test_no_mcq_below_three_options_and_reverse_flip_instead() -> None:
    got = ids(TWO)
    assert not [i for i in got if i.endswith(".mcq")]
    assert "fvp.guest-os.full-virtualization.flip-reverse" in got


def test_two_column_mcq_draws_approaches_from_a_sibling_table() -> None:
    sibling = ComparisonTable.model_validate(
        {
            "id": "hw",
            "title": "With hardware",
            "topic": "comparison",
            "columns": ["Para-virtualization", "Hardware-assisted virtualization"],
            "rows": [{"aspect": "Guest OS", "cells": ["modified", "unmodified, in guest mode"]}],
        }
    )
    questions = {q.id: q for q in generate_questions(TWO, [TWO, sibling])}
    mcq = questions["fvp.guest-os.full-virtualization.mcq"]
    assert [o.text for o in mcq.options] == [*TWO.columns, "Hardware-assisted virtualization"]
    assert [o.correct for o in mcq.options] == [True, False, False]
    # the mcq asks what the reverse flip would: only one of them is generated
    assert "fvp.guest-os.full-virtualization.flip-reverse" not in questions
    # no sibling row with this aspect: still no two-option mcq
    assert "fvp.speed.full-virtualization.mcq" not in questions
    other_topic = sibling.model_copy(update={"topic": "history"})
    assert "fvp.guest-os.full-virtualization.mcq" not in ids(TWO, [TWO, other_topic])


def test_true_statement_only_without_forward_flip() -> None:
    assert not [i for i in ids(TWO) if i.endswith(".true")]
    no_flip = TWO.model_copy(update={"generate": ["true_false"]})
    got = ids(no_flip)
    assert "fvp.guest-os.full-virtualization.true" in got
    assert "fvp.guest-os.full-virtualization.false" in got


def test_false_swaps_the_neighbouring_cell() -> None:
    questions = {q.id: q for q in generate_questions(THREE)}
    false = questions["t3.guest-os.full-virtualization.false"]
    assert false.answer is False and "ported kernel" in false.prompt
    assert "Paravirtualization" in false.feedback_true
    assert questions["t3.examples.full-virtualization.flip"].caveat == "Xen does both."


def test_cell_naming_its_column_gets_only_its_forward_flip() -> None:
    table = THREE.model_copy(deep=True)
    table.rows[0].cells[1] = "Xen with para-virtualized guests"
    got = ids(table)
    assert "t3.guest-os.paravirtualization.flip" in got
    assert "t3.guest-os.paravirtualization.mcq" not in got
    assert "t3.guest-os.matching" not in got
    # the swap that would show the naming cell under the previous column is dropped too
    assert "t3.guest-os.full-virtualization.false" not in got
    assert "t3.guest-os.full-virtualization.mcq" in got


def test_contested_rows_and_tables_generate_no_graded_item() -> None:
    table = THREE.model_copy(deep=True)
    table.rows[1].contested = True
    row_types = {q.type for q in generate_questions(table) if ".examples." in q.id}
    assert row_types == {"flip"}
    whole = THREE.model_copy(update={"contested": True})
    assert {q.type for q in generate_questions(whole)} == {"flip"}


def test_identical_cells_skip_which_approach_kinds() -> None:
    table = ComparisonTable.model_validate(
        {"id": "t", "title": "T", "columns": ["A", "B", "C"], "rows": [{"aspect": "x", "cells": ["same", "same", "c"]}]}
    )
    kinds = sorted(q.id.rsplit(".", 1)[1] for q in generate_questions(table))
    assert kinds == ["false", "false", "flip", "flip", "flip"]


def test_generate_subset_and_row_why() -> None:
    table = THREE.model_copy(update={"generate": ["matching"]}, deep=True)
    table.rows[0].why = "Binary translation rewrites the kernel; VT-x gives it a guest mode."
    questions = generate_questions(table)
    assert [q.type for q in questions] == ["matching", "matching"]
    assert questions[0].explanation.startswith("Binary translation")


def test_column_marks() -> None:
    marks = column_marks(["Full virtualization", "Para-virtualization"])
    assert "full" in marks[0] and "para" in marks[1]
    assert cell_names_column("Xen (PV guests), KVM in para-virtualized mode", marks[1])
    assert not cell_names_column("Xen guests whose kernel was ported", marks[1])
    assert cell_names_column("Unmodified guests on a 'Full VMM'", marks[0])


def test_slug() -> None:
    assert slug("Guest OS Awareness") == "guest-os-awareness"
    assert slug("I/O performance!") == "i-o-performance"
    assert slug("***") == "x"
