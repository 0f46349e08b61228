"""A damaged database never leaves a screen on "Loading…" and never shows SQLAlchemy's words
(adversary F16): every screen says what went wrong and what to do, as the CLI does."""

from __future__ import annotations

import contextlib

import pytest
from textual.worker import WorkerFailed

from studyvm.config import Settings
from studyvm.tui.app import make_app
from studyvm.tui.backend import Backend
from studyvm.tui.widgets.literal import Literal

from .conftest import FIXED_NOW, fixture_catalog

DAMAGED = "file is not a database (the file is damaged: move"


@pytest.fixture
def damaged_backend(tmp_path) -> Backend:
    """A backend whose SQLite file is garbage."""
    settings = Settings.from_env(home=tmp_path / "home", learner="tester", db_url=None)
    settings.home.mkdir(parents=True)
    (settings.home / "studyvm.sqlite3").write_bytes(b"not sqlite " * 500)
    return Backend(settings, catalog=fixture_catalog(tmp_path / "packs"), clock=lambda: FIXED_NOW, fuzz=False)


async def _settle(pilot) -> None:
    """Let the screen's worker fail and the screen react (the failure is the point: not re-raised here)."""
    with contextlib.suppress(WorkerFailed):
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize(
    ("screen", "where"),
    [("review", "#review-status"), ("exam", "#quiz-progress"), ("quiz", "#quiz-progress"), ("stats", "#stats-summary")],
)
async def test_a_screen_says_why_it_could_not_start(damaged_backend, screen, where) -> None:
    app = make_app(damaged_backend.settings, screen=screen, backend=damaged_backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(pilot)
        shown = str(app.screen.query_one(where, Literal).render())
        assert "Loading" not in shown
        assert shown.startswith("Could not ")
        assert DAMAGED in shown and "sqlalche.me" not in shown and "sqlite3.DatabaseError" not in shown


async def test_the_dashboard_and_browser_explain_a_damaged_file(damaged_backend) -> None:
    app = make_app(damaged_backend.settings, screen="dashboard", backend=damaged_backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(pilot)
        today = str(app.screen.query_one("#dash-today").render())
        assert DAMAGED in today and "sqlalche.me" not in today
        await pilot.press("b")
        await _settle(pilot)
        status = str(app.screen.query_one("#browse-status", Literal).render())
        assert status.startswith("Search: cannot open the database") and "sqlalche.me" not in status
