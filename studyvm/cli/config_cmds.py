"""``studyvm config ...``: check the settings file and show where it is."""

from __future__ import annotations

import typer

config_app = typer.Typer(
    help="The settings file (settings.toml): check it, list the key binding ids, show where it is.",
    no_args_is_help=True,
)


def settings_warnings(settings) -> list[str]:
    """The settings file's problems the command line can see without the terminal app (one line each)."""
    from studyvm.settings_check import check_settings

    return [str(problem) for problem in check_settings(settings.settings_file)]


@config_app.command("check")
def check(ctx: typer.Context) -> None:
    """Report every problem in settings.toml (TOML syntax, unknown keys, types, bindings, theme); exit 1 if any."""
    from studyvm.settings_check import check_settings
    from studyvm.tui.app import StudyVMApp
    from studyvm.tui.keyfacts import tui_facts

    path = ctx.obj.settings_file
    problems = check_settings(path, tui_facts(StudyVMApp))
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{path}: ok" if path.exists() else f"{path}: no settings file (defaults are used)")


@config_app.command("keys")
def keys() -> None:
    """List every binding id you can remap in [keys], with its screen and default keys."""
    from studyvm.tui.app import StudyVMApp
    from studyvm.tui.keyfacts import binding_facts

    facts = sorted(binding_facts(StudyVMApp).values(), key=lambda fact: fact.id)
    width = max(len(fact.id) for fact in facts)
    for fact in facts:
        typer.echo(f"{fact.id:<{width}}  {fact.scope:<9}  {','.join(fact.keys)}")


@config_app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the settings file is (or would be)."""
    typer.echo(str(ctx.obj.settings_file))


def register(app: typer.Typer) -> None:
    """Add the ``config`` group to the root app."""
    app.add_typer(config_app, name="config")
