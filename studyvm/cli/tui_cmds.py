"""Commands that open the terminal app: the dashboard (no command) and ``lab``."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer

from studyvm.config import Settings
from studyvm.errors import UsageError

MIN_COLUMNS, MIN_LINES = 20, 10
"""The smallest terminal the app is drawn in; a smaller one gets a message instead."""


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
            "(enlarge the window, or use --plain)"
        )


def open_app(settings: Settings, screen: str = "dashboard", **options: Any) -> None:
    """Run the terminal app on ``screen`` until the learner quits.

    ``options`` go to that screen: ``pack``, ``limit`` (review), ``n``, ``minutes`` (quiz / exam),
    ``workload``, ``scenario`` (lab). Unknown screens are reported, not raised.
    """
    from studyvm.tui.app import SCREENS, make_app

    if screen not in SCREENS:
        raise UsageError(f"unknown screen {screen!r}; expected one of {', '.join(SCREENS)}")
    check_terminal_size()
    app = make_app(settings, screen=screen, **options)
    app.run()
    if app.unhandled_error is not None:
        raise app.unhandled_error  # the CLI's boundary turns it into one line and an exit code
    if app.return_code:
        raise typer.Exit(app.return_code)


def register(app: typer.Typer) -> None:
    """Add ``lab`` to the root app."""

    @app.command("lab")
    def lab(
        ctx: typer.Context,
        workload: str | None = typer.Option(None, "--workload", "-w", help="Workload to select (see `studyvm sim`)."),
        scenario: str | None = typer.Option(None, "--scenario", help="Open on this demo scenario and run it."),
    ) -> None:
        """Open the simulator lab: workloads, profiles, modes, trace, kernel diff, doctor."""
        settings: Settings = ctx.obj
        if workload is not None:
            from studyvm.lab import choices

            known = choices().workloads
            if workload not in known:
                raise UsageError(f"unknown workload {workload!r}; expected one of {', '.join(known)}")
        if scenario is not None:
            try:
                import minisim

                scenarios = list(minisim.SCENARIOS)
            except (ImportError, AttributeError):
                scenarios = []
            if scenarios and scenario not in scenarios:
                raise UsageError(f"unknown scenario {scenario!r}; expected one of {', '.join(scenarios)}")
        open_app(settings, "lab", workload=workload, scenario=scenario)
