"""Where the cycles go: one run's cycles by event kind, and per operation.

Every row comes from the re-pricing ledger (``minisim.pricing``), so a breakdown can be drawn at
any prices and its parts always add up to the run's total: the guest instructions' own cycles
plus each kind of event's count x price. Everything is measured over the workload's own phase
(from the first entry to user mode), never the boot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from minisim import pricing

# Groups in the order a learner reads them: (group id, label, event kinds)
GROUPS = (
    ("instructions", "guest instructions", ()),
    (
        "native",
        "the machine's own (syscall, fault, interrupt entry)",
        ("syscall", "page_fault", "exception", "interrupt"),
    ),
    ("trap", "traps into the VMM", ("trap",)),
    ("vmexit", "VM exits", ("vmexit",)),
    ("hypercall", "hypercalls", ("hypercall",)),
    ("bt", "binary translation", ("bt_block", "bt_callout", "bt_inline", "bt_indirect")),
    ("shadow", "shadow page-table updates", ("shadow_update", "hidden_dirty")),
    ("walk", "page-walk references", ("tlb_miss",)),
    ("device", "device work", ("io", "io_exit", "world_switch", "host_io", "ring_notify", "blk_sectors")),
)
_GROUP_OF = {k: g for g, _, kinds in GROUPS for k in kinds}
_ITEM = {
    "bt_block": "translate a block",
    "bt_callout": "callout",
    "bt_inline": "inline",
    "bt_indirect": "indirect branch",
    "tlb_miss": "walk reference",
    "io": "register access (native)",
    "io_exit": "emulated register",
    "host_io": "backend programs the disk",
    "world_switch": "world switch to the host",
    "ring_notify": "ring notification",
    "blk_sectors": "sector transfer",
    "syscall": "system call entry",
    "page_fault": "page fault delivery",
    "exception": "exception delivery",
    "interrupt": "interrupt delivery",
    "shadow_update": "update",
    "hidden_dirty": "dirty-bit update",
}
# The operations a learner asks "how much does one cost?" about: (label, event kind in Result.events)
OPERATIONS = (("system call", "syscall"), ("page fault", "page_fault"), ("sector read", "blk_sectors"))


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a group, the item within it, how many events and their cycles."""

    group: str
    item: str
    count: int
    cycles: int
    share: float  # of the run's total cycles


@dataclass(frozen=True)
class Breakdown:
    """One run's cycles split by event kind, with per-operation figures."""

    mode: str
    cycles: int
    rows: tuple
    per_op: dict  # operation -> {"count", "cycles_per_op", "extra_per_op"}

    def groups(self) -> dict[str, int]:
        """Cycles per group id, every group present."""
        out = {g: 0 for g, _, _ in GROUPS}
        for r in self.rows:
            out[r.group] += r.cycles
        return out

    def to_dict(self) -> dict:
        """JSON-able view."""
        return {
            "mode": self.mode,
            "cycles": self.cycles,
            "groups": self.groups(),
            "rows": [asdict(r) for r in self.rows],
            "per_op": self.per_op,
        }


def _item(kind: str, detail: str) -> str:
    if kind in ("vmexit", "hypercall", "trap"):
        return detail or kind
    label = _ITEM.get(kind, kind)
    return f"{label} ({detail})" if detail and detail != "port" and kind != "shadow_update" else label


def of(result, overrides: dict[str, int] | None = None, native=None) -> Breakdown:
    """Break ``result`` down at its profile's prices with ``overrides``; ``native`` gives extra per op."""
    priced = pricing.reprice(result, overrides, native)
    counts = pricing.event_counts(result)
    total = priced.cycles or 1
    merged: dict[tuple[str, str], list[int]] = {}
    for (kind, detail), cyc in pricing.cycles_by_charge(result, overrides).items():
        key = (_GROUP_OF.get(kind, "device"), _item(kind, detail))
        cell = merged.setdefault(key, [0, 0])
        cell[0] += counts.get((kind, detail), 0)
        cell[1] += cyc
    rows = [
        Row(
            "instructions",
            f"{result.instructions:,} instructions",
            result.instructions,
            priced.fixed,
            round(priced.fixed / total, 4),
        )
    ]
    order = {g: i for i, (g, _, _) in enumerate(GROUPS)}
    for (group, item), (n, cyc) in sorted(merged.items(), key=lambda kv: (order[kv[0][0]], -kv[1][1])):
        if cyc or n:
            rows.append(Row(group, item, n, cyc, round(cyc / total, 4)))
    base = pricing.reprice(native, overrides).cycles if native is not None else None
    per_op = {}
    for label, kind in OPERATIONS:
        n = result.events.get(kind, 0)
        if n:
            per_op[label] = {
                "count": n,
                "cycles_per_op": round(priced.cycles / n),
                "extra_per_op": None if base is None else round((priced.cycles - base) / n),
            }
    return Breakdown(result.mode, priced.cycles, tuple(rows), per_op)


