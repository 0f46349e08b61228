"""Commands that open the terminal app: the dashboard (no command) and ``lab``."""

from __future__ import annotations

from typing import Any

import typer

from studyvm.config import Settings
from studyvm.errors import UsageError
from studyvm.launch import MIN_COLUMNS, MIN_LINES, check_terminal_size, run_app

__all__ = ["MIN_COLUMNS", "MIN_LINES", "check_terminal_size", "open_app", "register"]


def open_app(settings: Settings, screen: str = "dashboard", **options: Any) -> None:
    """Run the terminal app on ``screen`` until the learner quits.

    ``options`` go to that screen: ``pack``, ``limit`` (review), ``n``, ``minutes`` (quiz / exam),
    ``workload``, ``scenario`` (lab). Unknown screens are reported, not raised.
    """
    code = run_app(settings, screen, **options)  # an error that ended the app reaches the CLI's boundary
    if code:
        raise typer.Exit(code)


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
