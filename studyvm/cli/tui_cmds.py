"""Commands that open the terminal app: the dashboard (no command) and ``lab``."""

from __future__ import annotations

import typer

from studyvm.config import Settings


def open_app(settings: Settings, screen: str = "dashboard", **options: object) -> None:
    """Start the Textual app on ``screen``; the TUI owner replaces this body."""
    typer.echo("The terminal app is not available in this build yet.", err=True)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
