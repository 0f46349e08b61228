"""``studyvm sim timeline`` (one system call, page fault or sector read under each mode, event by event) and
``studyvm sim walk`` (one TLB miss's two-dimensional walk under hw-ept, reference by reference) and
``studyvm sim shadow`` (a guest page table beside its shadow)."""

from __future__ import annotations

import typer

from studyvm.cli.sim_costs_cmds import fail


def timeline_cmd(
    operation: str = typer.Argument("syscall", help="syscall, pagefault or sector."),
    profile: str = typer.Option("p4-2005", "--profile", "-p", help="CPU cost profile."),
    modes: str = typer.Option("native,full,para,hw,hw-ept", "--modes", help="Comma-separated modes."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one operation's events in order, with cycles, under each mode."""
    import json

    from minisim import timeline

    try:
        tls = [timeline.of(operation, m.strip(), profile) for m in modes.split(",") if m.strip()]
    except ValueError as e:
        raise fail(f"error: {e}", 2) from None
    if not tls:
        raise fail("error: --modes names no mode", 2)
    typer.echo(json.dumps([t.to_dict() for t in tls], indent=2) if as_json else timeline.text(tls))


def walk_cmd(
    workload: str = typer.Option("tlb", "--workload", "-w", help="Workload whose last address space is walked."),
    va: str | None = typer.Option(None, "--va", help="Virtual address (default: the first user page mapped)."),
    profile: str = typer.Option("p4-2005", "--profile", "-p", help="CPU cost profile."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one TLB miss's two-dimensional (nested paging) walk, reference by reference."""
    import json

    from minisim import walk2d

    try:
        address = int(va, 0) if va is not None else None
    except ValueError:
        raise fail(f"error: --va {va!r} is not an address (for example 0x10000)", 2) from None
    try:
        w = walk2d.walk(workload, address, profile)
    except ValueError as e:
        raise fail(f"error: {e}", 2) from None
    typer.echo(json.dumps(w.to_dict(), indent=2) if as_json else walk2d.text(w))


def shadow_cmd(
    workload: str = typer.Option("fork", "--workload", "-w", help="Workload whose last address space is shown."),
    mode: str = typer.Option("hw", "--mode", "-m", help="A shadow-paging mode: trap-emulate, full or hw."),
    profile: str = typer.Option("p4-2005", "--profile", "-p", help="CPU cost profile."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the guest's page table beside the shadow table the MMU walks."""
    import json

    from minisim import shadowview

    try:
        v = shadowview.view(workload, mode, profile)
    except ValueError as e:
        raise fail(f"error: {e}", 2) from None
    typer.echo(json.dumps(v.to_dict(), indent=2) if as_json else shadowview.text(v))


def register(sim_app: typer.Typer) -> None:
    """Add ``timeline``, ``walk`` and ``shadow`` to ``studyvm sim``."""
    sim_app.command("timeline")(timeline_cmd)
    sim_app.command("walk")(walk_cmd)
    sim_app.command("shadow")(shadow_cmd)
