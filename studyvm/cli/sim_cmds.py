"""``studyvm sim ...`` (the simulator lab on the command line) and ``studyvm doctor``.

minisim is imported inside the commands so ``studyvm --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

sim_app = typer.Typer(help="The simulated machine: run a guest under each virtualization mode.", no_args_is_help=True)

# Columns of the comparison table: (header, events kind) -- the notes' "performance graph", measured.
_COLUMNS = (
    ("traps", "trap"),
    ("exits", "vmexit"),
    ("hcalls", "hypercall"),
    ("bt-call", "bt_callout"),
    ("shadow", "shadow_update"),
    ("tlb-miss", "tlb_miss"),
    ("io-exit", "io_exit"),
    ("ring", "ring_notify"),
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return the exit to raise (see :func:`sim_costs_cmds.fail`)."""
    from studyvm.cli.sim_costs_cmds import fail

    return fail(message, code)


CLI_MAX_INSTRUCTIONS = 200_000_000
"""The instruction budget's cap when minisim does not define ``MAX_INSTRUCTIONS`` itself (about a
minute of host time in one mode); minisim's own constant wins when it exists."""
CLI_MAX_SCALE = 20
"""The cap on ``--scale`` when minisim does not define ``MAX_SCALE`` (20 x 10 M instructions)."""


def limits() -> tuple[int, int]:
    """(largest --scale, largest --max-instructions): minisim's own caps where it has them."""
    import importlib

    run_module = importlib.import_module("minisim.run")  # `minisim.run` is also the name of a function
    scale = getattr(run_module, "MAX_SCALE", CLI_MAX_SCALE)
    return scale, getattr(run_module, "MAX_INSTRUCTIONS", CLI_MAX_INSTRUCTIONS)


def check_bounds(scale: int, max_instructions: int | None = None) -> None:
    """A :class:`~studyvm.errors.UsageError` when ``--scale`` or ``--max-instructions`` is over its cap."""
    from studyvm.errors import UsageError

    max_scale, max_budget = limits()
    if scale > max_scale:
        raise UsageError(f"--scale {scale:,} is above the limit of {max_scale} (a run's work grows linearly with it)")
    if max_instructions is not None and max_instructions > max_budget:
        raise UsageError(f"--max-instructions {max_instructions:,} is above the limit of {max_budget:,}")


def _count(v) -> int:
    return sum(v.values()) if isinstance(v, dict) else int(v)


def _table(results: dict) -> str:
    head = f"{'mode':<26}{'instructions':>13}{'cycles':>13}{'overhead':>9}" + "".join(f"{h:>9}" for h, _ in _COLUMNS)
    rows = [head + "  equivalent", "-" * (len(head) + 12)]
    for label, r in results.items():
        cells = "".join(f"{_count(r.events.get(k, 0)):>9}" for _, k in _COLUMNS)
        eq = "yes" if r.equivalent else "NO"
        rows.append(f"{label:<26}{r.instructions:>13,}{r.cycles:>13,}{r.overhead:>8.2f}x{cells}  {eq}")
    notes = [f"  {label}: {r.violation}" for label, r in results.items() if r.violation]
    return "\n".join(rows + (["not equivalent:"] + notes if notes else []))


