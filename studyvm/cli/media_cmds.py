"""``studyvm pack media``: the pictures and sounds an imported pack keeps in ``media/``."""

from __future__ import annotations

from pathlib import Path

import typer

from studyvm.cli.pack_cmds import fail as _fail
from studyvm.cli.pack_cmds import pack_app, require_pack


def media(
    ctx: typer.Context,
    pack_id: str = typer.Argument(..., metavar="ID"),
    name: str | None = typer.Argument(None, help="A file shown in a question as [image: NAME] or [audio: NAME]."),
    open_file: bool = typer.Option(False, "--open", help="Open the file with the system's viewer or player."),
) -> None:
    """List the pictures and sounds a pack keeps in media/, print one's path, or open it."""
    from studyvm.packs import mediarefs
    from studyvm.packs.mediarefs import MEDIA_DIR

    pack = require_pack(ctx.obj, pack_id)
    folder = Path(pack.location) / MEDIA_DIR
    files = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    if name is None:
        if not files:
            typer.echo(f"pack '{pack_id}' keeps no media files")
        for entry in files:
            typer.echo(str(folder / entry))
        return
    path = mediarefs.media_file(pack.location, name)
    if path is None:
        raise _fail(f"pack '{pack_id}' has no media file {name!r} (see `studyvm pack media {pack_id}`)")
    typer.echo(str(path))
    if open_file and not mediarefs.open_with_system(path):
        raise _fail(f"no program could open {path}")


def register(app: typer.Typer) -> None:
    """Add ``media`` to the ``pack`` group (registered on the root app by :mod:`studyvm.cli.pack_cmds`)."""
    if not any(c.name == "media" for c in pack_app.registered_commands):
        pack_app.command("media")(media)
