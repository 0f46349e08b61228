"""A corpus of broken packs: each error kind is reported at the line a person must fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support.pack_fixtures import GOOD_QUESTIONS, PACK_YAML, write_pack

from studyvm.packs.loader import load_path


def _diagnostics(tmp_path: Path, questions: str, meta: str = PACK_YAML) -> list[str]:
    folder = write_pack(tmp_path / "pack", textwrap.dedent(questions), meta)
    return [str(d) for d in load_path(folder).diagnostics]


def test_good_pack_loads_every_type(tmp_path: Path) -> None:
    result = load_path(write_pack(tmp_path / "pack"))
    assert result.ok, result.diagnostics
    types = {q.type for q in result.pack.questions}
    assert types == {"flip", "mcq", "multi", "true_false", "short", "numerical", "cloze", "matching", "ordering"}


CASES = [
    # (name, questions yaml, expected line, expected message fragment)
    (
        "unknown field with hint",
        "questions:\n  - id: a\n    type: flip\n    prompt: p\n    back: b\n    explnation: x\n",
        6,
        "unknown field 'explnation' (did you mean 'explanation'?)",
    ),
    ("missing field", "questions:\n  - id: a\n    type: flip\n    prompt: p\n", 2, "missing required field 'back'"),
    (
        "mcq none correct",
        "questions:\n  - id: a\n    type: mcq\n    prompt: p\n    options:\n      - {text: x}\n      - {text: y}\n",
        2,
        "found 0",
    ),
    ("unknown type", "questions:\n  - id: a\n    type: essay\n    prompt: p\n", 3, "unknown question type 'essay'"),
    ("missing type", "questions:\n  - id: a\n    prompt: p\n", 2, "missing field 'type'"),
    ("bad id", "questions:\n  - id: Bad Id\n    type: flip\n    prompt: p\n    back: b\n", 2, "'id' must use only"),
    (
        "empty prompt",
        "questions:\n  - id: a\n    type: flip\n    prompt: ''\n    back: b\n",
        4,
        "'prompt' must not be empty",
    ),
    (
        "empty answers",
        "questions:\n  - id: a\n    type: short\n    prompt: p\n    answers: []\n",
        5,
        "needs at least 1 entry, found 0",
    ),
    ("cloze without gap", "questions:\n  - id: a\n    type: cloze\n    prompt: no gaps\n", 2, "needs at least one gap"),
    (
        "duplicate id",
        "questions:\n  - {id: a, type: flip, prompt: p, back: b}\n  - {id: a, type: flip, prompt: q, back: c}\n",
        3,
        "duplicate question id 'a'; first used at",
    ),
    (
        "ragged table row",
        "tables:\n  - id: t\n    title: T\n    columns: [A, B]\n    rows:\n      - {aspect: x, cells: [1, 2]}\n"
        "      - {aspect: y, cells: [only one]}\n",
        7,
        "has 1 cells but the table has 2 columns",
    ),
    (
        "unknown source note",
        "questions:\n  - {id: a, type: flip, prompt: p, back: b, source: {note: nope}}\n",
        2,
        "source note 'nope' is not listed",
    ),
    ("yaml syntax", "questions:\n  - id: a\n    prompt: [unclosed\n", 4, "YAML syntax"),
    (
        "top-level key",
        "question:\n  - {id: a, type: flip, prompt: p, back: b}\n",
        1,
        "unknown top-level key 'question'",
    ),
    ("duplicate key", "questions:\n  - id: a\n    id: b\n", 3, "duplicate key 'id'"),
    ("not a list", "questions: 3\n", 1, "'questions' must be a list"),
    (
        "numeric range inverted",
        "questions:\n  - id: a\n    type: numerical\n    prompt: p\n    answers:\n      - {min: 5, max: 1}\n",
        6,
        "'min' is greater than 'max'",
    ),
    (
        "generated id clash",
        "questions:\n  - {id: t.x.a.flip, type: flip, prompt: p, back: b}\n"
        "tables:\n  - id: t\n    title: T\n    columns: [A, B]\n    rows:\n      - {aspect: x, cells: [1, 2]}\n",
        8,
        "generated from table 't'",
    ),
]


@pytest.mark.parametrize(("questions", "line", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_pack_points_at_the_line(tmp_path: Path, questions: str, line: int, fragment: str) -> None:
    lines = _diagnostics(tmp_path, questions)
    matching = [entry for entry in lines if fragment in entry]
    assert matching, lines
    path, found_line, col, severity, _ = matching[0].split(":", 4)
    assert path.endswith("q.yaml")
    assert int(found_line) == line, matching[0]
    assert int(col) >= 1
    assert severity.strip() == "error"


def test_missing_pack_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "nopack"
    folder.mkdir()
    (folder / "q.yaml").write_text(GOOD_QUESTIONS)
    lines = [str(d) for d in load_path(folder).diagnostics]
    assert lines == [
        f"{folder / 'pack.yaml'}:1:1: error: missing pack.yaml: every pack folder needs one (with at least 'id' and 'title')"
    ]


def test_bad_pack_meta_points_into_pack_yaml(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p", meta="id: demo\ntitel: Oops\n")
    lines = [str(d) for d in load_path(folder).diagnostics]
    assert any(
        "pack.yaml:2:1: error: unknown field 'titel' (did you mean" in entry
        or "pack.yaml:2:1: error: unknown field 'titel'" in entry
        for entry in lines
    ), lines
    assert any("missing required field 'title'" in entry for entry in lines), lines


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    questions = "questions:\n  - id: a\n    type: mcq\n    prompt: p\n    options:\n      - {text: x, correct: true}\n      - {text: X}\n"
    result = load_path(write_pack(tmp_path / "p", questions))
    assert result.ok
    assert [d.severity for d in result.diagnostics] == ["warning"]


def test_mcq_with_two_correct_options_loads_with_a_warning(tmp_path: Path) -> None:
    questions = (
        "questions:\n  - id: a\n    type: mcq\n    prompt: p\n    options:\n"
        "      - {text: x, correct: true}\n      - {text: y, correct: true}\n      - {text: z}\n"
    )
    result = load_path(write_pack(tmp_path / "p", questions))
    assert result.ok
    assert ["several fully correct options" in d.message for d in result.diagnostics] == [True]


def test_unknown_demo_is_an_error_when_scenarios_are_known(tmp_path: Path) -> None:
    questions = "questions:\n  - {id: a, type: flip, prompt: p, back: b, demo: no-such-demo}\n"
    folder = write_pack(tmp_path / "p", questions)
    assert load_path(folder).ok  # simulator unknown: not checked
    result = load_path(folder, known_demos={"popf-equivalence"})
    assert not result.ok
    assert "unknown demo scenario 'no-such-demo'" in str(result.diagnostics[0])
