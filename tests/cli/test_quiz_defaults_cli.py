"""``studyvm quiz`` starts from the ``[quiz]`` settings, as the app's setup form does; options win
(issue 13 item 6). Each test reads the attempt the command stored."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.cli.study_cmds import QUIZ_HELP
from studyvm.study.quizdefaults import QuizDefaults

QUESTIONS = "questions:\n" + "".join(
    f"  - {{id: t{i:02d}, type: true_false, prompt: claim {i}, answer: true, topic: drill}}\n" for i in range(30)
)
SETTINGS = "[quiz]\nquestions = 4\nexam_questions = 12\nexam_minutes = 7\npass_mark = 55\ncbm = true\n"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "packs" / "tf"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text("id: tf\ntitle: True or false\n")
    (folder / "q.yaml").write_text(QUESTIONS)
    return tmp_path / "home"


def _quiz(home: Path, *options: str) -> Any:
    args = ["--home", str(home), "--learner", "ada", "--packs", str(home.parent / "packs"), "quiz", *options]
    result = CliRunner().invoke(app, args, input="")  # end of input: the attempt ends as it stands
    assert result.exit_code == 0, result.output
    return result


def _attempt(home: Path) -> tuple[str, int, int | None, float | None, bool]:
    """(kind, questions, time limit in s, pass mark, cbm) of the one stored attempt."""
    with sqlite3.connect(home / "studyvm.sqlite3") as db:
        rows = db.execute("SELECT kind, items, time_limit_s, pass_mark, cbm FROM attempt").fetchall()
    assert len(rows) == 1
    kind, items, limit, mark, cbm = rows[0]
    return kind, len(json.loads(items)), limit, mark, bool(cbm)


def _write_settings(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "settings.toml").write_text(SETTINGS, encoding="utf-8")


def test_an_exam_takes_the_quiz_table(home: Path) -> None:
    _write_settings(home)
    _quiz(home, "--exam", "--plain", "--pack", "tf")
    assert _attempt(home) == ("exam", 12, 7 * 60, 55.0, True)


def test_without_a_settings_file_an_exam_has_the_documented_defaults(home: Path) -> None:
    _quiz(home, "--exam", "--plain", "--pack", "tf")
    assert _attempt(home) == ("exam", 20, 30 * 60, 70.0, False)


def test_options_win_over_the_quiz_table(home: Path) -> None:
    _write_settings(home)
    _quiz(home, "--exam", "--plain", "--pack", "tf", "--n", "5", "--minutes", "3", "--pass-mark", "0", "--no-cbm")
    assert _attempt(home) == ("exam", 5, 3 * 60, 0.0, False)


def test_a_practice_quiz_takes_the_quiz_table(home: Path) -> None:
    _write_settings(home)
    _quiz(home, "--plain", "--pack", "tf")
    kind, count, *_ = _attempt(home)
    assert (kind, count) == ("quiz", 4)


def test_the_app_is_opened_with_the_same_values(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("studyvm.cli.tui_cmds.open_app", lambda settings, **kw: calls.append(kw))
    _write_settings(home)
    _quiz(home, "--exam")
    _quiz(home, "--exam", "--pass-mark", "90")
    _quiz(home)
    assert {k: calls[0][k] for k in ("screen", "n", "minutes", "pass_mark", "cbm")} == {
        "screen": "exam",
        "n": 12,
        "minutes": 7.0,
        "pass_mark": 55.0,
        "cbm": True,
    }
    assert calls[1]["pass_mark"] == 90 and calls[1]["minutes"] == 7.0
    assert calls[2]["screen"] == "quiz" and calls[2]["n"] == 4


def test_help_names_the_setting_and_the_built_in_value() -> None:
    # the help text is written out (the CLI does not import the study core to start); it must agree
    built_in = QuizDefaults()
    assert f"[quiz] questions, {built_in.questions};" in QUIZ_HELP["n"]
    assert f"[quiz] exam_questions, {built_in.exam_questions})" in QUIZ_HELP["n"]
    assert f"[quiz] exam_minutes, {built_in.exam_minutes:g})" in QUIZ_HELP["minutes"]
    assert f"[quiz] pass_mark, {built_in.pass_mark:g})" in QUIZ_HELP["pass_mark"]
    assert f"[quiz] cbm, {'on' if built_in.cbm else 'off'})" in QUIZ_HELP["cbm"]
    shown = " ".join(CliRunner().invoke(app, ["quiz", "--help"], terminal_width=200).output.split())
    assert all(" ".join(text.split()) in shown for text in QUIZ_HELP.values())
