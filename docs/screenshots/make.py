"""Draw the README's screenshots: the dashboard, a review card and the lab, as SVG.

Run from the repository root: ``python docs/screenshots/make.py``. It builds a throwaway home with
the built-in pack, answers a few days of cards with a fixed clock (so the dashboard has figures),
then opens each screen in Textual's headless pilot and saves what it shows. Nothing in the
learner's real home is read or written.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from studyvm.config import Settings
from studyvm.tui.app import StudyVMApp
from studyvm.tui.backend import Backend

HERE = Path(__file__).resolve().parent
SIZE = (110, 32)
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _history(home: Path) -> None:
    """A week of answers, a dozen cards a day, some of them wrong."""
    rng = random.Random(5)
    for day in range(7):
        now = START + timedelta(days=day)
        backend = Backend(Settings.from_env(home=home, learner="demo", db_url=None), clock=lambda now=now: now)
        service = backend.service()
        for _ in range(12):
            card = service.next_card()
            if card is None:
                break
            service.answer(card, rating=rng.choice((1, 3, 3, 3, 4)))
        backend.close()


async def _shoot(home: Path, screen: str, name: str, keys: tuple[str, ...] = ()) -> Path:
    now = START + timedelta(days=7)
    backend = Backend(Settings.from_env(home=home, learner="demo", db_url=None), clock=lambda: now, seed=3)
    app = StudyVMApp(backend.settings, backend, screen=screen)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(20):  # let the screen's worker fill it in
            await pilot.pause(0.1)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.3)
        app.save_screenshot(name, path=str(HERE))
    backend.close()
    return HERE / name


def main() -> None:
    """Write ``dashboard.svg``, ``review.svg`` and ``lab.svg`` beside this script."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        _history(home)
        for screen, name, keys in (
            ("dashboard", "dashboard.svg", ()),
            ("review", "review.svg", ("1",)),
            ("lab", "lab.svg", ("r",)),
        ):
            print(asyncio.run(_shoot(home, screen, name, keys)))


if __name__ == "__main__":
    main()
