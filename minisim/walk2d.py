"""One TLB miss's two-dimensional walk, step by step, read from a finished hw-ept run.

Under nested paging (EPT/NPT) every guest-physical address a TLB miss touches -- the guest's
directory, its table, and finally the page -- must itself be translated through the hypervisor's
nested tables. With the guest's 2 levels and the host's 2 that is (2+1)(2+1)-1 = 8 memory
references, numbered here in the order the hardware reads them; natively, or through the VMM's
shadow tables, the same miss reads the 2 guest levels only. The walk is done on the run's own
guest tables (the last address space it used) and its own nested tables.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from typing import Any

from minisim import abi, isa, pwc
from minisim.run import SimError
from minisim.vmm.hw import HOST_LEVELS
from minisim.vmm.native import GUEST_LEVELS


@dataclass(frozen=True)
class Ref:
    """One memory reference of the walk: its number, which dimension, what it reads, where and what it found."""

    n: int
    dimension: str  # "guest" (the guest's own table) or "nested" (the hypervisor's)
    reads: str
    address: int
    value: int


@dataclass(frozen=True)
class Walk:
    """A TLB miss for ``va`` under hw-ept: every reference, and the counts to compare."""

    workload: str
    va: int
    host_pa: int
    refs: tuple
    formula: int  # (n+1)(m+1)-1
    one_dimensional: int  # references natively or with shadow tables
    measured_per_miss: float  # the run's page-walk references / TLB misses
    cache: Any = None  # the page-walk cache model's counts over the same run (a minisim.pwc.WalkCache)
    skipped: tuple = ()  # numbers of the references the page-walk cache, warm at the run's end, would save

    def to_dict(self) -> dict:
        """JSON-able view."""
        d = asdict(self)
        d["refs"] = [asdict(r) for r in self.refs]
        d["cache"] = self.cache.to_dict() if self.cache is not None else None
        return d


def _first_user_va(m) -> int:
    """The first present user page in the address space the run ended in."""
    for d in range(abi.LAYOUT["USER_VBASE"] >> 12, 64):
        pde = m.M[m.cr3 + d]
        if pde & 1:
            for t in range(16):
                if m.M[(pde & ~15) + t] & 1:
                    return (d << 12) | (t << 8)
    raise SimError("the run ended in an address space with no user page mapped")


def walk(workload: str = "tlb", va: int | None = None, profile: str = "p4-2005") -> Walk:
    """Run ``workload`` under hw-ept and walk ``va`` (default: its first user page) in two dimensions."""
    run = sys.modules["minisim.run"]
    run._check(workload, "hw-ept", profile, 1, None)
    vmm, cache = pwc.watched_vmm(profile)
    r = run._execute(workload, "hw-ept", profile, 1, None, 0, None, vmm=vmm)
    m, ept = r.m, r.m.vmm.ept
    if va is None:
        va = _first_user_va(m)
    if not 0 <= va < 1 << isa.VA_BITS:
        raise SimError(f"virtual address {va:#x} is outside the {isa.VA_BITS}-bit address space")
    refs: list[Ref] = []

    def nested(gpa: int, what: str) -> int:
        gfn = (gpa >> 8) & 0xFF
        refs.append(Ref(len(refs) + 1, "nested", f"EPT directory entry for {what}", gfn >> 4, gfn >> 4))
        host = ept.get(gfn >> 4, {}).get(gfn & 15)
        if host is None:
            raise SimError(f"guest-physical frame {gfn:#x} is not in the nested tables (an EPT violation)")
        refs.append(Ref(len(refs) + 1, "nested", f"EPT table entry for {what}", gfn, host))
        return (host << 8) | (gpa & 255)

    gcr3 = m.cr3
    dir_host = nested(gcr3, f"the guest directory (gPA {gcr3:#06x})")
    pde_at_gpa = gcr3 + (va >> 12)  # what the hardware translates: the entry's guest-physical address
    pde_at = dir_host + (va >> 12)
    pde = m.M[pde_at]
    refs.append(Ref(len(refs) + 1, "guest", f"guest directory entry {va >> 12}", pde_at, pde))
    if not pde & 1:
        raise SimError(f"{va:#x} is not mapped in the run's last address space (directory entry not present)")
    table_host = nested(pde & ~15, f"the guest table (gPA {pde & ~15:#06x})")
    pte_at = table_host + ((va >> 8) & 15)
    pte = m.M[pte_at]
    refs.append(Ref(len(refs) + 1, "guest", f"guest table entry {(va >> 8) & 15}", pte_at, pte))
    if not pte & 1:
        raise SimError(f"{va:#x} is not mapped in the run's last address space (table entry not present)")
    page = ((pte >> 8) << 8) | (va & 255)
    host_pa = nested(page, f"the page (gPA {page:#06x})")
    misses, total = m.walk_counts()
    return Walk(
        workload,
        va,
        host_pa,
        tuple(refs),
        (GUEST_LEVELS + 1) * (HOST_LEVELS + 1) - 1,
        GUEST_LEVELS,
        round(total / misses, 2) if misses else 0.0,
        cache,
        tuple(sorted(cache.skipped(gcr3, (pde_at_gpa, (pde & ~15) + ((va >> 8) & 15), page)))),
    )


def text(w: Walk) -> str:
    """The walk as numbered lines."""
    out = [
        f"one TLB miss for virtual address {w.va:#07x} under hw-ept ({w.workload}): a two-dimensional walk",
        f"{'#':>3}  {'dimension':<9} {'reads':<52} {'at':>8} {'found':>10}",
        "     (a guest reference is at a host-physical address; a nested one at an EPT slot, and it finds the "
        "next slot or the host frame)",
    ]
    for r in w.refs:
        saved = "  (cached)" if r.n in w.skipped else ""
        out.append(f"{r.n:>3}  {r.dimension:<9} {r.reads:<52} {r.address:>#8x} {r.value:>#10x}{saved}")
    out += [
        f"-> host-physical address {w.host_pa:#07x}",
        f"{len(w.refs)} references = (n+1)(m+1)-1 with n={GUEST_LEVELS} guest and m={HOST_LEVELS} host levels "
        f"({w.formula}); natively or through shadow tables the same miss reads {w.one_dimensional}. "
        f"The whole run averaged {w.measured_per_miss} references a miss (24 against 4 on x86-64's 4+4 levels).",
    ]
    if w.cache is not None:
        out += [
            f"(cached): a reference the page-walk cache below, warm at the end of the run, would save on this "
            f"miss -- {len(w.skipped)} of {len(w.refs)}",
            "",
            pwc.text(w.cache, w.workload),
        ]
    return "\n".join(out)
