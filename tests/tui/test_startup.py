"""Start-up: the first screen is painted without work it does not show, and the settings file is
still checked (after it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from studyvm.tui.app import make_app

from .helpers import settle

FIRST_PAINT = """
import asyncio, sys
from pathlib import Path
from studyvm.config import Settings
from studyvm.tui.app import make_app

async def auto_pilot(pilot):
    while not pilot.app.screen.is_mounted:
        await asyncio.sleep(0.001)
    done = asyncio.Event()
    pilot.app.screen.call_after_refresh(done.set)
    await done.wait()
    print(sorted(m for m in sys.modules if m.startswith("studyvm.tui.screens.")))
    pilot.app.exit()

make_app(Settings(home=Path(sys.argv[1]), learner="t")).run(headless=True, size=(80, 24), auto_pilot=auto_pilot)
"""


def test_first_paint_loads_only_the_dashboard_screen(tmp_path: Path) -> None:
    """Checking settings imported every screen (for its key bindings) before the first paint."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text('[tui]\ntheme = "textual-dark"\n')
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(home)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = done.stdout.strip().splitlines()[-1]
    assert "studyvm.tui.screens.lab" not in loaded and "studyvm.tui.screens.quiz" not in loaded, loaded
    assert "studyvm.tui.screens.dashboard" in loaded


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
