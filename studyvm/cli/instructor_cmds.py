"""Instructor commands: ``studyvm pack import`` (GIFT, Aiken, CSV/TSV, Moodle XML, Anki into a pack)
and ``studyvm pack media`` (list or open the pictures and sounds an imported pack keeps).

Heavy modules (pydantic models, YAML, the importers) are imported inside the command so that
``studyvm --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from studyvm.cli.progress import TtyProgress
from studyvm.errors import PackError  # raised: the boundary prints "studyvm: error: …"
from studyvm.wording import plural


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
    file: Path = typer.Argument(
        ..., help="GIFT, Aiken, CSV/TSV, Moodle XML or Anki .apkg file to import.", show_default=False
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="gift, aiken, csv, moodle-xml or apkg (default: from the content, else the suffix).",
        show_default=False,
    ),
    pack_id: str | None = typer.Option(None, "--id", help="Pack id (default: from the file name).", show_default=False),
    title: str | None = typer.Option(None, "--title", help="Pack title (default: the file name).", show_default=False),
    out: Path | None = typer.Option(
        None, "--out", help="Write the pack folder here for editing instead of installing it.", show_default=False
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing pack or --out folder."),
    with_history: bool = typer.Option(
        False, "--with-history", help="Anki: bring the deck's review log in as your study history."
    ),
) -> None:
    """Convert a GIFT, Aiken, CSV, Moodle XML or Anki file into a pack (installed, or written to --out).

    Every problem in the file is listed (path:line:col) and nothing is imported until all are fixed.
    """
    from studyvm.packs.importers import FORMATS, ImportProblem, guess_format, import_file
    from studyvm.packs.importers.install import InstallError, base_name, check_pack_id, install, pack_id_for
    from studyvm.packs.model import PackMeta

    settings = ctx.obj
    fmt = (fmt or guess_format(file) or "").lower()
    if fmt == "zip":
        raise PackError(f"{file}: a zip file that is not an Anki package (QTI and other zip formats are not supported)")
    if fmt not in FORMATS:
        hint = f"give --format {', '.join(FORMATS)}" if not fmt else f"expected one of {', '.join(FORMATS)}"
        raise PackError(f"{file}: cannot tell the import format ({hint})")
    if with_history and fmt != "apkg":
        raise PackError(f"{file}: --with-history needs an Anki package (--format apkg)")
    if with_history and out is not None:
        raise PackError(f"{file}: --with-history installs the pack (it cannot be used with --out)")
    pack_id = pack_id or pack_id_for(file)
    bad_id = check_pack_id(pack_id)
    if bad_id:
        raise PackError(f"{file}: {bad_id}; choose one with --id")
    bar = TtyProgress(f"importing {file.name}")
    try:
        result = import_file(file, fmt, bar, with_history=with_history)
    except ImportProblem as problem:
        bar.close()
        for line in problem.listing():  # path:line:col: error: … for each, as `pack validate` prints them
            typer.echo(line, err=True)
        errors = f"{problem.count} error{'s' if problem.count > 1 else ''}"
        raise PackError(f"{file}: {errors}; nothing was imported") from None
    bar.close()
    for warning in result.warnings:
        typer.echo(str(warning), err=True)
    if not result.questions:
        if result.warnings:
            raise PackError(f"{file}: nothing to import: every entry was skipped (see the warnings above)")
        raise PackError(f"{file}: no questions found (is it really {fmt}?)")
    target = Path(out) if out else settings.user_packs_dir / pack_id
    meta = PackMeta(id=pack_id, title=title or base_name(file), description=f"Imported from {file.name} ({fmt}).")
    try:
        if out is not None:
            install(meta, result.questions, target, force=force, media=result.media)
        else:
            from studyvm.packs.staging import STAGING, pack_lock

            settings.ensure_home()
            with pack_lock(settings.home, pack_id):  # the clash check and the install, as one step
                other = _clash(settings, pack_id, target)
                if other:
                    raise PackError(f"{file}: pack id '{pack_id}' is already used by {other}; choose another with --id")
                staging = settings.home / STAGING
                install(meta, result.questions, target, force=force, staging=staging, media=result.media)
    except InstallError as exc:
        raise PackError(f"{file}: not imported: {exc}") from None
    counts: dict[str, int] = {}
    for question in result.questions:
        counts[question.type] = counts.get(question.type, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    where = f"written to {target}" if out else f"installed as pack '{pack_id}' in {target}"
    typer.echo(f"Imported {plural(len(result.questions), 'question')} ({summary}) from {file.name}; {where}.")
    if result.history:
        from studyvm.study.service import StudyError

        try:
            reviews = _replay_history(settings, pack_id, result.history)
        except StudyError as exc:
            raise PackError(f"the pack was installed but its Anki history was not: {exc}") from None
        typer.echo(f"Brought {reviews} Anki reviews of {len(result.history)} questions into your study history.")
    if result.media:
        typer.echo(
            f"Kept {len(result.media)} media files in {target / 'media'}; questions show them as [image: name] "
            f"(open one with `studyvm pack media {pack_id} NAME --open`)."
        )


def _replay_history(settings, pack_id: str, history: dict[str, list[tuple[int, int, int]]]) -> int:
    """Answer each imported card as the Anki log says, at the time it says: the scheduler's state
    (FSRS) and the review history come out as if the reviews had been done in StudyVM."""
    from datetime import UTC, datetime

    from studyvm.study.service import StudyService

    moment = [datetime.now(UTC)]
    done = 0
    with StudyService(settings, clock=lambda: moment[0], fuzz=False) as svc:
        for qid, reviews in history.items():
            card = svc.card(pack_id, qid)
            for time_ms, ease, _interval in reviews:
                moment[0] = datetime.fromtimestamp(time_ms / 1000, UTC)
                svc.answer(card, rating=ease)
                done += 1
    return done
