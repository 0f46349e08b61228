"""The ``studyvm`` command: global options; every area's commands are loaded when they are used.

Each area keeps its commands in its own module exposing ``register(app)``; :mod:`studyvm.cli.lazy`
lists them in the root help without importing those modules and loads one area when one of its
commands runs, and heavy imports stay inside the command functions, so that ``studyvm --help``
and ``studyvm sim list`` cost little more than importing typer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studyvm.cli.lazy import LazyGroup

if TYPE_CHECKING:
    from studyvm.config import Settings

app = typer.Typer(
    name="studyvm",
    cls=LazyGroup,
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
    from studyvm.config import Settings
    from studyvm.launch import prepare
    from studyvm.textsafe import inert_name

    ctx.obj = Settings.from_env(home=home, db_url=db, learner=learner, extra_pack_dirs=packs)
    prepare(ctx.obj, log_file)  # the log, leftovers of killed installs (as bare `studyvm` does, see console.py)
    for folder in packs:
        if not folder.is_dir():
            typer.echo(f"warning: --packs {inert_name(folder)}: no such folder (nothing is loaded from it)", err=True)
    if ctx.invoked_subcommand not in (None, "config", "lab"):  # the app and `config check` say it themselves
        for warning in settings_warnings(ctx.obj):
            typer.echo(warning, err=True)
    if ctx.invoked_subcommand is None:
        from studyvm.cli.tui_cmds import open_app

        open_app(ctx.obj, screen="dashboard")


def settings_warnings(settings: Settings) -> list[str]:
    """The settings file's problems the command line can see without the terminal app (one line each)."""
    if not settings.settings_file.exists():  # no file, no problem: every command skips loading the checker
        return []
    from studyvm.settings_check import check_settings

    return [str(problem) for problem in check_settings(settings.settings_file)]


def main() -> None:
    """Console-script entry point."""
    app()
