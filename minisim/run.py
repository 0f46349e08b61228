"""The public API: build the guest, run it under a mode, and compare the modes.

``run()`` boots the guest kernel with a workload (or runs a learner's bare-metal program) under
one mode and returns a :class:`Result`: guest instructions, modeled cycles, overhead against
native, event counts by kind, console output and whether the run was *equivalent* to native.
Every count comes from executing the guest.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from typing import Any

from minisim import abi, asm, bt, disasm, equivalence, isa, pricing, profiles
from minisim import vmm as vmms
from minisim.machine import Machine
from minisim.names import WORKLOADS

MODES = vmms.MODES
PROFILES = profiles.PROFILES
DEFAULT_BUDGET = 10_000_000  # guest instructions per unit of --scale
PROGRAM_BUDGET = 2_000_000  # guest instructions for a learner's program
# Hard limits on what one run may ask for: a run of MAX_INSTRUCTIONS takes about a minute of host
# time in one mode (≈5-15 M guest instructions a second), and MAX_SCALE keeps a workload's own
# budget (DEFAULT_BUDGET x scale) within it.
MAX_INSTRUCTIONS = 200_000_000
MAX_SCALE = MAX_INSTRUCTIONS // DEFAULT_BUDGET


class SimError(ValueError):
    """A request minisim refuses (unknown name, out-of-range scale or budget): the message says why."""


# Every kind a result reports, so that JSON has the same shape in every mode.
EVENT_KINDS = (
    "trap",
    "vmexit",
    "hypercall",
    "bt_block",
    "bt_callout",
    "bt_inline",
    "shadow_update",
    "tlb_miss",
    "page_walk_refs",
    "io_exit",
    "ring_notify",
    "interrupt",
    "syscall",
    "page_fault",
    "exception",
    "io",
    "cr3_load",
    "pt_updates",
    "pt_update_rejected",
    "blk_sectors",
    "host_io",
    "world_switch",
    "hidden_dirty",
    "bt_invalidate",
    "bt_indirect",
)
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
    registers: tuple = ()  # r0-r15 at the end of the run
    status: int = 0  # STATUS at the end of the run
    state: equivalence.State | None = field(default=None, repr=False, compare=False)  # what equivalence compares
    charges: dict = field(default_factory=dict, repr=False)  # the re-pricing ledger (minisim.pricing)

    def to_dict(self, *, trace: bool = False) -> dict:
        """JSON-able view (the trace only when asked for)."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("state", "trace", "charges")}
        d["events"] = {k: dict(v) if isinstance(v, dict) else v for k, v in self.events.items()}
        d["cycles_by_event"] = dict(self.cycles_by_event)
        d["registers"] = list(self.registers)
        if trace:
            d["trace"] = [asdict(e) for e in self.trace]
        return d


RESULT_KEYS = (
    "instructions",
    "cycles",
    "overhead",
    "events",
    "equivalent",
    "console",
    "violation",
    "stopped",
    "cycles_by_event",
)
"""The fields of one mode's result that a comparison's JSON shows."""


@dataclass(frozen=True)
class Comparison:
    """The same workload under several modes."""

    workload: str
    profile: str
    scale: int
    results: dict

    def to_dict(self) -> dict:
        """``{"workload", "profile", "scale", "modes": {mode: {...}}}``."""
        return {
            "workload": self.workload,
            "profile": self.profile,
            "scale": self.scale,
            "modes": {m: {k: getattr(r, k) for k in RESULT_KEYS} for m, r in self.results.items()},
        }


@dataclass(frozen=True)
class _Run:
    """A finished machine and what it ran."""

    m: Machine
    name: str
    image: asm.Image
    pv_build: bool  # the PARAVIRT build ran
    pv_blk: bool  # the platform offered the paravirtual block ring


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
    return "".join(
        difflib.unified_diff(
            kernel_source(False).splitlines(True),
            kernel_source(True).splitlines(True),
            "kernel (native build)",
            "kernel (PARAVIRT build)",
            n=2,
        )
    )


