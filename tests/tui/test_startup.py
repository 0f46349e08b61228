"""Start-up: the first screen is painted without work it does not show, and the settings file is
still checked (after it)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from studyvm.tui.app import make_app

from .helpers import settle

FIRST_PAINT = """
import gc, json, os, sys
from textual.app import App
from studyvm.console import main
from studyvm.tui.screens import dashboard

seen = {}
on_mount = dashboard.DashboardScreen.on_mount

def painted(screen):
    # the first callback after the dashboard's first refresh: what was imported to paint it?
    seen["modules"] = sorted(sys.modules)
    seen["widgets"] = sorted(type(w).__name__ for w in screen.query("*"))

def mounted(screen):
    seen["collector_on_before_paint"] = gc.isenabled()
    screen.call_after_refresh(painted, screen)  # before the screen's own after-paint work
    on_mount(screen)

async def auto_pilot(pilot):
    while not seen:
        await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    seen["collector_on_after_paint"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    pilot.app.exit()

dashboard.DashboardScreen.on_mount = mounted
run = App.run
App.run = lambda app: run(app, headless=True, size=(80, 24), auto_pilot=auto_pilot)
os.environ.update(STUDYVM_HOME=sys.argv[1], STUDYVM_LEARNER="t")
sys.argv[1:] = []  # `studyvm` alone
try:
    main()
finally:
    print(json.dumps(seen), file=sys.__stdout__)
"""

DEFERRED = [
    "typer",  # the command line's parser: `studyvm` alone does not need it
    "click",
    "studyvm.cli",
    "pydantic",  # packs, the store and the study service come with the figures, from the worker
    "yaml",
    "sqlalchemy",
    "sqlmodel",
    "studyvm.store",
    "studyvm.packs",
    "studyvm.study.service",
    "studyvm.study.views",
    "studyvm.settings_check",  # the settings file is checked after the first paint
    "studyvm.tui.screens.review",  # other screens
    "studyvm.tui.screens.quiz",
    "studyvm.tui.screens.exam",
    "studyvm.tui.screens.lab",
    "studyvm.tui.screens.stats",
    "studyvm.tui.screens.packs",
    "studyvm.tui.screens.browse",
    "textual.widgets._data_table",  # the table of packs comes with its figures
    "textual.widgets._footer",  # mounted after the first paint
]
"""Modules the first frame does not need, none of which may be imported before it is painted."""


def _first_paint(home: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(home)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("with_settings", [False, True], ids=["no-settings-file", "settings-file"])
def test_first_paint_imports_only_what_it_shows(tmp_path: Path, with_settings: bool) -> None:
    """`studyvm` alone paints the dashboard's layout before loading the parser, the store, the packs,
    the settings check, other screens, the table of packs or the footer (issue 19: first paint)."""
    home = tmp_path / "home"
    home.mkdir()
    if with_settings:  # its check imports every screen: it used to run before the first paint
        (home / "settings.toml").write_text('[tui]\ntheme = "textual-dark"\n')
    seen = _first_paint(home)
    loaded = set(seen["modules"])
    early = [name for name in DEFERRED if name in loaded or any(m.startswith(name + ".") for m in loaded)]
    assert early == [], early
    assert "studyvm.tui.screens.dashboard" in loaded
    assert ("tomllib" in loaded) == with_settings  # the theme is read before the first paint, if saved
    assert "Header" in seen["widgets"] and "DataTable" not in seen["widgets"]


def test_no_collection_before_the_first_paint(tmp_path: Path) -> None:
    """`studyvm` alone pauses the garbage collector until the dashboard is painted (what start-up
    builds lives as long as the process), then freezes what it built and collects again."""
    home = tmp_path / "home"
    home.mkdir()
    seen = _first_paint(home)
    assert seen["collector_on_before_paint"] is False
    assert seen["collector_on_after_paint"] is True and seen["frozen"] > 10_000, seen["frozen"]


async def test_settings_problems_are_still_shown(settings, backend) -> None:
    settings.home.mkdir(parents=True)
    settings.settings_file.write_text('[keys]\n"review.nope" = "g"\n[study]\nretention = 7\n')
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = [n.message for n in app._notifications if n.title == "Settings"]
    assert any("review.nope" in m for m in shown) and any("retention" in m for m in shown), shown


async def test_the_settings_check_waits_for_the_figures(settings, backend, monkeypatch) -> None:
    """With a settings file (a saved theme is one), its check (which imports every screen) runs once
    the dashboard's figures are drawn, not beside their load; its warnings still show."""
    from studyvm.tui import app as app_module

    settings.home.mkdir(parents=True)
    settings.settings_file.write_text('[keys]\n"review.nope" = "g"\n')
    monkeypatch.setattr(app_module, "SETTINGS_CHECK_WAIT", 60.0, raising=False)
    app = make_app(settings, backend=backend)
    checking = threading.Event()
    figures_in_when_checked: list[bool] = []
    load, check = backend.dashboard, app.settings_problems

    def slow_load(**kw):
        checking.wait(timeout=1.0)  # a check beside the load starts before it ends
        return load(**kw)

    def checked() -> list[str]:
        figures_in_when_checked.append(app.screen_stack[0].data is not None)
        checking.set()
        return check()

    monkeypatch.setattr(backend, "dashboard", slow_load)
    monkeypatch.setattr(app, "settings_problems", checked)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = [n.message for n in app._notifications if n.title == "Settings"]
    assert figures_in_when_checked == [True]
    assert any("review.nope" in m for m in shown), shown


async def test_dashboard_says_why_when_its_first_load_fails(settings, backend, monkeypatch) -> None:
    """The packs' place says "Loading…" until the table replaces it; a failed load says why there
    (and the settings check waits for it no longer)."""

    def broken(**_kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backend, "dashboard", broken)
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        shown = str(app.screen.query_one("#dash-loading").render())
        assert shown.startswith("Could not load the dashboard:") and "Loading" not in shown, shown
        assert app.screen.packs_table() is None and app.screen.selected_pack() is None
        assert app.figures_shown.is_set()


async def test_the_table_of_packs_replaces_loading(settings, backend) -> None:
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert not screen.query("#dash-loading")
        table = screen.packs_table()
        assert table is not None and table.row_count == 1 and screen.focused is table
        assert screen.selected_pack() == "tuitest"
        screen.refresh_data()  # a reload (back from a review) keeps the table, under the busy indicator
        await settle(pilot, app)
        assert screen.packs_table() is table and table.row_count == 1


STUDY_PREFS = """
import sys
from pathlib import Path
from studyvm.config import Settings
from studyvm.study.prefs import load_study_prefs

prefs = load_study_prefs(Settings(home=Path(sys.argv[1])))
print(prefs.retention, prefs.new_per_day, "studyvm.settings_check" in sys.modules)
"""


@pytest.mark.parametrize("with_settings", [False, True], ids=["no-settings-file", "settings-file"])
def test_study_prefs_import_the_checker_only_for_a_file(tmp_path: Path, with_settings: bool) -> None:
    """The dashboard's worker reads the study preferences: with no settings file there is nothing to
    check, so the checker is not imported (issue 19: the figures come sooner); a file is still read."""
    if with_settings:
        (tmp_path / "settings.toml").write_text("[study]\ndesired_retention = 0.85\nnew_per_day = 7\n")
    done = subprocess.run(
        [sys.executable, "-c", STUDY_PREFS, str(tmp_path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    expected = "0.85 7 True" if with_settings else "0.9 20 False"
    assert done.stdout.split() == expected.split()
