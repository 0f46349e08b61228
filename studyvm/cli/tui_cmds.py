"""Commands that open the terminal app: the dashboard (no command) and ``lab``."""

from __future__ import annotations

import typer

from studyvm.config import Settings


def open_app(settings: Settings, screen: str = "dashboard", **options: object) -> None:
    """Run the terminal app on ``screen`` until the learner quits.

    ``options`` go to that screen: ``pack``, ``limit`` (review), ``n``, ``minutes`` (quiz / exam),
    ``workload``, ``scenario`` (lab). Unknown screens are reported, not raised.
    """
    from studyvm.tui.app import SCREENS, make_app

    if screen not in SCREENS:
        typer.echo(f"error: unknown screen {screen!r}; expected one of {', '.join(SCREENS)}", err=True)
        raise typer.Exit(1)
    app = make_app(settings, screen=screen, **options)
    app.run()
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
                typer.echo(f"error: unknown workload {workload!r}; expected one of {', '.join(known)}", err=True)
                raise typer.Exit(1)
        open_app(settings, "lab", workload=workload, scenario=scenario)
