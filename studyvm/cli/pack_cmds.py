"""``studyvm pack ...``: validate, list, show, export and install packs."""

from __future__ import annotations

import typer

pack_app = typer.Typer(help="Question packs: validate, list, show, export, add, import.")


def register(app: typer.Typer) -> None:
    """Add the ``pack`` group to the root app."""
    app.add_typer(pack_app, name="pack")