def of_all(results: dict, overrides: dict[str, int] | None = None) -> dict[str, Breakdown]:
    """Break every result of a comparison down (label -> Result), extra per op against its native run."""
    native = next((r for r in results.values() if r.mode == "native"), None)
    return {label: of(r, overrides, native) for label, r in results.items()}


def _cell(v: int) -> str:
    return f"{v:,}" if v else "-"


def table(bds: dict) -> str:
    """Text: rows (group, item) by columns (mode) -- where each mode's cycles go -- with per-operation figures."""
    labels = dict((g, label) for g, label, _ in GROUPS)
    modes = list(bds)
    width = max(12, *(len(m) + 2 for m in modes))
    items: dict[tuple[str, str], dict[str, int]] = {}
    for mode, b in bds.items():
        for r in b.rows:
            key = (r.group, "instructions" if r.group == "instructions" else r.item)
            items.setdefault(key, {})[mode] = items.get(key, {}).get(mode, 0) + r.cycles
    order = [g for g, _, _ in GROUPS]
    head = f"{'where the cycles go':<34}" + "".join(f"{m:>{width}}" for m in modes)
    out = [head, "-" * len(head)]
    group = None
    for (g, item), cells in sorted(items.items(), key=lambda kv: (order.index(kv[0][0]), -max(kv[1].values()))):
        if g != group and g != "instructions":
            out.append(f"{labels[g]}:")
        group = g
        name = "guest instructions" if g == "instructions" else "  " + item
        out.append(f"{name[:33]:<34}" + "".join(f"{_cell(cells.get(m, 0)):>{width}}" for m in modes))
    out.append(f"{'total':<34}" + "".join(f"{b.cycles:>{width},}" for b in bds.values()))
    ops = [op for op in ("system call", "page fault", "sector read") if any(op in b.per_op for b in bds.values())]
    for op in ops:
        for figure, what in (("cycles_per_op", f"cycles per {op}"), ("extra_per_op", f"  over native, per {op}")):
            vals = [b.per_op.get(op, {}).get(figure) for b in bds.values()]
            out.append(f"{what:<34}" + "".join(f"{'-' if v is None else f'{v:,}':>{width}}" for v in vals))
    out.append("(the workload's own phase, from its first entry to user mode: the boot is not counted;")
    out.append(" per operation = the phase's cycles / the operations in it)")
    return "\n".join(out)


# Why a group can cost a ported guest less than the native kernel (a mode faster than native).
_SAVED = {
    "instructions": "guest instructions (plain writes in place of cli/sti/popf)",
    "device": "device work (hypercalls or a ring in place of device registers)",
}
_SHORT = {"native": "interrupt and system-call entry", "walk": "page walks", "shadow": "shadow updates"}


def faster_than_native(bds: dict[str, Breakdown]) -> list[str]:
    """One line per run that shows as faster than native (below 1.00x), saying where its cycles went.

    Only a guest that runs different code can beat the machine it runs on: para's ported kernel
    (and a ring driver) does some of the native kernel's work more cheaply. The line names the
    groups it saves in and what it pays, measured from the two breakdowns.
    """
    native = next((b for b in bds.values() if b.mode == "native"), None)
    if native is None or not native.cycles:
        return []
    labels = {g: _SHORT.get(g, label) for g, label, _ in GROUPS}
    base = native.groups()
    out = []
    for name, b in bds.items():
        ratio = b.cycles / native.cycles
        if b.mode == "native" or round(ratio, 2) >= 1.0:
            continue
        delta = {g: base[g] - c for g, c in b.groups().items()}
        saved = sorted(((d, g) for g, d in delta.items() if d > 0), reverse=True)[:2]
        paid = sorted(((-d, g) for g, d in delta.items() if d < 0), reverse=True)
        text = " and ".join(f"{d:,} cycles of {_SAVED.get(g, labels[g])}" for d, g in saved)
        cost = f", more than the {sum(d for d, _ in paid):,} it adds ({', '.join(labels[g] for _, g in paid[:2])})"
        out.append(f"{name} beat native ({ratio:.2f}x): its ported guest code saves {text}" + (cost if paid else ""))
    return out
