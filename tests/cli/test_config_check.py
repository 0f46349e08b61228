"""F17 / issue 13.11: every settings problem is a warning naming its key, in the CLI, the app and `config check`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.config import Settings
from studyvm.settings_check import check_settings, usable_study_values
from studyvm.tui.keyfacts import tui_facts

runner = CliRunner()

CASES = [
    ("[study\nfoo", "warning: is not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 7)"),
    ("[study]\nnew_per_day = true\n", "study.new_per_day: true is not a whole number"),
    ("[study]\nnew_per_day = 2.7\n", "study.new_per_day: 2.7 is not a whole number"),
    ("[study]\nreviews_per_dya = 1\n", "study.reviews_per_dya: unknown key (did you mean 'reviews_per_day'?)"),
    ("[whatever]\nx = 1\n", "whatever: unknown table [whatever]"),
    ("[quiz]\npass_mark = 900\n", "quiz.pass_mark: 900 is not a percentage from 0 to 100"),
    ("[quiz]\nexam_minuts = 5\n", "quiz.exam_minuts: unknown key (did you mean 'exam_minutes'?)"),
    ('[tui]\ntheme = "no-such-theme"\n', "tui.theme: no theme called 'no-such-theme'"),
    ('[keys]\n"review.good" = "notakey,,ctrl+"\n', "keys.review.good: 'notakey', '', 'ctrl+' are not key names"),
    ('[keys]\n"app.quit" = "r"\n', "keys.app.quit: r is also the key of dashboard.review on every screen"),
    ('[keys]\n"nonexistent.binding" = "x"\n', "keys.nonexistent.binding: no binding has this id"),
    ('[keys]\n"review.good" = 3\n', "keys.review.good: must be a key or a list of keys"),
]


def _home(tmp_path: Path, text: str) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(text, encoding="utf-8")
    return home


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_config_check_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    home = _home(tmp_path, text)
    result = runner.invoke(app, ["--home", str(home), "config", "check"])
    assert result.exit_code == 1
    assert expected in result.output, result.output


@pytest.mark.parametrize(("text", "expected"), [c for c in CASES if not c[0].startswith(("[tui", "[keys"))])
def test_every_command_warns_on_stderr(tmp_path: Path, text: str, expected: str) -> None:
    home = _home(tmp_path, text)
    result = runner.invoke(app, ["--home", str(home), "pack", "list", "--json"])
    assert result.exit_code == 0
    assert expected in result.stderr and expected not in result.stdout


def test_a_clean_file_is_ok(tmp_path: Path) -> None:
    home = _home(tmp_path, '[study]\nnew_per_day = 5\n[tui]\ntheme = "nord"\n[keys]\n"review.good" = "g,3"\n')
    result = runner.invoke(app, ["--home", str(home), "config", "check"])
    assert result.exit_code == 0 and result.output.strip().endswith(": ok")
    from studyvm.tui.app import StudyVMApp

    assert not check_settings(home / "settings.toml", tui_facts(StudyVMApp))


def test_wrong_types_take_the_default_instead_of_a_coerced_value(tmp_path: Path) -> None:
    from studyvm.study.prefs import load_study_prefs

    home = _home(tmp_path, "[study]\nnew_per_day = true\nreviews_per_day = 2.7\ndesired_retention = 0.8\n")
    prefs = load_study_prefs(Settings(home=home))
    assert (prefs.new_per_day, prefs.reviews_per_day, prefs.retention) == (20, 200, 0.8)
    assert usable_study_values({"study": {"new_per_day": 3}}) == {"new_per_day": 3}


async def test_the_app_notifies_each_problem(tmp_path: Path) -> None:
    from tui.conftest import fixture_catalog

    from studyvm.tui.app import make_app
    from studyvm.tui.backend import Backend

    home = _home(tmp_path, '[tui]\ntheme = "no-such-theme"\n[keys]\n"app.quit" = "r"\n"nope.x" = "x"\n')
    settings = Settings(home=home, learner="tester")
    backend = Backend(settings, catalog=fixture_catalog(tmp_path / "packs"))
    studyvm_app = make_app(settings, backend=backend)
    async with studyvm_app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = [n.message for n in studyvm_app._notifications]
    for key in (
        "tui.theme: no theme called 'no-such-theme'",
        "keys.app.quit: r is also the key of",
        "keys.nope.x: no binding has this id",
    ):
        assert any(key in message for message in shown), shown
