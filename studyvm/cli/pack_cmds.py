"""``studyvm pack ...``: validate, schema, list, show, export and add packs.

Imports of the pack machinery happen inside the commands so that ``studyvm --help`` stays fast.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from studyvm.config import Settings
    from studyvm.packs.catalog import Catalog
    from studyvm.packs.model import Pack

pack_app = typer.Typer(help="Question packs: validate, list, show, export, add, import.", no_args_is_help=True)


class ExportFormat(StrEnum):
    """Formats ``pack export`` can write."""

    json = "json"
    gift = "gift"
    apkg = "apkg"


class SchemaKind(StrEnum):
    """Which file the printed JSON Schema describes."""

    questions = "questions"
    pack = "pack"


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` to stderr and return the exit to raise."""
    typer.echo(message, err=True)
    return typer.Exit(code)


def known_demo_ids() -> set[str]:
    """The simulator's scenario ids (what a question's ``demo:`` may name)."""
    from studyvm.lab import scenario_ids

    return scenario_ids()


def load_catalog_for(settings: Settings) -> Catalog:
    """Load every visible pack, warning on stderr about the ones that failed."""
    from studyvm.packs.catalog import load_catalog

    catalog = load_catalog(settings, known_demos=known_demo_ids())
    for folder, diagnostics in catalog.failed.items():
        errors = sum(d.severity == "error" for d in diagnostics)
        typer.echo(f"warning: pack at {folder} not loaded ({errors} errors; run `studyvm pack validate`)", err=True)
    for diagnostic in catalog.diagnostics:
        typer.echo(str(diagnostic), err=True)
    return catalog


def require_pack(settings: Settings, pack_id: str) -> Pack:
    """The pack with ``pack_id`` or a clear error listing the available ids."""
    catalog = load_catalog_for(settings)
    pack = catalog.get(pack_id)
    if pack is None:
        available = ", ".join(sorted(catalog.packs)) or "none"
        raise fail(f"error: no pack with id '{pack_id}' (available: {available})")
    return pack


@pack_app.command("validate")
def validate(paths: list[Path] = typer.Argument(..., help="Pack folders or question files.")) -> None:
    """Check packs like code: one `path:line:col: severity: message` line per problem."""
    from studyvm.packs.loader import load_path

    demos = known_demo_ids()
    errors = warnings = 0
    for path in paths:
        result = load_path(path, known_demos=demos)
        for diagnostic in result.diagnostics:
            typer.echo(str(diagnostic))
        errors += sum(d.severity == "error" for d in result.diagnostics)
        warnings += sum(d.severity == "warning" for d in result.diagnostics)
        if result.pack is not None:
            typer.echo(f"{path}: ok: pack '{result.pack.id}', {len(result.pack.questions)} questions", err=True)
    typer.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        raise typer.Exit(1)


@pack_app.command("schema")
def schema(kind: SchemaKind = typer.Argument(SchemaKind.questions, help="questions or pack")) -> None:
    """Print the JSON Schema of a question file (or of pack.yaml), for editor completion."""
    from studyvm.packs.model import PackMeta, QuestionFile

    model = QuestionFile if kind is SchemaKind.questions else PackMeta
    typer.echo(json.dumps(model.model_json_schema(), indent=2))


