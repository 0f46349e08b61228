"""``studyvm config ...``: check the settings file, show where it is, show or set the daily limits."""

from __future__ import annotations

import typer

config_app = typer.Typer(
    help="The settings file (settings.toml): check it, list the key binding ids, daily limits per pack, where it is.",
    no_args_is_help=True,
)


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


@config_app.command("limits")
def limits(
    ctx: typer.Context,
    pack_id: str | None = typer.Argument(None, help="A pack's id (default: the limits of every pack)."),
    new: int | None = typer.Option(None, "--new", help="New cards a day.", show_default=False),
    reviews: int | None = typer.Option(None, "--reviews", help="Reviews a day.", show_default=False),
) -> None:
    """Show or set the daily limits of every pack, or of one pack (--new N, --reviews N), as Anki's deck options."""
    from studyvm.errors import UsageError
    from studyvm.study.limits import describe, with_limits
    from studyvm.study.prefs import load_study_prefs

    settings = ctx.obj
    if pack_id is not None:
        from studyvm.packs.catalog import load_catalog

        known = load_catalog(settings).packs
        if pack_id not in known:
            raise UsageError(f"no pack with id '{pack_id}' (known: {', '.join(sorted(known)) or 'none'})")
    values = {k: v for k, v in (("new_per_day", new), ("reviews_per_day", reviews)) if v is not None}
    if any(v < 0 for v in values.values()):
        raise UsageError("a daily limit must be 0 or more")
    if values:
        path = settings.settings_file
        try:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            updated = with_limits(text, pack_id, values)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise UsageError(f"{path}: {exc}") from None
        settings.ensure_home()
        staged = path.with_name(path.name + ".tmp")
        staged.write_text(updated, encoding="utf-8")
        staged.replace(path)  # a killed run leaves the old file or the new one
    prefs = load_study_prefs(settings)
    if pack_id is not None:
        typer.echo(f"{pack_id}: {describe(prefs.limits, pack_id)}")
        return
    own = prefs.limits.default
    typer.echo(f"every pack: {own.new_per_day} new and {own.reviews_per_day} reviews a day")
    for pid in sorted(prefs.limits.packs):
        typer.echo(f"{pid}: {describe(prefs.limits, pid)}")
    caps = [(prefs.limits.total_new, "new"), (prefs.limits.total_reviews, "reviews")]
    shown = [f"{n} {what}" for n, what in caps if n is not None]
    if shown:
        typer.echo(f"all packs together ([study]): at most {' and '.join(shown)} a day")
