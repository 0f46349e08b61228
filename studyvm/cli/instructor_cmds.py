"""Instructor commands: ``studyvm pack import`` (GIFT, Aiken, CSV/TSV into a pack).

Heavy modules (pydantic models, YAML, the importers) are imported inside the command so that
``studyvm --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from studyvm.cli.progress import TtyProgress


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _clash(settings, pack_id: str, target: Path) -> str | None:
    """Where another visible pack already uses ``pack_id`` (other than ``target``), if anywhere."""
    from studyvm.packs.catalog import pack_folders, search_roots
    from studyvm.packs.yamlsafe import YamlProblem, read_yaml_file

    for root, _origin in search_roots(settings):
        for folder in pack_folders(root):
            if folder.resolve() == target.resolve():
                continue
            try:
                data, _ = read_yaml_file(folder / "pack.yaml")
            except YamlProblem:
                continue
            if isinstance(data, dict) and data.get("id") == pack_id:
                return str(folder)
    return None


def import_pack(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="GIFT, Aiken, CSV or TSV file to import.", show_default=False),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="gift, aiken or csv (default: from the suffix).", show_default=False
    ),
    pack_id: str | None = typer.Option(None, "--id", help="Pack id (default: from the file name).", show_default=False),
    title: str | None = typer.Option(None, "--title", help="Pack title (default: the file name).", show_default=False),
    out: Path | None = typer.Option(
        None, "--out", help="Write the pack folder here for editing instead of installing it.", show_default=False
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing pack or --out folder."),
) -> None:
    """Convert a GIFT/Aiken/CSV file into a pack (installed in your home, or written to --out)."""
    from studyvm.packs.importers import FORMATS, ImportProblem, guess_format, import_file
    from studyvm.packs.importers.install import InstallError, base_name, check_pack_id, install, pack_id_for
    from studyvm.packs.model import PackMeta

    settings = ctx.obj
    fmt = (fmt or guess_format(file) or "").lower()
    if fmt not in FORMATS:
        hint = "give --format gift, aiken or csv" if not fmt else f"expected one of {', '.join(FORMATS)}"
        raise _fail(f"{file}:1:1: error: cannot tell the import format ({hint})")
    pack_id = pack_id or pack_id_for(file)
    bad_id = check_pack_id(pack_id)
    if bad_id:
        raise _fail(f"{file}:1:1: error: {bad_id}; choose one with --id")
    bar = TtyProgress(f"importing {file.name}")
    try:
        result = import_file(file, fmt, bar)
    except ImportProblem as problem:
        bar.close()
        raise _fail(str(problem)) from None
    bar.close()
    for warning in result.warnings:
        typer.echo(str(warning), err=True)
    if not result.questions:
        raise _fail(f"{file}:1:1: error: no questions found (is it really {fmt}?)")
    target = Path(out) if out else settings.user_packs_dir / pack_id
    if out is None:
        other = _clash(settings, pack_id, target)
        if other:
            raise _fail(f"{file}:1:1: error: pack id '{pack_id}' is already used by {other}; choose another with --id")
    meta = PackMeta(id=pack_id, title=title or base_name(file), description=f"Imported from {file.name} ({fmt}).")
    try:
        install(meta, result.questions, target, force=force)
    except InstallError as exc:
        raise _fail(f"{file}:1:1: error: {exc}") from None
    counts: dict[str, int] = {}
    for question in result.questions:
        counts[question.type] = counts.get(question.type, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    where = f"written to {target}" if out else f"installed as pack '{pack_id}' in {target}"
    typer.echo(f"Imported {len(result.questions)} questions ({summary}) from {file.name}; {where}.")

