"""``studyvm pack ...``: validate, schema, list, show, export and add packs.

Imports of the pack machinery happen inside the commands so that ``studyvm --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studyvm.wording import plural

if TYPE_CHECKING:
    from studyvm.config import Settings
    from studyvm.errors import PackError
    from studyvm.packs.catalog import AnyPack, Catalog
    from studyvm.packs.model import Pack

pack_app = typer.Typer(help="Question packs: validate, list, show, export, add, import.", no_args_is_help=True)


class ExportFormat(StrEnum):
    """Formats ``pack export`` can write."""

    json = "json"
    gift = "gift"
    apkg = "apkg"
    moodle_xml = "moodle-xml"


class SchemaKind(StrEnum):
    """Which file the printed JSON Schema describes."""

    questions = "questions"
    pack = "pack"


def fail(message: str, code: int = 1) -> PackError:
    """The error to raise: the boundary prints it as ``studyvm: error: message`` and exits with ``code``."""
    from studyvm.errors import PackError

    error = PackError(message)
    error.exit_code = code
    return error


def known_demo_ids() -> set[str]:
    """What a question's ``demo:`` may name: the simulator's scenario ids and the lab's ``view.<id>`` views."""
    from studyvm.lab import demo_ids

    return demo_ids()


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


def require_pack(settings: Settings, pack_id: str) -> AnyPack:
    """The pack with ``pack_id`` or a clear error listing the available ids."""
    catalog = load_catalog_for(settings)
    pack = catalog.get(pack_id)
    if pack is None:
        available = ", ".join(sorted(catalog.packs)) or "none"
        raise fail(f"no pack with id '{pack_id}' (available: {available})")
    return pack


@pack_app.command("validate")
def validate(paths: list[Path] = typer.Argument(..., help="Pack folders or question files.")) -> None:
    """Check packs like code: one `path:line:col: severity: message` line per problem."""
    from studyvm.packs.loader import load_path

    demos = known_demo_ids()
    errors = warnings = 0
    for path in paths:
        result = load_path(path, known_demos=demos, check_media=True)
        for diagnostic in result.diagnostics:
            typer.echo(str(diagnostic))
        errors += sum(d.severity == "error" for d in result.diagnostics)
        warnings += sum(d.severity == "warning" for d in result.diagnostics)
        if result.pack is not None:
            typer.echo(f"{path}: ok: pack '{result.pack.id}', {len(result.pack.questions)} questions", err=True)
    typer.echo(f"{plural(errors, 'error')}, {plural(warnings, 'warning')}", err=True)
    if errors:
        raise typer.Exit(1)


@pack_app.command("schema")
def schema(kind: SchemaKind = typer.Argument(SchemaKind.questions, help="questions or pack")) -> None:
    """Print the JSON Schema of a question file (or of pack.yaml), for editor completion."""
    from studyvm.packs.model import PackMeta, QuestionFile

    model = QuestionFile if kind is SchemaKind.questions else PackMeta
    typer.echo(json.dumps(model.model_json_schema(), indent=2))


