"""``studyvm pack lint PATH...``: the giveaway lint, for the built-in pack and instructors' packs.

Prints one ``path:line:col: warning: [rule] message`` line per finding, then a count per rule on
stderr. Exit status: 0 when every pack is clean, 1 when there is any warning, 2 when a path
cannot be loaded (its validation errors are printed, as by ``pack validate``).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from studyvm.wording import plural


def lint(
    paths: list[Path] = typer.Argument(..., help="Pack folders, question files or JSON exports."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts per rule as JSON on stdout."),
) -> None:
    """Flag giveaways: long correct options, echoed words, numbered orderings, duplicates..."""
    from studyvm.cli.pack_cmds import known_demo_ids
    from studyvm.packs.lint import RULES, lint_path

    demos = known_demo_ids()
    totals = dict.fromkeys(RULES, 0)
    failed = 0
    warned = False
    for path in paths:
        result = lint_path(path, known_demos=demos)
        for diagnostic in result.errors:
            typer.echo(str(diagnostic), err=True)
        if result.pack is None:
            typer.echo(f"{path}: not linted: the pack has errors (see `studyvm pack validate`)", err=True)
            failed += 1
            continue
        for diagnostic in result.warnings:
            typer.echo(str(diagnostic))
        for rule, count in result.counts().items():
            totals[rule] += count
        warned = warned or bool(result.warnings)
    if as_json:
        typer.echo(json.dumps(totals, indent=2))
    summary = ", ".join(f"{rule} {count}" for rule, count in totals.items() if count) or "no giveaway found"
    if failed:
        summary += f"; {plural(failed, 'path')} not linted"
    typer.echo(f"{plural(sum(totals.values()), 'warning')}: {summary}", err=True)
    if failed:
        raise typer.Exit(2)
    if warned:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``lint`` to the ``pack`` group (which pack_cmds registers)."""
    from studyvm.cli.pack_cmds import pack_app

    pack_app.command("lint")(lint)
