"""A timeline of one operation -- a system call, a page fault, a sector read -- under one mode.

The run's trace (events in order, with instruction and cycle stamps counted from the workload's
start) is cut at each occurrence of the operation: one *period* runs from the moment one
operation's entry has been charged to the moment the next one's has, so it holds everything one
operation costs in steady state -- the guest's instructions, the VMM's events and the next entry.
The typical (median) period is shown, with each event's cycles since the previous line and the
guest code it came from (``label+offset`` from the guest's assembly).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from minisim import symbols
from minisim.run import SimError, run

TRACE = 4000  # events traced per run: enough periods to take a median from
# operation -> (label, workload, test that an event starts a period)


def _is_sector(e, where: str) -> bool:
    return (
        where == "blk_one+1"
        or (e.kind == "hypercall" and e.reason == "evtchn_send")
        or (e.kind == "io_exit" and where.startswith("blk_queue"))
        or (e.kind == "vmexit" and where.startswith("blk_queue"))
    )


OPERATIONS = {
    "syscall": ("system call", "syscall", lambda e, where: e.kind == "syscall"),
    "pagefault": ("page fault", "pagefault", lambda e, where: e.kind == "page_fault"),
    "sector": ("sector read", "io", _is_sector),
}


@dataclass(frozen=True)
class Step:
    """One event of a period: cycles since the period began and since the previous line, and where."""

    cycles: int
    delta: int
    instructions: int
    kind: str
    reason: str
    pc: int | None
    symbol: str


@dataclass(frozen=True)
class Timeline:
    """The typical period of one operation under one mode."""

    operation: str
    mode: str
    workload: str
    profile: str
    cycles: int
    instructions: int
    sectors: int  # sector reads in the period (a paravirtual ring kick carries several)
    periods: int  # complete periods in the trace
    steps: tuple

    def to_dict(self) -> dict:
        """JSON-able view."""
        d = asdict(self)
        d["steps"] = [asdict(s) for s in self.steps]
        return d


def of(operation: str, mode: str, profile: str = "p4-2005") -> Timeline:
    """The typical period of ``operation`` (a key of OPERATIONS) under ``mode``."""
    if operation not in OPERATIONS:
        raise SimError(f"unknown operation {operation!r}; choose one of: {', '.join(OPERATIONS)}")
    label, workload, starts = OPERATIONS[operation]
    r = run(workload, mode, profile, trace_limit=TRACE)
    names = symbols.of(workload, mode)
    trace = [(e, names.name(e.pc)) for e in r.trace]
    cuts: list[int] = []
    for i, (e, where) in enumerate(trace):  # (events of one instruction -- a trap and its device access -- cut once)
        if starts(e, where) and not (cuts and cuts[-1] == i - 1 and trace[i - 1][0].instructions == e.instructions):
            cuts.append(i)
    spans = list(zip(cuts, cuts[1:], strict=False))[1:]  # the first period still warms up the caches
    if not spans:
        raise SimError(f"{workload} under {mode} traced fewer than three {label}s")
    spans.sort(key=lambda ab: trace[ab[1]][0].cycles - trace[ab[0]][0].cycles)
    a, b = spans[len(spans) // 2]
    start, prev = trace[a][0], trace[a][0].cycles
    steps = []
    for e, where in trace[a + 1 : b + 1]:
        steps.append(
            Step(
                e.cycles - start.cycles,
                e.cycles - prev,
                e.instructions - start.instructions,
                e.kind,
                e.reason,
                e.pc,
                where,
            )
        )
        prev = e.cycles
    end = trace[b][0]
    sectors = sum(1 for e, _ in trace[a + 1 : b + 1] if e.kind == "host_io") or 1
    return Timeline(
        label,
        mode,
        workload,
        profile,
        end.cycles - start.cycles,
        end.instructions - start.instructions,
        sectors if operation == "sector" else 0,
        len(spans),
        tuple(steps),
    )


def text(tls: list) -> str:
    """Each mode's typical period: its events in order, cycles since the period began and since the line before."""
    first = tls[0]
    out = [
        f"one {first.operation} under each mode ({first.workload} workload, {first.profile}): from one "
        f"{first.operation}'s entry to the next's, the typical (median) period of those traced"
    ]
    for t in tls:
        per = f", {t.sectors} sectors: {t.cycles // t.sectors:,} a sector" if t.sectors > 1 else ""
        out += ["", f"{t.mode}: {t.cycles:,} cycles, {t.instructions:,} guest instructions{per}"]
        out.append(f"  {'at cycle':>10} {'+cycles':>9}  {'event':<14} {'reason':<30} where")
        for s in t.steps:
            out.append(f"  {s.cycles:>10,} {s.delta:>+9,}  {s.kind:<14} {s.reason[:30]:<30} {s.symbol}")
    out += ["", "(+cycles: since the line before -- the guest's own instructions in between and this event's price)"]
    return "\n".join(out)
