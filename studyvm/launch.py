"""Starting StudyVM without the command line's parser: what every command does first, and running
the terminal app.

Nothing here imports typer, so ``studyvm`` with no arguments (see :mod:`studyvm.console`) opens the
app without loading the parser and every command's module (about 70 ms before the first paint).
:mod:`studyvm.cli` uses the same functions for its root command and for ``study``, ``quiz`` and
``lab``.
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

from studyvm.config import Settings
from studyvm.errors import UsageError

MIN_COLUMNS, MIN_LINES = 20, 10
"""The smallest terminal the app is drawn in; a smaller one gets a message instead."""

_gc_paused = False


def pause_gc() -> None:
    """Pause the garbage collector until the app's first frame is painted (:func:`resume_gc`).

    Start-up builds objects that live as long as the process (modules, classes, styles); the
    collections they trigger before the first paint (about 80, some 10 ms) find nothing to free.
    Does nothing if the collector is already off (a caller's choice, left alone).
    """
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def resume_gc(freeze: bool = True) -> None:
    """Undo :func:`pause_gc`: the collector runs again, and with ``freeze`` what start-up built is
    first moved out of its later scans (:func:`gc.freeze`; the app calls it after its first paint).
    Only once, and only after :func:`pause_gc` paused it."""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        if freeze:
            gc.freeze()
        gc.enable()


def prepare(settings: Settings, log_file: Path | None = None) -> None:
    """Set up the log and remove what a killed ``pack add`` or ``pack import`` left behind."""
    from studyvm.logs import configure

    configure(settings.home, log_file)
    if _may_have_leftovers(settings):
        from studyvm.packs.staging import clean_leftovers

        with suppress(OSError):  # best effort, silent
            clean_leftovers(settings.home, settings.user_packs_dir)


def _may_have_leftovers(settings: Settings) -> bool:
    """Whether a staging folder or a hidden folder in ``packs/`` exists (leftovers are only there);
    most starts have neither and skip loading the staging code."""
    with suppress(OSError):
        if (settings.home / ".staging").is_dir():
            return True
        with os.scandir(settings.user_packs_dir) as entries:
            return any(entry.name.startswith(".") for entry in entries)
    return False


def check_terminal_size(size: os.terminal_size | None = None) -> None:
    """A :class:`~studyvm.errors.UsageError` if the terminal is too small to draw the app in.

    ``size`` defaults to the terminal the app would draw on (stderr, like Textual); when there is
    none (output redirected), nothing is checked.
    """
    if size is None:
        try:
            size = os.get_terminal_size((sys.__stderr__ or sys.stderr).fileno())
        except (OSError, ValueError, AttributeError):
            return
    if size.columns < MIN_COLUMNS or size.lines < MIN_LINES:
        raise UsageError(
            f"the terminal is {size.columns}x{size.lines}; StudyVM needs at least {MIN_COLUMNS}x{MIN_LINES} "
            "(enlarge the window; `studyvm study --plain` and `studyvm quiz --plain` work line by line)"
        )


def run_app(settings: Settings, screen: str = "dashboard", **options: Any) -> int:
    """Run the terminal app on ``screen`` until the learner quits; return its exit code.

    ``options`` go to that screen. The error that ended the app, if one did, is raised again for
    the caller's error boundary to report in one line.
    """
    from studyvm.tui.app import SCREENS, make_app

    if screen not in SCREENS:
        raise UsageError(f"unknown screen {screen!r}; expected one of {', '.join(SCREENS)}")
    check_terminal_size()
    app = make_app(settings, screen=screen, after_first_paint=resume_gc, **options)
    try:
        app.run()
    finally:
        resume_gc(freeze=False)  # the app ended before its first paint (an error): collect again
    if app.unhandled_error is not None:
        raise app.unhandled_error
    return app.return_code or 0
