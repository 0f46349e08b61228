"""Benchmark of the terminal app: start-up against a bare Textual app, and rating -> next card.

1. First screen interactive: a fresh interpreter runs the app headless at 80x24 and reports
   when its first screen is mounted (widgets composed) and then painted once, with the message
   loop running so keys are handled; the same for a bare
   Textual app with only a Header, in the same run, alternating, median of ``--starts``.
   StudyVM runs as the ``studyvm`` command does with no arguments (its console script's ``main``,
   ``studyvm.cli``'s before ``studyvm.console`` existed; the probe hooks the app when the command
   imports Textual, so that import is the command's own) over the built-in packs, on a home made
   by a first start that is not counted; its dashboard figures (counts, streak, next step) arrive later
   from a worker and are reported too ("data on screen"), then the mastery per topic.
   Measured headless and in a real terminal (a tmux window, 80x24).
2. Rating key -> next card on screen: the review screen over the study engine benchmark's
   synthetic history (``bench/bench_study.py``: 100,000 questions, 1,000,000 reviews by
   default), from the key being handled to the refresh that shows the next card.

    .venv/bin/python bench/bench_tui.py [--starts 5] [--questions N] [--reviews N] [--ratings 30]
        [--startup-only] [--tmux-only] [--settings-file]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PROBE = """
import asyncio, sys, time

REPORT_TO = sys.argv[-1]  # (read now: the StudyVM probe clears its arguments to run `studyvm` alone)

def report(*stamps):
    # into the file named by the last argument when run in tmux (its screen is not ours), else stdout
    line = "READY " + " ".join(str(s) for s in stamps)
    if RUN_KW:
        print(line, flush=True)
    else:
        with open(REPORT_TO, "w") as out:
            out.write(line + "\\n")

async def after_refresh(screen):
    # the time of the screen's next refresh: taken in the callback that runs after it, not when this
    # coroutine wakes up (by then the app may have run what it does after painting)
    stamps = []
    done = asyncio.Event()
    screen.call_after_refresh(lambda: (stamps.append(time.time()), done.set()))
    await done.wait()
    return stamps[0]

async def painted(app):
    # wait until the first screen is mounted (its widgets composed), then painted once
    while not app.screen.is_mounted:
        await asyncio.sleep(0.001)
    return await after_refresh(app.screen)
"""

BARE = (
    PROBE
    + """
import time, sys
from textual.app import App
from textual.widgets import Header

class Bare(App):
    def compose(self):
        yield Header()

async def auto_pilot(pilot):  # Textual calls this once the app is ready
    ready = await painted(pilot.app)
    report(ready, ready, ready)
    pilot.app.exit()

Bare().run(**RUN_KW, auto_pilot=auto_pilot)
"""
)

STUDYVM = (
    PROBE
    + """
import os, time, sys
from importlib.machinery import PathFinder

try:
    from studyvm.console import main  # what the `studyvm` command runs
except ImportError:  # before studyvm.console, the command was studyvm.cli's main
    from studyvm.cli import main

async def auto_pilot(pilot):  # Textual calls this once the app is ready
    ready = await painted(pilot.app)
    screen = pilot.app.screen
    assert screen.__class__.__name__ == "DashboardScreen"
    while screen.data is None:  # the counts, streak and next step arrive from the worker
        await asyncio.sleep(0.001)
    figures = await after_refresh(screen)  # ... and are on screen once the refresh after them is done
    await pilot.app.workers.wait_for_complete()  # mastery per topic follows from the same worker
    await pilot.pause()
    report(ready, figures, await after_refresh(screen))
    pilot.app.exit()

