"""A guest page table beside its shadow, read from a finished shadow-paging run (trap-emulate, full, hw).

For the address space the run ended in, each user page the guest's tables map is shown with the
guest's entry (frame, flags) and the VMM's shadow entry the MMU really walks: the same frame when
the shadow is in sync, "-" when the VMM has not filled it yet (the next touch is a hidden fault),
and whether the guest table holding the entry is traced (its frame write-protected, so a write to
it enters the VMM). The run's last traced page-table write is named: its code, the guest entry it
changed (table, index, old -> new value) and the shadow entries that changed with it, which are
marked in the table when they belong to the address space shown.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass

from minisim import abi, symbols
from minisim.run import SimError

SHADOW_MODES = ("trap-emulate", "full", "hw")


@dataclass(frozen=True)
class Entry:
    """One user page: the guest's entry and the shadow's."""

    va: int
    guest_frame: int
    guest_flags: int
    shadow_frame: int | None
    shadow_flags: int | None
    traced: bool  # the guest table holding this entry is write-protected by the VMM

    @property
    def state(self) -> str:
        """in sync, not filled yet (a hidden fault on next touch), or stale (differs: a VMM bug)."""
        if self.shadow_frame is None:
            return "not filled"
        return "in sync" if self.shadow_frame == self.guest_frame else "STALE"


@dataclass(frozen=True)
class ShadowView:
    """The guest's user mappings beside the shadow's, for one address space of one run."""

    workload: str
    mode: str
    cr3: int
    entries: tuple
    last_write: str  # where the run's last traced page-table write came from, and what it changed
    changed: tuple = ()  # virtual addresses (in this address space) whose shadow entry that write changed

    def to_dict(self) -> dict:
        """JSON-able view."""
        return {
            "workload": self.workload,
            "mode": self.mode,
            "cr3": self.cr3,
            "last_write": self.last_write,
            "changed": list(self.changed),
            "entries": [asdict(e) | {"state": e.state} for e in self.entries],
        }


def view(workload: str = "fork", mode: str = "hw", profile: str = "p4-2005") -> ShadowView:
    """Run ``workload`` under a shadow-paging ``mode`` and set its last address space beside its shadow."""
    if mode not in SHADOW_MODES:
        raise SimError(f"{mode!r} keeps no shadow page tables; choose one of: {', '.join(SHADOW_MODES)}")
    run = sys.modules["minisim.run"]
    run._check(workload, mode, profile, 1, None)
    r = run._execute(workload, mode, profile, 1, None, 500, None)
    m, vmm = r.m, r.m.vmm
    shadow = vmm.shadow.get(m.cr3, {})
    entries = []
    for d in range(abi.LAYOUT["USER_VBASE"] >> 12, 64):
        pde = m.M[m.cr3 + d]
        if not pde & 1:
            continue
        table = pde & ~15
        for t in range(16):
            pte = m.M[table + t]
            if pte & 1:
                vpn = d * 16 + t
                s = shadow.get(vpn)
                entries.append(
                    Entry(
                        vpn << 8,
                        pte >> 8,
                        pte & 15,
                        None if s is None else s[0],
                        None if s is None else s[1],
                        table >> 8 in vmm.tracked,
                    )
                )
    names = symbols.of(workload, mode)
    last, changed = "none in the traced events", ()
    if vmm.last_write is not None:
        pc, pa, old, new, keys = vmm.last_write
        what = "directory" if pa & ~63 in vmm.shadow else "table"
        last = f"at {names.name(pc)} ({pc:#06x}): guest {what} entry at {pa:#06x} {old:#06x} -> {new:#06x}, " + (
            f"shadow entries changed: {', '.join(f'va {vpn << 8:#07x} of {space:#06x}' for space, vpn in keys)}"
            if keys
            else "no shadow entry changed"
        )
        changed = tuple(vpn << 8 for space, vpn in keys if space == m.cr3)
        if keys and not changed:
            last += " (in another address space)"
    return ShadowView(workload, mode, m.cr3, tuple(entries), last, changed)


def _flags(f: int | None) -> str:
    if f is None:
        return "-"
    return "".join(c if f & bit else "." for c, bit in (("P", 1), ("W", 2), ("U", 4)))


def text(v: ShadowView) -> str:
    """The two tables side by side."""
    out = [
        f"{v.workload} under {v.mode}: the guest's user mappings (address space {v.cr3:#06x}) beside the "
        f"shadow the MMU walks",
        f"{'virtual':>9}  {'guest frame':>11} {'flags':<5}  {'shadow frame':>12} "
        f"{'flags':<5}  {'state':<11} guest table",
    ]
    for e in v.entries:
        shadow = "-" if e.shadow_frame is None else f"{e.shadow_frame:#x}"
        out.append(
            f"{e.va:>#9x}  {e.guest_frame:>#11x} {_flags(e.guest_flags):<5}  {shadow:>12} "
            f"{_flags(e.shadow_flags):<5}  {e.state:<11} {'traced' if e.traced else 'not traced'}"
            + ("  <- changed by the last traced write" if e.va in v.changed else "")
        )
    filled = sum(1 for e in v.entries if e.shadow_frame is not None)
    out += [
        f"{filled} of {len(v.entries)} mapped pages have a shadow entry; the others cost a hidden fault on "
        f"their next touch. A traced table's frame is write-protected: a store to it enters the VMM.",
        f"last traced page-table write in the trace: {v.last_write}",
    ]
    return "\n".join(out)
