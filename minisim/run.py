"""The public API: build the guest, run it under a mode, and compare the modes.

``run()`` boots the guest kernel with a workload (or runs a learner's bare-metal program) under
one mode and returns a :class:`Result`: guest instructions, modeled cycles, overhead against
native, event counts by kind, console output and whether the run was *equivalent* to native.
Every count comes from executing the guest.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import asdict, dataclass, field
from importlib import resources

from minisim import abi, asm, disasm, isa, profiles
from minisim import vmm as vmms
from minisim.machine import Machine
from minisim.names import WORKLOADS

MODES = vmms.MODES
PROFILES = profiles.PROFILES
DEFAULT_BUDGET = 10_000_000  # guest instructions per unit of --scale
PROGRAM_BUDGET = 2_000_000  # guest instructions for a learner's program
# Every kind a result reports, so that JSON has the same shape in every mode.
EVENT_KINDS = ("trap", "vmexit", "hypercall", "bt_block", "bt_callout", "bt_inline", "shadow_update", "tlb_miss",
               "page_walk_refs", "io_exit", "ring_notify", "interrupt", "syscall", "page_fault", "exception", "io",
               "cr3_load", "pt_updates", "pt_update_rejected", "blk_sectors")
_BY_REASON = ("vmexit", "hypercall")


@dataclass(frozen=True)
class Event:
    """One traced event: when (guest instructions, cycles), what, why, and where (pc)."""

    instructions: int
    cycles: int
    kind: str
    reason: str
    pc: int | None


@dataclass(frozen=True)
class Result:
    """The outcome of one run."""

    workload: str
    mode: str
    profile: str
    scale: int
    instructions: int
    cycles: int
    overhead: float
    events: dict
    console: str
    equivalent: bool
    violation: str | None
    stopped: str | None
    exit_code: int
    cycles_by_event: dict = field(default_factory=dict)
    trace: list = field(default_factory=list)
    registers: tuple = ()

    def to_dict(self, *, trace: bool = False) -> dict:
        """JSON-able view (the trace only when asked for)."""
        d = asdict(self)
        d.pop("registers")
        if trace:
            d["trace"] = [asdict(e) for e in self.trace]
        else:
            d.pop("trace")
        return d


@dataclass(frozen=True)
class Comparison:
    """The same workload under several modes."""

    workload: str
    profile: str
    scale: int
    results: dict

    def to_dict(self) -> dict:
        """``{"workload", "profile", "scale", "modes": {mode: {...}}}``."""
        keys = ("instructions", "cycles", "overhead", "events", "equivalent", "console", "violation", "stopped",
                "cycles_by_event")
        return {"workload": self.workload, "profile": self.profile, "scale": self.scale,
                "modes": {m: {k: getattr(r, k) for k in keys} for m, r in self.results.items()}}


def _guest_file(*parts: str) -> str:
    return resources.files("minisim").joinpath("guest", *parts).read_text(encoding="utf-8")


def _kernel_text() -> str:
    return _guest_file("pvops.s") + _guest_file("kernel.s") + _guest_file("kmm.s")


def _defines(paravirt: bool) -> set[str]:
    return {"PARAVIRT"} if paravirt else set()


def kernel_source(paravirt: bool) -> str:
    """The kernel as built for one mode: conditionals resolved and pv-ops macros expanded."""
    return asm.expand(_kernel_text(), _defines(paravirt))


def kernel_diff() -> str:
    """Unified diff of the unmodified and the paravirtualized kernel builds."""
    return "".join(difflib.unified_diff(kernel_source(False).splitlines(True), kernel_source(True).splitlines(True),
                                        "kernel (native build)", "kernel (PARAVIRT build)", n=2))


@functools.lru_cache(maxsize=64)
def _image(workload: str | None, program: str | None, defines: frozenset[str]) -> asm.Image:
    if program is not None:
        return assemble(program, set(defines))
    text = abi.prelude() + _kernel_text() + _guest_file("lib.s") + _guest_file("workloads", f"{workload}.s")
    return asm.assemble(text, set(defines))


def _check(workload: str | None, mode: str, profile: str, scale: int, program: str | None) -> None:
    if program is None and workload not in WORKLOADS:
        raise ValueError(f"unknown workload {workload!r}; choose one of: {', '.join(WORKLOADS)}")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
    profiles.get(profile)
    if not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}")


def _execute(workload: str | None, mode: str, profile: str, scale: int, program: str | None, trace_limit: int,
             budget: int | None, kernel: str | None = None) -> tuple[Machine, str]:
    vmm = vmms.make(mode, profiles.get(profile))
    pv = vmm.uses_pv_kernel if kernel is None else kernel == "paravirt"
    defines = frozenset(_defines(pv))
    image = _image(workload, program, defines)
    if budget is None:
        budget = PROGRAM_BUDGET if program is not None else DEFAULT_BUDGET * scale
    m = Machine(vmm, budget=budget, trace_limit=trace_limit, measure_from_user=program is None)
    for a, w in image.words.items():
        m.M[a] = w
    if program is None:
        m.M[abi.BOOTINFO_SCALE] = scale
        # The boot loader's identity map: the 16 kernel tables (directory entries 0-15 of every
        # address space) map all of physical memory at the same address, kernel-only and global.
        ktab = abi.LAYOUT["KTAB"]
        m.M[ktab:ktab + 256] = [(i << 8) | 11 for i in range(256)]
    else:  # a bare-metal program: kernel mode, paging off, stack at the top of memory, r1 = scale
        m.R[1], m.R[15] = scale, isa.MEM_WORDS
    m.run(0)
    return m, "program" if program is not None else workload


def _measured(m: Machine) -> tuple[int, int, dict, dict]:
    """Instructions, cycles, events and cycles by event inside the measurement window."""
    ev = {k: ({} if k in _BY_REASON else 0) for k in EVENT_KINDS}
    ic0, cy0, ev0, ec0, miss0, refs0 = m.mark if m.mark else (0, 0, {}, {}, 0, 0)
    for k, v in m.events.items():
        if isinstance(v, dict):
            before = ev0.get(k, {})
            ev[k] = {r: n - before.get(r, 0) for r, n in sorted(v.items()) if n - before.get(r, 0)}
        else:
            ev[k] = v - ev0.get(k, 0)
    cyc = {k: v - ec0.get(k, 0) for k, v in m.event_cycles.items() if v - ec0.get(k, 0)}
    misses, refs = m.walk_counts()
    ev["tlb_miss"], ev["page_walk_refs"] = misses - miss0, refs - refs0
    walk_cycles = ev["page_walk_refs"] * m.vmm.p.walk_ref
    if walk_cycles:
        cyc["tlb_miss"] = walk_cycles
    return m.ic - ic0, m.cy - cy0 + walk_cycles, ev, dict(sorted(cyc.items()))


def _result(m: Machine, name: str, mode: str, profile: str, scale: int, base: Result | None,
            program: bool) -> Result:
    console = "".join(m.dev.console)
    regs = tuple(m.R[:13]) if program else ()
    instructions, cycles, events, by_event = _measured(m)
    if base is None:
        equivalent, overhead = m.stopped is None, 1.0
    else:
        equivalent = (m.stopped is None and console == base.console and m.exit_code == base.exit_code
                      and regs == base.registers)
        overhead = round(cycles / base.cycles, 4) if base.cycles else 0.0
    violation = None
    if not equivalent:
        violation = m.divergence or (m.stopped and f"stopped: {m.stopped}") or "console output differs from native"
    trace = [Event(*t) for t in m.trace]
    return Result(workload=name, mode=mode, profile=profile, scale=scale, instructions=instructions, cycles=cycles,
                  overhead=overhead, events=events, console=console, equivalent=equivalent, violation=violation,
                  stopped=m.stopped, exit_code=m.exit_code, cycles_by_event=by_event, trace=trace, registers=regs)


@functools.lru_cache(maxsize=32)
def _native(workload: str | None, profile: str, scale: int, program: str | None, trace_limit: int,
            budget: int | None) -> Result:
    m, name = _execute(workload, "native", profile, scale, program, trace_limit, budget)
    return _result(m, name, "native", profile, scale, None, program is not None)


def run(workload: str, mode: str, profile: str = "modern", scale: int = 1, *, program: str | None = None,
        trace_limit: int = 500, max_instructions: int | None = None, kernel: str | None = None) -> Result:
    """Run ``workload`` (or a bare-metal ``program`` source) under ``mode``; see the module docstring.

    ``kernel`` overrides which kernel build boots: "unmodified" or "paravirt" (default: the mode's own).
    """
    _check(workload, mode, profile, scale, program)
    if kernel not in (None, "unmodified", "paravirt"):
        raise ValueError(f"unknown kernel build {kernel!r}; choose unmodified or paravirt")
    base = _native(workload if program is None else None, profile, scale, program, trace_limit, max_instructions)
    if mode == "native" and kernel is None:
        return base
    m, name = _execute(workload if program is None else None, mode, profile, scale, program, trace_limit,
                       max_instructions, kernel)
    return _result(m, name, mode, profile, scale, base, program is not None)


def compare(workload: str, profile: str = "modern", scale: int = 1, modes=None) -> Comparison:
    """Run ``workload`` under every mode (or ``modes``) and collect the results."""
    modes = tuple(modes or MODES)
    results = {mode: run(workload, mode, profile, scale) for mode in modes}
    return Comparison(workload=workload, profile=profile, scale=scale, results=results)


def assemble(text: str, defines=None) -> asm.Image:
    """Assemble a bare-metal program (loaded at 0) with the guest ABI constants and pv-ops macros.

    Errors carry the line and column in ``text`` itself.
    """
    head = abi.prelude() + _guest_file("pvops.s") + ".org 0\n"
    try:
        return asm.assemble(head + text, defines)
    except asm.AsmError as e:
        offset = head.count("\n")
        raise asm.AsmError(e.message, max(1, e.line - offset), e.col) from None


def disassemble(code) -> str:
    """Disassemble an image, a dict of words or a list of words."""
    return disasm.disassemble(code)


__all__ = ["WORKLOADS", "MODES", "PROFILES", "Result", "Comparison", "Event", "run", "compare", "kernel_source",
           "kernel_diff", "assemble", "disassemble", "isa"]
