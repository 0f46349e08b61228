"""App conventions: header, back keys, remappable bindings, remembered theme, palette entries, CLI."""

from __future__ import annotations

import pytest
from textual.widgets import Header

from studyvm.tui.app import SCREENS, make_app
from studyvm.tui.commands import SCREEN_COMMANDS, StudyVMCommands
from studyvm.tui.prefs import load_prefs, save_theme

from .helpers import reviews_in_store, settle


async def test_header_title_and_back_and_quit(settings, backend):
    app = make_app(settings, screen="packs", backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.title == "StudyVM" and app.screen.query_one(Header)
        assert app.screen.__class__.__name__ == "PacksScreen"
        await pilot.press("q")
        await settle(pilot, app)
        assert app.screen.__class__.__name__ == "DashboardScreen"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_bindings_are_remapped_from_the_settings_file(settings, backend):
    settings.home.mkdir(parents=True)
    settings.settings_file.write_text('[keys]\n"review.good" = "g"\n"review.show" = ["enter", "space"]\n')
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.question_card.answered
        await pilot.press("g")
        await settle(pilot, app)
        assert reviews_in_store(backend) == 1


async def test_theme_is_remembered_between_runs(settings, backend):
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme == "textual-light"
    assert load_prefs(settings.settings_file).theme == "textual-light"
    again = make_app(settings, backend=backend)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


def test_save_theme_keeps_other_settings(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[study]\nnew_per_day = 5\n\n[tui]\ntheme = "nord"\n')
    save_theme(path, "textual-light")
    text = path.read_text()
    assert "new_per_day = 5" in text and 'theme = "textual-light"' in text and "nord" not in text
    broken = tmp_path / "broken.toml"
    broken.write_text("[keys\n")
    assert load_prefs(broken).errors


async def test_palette_offers_every_screen_and_current_actions(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        provider = StudyVMCommands(app.screen)
        titles = [hit.text for hit in [h async for h in provider.discover()]]
        assert {t for _, t, _ in SCREEN_COMMANDS} <= set(titles)
        assert {name for name, _, _ in SCREEN_COMMANDS} == set(SCREENS)
        assert any("Suspend" in t for t in titles) and any("Undo" in t for t in titles)
        assert [h async for h in provider.search("lab")]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"open the lab")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.__class__.__name__ == "LabScreen"


def test_unknown_screen_is_refused(settings):
    with pytest.raises(ValueError, match="unknown screen"):
        make_app(settings, screen="nope")


def test_lab_command_rejects_an_unknown_workload(tmp_path):
    from typer.testing import CliRunner

    from studyvm.cli import app as cli

    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "lab", "--workload", "nope"])
    assert result.exit_code == 2  # a usage error, as for `sim run --workload nope`
    assert "studyvm: error: unknown workload 'nope'" in result.output


def test_open_app_passes_options_to_the_first_screen(settings, backend, monkeypatch):
    from studyvm.cli import tui_cmds
    from studyvm.tui import app as app_module

    seen = {}

    def fake_run(self):
        seen["screen"] = self.start_screen
        seen["options"] = self.start_options

    monkeypatch.setattr(app_module.StudyVMApp, "run", fake_run)
    tui_cmds.open_app(settings, "review", pack="tuitest", limit=3)
    assert seen == {"screen": "review", "options": {"pack": "tuitest", "limit": 3}}