@functools.lru_cache(maxsize=64)
def _image(workload: str | None, program: str | None, defines: frozenset[str]) -> asm.Image:
    if program is not None:
        return assemble(program, set(defines))
    text = abi.prelude() + _kernel_text() + _guest_file("lib.s") + _guest_file("workloads", f"{workload}.s")
    return asm.assemble(text, set(defines))


def _check(workload: str | None, mode: str, profile: str, scale: int, program: str | None) -> None:
    if program is None and workload not in WORKLOADS:
        raise SimError(f"unknown workload {workload!r}; choose one of: {', '.join(WORKLOADS)}")
    if mode not in MODES:
        raise SimError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
    profiles.get(profile)
    if not isinstance(scale, int) or scale < 1:
        raise SimError(f"scale must be a positive integer, got {scale!r}")
    if scale > MAX_SCALE:
        raise SimError(f"scale {scale} is above the limit of {MAX_SCALE} (work grows linearly with scale)")


def _execute(
    workload: str | None,
    mode: str,
    profile: str,
    scale: int,
    program: str | None,
    trace_limit: int,
    budget: int | None,
    kernel: str | None = None,
    vmm: Any = None,
) -> _Run:
    """Boot and run; ``vmm`` is the VMM to run under when a caller has to prepare one (default: a new
    one for ``mode``)."""
    if vmm is None:
        vmm = vmms.make(mode, pricing.symbolic(profiles.get(profile)))
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
        m.M[ktab : ktab + 256] = [(i << 8) | 11 for i in range(256)]
    else:  # a bare-metal program: kernel mode, paging off, stack at the top of memory, r1 = scale
        m.R[1], m.R[15] = scale, isa.MEM_WORDS
    m.run(0)
    return _Run(m, "program" if program is not None or workload is None else workload, image, pv, vmm.uses_pv_blk)


def _measured(m: Machine) -> tuple[int, int, dict, dict]:
    """Instructions, cycles, events and cycles by event inside the measurement window."""
    ev: dict[str, Any] = {k: ({} if k in _BY_REASON else 0) for k in EVENT_KINDS}
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
    walk_cycles = int(ev["page_walk_refs"] * m.vmm.p.walk_ref)
    if walk_cycles:
        cyc["tlb_miss"] = walk_cycles
    return m.ic - ic0, m.cy - cy0 + walk_cycles, ev, dict(sorted(cyc.items()))


def _result(run_: _Run, mode: str, profile: str, scale: int, base: Result | None) -> Result:
    m = run_.m
    console = "".join(m.dev.console)
    instructions, cycles, events, by_event = _measured(m)
    charges = events.pop(pricing.CHARGES, {})
    state = equivalence.State.of(m, run_.image, run_.pv_build, run_.pv_blk, program=run_.name == "program")
    if base is None:
        violation = m.divergence or (m.stopped and f"stopped: {m.stopped}") or None
        overhead = 1.0
    else:
        assert base.state is not None, "a native result always carries its final state"
        violation = equivalence.first_difference(base.state, state, mode)
        overhead = round(cycles / base.cycles, 4) if base.cycles else 0.0
    ic0, cy0 = m.mark[:2] if m.mark else (0, 0)  # the trace counts from the window's start, as the totals do
    trace = [Event(t[0] - ic0, t[1] - cy0, *t[2:]) for t in m.trace]
    return Result(
        workload=run_.name,
        mode=mode,
        profile=profile,
        scale=scale,
        instructions=instructions,
        cycles=cycles,
        overhead=overhead,
        events=events,
        console=console,
        equivalent=violation is None,
        violation=violation,
        stopped=m.stopped,
        exit_code=m.exit_code,
        cycles_by_event=by_event,
        trace=trace,
        registers=tuple(m.R),
        status=m.status,
        state=state,
        charges=charges,
    )


