"""The ``studyvm`` command: global options and the registration of every area's commands.

Each area keeps its commands in its own module exposing ``register(app)``; heavy imports stay
inside the command functions so that ``studyvm --help`` costs little more than importing typer.
"""

from __future__ import annotations

from pathlib import Path

import typer

from studyvm.cli import (
    card_cmds,
    class_cmds,
    config_cmds,
    lint_cmds,
    media_cmds,
    pack_cmds,
    sim_cmds,
    study_cmds,
    tui_cmds,
)
from studyvm.cli.boundary import BoundaryGroup
from studyvm.config import Settings
from studyvm.launch import prepare
from studyvm.textsafe import inert_name

app = typer.Typer(
    name="studyvm",
    cls=BoundaryGroup,
    help="Exam preparation for virtualization: flashcards, quizzes, mock exams and a simulator lab.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from studyvm import __version__

        typer.echo(f"studyvm {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    home: Path | None = typer.Option(
        None, "--home", help="Folder for all user data (env STUDYVM_HOME).", show_default=False
    ),
    db: str | None = typer.Option(
        None,
        "--db",
        help="Database URL, e.g. postgresql+psycopg://host/db (env STUDYVM_DATABASE_URL).",
        show_default=False,
    ),
    learner: str | None = typer.Option(
        None,
        "--learner",
        help="Whose progress to use on SQLite (env STUDYVM_LEARNER; default: OS user); on PostgreSQL the "
        "learner is the database role you connect as.",
    ),
    packs: list[Path] = typer.Option(
        [], "--packs", help="Extra folder of packs to load (repeatable).", show_default=False
    ),
    log_file: Path | None = typer.Option(
        None, "--log-file", help="Write a debug log to this file (env STUDYVM_LOG_FILE).", show_default=False
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """StudyVM: with no command, open the terminal app on the dashboard."""
    ctx.obj = Settings.from_env(home=home, db_url=db, learner=learner, extra_pack_dirs=packs)
    prepare(ctx.obj, log_file)  # the log, leftovers of killed installs (as bare `studyvm` does, see console.py)
    for folder in packs:
        if not folder.is_dir():
            typer.echo(f"warning: --packs {inert_name(folder)}: no such folder (nothing is loaded from it)", err=True)
    if ctx.invoked_subcommand not in (None, "config", "lab"):  # the app and `config check` say it themselves
        for warning in config_cmds.settings_warnings(ctx.obj):
            typer.echo(warning, err=True)
    if ctx.invoked_subcommand is None:
        tui_cmds.open_app(ctx.obj, screen="dashboard")


for _area in (media_cmds, pack_cmds, lint_cmds, study_cmds, card_cmds, sim_cmds, tui_cmds, class_cmds, config_cmds):
    _area.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
