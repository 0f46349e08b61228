"""`pack validate` points at the value to fix, and keeps its report apart from its count (newcomer m7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from studyvm.cli import app

PACK = "id: good\ntitle: Good\nsources:\n  - {id: n1, title: Note}\n"
QUESTIONS = """\
questions:
  - id: Bad Id
    type: flip
    prompt: P
    back: B
  - id: q2
    type: flip
    prompt: P
    back: B
    bakc: typo
    source: {note: lecture-4}
    demo: no-such-scenario
  - id: q2
    type: flipp
    prompt: P
  - id: q4
    type: numerical
    prompt: P
    answers:
      - value: abc
"""


def _pack(tmp_path: Path, meta: str = PACK, questions: str = QUESTIONS) -> Path:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "pack.yaml").write_text(meta, encoding="utf-8")
    (folder / "q.yaml").write_text(questions, encoding="utf-8")
    return folder


def _lines(folder: Path) -> list[str]:
    out = CliRunner().invoke(app, ["pack", "validate", str(folder)]).output
    return [line.removeprefix(str(folder) + "/") for line in out.splitlines()]


def test_value_errors_point_at_the_value_and_key_errors_at_the_key(tmp_path: Path) -> None:
    lines = _lines(_pack(tmp_path))
    assert "q.yaml:2:9: error: 'id' must use only lower-case letters, digits, '.', '_' and '-'" in lines
    assert "q.yaml:10:5: error: unknown field 'bakc' (did you mean 'back'?)" in lines
    assert any(line.startswith("q.yaml:14:11: error: unknown question type 'flipp'") for line in lines)
    assert "q.yaml:20:16: error: 'value' must be a number, not 'abc'" in lines


def test_cross_checks_point_at_the_value(tmp_path: Path) -> None:
    fixed = QUESTIONS.replace("Bad Id", "q1").replace("    bakc: typo\n", "").replace("flipp", "flip\n    back: B")
    fixed = fixed.replace("value: abc", "value: 1")
    lines = _lines(_pack(tmp_path, questions=fixed))
    assert "q.yaml:10:20: error: question 'q2': source note 'lecture-4' is not listed in pack.yaml 'sources'" in lines
    assert any(line.startswith("q.yaml:11:11: error: question 'q2': unknown demo scenario") for line in lines)
    assert any(
        line.startswith("q.yaml:12:9: error: duplicate question id 'q2'; first used at") and line.endswith("q.yaml:6:9")
        for line in lines
    )


def test_a_bad_pack_id_points_at_the_value(tmp_path: Path) -> None:
    lines = _lines(_pack(tmp_path, meta="id: Bad Pack\ntitle: x\n", questions="questions: []\n"))
    assert "pack.yaml:1:5: error: 'id' must use only lower-case letters, digits, '.', '_' and '-'" in lines


def test_problems_on_stdout_the_count_on_stderr_and_the_exit_code_says_it(tmp_path: Path) -> None:
    # like ruff and mypy: the report is the output (so `| grep error` works), the tally is a diagnostic
    folder = _pack(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "studyvm", "pack", "validate", str(folder)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    assert all(line.startswith(str(folder)) for line in run.stdout.splitlines()) and ": error: " in run.stdout
    assert run.stderr.strip().endswith("errors, 0 warnings") and ": error: " not in run.stderr


WRONG_KINDS = """\
questions:
  - id: q1
    type: mcq
    prompt: P
    shuffle: maybe
    options:
      - {text: a, correct: true}
      - {text: b, weight: 150}
  - id: q2
    type: flip
    prompt: [a, b]
    back: {x: 1}
    tags: notalist
  - id: q3
    type: numerical
    prompt: P
    answers:
      - {value: 1, tolerance: -1}
  - id: ""
    type: flip
    prompt: P
    back: B
  - 42
"""


def test_wrong_kinds_of_value_are_named_in_an_authors_words(tmp_path: Path) -> None:
    lines = _lines(_pack(tmp_path, questions=WRONG_KINDS))
    assert "q.yaml:5:14: error: 'shuffle' must be true or false, not 'maybe'" in lines
    assert "q.yaml:8:27: error: 'weight' must be at most 100, not 150" in lines
    assert "q.yaml:11:5: error: 'prompt' must be text, not a list" in lines
    assert "q.yaml:12:5: error: 'back' must be text, not a mapping" in lines
    assert "q.yaml:13:11: error: 'tags' must be a list, not 'notalist'" in lines
    assert "q.yaml:18:31: error: 'tolerance' must be at least 0, not -1" in lines
    assert "q.yaml:19:9: error: 'id' must not be empty" in lines
    assert "q.yaml:23:5: error: this entry must be a mapping of fields (key: value lines), not 42" in lines
    assert not any("valid" in line or "Input should" in line or "unable to" in line for line in lines), lines