@pack_app.command("list")
def list_packs(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
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
    width = max(len(str(r["id"])) for r in rows)
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
    typer.echo(f"Questions: {len(pack.index)}")
    for qtype, count in sorted(Counter(pack.index.types).items()):
        typer.echo(f"  {qtype:<11} {count}")
    typer.echo("Topics:")
    for topic, count in Counter(pack.index.topics).most_common():
        typer.echo(f"  {topic:<28} {count}")
    if pack.tables:
        typer.echo("Tables:")
        for table in pack.tables:
            typer.echo(f"  {table.id}: {table.title} ({len(table.rows)} rows × {len(table.columns)} columns)")
    if meta.sources:
        typer.echo("Sources:")
        for source in meta.sources:
            typer.echo(f"  {source.id}: {source.title}")


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp_path)`` then move the result onto ``target``: no half-written files.

    The folder must exist already: a typo in ``-o`` should not create folders (adversary F18).
    """
    from studyvm.errors import OutputError

    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: the folder {target.parent} does not exist")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".studyvm-") as tmp:
        tmp_path = Path(tmp) / target.name
        write(tmp_path)
        tmp_path.replace(target)


@pack_app.command("export")
def export(
    ctx: typer.Context,
    pack_id: str = typer.Argument(..., metavar="ID"),
    fmt: ExportFormat = typer.Option(ExportFormat.json, "--format", "-f", help="json, gift, apkg or moodle-xml."),
    output: str = typer.Option(..., "--output", "-o", help="File to write ('-' for stdout: json, gift, moodle-xml)."),
) -> None:
    """Export a pack, generated questions included, as JSON, Moodle GIFT, Moodle XML or an Anki package."""
    pack = require_pack(ctx.obj, pack_id)
    warnings: list[str] = []
    from studyvm.cli.progress import TtyProgress  # a bar on stderr for exports over a second

    bar = TtyProgress(f"exporting {pack_id}")
    if fmt is ExportFormat.apkg:
        if output == "-":
            raise fail("an .apkg is binary; give a file name with -o")
        from studyvm.packs.exporters.apkg import export_apkg

        _write_atomically(
            Path(output), lambda p: warnings.extend(export_apkg(pack, p, progress=bar, previous=Path(output)))
        )
    else:
        if fmt is ExportFormat.json:
            text = json.dumps(pack.export_dict(), indent=2, ensure_ascii=False) + "\n"
        elif fmt is ExportFormat.moodle_xml:
            from studyvm.packs.exporters.moodle_xml import export_moodle_xml

            text, warnings = export_moodle_xml(pack, progress=bar)
        else:
            from studyvm.packs.exporters.gift import export_gift

            text, warnings = export_gift(pack, progress=bar)
        if output == "-":
            sys.stdout.write(text)
        else:
            if fmt is not ExportFormat.json and Path(output).is_file():
                from studyvm.packs.exporters.common import text_type_changes

                warnings = [*warnings, *text_type_changes(fmt.value, Path(output), text, pack)]
            _write_atomically(Path(output), lambda p: p.write_text(text, encoding="utf-8"))
    bar.close()
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    if output != "-":
        typer.echo(f"wrote {plural(len(pack.questions), 'question')} to {output}", err=True)


@pack_app.command("add")
def add(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="A pack folder to validate and install."),
    force: bool = typer.Option(False, "--force", help="Replace an installed pack with the same id."),
) -> None:
    """Validate a pack and install it in the user's home; a pack with any error is refused whole.

    The folder is copied first (symbolic links, FIFOs and devices refused), the copy is validated,
    and that same copy is swapped into place atomically (see :mod:`studyvm.packs.staging`).
    """
    from studyvm.packs.staging import STAGING, copy_pack_tree, pack_lock, staging_folder

    if not folder.is_dir():
        raise fail(f"{folder}: not a folder (pack add takes a pack folder)")
    settings = ctx.obj
    settings.ensure_home()
    with staging_folder(settings.home / STAGING, "add") as staged:
        copy_pack_tree(folder, staged, forbidden_inside=settings.home)
        pack = _validated_copy(staged, folder)
        with pack_lock(settings.home, pack.id):
            target = _install_target(settings, pack.id, force)
            _swap_staged(staged, target)
    typer.echo(f"installed pack '{pack.id}' ({len(pack.questions)} questions) in {target}")


def _validated_copy(staged: Path, folder: Path) -> Pack:
    """Load the staged copy; its diagnostics are printed as paths in the source ``folder``."""
    from dataclasses import replace

    from studyvm.packs.loader import load_pack_dir

    result = load_pack_dir(staged, known_demos=known_demo_ids())
    for diagnostic in result.diagnostics:
        typer.echo(str(replace(diagnostic, path=diagnostic.path.replace(str(staged), str(folder), 1))), err=True)
    if result.pack is None:
        raise fail(f"{folder}: pack refused: fix the errors above (nothing was installed)")
    return result.pack


def _install_target(settings: Settings, pack_id: str, force: bool) -> Path:
    """Where ``pack_id`` goes, after checking (under its lock) that nothing else uses the id."""
    existing = load_catalog_for(settings).get(pack_id)
    if existing is not None and (existing.origin != "user" or not force):
        hint = "" if existing.origin != "user" else " (use --force to replace it)"
        raise fail(f"pack id '{pack_id}' is already used by {existing.location}{hint}")
    target = settings.user_packs_dir / pack_id
    if target.exists() and not force and existing is None:
        raise fail(f"{target} already exists and is not a loadable pack (use --force to replace it)")
    return target


def _swap_staged(staged: Path, target: Path) -> None:
    from studyvm.packs.staging import checkpoint, swap_in

    checkpoint("staged")
    swap_in(staged, target)
    checkpoint("swapped")


def register(app: typer.Typer) -> None:
    """Add the ``pack`` group, with ``import`` from :mod:`studyvm.cli.instructor_cmds`, to the root app."""
    from studyvm.cli.instructor_cmds import import_pack

    if not any(c.name == "import" for c in pack_app.registered_commands):
        pack_app.command("import")(import_pack)
    app.add_typer(pack_app, name="pack")