class ProbeOnRun:
    # puts the probe on the app the command opens, once the command imports Textual: importing it here
    # first would take that import out of the command's own start-up (as it runs it)
    def find_spec(self, name, path=None, target=None):
        if name != "textual.app":
            return None
        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            run = module.App.run
            module.App.run = lambda app: run(app, **RUN_KW, auto_pilot=auto_pilot)

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, ProbeOnRun())
os.environ.update(STUDYVM_HOME=sys.argv[1], STUDYVM_LEARNER="bench")
sys.argv[1:] = []  # `studyvm` alone, the whole launch path: settings, log, leftovers, app
main()
"""
)


HEADLESS = "RUN_KW = dict(headless=True, size=(80, 24))\n"
IN_TERMINAL = "RUN_KW = {}\n"
TMUX = ["tmux", "-L", f"studyvm-bench-{os.getpid()}", "-f", "/dev/null"]
"""A tmux server of this run's own: two runs at once (a shared machine) do not end each other's."""


def _start(script: str, *args: str) -> tuple[float, float, float]:
    """Seconds from spawning ``script`` headless to its first screen being interactive, and to data loaded."""
    spawned = time.time()
    out = subprocess.run([sys.executable, "-c", HEADLESS + script, *args], capture_output=True, text=True, timeout=120)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("READY")), None)
    if line is None:
        raise RuntimeError(f"no READY line: {out.stdout[-500:]} {out.stderr[-2000:]}")
    _, ready, loaded, mastery = line.split()
    return float(ready) - spawned, float(loaded) - spawned, float(mastery) - spawned


def _start_tmux(script: str, report: Path, *args: str) -> tuple[float, float, float]:
    """The same in a real terminal: a new tmux window (80x24) runs ``script``, which writes its times
    to ``report``."""
    report.unlink(missing_ok=True)
    command = shlex.join([sys.executable, "-c", IN_TERMINAL + script, *args, str(report)])
    spawned = time.time()
    subprocess.run([*TMUX, "new-window", "-d", "-t", "bench", command], check=True)
    deadline = time.monotonic() + 120
    while not (report.exists() and report.read_text().endswith("\n")):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no report from {script[:60]!r} in tmux")
        time.sleep(0.002)
    _, ready, loaded, mastery = report.read_text().split()
    return float(ready) - spawned, float(loaded) - spawned, float(mastery) - spawned


def startup(starts: int, terminal: bool = False, settings_file: bool = False) -> dict[str, object]:
    """Median start-up of both apps, measured alternately in this run (headless, or in tmux); with
    ``settings_file``, StudyVM's home holds a settings file saying the theme (as after ``ctrl+t``)."""
    bare, ours, loaded, mastery = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "ready.txt"
        if terminal:
            subprocess.run([*TMUX, "new-session", "-d", "-s", "bench", "-x", "80", "-y", "24"], check=True)
        try:
            home = Path(tmp) / "home"  # made (and migrated) by the first start, which is not counted
            if settings_file:
                home.mkdir()
                (home / "settings.toml").write_text('[tui]\ntheme = "textual-dark"\n')
            for n in range(starts + 1):
                if terminal:
                    b = _start_tmux(BARE, report)[0]
                    s, data, all_ = _start_tmux(STUDYVM, report, str(home))
                else:
                    b = _start(BARE)[0]
                    s, data, all_ = _start(STUDYVM, str(home))
                if n == 0:
                    continue  # warm the file cache for both before counting
                bare.append(b)
                ours.append(s)
                loaded.append(data)
                mastery.append(all_)
        finally:
            if terminal:
                subprocess.run([*TMUX, "kill-server"], check=False)
    first = statistics.median(bare)
    return {
        "where": "tmux 80x24" if terminal else "headless 80x24",
        "settings_file": settings_file,
        "bare_textual_header_s": round(first, 3),
        "studyvm_first_screen_s": round(statistics.median(ours), 3),
        "ratio": round(statistics.median(o / b for o, b in zip(ours, bare, strict=True)), 2),
        "studyvm_dashboard_data_on_screen_s": round(statistics.median(loaded), 3),
        "data_on_screen_over_bare_first_paint": round(
            statistics.median(d / b for d, b in zip(loaded, bare, strict=True)), 2
        ),
        "studyvm_mastery_on_screen_s": round(statistics.median(mastery), 3),
        "targets": {"ratio": 1.3, "data_on_screen_over_bare_first_paint": 2.0},
        "starts": starts,
    }


async def _rate(settings, catalog, ratings: int) -> list[float]:
    from studyvm.tui.app import make_app
    from studyvm.tui.backend import Backend
    from studyvm.tui.screens.review import ReviewScreen

    app = make_app(settings, screen="review", backend=Backend(settings, catalog=catalog), pack="bench")
    samples: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        for _ in range(ratings):
            await pilot.press("space")
            while not screen.question_card.answered:
                await asyncio.sleep(0.001)
            before = screen.card
            await pilot.press("3")
            while screen.card is before or screen.shown_at < screen.rated_at:
                await asyncio.sleep(0.001)
            samples.append((screen.shown_at - screen.rated_at) * 1000)
    return samples


def rating_to_next_card(questions: int, reviews: int, ratings: int) -> dict[str, object]:
    """Key -> next card over the study benchmark's synthetic history on SQLite."""
    from bench_study import generate, make_pack

    from studyvm.config import Settings
    from studyvm.packs.catalog import Catalog
    from studyvm.store.engine import open_database

    pack = make_pack(questions)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(home=Path(tmp), learner="bench")
        settings.ensure_home()
        engine = open_database(settings.database_url)
        started = time.perf_counter()
        extra = (random.Random(42),) if len(inspect.signature(generate).parameters) > 3 else ()
        generate(engine, pack, reviews, *extra)  # the study benchmark's own generator, whichever version
        engine.dispose()
        generated = time.perf_counter() - started
        samples = asyncio.run(_rate(settings, Catalog(packs={pack.id: pack}), ratings))
    ordered = sorted(samples)
    return {
        "questions": questions,
        "review_log_rows": reviews,
        "history_generated_s": round(generated, 1),
        "ratings": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
        "target_ms": 50,
    }


def main() -> None:
    """Parse arguments, measure, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=30)
    parser.add_argument("--startup-only", action="store_true", help="skip the rating benchmark")
    parser.add_argument("--tmux-only", action="store_true", help="start-up in tmux only, not headless")
    parser.add_argument("--settings-file", action="store_true", help="start with a settings file (a saved theme)")
    args = parser.parse_args()
    with_file = args.settings_file
    result: dict[str, object] = {} if args.tmux_only else {"startup": startup(args.starts, settings_file=with_file)}
    if shutil.which("tmux"):
        result["startup_in_tmux"] = startup(args.starts, terminal=True, settings_file=with_file)
    else:
        result["startup_in_tmux"] = "skipped: tmux not found"
    if not args.startup_only:
        result["rating_to_next_card"] = rating_to_next_card(args.questions, args.reviews, args.ratings)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
