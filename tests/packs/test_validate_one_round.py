"""`studyvm pack validate` in one round and in authors' words (newcomer review m7)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from studyvm.cli import app

PACK = 'id: bad\ntitle: Bad\nversion: "1"\nsources:\n  - {id: n1, title: Note}\n'
QUESTIONS = """\
questions:
  - id: q1
    type: flip
    prompt: P
    bak: B
  - id: q1
    type: flip
    prompt: again
    back: x
  - id: q8
    type: ordering
    prompt: P
    items: [one]
  - id: q9
    type: numerical
    prompt: P
    answers: [{value: abc}]
"""


def validate(path: Path):
    return CliRunner().invoke(app, ["pack", "validate", str(path)])


def test_every_problem_in_one_round_without_library_wording(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "q.yaml").write_text(QUESTIONS, encoding="utf-8")
    out = validate(folder).output
    # the duplicate id is reported with the invalid entry, not after it is fixed
    assert "q.yaml:6:9: error: duplicate question id 'q1'; first used at" in out
    assert "'items' needs at least 2 entries, found 1" in out
    assert "'value' must be a number, not 'abc'" in out
    assert "Input should be" not in out and "after validation" not in out
    assert "5 errors, 0 warnings" in out  # missing back, unknown bak, duplicate, items, value


def test_a_tab_is_named_and_a_missing_path_has_no_line(tmp_path: Path) -> None:
    folder = tmp_path / "tabs"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "q.yaml").write_text("questions:\n\t- id: x\n", encoding="utf-8")
    assert (
        "q.yaml:2:1: error: YAML syntax: this line is indented with a tab; YAML needs spaces" in validate(folder).output
    )
    missing = validate(tmp_path / "nonexistent").output
    assert f"{tmp_path / 'nonexistent'}: error: no such file or folder" in missing
    assert ":1:1:" not in missing


def test_an_unquoted_colon_in_text_says_to_quote_it(tmp_path: Path) -> None:
    folder = tmp_path / "colon"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "q.yaml").write_text(
        "questions:\n  - id: q1\n    type: flip\n    prompt: What is: this?\n", encoding="utf-8"
    )
    out = validate(folder).output
    assert "q.yaml:4:20: error: YAML syntax: mapping values are not allowed in this context" in out
    assert '(text holding ": " must be quoted: prompt: "What is: this?")' in out