@functools.lru_cache(maxsize=32)
def _native(
    workload: str | None, profile: str, scale: int, program: str | None, trace_limit: int, budget: int | None
) -> Result:
    r = _execute(workload, "native", profile, scale, program, trace_limit, budget)
    return _result(r, "native", profile, scale, None)


def run(
    workload: str,
    mode: str,
    profile: str = "modern",
    scale: int = 1,
    *,
    program: str | None = None,
    trace_limit: int = 500,
    max_instructions: int | None = None,
    kernel: str | None = None,
) -> Result:
    """Run ``workload`` (or a bare-metal ``program`` source) under ``mode``; see the module docstring.

    ``kernel`` overrides which kernel build boots: "unmodified" or "paravirt" (default: the mode's own).
    """
    _check(workload, mode, profile, scale, program)
    if kernel not in (None, "unmodified", "paravirt"):
        raise SimError(f"unknown kernel build {kernel!r}; choose unmodified or paravirt")
    if max_instructions is not None and not 1 <= max_instructions <= MAX_INSTRUCTIONS:
        raise SimError(f"max_instructions must be between 1 and {MAX_INSTRUCTIONS:,}, got {max_instructions:,}")
    base = _native(workload if program is None else None, profile, scale, program, trace_limit, max_instructions)
    if mode == "native" and kernel is None:
        return base
    r = _execute(
        workload if program is None else None, mode, profile, scale, program, trace_limit, max_instructions, kernel
    )
    return _result(r, mode, profile, scale, base)


def translations(
    workload: str | None, profile: str = "p4-2005", scale: int = 1, *, program: str | None = None
) -> list[bt.Translation]:
    """Run ``workload`` (or a bare ``program``) under binary translation and return the translation
    cache at the end: each guest-kernel block beside its translation, in address order."""
    _check(workload, "full", profile, scale, program)
    r = _execute(workload if program is None else None, "full", profile, scale, program, 0, None)
    return sorted(r.m.vmm.tc.values(), key=lambda t: (t.vpc, t.frame))


def compare(workload: str, profile: str = "modern", scale: int = 1, modes=None) -> Comparison:
    """Run ``workload`` under every mode (or ``modes``) and collect the results."""
    modes = tuple(modes or MODES)
    results = {mode: run(workload, mode, profile, scale) for mode in modes}
    return Comparison(workload=workload, profile=profile, scale=scale, results=results)


def assemble(text: str, defines=None) -> asm.Image:
    """Assemble a bare-metal program (loaded at 0) with the guest ABI constants and pv-ops macros.

    Each pv-ops macro is padded with ``nop`` to the length of its longer build, so the program has
    the same layout with and without PARAVIRT: a para run is compared against the same addresses.
    Errors carry the line and column in ``text`` itself.
    """
    head = abi.prelude() + _guest_file("pvops.s") + ".org 0\n"
    asm.check_size(text, asm.MAX_SOURCE_BYTES - len(head))  # the learner's text, before any work
    try:
        if defines is None or isinstance(defines, (set, frozenset)):
            return asm.assemble_balanced(head + text, set(defines or ()), "PARAVIRT")
        return asm.assemble(head + text, defines)
    except asm.AsmError as e:
        offset = head.count("\n")
        raise asm.AsmError(e.message, max(1, e.line - offset), e.col) from None


def disassemble(code, effects: bool = False) -> str:
    """Disassemble an image, a dict of words or a list of words (``effects``: with each
    instruction's reads and writes from the ISA table)."""
    return disasm.disassemble(code, effects=effects)


__all__ = [
    "WORKLOADS",
    "MODES",
    "PROFILES",
    "MAX_SCALE",
    "MAX_INSTRUCTIONS",
    "SimError",
    "Result",
    "Comparison",
    "Event",
    "run",
    "compare",
    "translations",
    "kernel_source",
    "kernel_diff",
    "assemble",
    "disassemble",
    "isa",
]