def _value(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return f"{v:,.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else f"{v:,}"


def _details(r) -> str:
    lines = [
        f"{r.workload} under {r.mode} ({r.profile}, scale {r.scale}): {r.instructions:,} guest instructions, "
        f"{r.cycles:,} cycles, {r.overhead:.2f}x native"
    ]
    for kind, v in r.events.items():
        if isinstance(v, dict) and v:
            lines.append(f"  {kind}: {_count(v):,} (" + ", ".join(f"{k} {n:,}" for k, n in v.items()) + ")")
        elif v and not isinstance(v, dict):
            lines.append(f"  {kind}: {v:,}")
    if r.cycles_by_event:
        lines.append("  cycles by event: " + ", ".join(f"{k} {n:,}" for k, n in r.cycles_by_event.items()))
    lines.append(f"  equivalent to native: {'yes' if r.equivalent else 'NO -- ' + str(r.violation)}")
    if r.stopped:
        lines.append(f"  stopped: {r.stopped}")
    if r.workload == "program":  # a bare program's result is its registers
        names = _reg_names()
        lines.append("  registers: " + "  ".join(f"{names[i]}={v:#x}" for i, v in enumerate(r.registers) if i))
    lines.append("console:")
    lines.extend("  " + ln for ln in r.console.splitlines())
    return "\n".join(lines)


def _reg_names() -> tuple[str, ...]:
    """Register names as the assembler spells them (r0..r14, sp)."""
    from minisim import isa

    return isa.REG_NAMES


def _read_program(path: Path) -> str:
    from minisim.asm import MAX_SOURCE_BYTES

    try:
        with path.open("rb") as f:  # read one byte past the cap: a huge file is refused unread
            data = f.read(MAX_SOURCE_BYTES + 1)
        if len(data) > MAX_SOURCE_BYTES:
            raise _fail(f"{path}: error: file is over the {MAX_SOURCE_BYTES}-byte limit for a program")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise _fail(f"{path}: error: cannot read: {e}") from None


def _assemble(path: Path):
    import minisim

    try:
        return minisim.assemble(_read_program(path))
    except minisim.AsmError as e:
        raise _fail(f"{path}:{e.line}:{e.col}: error: {e.message}") from None


@sim_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List workloads, modes, profiles and demonstration scenarios."""
    import minisim

    scenarios = {sid: s.title for sid, s in minisim.SCENARIOS.items()}
    data = {
        "workloads": list(minisim.WORKLOADS),
        "modes": list(minisim.MODES),
        "profiles": list(minisim.PROFILES),
        "scenarios": scenarios,
    }
    if as_json:
        import json  # only here: the plain listing is the fast one (`studyvm sim list`, issue 19)

        typer.echo(json.dumps(data, indent=2))
        return
    for key in ("workloads", "modes", "profiles"):
        typer.echo(f"{key}: {', '.join(data[key])}")
    typer.echo("scenarios:")
    for sid, title in scenarios.items():
        typer.echo(f"  {sid:<28} {title}")


@sim_app.command("run")
def run_cmd(
    workload: str = typer.Option("cpu", "--workload", "-w", help="Workload (see `sim list`)."),
    mode: str = typer.Option("native", "--mode", "-m", help="Virtualization mode (see `sim list`)."),
    profile: str = typer.Option("modern", "--profile", "-p", help="CPU cost profile."),
    scale: int = typer.Option(1, "--scale", "-n", min=1, help="Work grows linearly with N."),
    program: Path | None = typer.Option(
        None,
        "--program",
        help="Run your own bare-metal .s program instead (starts at 0 in kernel mode; end it with PV_SHUTDOWN; "
        "examples ship in minisim/guest/examples).",
    ),
    max_instructions: int | None = typer.Option(None, "--max-instructions", min=1, help="Instruction budget."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (the compare shape, one mode)."),
    trace: bool = typer.Option(False, "--trace", help="Include the event trace."),
) -> None:
    """Run one workload (or --program FILE.s) under one mode."""
    import json

    import minisim

    check_bounds(scale, max_instructions)
    source = _read_program(program) if program else None
    try:
        r = minisim.run(workload, mode, profile, scale, program=source, max_instructions=max_instructions)
    except minisim.AsmError as e:
        raise _fail(f"{program}:{e.line}:{e.col}: error: {e.message}") from None
    except ValueError as e:
        raise _fail(f"error: {e}", 2) from None
    names = _symbols(workload, mode, source)
    if as_json:
        d = r.to_dict(trace=trace)
        for entry in d.get("trace", ()):
            entry["symbol"] = names.name(entry["pc"])
        from minisim.run import RESULT_KEYS

        body = {k: d[k] for k in (*RESULT_KEYS, "registers", *(("trace",) if trace else ()))}
        typer.echo(
            json.dumps(
                {"workload": r.workload, "profile": r.profile, "scale": r.scale, "modes": {r.mode: body}}, indent=2
            )
        )
        return
    typer.echo(_details(r))
    if trace:
        typer.echo("trace (instructions, cycles -- counted from the measurement's start -- event, reason, pc, where):")
        for ev in r.trace:
            pc = f"{ev.pc:#06x}" if ev.pc is not None else "-"
            where = names.name(ev.pc)
            typer.echo(f"  {ev.instructions:>10,} {ev.cycles:>12,}  {ev.kind:<14} {ev.reason:<22} {pc:<8} {where}")


def _symbols(workload: str, mode: str, source: str | None):
    """Labels from the guest's assembly for the trace's pcs."""
    from minisim import symbols

    return symbols.of(workload, mode, program=source)


@sim_app.command("compare")
def compare_cmd(
    workload: str = typer.Option("mixed", "--workload", "-w", help="Workload (see `sim list`)."),
    profile: str = typer.Option("modern", "--profile", "-p", help="CPU cost profile."),
    scale: int = typer.Option(1, "--scale", "-n", min=1, help="Work grows linearly with N."),
    modes: str | None = typer.Option(None, "--modes", help="Comma-separated subset of modes."),
    settings: list[str] | None = typer.Option(None, "--set", help="Re-price: NAME=CYCLES (see `sim prices`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run one workload under every mode, side by side, and show where each mode's cycles go."""
    import minisim
    from studyvm.cli import sim_costs_cmds

    check_bounds(scale)
    try:
        overrides = sim_costs_cmds.parse_settings(settings, profile) if profile in minisim.PROFILES else {}
        c = minisim.compare(workload, profile, scale, modes.split(",") if modes else None)
    except ValueError as e:
        raise _fail(f"error: {e}", 2) from None
    sim_costs_cmds.show_compare(c, overrides, as_json, _table)


@sim_app.command("scenario")
def scenario_cmd(
    scenario_id: str = typer.Argument(..., help="Scenario id (see `sim list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run a demonstration scenario and print its verdict."""
    import json

    import minisim

    try:
        o = minisim.run_scenario(scenario_id)
    except ValueError as e:
        raise _fail(f"error: {e}", 2) from None
    from minisim import breakdown

    faster = breakdown.faster_than_native(breakdown.of_all(o.results))  # a ratio below 1.00x needs its reason
    if as_json:
        typer.echo(json.dumps({**o.to_dict(), "faster_than_native": faster}, indent=2))
        return
    s = o.scenario
    typer.echo(f"{s.title}\nclaim: {s.claim}\n{s.workload} on {s.profile}, scale {s.scale}")
    typer.echo(_table(o.results))
    for line in faster:
        typer.echo(line)
    typer.echo(f"{s.metric}: " + ", ".join(f"{k} {_value(v)}" for k, v in o.values.items()))
    typer.echo(f"verdict: {o.verdict}")


@sim_app.command("asm")
def asm_cmd(file: Path = typer.Argument(..., help="Assembly source (.s).")) -> None:
    """Assemble FILE and print the words as 'address: word' lines."""
    img = _assemble(file)
    for a, w in sorted(img.words.items()):
        typer.echo(f"{a:#06x}: {w:08x}")


@sim_app.command("disasm")
def disasm_cmd(
    file: Path = typer.Argument(..., help="A .s source, or an 'address: word' listing from `sim asm`."),
    effects: bool = typer.Option(False, "--effects", help="Say what each instruction reads and writes."),
) -> None:
    """Disassemble FILE."""
    import minisim

    if file.suffix == ".s":
        typer.echo(minisim.disassemble(_assemble(file), effects=effects))
        return
    words: dict[int, int] = {}
    for n, line in enumerate(_read_program(file).splitlines(), 1):
        if not line.strip():
            continue
        addr, _, word = line.partition(":")
        try:
            words[int(addr, 0)] = int(word.split()[0], 16)
        except (ValueError, IndexError):
            raise _fail(f"{file}:{n}:1: error: expected 'address: hexword'") from None
    typer.echo(minisim.disassemble(words, effects=effects))


def _parse_address(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise _fail(f"error: --block {text!r} is not an address (e.g. 0x0184)", 2) from None


@sim_app.command("translate")
def translate_cmd(
    workload: str = typer.Option("popf", "--workload", "-w", help="Workload (see `sim list`)."),
    block: str | None = typer.Option(None, "--block", "-b", help="Show the block at this guest address."),
    profile: str = typer.Option("p4-2005", "--profile", "-p", help="CPU cost profile."),
    scale: int = typer.Option(1, "--scale", "-n", min=1, help="Work grows linearly with N."),
) -> None:
    """Show binary translation: each guest-kernel block beside its translation (copied, rewritten
    inline, or a callout into the VMM), from the translation cache after running WORKLOAD."""
    import minisim
    from minisim import tcview

    try:
        cache = minisim.translations(workload, profile, scale)
    except ValueError as e:
        raise _fail(f"error: {e}", 2) from None
    try:
        typer.echo(tcview.text(cache, workload, _parse_address(block) if block is not None else None))
    except ValueError as e:  # no block holds that address
        raise _fail(f"error: {e}", 1) from None


@sim_app.command("kernel-diff")
def kernel_diff_cmd() -> None:
    """Show how the paravirtualized kernel build differs from the unmodified one."""
    import minisim

    typer.echo(minisim.kernel_diff())


def doctor(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Describe this machine: virtualization flags, /dev/kvm, and whether it is itself a guest."""
    import json

    from studyvm.doctor import inspect

    report = inspect()
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    for line in report.lines():
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add ``sim`` and ``doctor`` to the root app."""
    from studyvm.cli import sim_costs_cmds, sim_paper_cmds, sim_view_cmds

    for more in (sim_costs_cmds, sim_paper_cmds, sim_view_cmds):  # commands that show minisim's work
        more.register(sim_app)
    app.add_typer(sim_app, name="sim")
    app.command("doctor")(doctor)