@pack_app.command("list")
def list_packs(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """List the available packs: id, title, version, question count and where each lives."""
    catalog = load_catalog_for(ctx.obj)
    rows = [
        {
            "id": p.id,
            "title": p.meta.title,
            "version": p.meta.version,
            "questions": len(p.questions),
            "origin": p.origin,
            "location": p.location,
        }
        for p in catalog.packs.values()
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("No packs found.")
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        typer.echo(f"{r['id']:<{width}}  {r['version']:<8} {r['questions']:>5} questions  {r['title']}")
        typer.echo(f"{'':<{width}}  {r['origin']}: {r['location']}")


@pack_app.command("show")
def show(ctx: typer.Context, pack_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Show a pack's metadata, sources, topics, question types and tables."""
    from collections import Counter

    pack = require_pack(ctx.obj, pack_id)
    meta = pack.meta
    typer.echo(f"{meta.title}  ({meta.id} {meta.version})")
    if meta.authors:
        typer.echo(f"Authors: {', '.join(meta.authors)}")
    if meta.licence:
        typer.echo(f"Licence: {meta.licence}")
    typer.echo(f"Location: {pack.location} ({pack.origin})")
    if meta.description:
        typer.echo(f"\n{meta.description}\n")
    typer.echo(f"Questions: {len(pack.questions)}")
    for name, count in sorted(Counter(q.type for q in pack.questions).items()):
        typer.echo(f"  {name:<11} {count}")
    typer.echo("Topics:")
    for name, count in Counter(q.topic for q in pack.questions).most_common():
        typer.echo(f"  {name:<28} {count}")
    if pack.tables:
        typer.echo("Tables:")
        for table in pack.tables:
            typer.echo(f"  {table.id}: {table.title} ({len(table.rows)} rows × {len(table.columns)} columns)")
    if meta.sources:
        typer.echo("Sources:")
        for source in meta.sources:
            typer.echo(f"  {source.id}: {source.title}")


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp_path)`` then move the result onto ``target``: no half-written files."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".studyvm-") as tmp:
        tmp_path = Path(tmp) / target.name
        write(tmp_path)
        tmp_path.replace(target)


@pack_app.command("export")
def export(
    ctx: typer.Context,
    pack_id: str = typer.Argument(..., metavar="ID"),
    fmt: ExportFormat = typer.Option(ExportFormat.json, "--format", "-f", help="json, gift or apkg."),
    output: str = typer.Option(..., "--output", "-o", help="File to write ('-' for stdout: json, gift)."),
) -> None:
    """Export a pack, generated questions included, as JSON, Moodle GIFT or an Anki package."""
    pack = require_pack(ctx.obj, pack_id)
    warnings: list[str] = []
    from studyvm.cli.progress import TtyProgress  # a bar on stderr for exports over a second

    bar = TtyProgress(f"exporting {pack_id}")
    if fmt is ExportFormat.apkg:
        if output == "-":
            raise fail("error: an .apkg is binary; give a file name with -o")
        from studyvm.packs.exporters.apkg import export_apkg

        _write_atomically(Path(output), lambda p: warnings.extend(export_apkg(pack, p, progress=bar)))
    else:
        if fmt is ExportFormat.json:
            text = json.dumps(pack.export_dict(), indent=2, ensure_ascii=False) + "\n"
        else:
            from studyvm.packs.exporters.gift import export_gift

            text, warnings = export_gift(pack, progress=bar)
        if output == "-":
            sys.stdout.write(text)
        else:
            _write_atomically(Path(output), lambda p: p.write_text(text, encoding="utf-8"))
    bar.close()
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    if output != "-":
        typer.echo(f"wrote {len(pack.questions)} questions to {output}", err=True)


@pack_app.command("add")
def add(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="A pack folder to validate and install."),
    force: bool = typer.Option(False, "--force", help="Replace an installed pack with the same id."),
) -> None:
    """Validate a pack and install it in the user's home; a pack with any error is refused whole."""
    from studyvm.packs.loader import load_pack_dir

    if not folder.is_dir():
        raise fail(f"{folder}:1:1: error: not a folder (pack add takes a pack folder)")
    result = load_pack_dir(folder, known_demos=known_demo_ids())
    for diagnostic in result.diagnostics:
        typer.echo(str(diagnostic), err=True)
    if result.pack is None:
        raise fail("error: pack refused: fix the errors above (nothing was installed)")
    settings = ctx.obj
    pack_id = result.pack.id
    catalog = load_catalog_for(settings)
    existing = catalog.get(pack_id)
    target = settings.user_packs_dir / pack_id
    if existing is not None and (existing.origin != "user" or not force):
        hint = "" if existing.origin != "user" else " (use --force to replace it)"
        raise fail(f"error: pack id '{pack_id}' is already used by {existing.location}{hint}")
    settings.ensure_home()
    staging = Path(tempfile.mkdtemp(dir=settings.user_packs_dir, prefix=f".{pack_id}-"))
    try:
        shutil.copytree(folder, staging / "pack", symlinks=False)
        if target.exists():
            shutil.rmtree(target)
        (staging / "pack").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    typer.echo(f"installed pack '{pack_id}' ({len(result.pack.questions)} questions) in {target}")


def register(app: typer.Typer) -> None:
    """Add the ``pack`` group, with ``import`` from :mod:`studyvm.cli.instructor_cmds`, to the root app."""
    from studyvm.cli.instructor_cmds import import_pack

    if not any(c.name == "import" for c in pack_app.registered_commands):
        pack_app.command("import")(import_pack)
    app.add_typer(pack_app, name="pack")
