"""Shadow page tables, shared by the trap-and-emulate, binary-translation and first-generation VT-x VMMs.

The MMU walks tables the VMM owns (``shadow``: per guest address space, virtual page -> frame and
flags); the guest's own tables are only its intent. The VMM fills a shadow entry the first time a
page is touched (a *hidden* fault the guest never sees), write-protects the guest page tables it has
shadowed, and on each traced write brings the shadow up to date -- which is why writes to shadowed
guest page tables and CR3 loads cost a trip into the VMM. A shadow the VMM forgets to update is
stale, and the guest then really reads and writes the wrong page.

Tracing is per guest table, as on x86 where each table is a page of its own (here sixteen tables
share a frame: the frame is protected, and the VMM lets writes to unshadowed tables in it pass at no
charge). A table is shadowed from the first fill through it until the directory entry linking it
changes, or until the guest floods it: ``FLOOD_WRITES`` traced writes in a row with no use in
between zap its shadow, so the rest go through natively -- KVM's "page table write flood
protection" (Kivity, 2007: "in fork() ... we can experience floods of writes to a page"; threshold 3).
A child's fresh tables, filled by fork before the child runs, are therefore not traced; the
exiting child's shadowed ones are, until the flood detector gives up on them.
"""

from __future__ import annotations

from minisim import isa
from minisim.mmu import G, P, W
from minisim.vmm.native import Native

FLOOD_WRITES = 3  # KVM's threshold (drivers/kvm/mmu.c, 2007)


class ShadowPaging(Native):
    """Mixin: shadow page tables; ``transition`` says how the VMM is entered (trap, callout, exit)."""

    wants_misses = True
    DIRTY_BITS = isa.PTE_A | isa.PTE_D  # what a dirty-bit fault sets in the guest's entry

    def __init__(self, profile) -> None:
        super().__init__(profile)
        # guest cr3 -> the shadow table the MMU walks for it: virtual page -> (frame, flags)
        self.shadow: dict[int, dict[int, tuple[int, int]]] = {}
        self.parents: dict[int, set[tuple[int, int]]] = {}  # guest table address -> {(directory, index)}
        self.flood = (-1, 0)  # (guest table last written, traced writes to it in a row)
        # the last traced page-table write, for the views: (pc, address, old, new, ((space, vpn), ...) changed)
        self.last_write: tuple | None = None
        self.last_fill: tuple[int, int] | None = None  # (cr3, vpn) of the latest hidden fill

    def transition(self, m, why: str, pc: int | None) -> None:
        """Enter the VMM and come back: a trap here; subclasses charge a callout or a VM exit instead."""
        m.event("trap", self.p.trap, pc=pc, note=why)

    def update_price(self, why: str) -> int:
        """Cycles for the shadow update itself, beyond the transition's price (0 where the measured
        total a transition is priced from already includes the update)."""
        return self.p.shadow_update

    def cr3_loaded(self, m) -> None:
        """Switch to (or start) the shadow of the new address space; trace its directory."""
        m.count("cr3_load")
        self.shadow.setdefault(m.cr3, {})
        self.track(m, m.cr3 >> 8)

    def track(self, m, frame: int) -> None:
        """Write-protect a frame holding guest page tables."""
        if frame not in self.tracked:
            self.tracked.add(frame)
            m.protect(frame)

    def tlb_miss(self, m, vpn: int, hit):
        """The MMU walks the shadow table; a page it lacks is a hidden fault: the VMM takes the guest
        walk's result (``hit``), fills the shadow entry, and the MMU uses it. Returns the entry the
        MMU installs, or None when the guest's own tables have no mapping (a true guest fault)."""
        sh = self.shadow.get(m.cr3)
        if sh is None:
            sh = self.shadow[m.cr3] = {}
        if hit is not None and self.flood[0] in (hit[3] & ~15, m.cr3):
            self.flood = (-1, 0)  # the table is in use after all
        e = sh.get(vpn)
        if e is not None or hit is None:
            return e
        self.transition(m, "shadow_fill", None)
        mark = len(m.trace)
        m.event("shadow_update", self.update_price("shadow_fill"), note="fill")
        e = sh[vpn] = self.fill_entry(m, vpn, hit)
        table = hit[3] & ~15
        if len(m.trace) > mark:  # the trace line names the entry filled (the ledger keeps the short note)
            _annotate(m, f"fill: va {vpn << 8:#07x} -> shadow {_entry(e)} (guest table {table:#06x}[{vpn & 15}])")
        self.parents.setdefault(table, set()).add((m.cr3, vpn >> 4))
        self.track(m, hit[2] >> 8)
        self.track(m, table >> 8)
        return e

    def drop(self, directory: int, vpns) -> None:
        """Drop shadow entries of one address space."""
        sh = self.shadow.get(directory)
        if sh:
            for v in vpns:
                sh.pop(v, None)

    def unshadow(self, key: int) -> None:
        """Zap the shadow of the guest table (or directory) at ``key``: its writes are no longer traced."""
        if key in self.shadow:
            del self.shadow[key]  # rebuilt when the directory is next used
            for links in self.parents.values():
                links.difference_update({link for link in links if link[0] == key})
            return
        for d, j in self.parents.pop(key, ()):
            self.drop(d, range(j * 16, j * 16 + 16))

    def sync_entry(self, m, directory: int, j: int, slot: int, val: int) -> None:
        """A traced write of ``val`` to entry ``slot`` of the table linked at ``directory[j]``: update
        the shadow entry in place (KVM's mmu_pte_write) when the new entry maps a page, else drop it."""
        pde = m.M[(directory + j) & 0xFFFF]
        sh = self.shadow.get(directory)
        if sh is None:
            return
        vpn = j * 16 + slot
        if val & pde & P and val < isa.MEM_WORDS:
            sh[vpn] = self.clean_entry(val >> 8, (val & pde & 7) | (val & G), val)
        else:
            sh.pop(vpn, None)

    def pt_write(self, m, pa: int, val: int, pc: int) -> None:
        """A store to a traced frame: if it hits a shadowed guest table, enter the VMM and bring the
        shadow entries it backs up to date. A directory entry that changes drops the 16 entries of the
        table it linked (and unlinks that table)."""
        root, table = pa & ~63, pa & ~15
        traced = m.tracing
        if traced:  # for the trace line: the guest entry and the shadow entries as they were
            old, links = m.M[pa], sorted(self.parents.get(table, ()))
            before = self._entries(root, pa, links)
        if root in self.shadow:
            key, j = root, pa & 63
            self.drop(root, range(j * 16, j * 16 + 16))
            self.parents.get(m.M[pa] & ~15, set()).discard((root, j))
        elif self.parents.get(table):
            key = table
            for d, j in self.parents[table]:
                self.sync_entry(m, d, j, pa & 15, val)
        else:
            return  # no shadow derives from this table: not traced
        self.transition(m, "pt_write", pc)
        mark = len(m.trace)
        m.event("shadow_update", self.update_price("pt_write"), pc=pc, note="pte write")
        if traced:
            after = self._entries(root, pa, links)
            changed = tuple(k for k in before if before[k] != after.get(k))
            self.last_write = (pc, pa, old, val, changed)
            if len(m.trace) > mark:
                _annotate(m, _write_note(root in self.shadow, pa, old, val, before, after))
        n = self.flood[1] + 1 if self.flood[0] == key else 1
        self.flood = (key, n)
        if n >= FLOOD_WRITES:  # written again and again, never used: stop shadowing (and tracing) it
            self.unshadow(key)
            self.flood = (-1, 0)
            if traced and len(m.trace) > mark:  # the trace says why this table's writes stop reaching the VMM
                t = m.trace[-1]
                _annotate(m, f"{t[3]}; flood: {n} writes in a row, unused: {key:#06x} unshadowed, no longer traced")

    def _entries(self, root: int, pa: int, links) -> dict:
        """The shadow entries a write at ``pa`` can change, (space, vpn) -> entry (trace lines only)."""
        if root in self.shadow:  # a directory entry: the 16 pages its table maps
            j = pa & 63
            sh = self.shadow[root]
            return {(root, v): sh[v] for v in range(j * 16, j * 16 + 16) if v in sh}
        return {(d, j * 16 + (pa & 15)): self.shadow.get(d, {}).get(j * 16 + (pa & 15)) for d, j in links}

    # -- dirty bits: a clean page is mapped read-only in the shadow until its first write
    @staticmethod
    def clean_entry(frame: int, flags: int, guest_pte: int) -> tuple[int, int]:
        """The shadow entry for a guest entry: as the guest's, except that a writable page whose
        guest entry is still clean (D clear) is mapped read-only, so that its first write faults
        into the VMM, which can then set D in the guest's entry (the hardware sets D only in the
        shadow entry it walks, which the guest never reads)."""
        if flags & W and not guest_pte & isa.PTE_D:
            return frame, flags & ~W
        return frame, flags

    def fill_entry(self, m, vpn: int, hit) -> tuple[int, int]:
        """A hidden fill's new shadow entry (``hit``: the guest walk's frame, flags, and the
        addresses of its directory and table entries)."""
        self.last_fill = (m.cr3, vpn)
        return self.clean_entry(hit[0], hit[1], m.M[hit[3] & 0xFFFF])

    def dirty_fault(self, m, vpn: int, e: tuple[int, int], pc: int, fresh: bool) -> tuple[int, int] | None:
        """A write through the read-only shadow entry ``e`` of a page the guest maps writable: a
        hidden fault. The VMM sets A and D in the guest's entry, makes the shadow entry writable
        and returns it (the write then proceeds). None when the guest's own tables forbid the
        write: the fault is the guest's. ``fresh``: the entry was filled by this same access, so
        a real VMM handles both in one hidden fault (a write fill maps the page writable at once)."""
        pde = m.M[(m.cr3 + (vpn >> 4)) & 0xFFFF]
        if vpn >= 1024 or not pde & P:
            return None
        pte = m.M[((pde & ~15) + (vpn & 15)) & 0xFFFF]
        if not pte & pde & P or not pte & pde & W or pte >> 8 != e[0]:
            return None
        charged = not (fresh and self.last_fill == (m.cr3, vpn))
        self.last_fill = None
        m.set_ad(vpn, self.DIRTY_BITS)
        e = (e[0], e[1] | W)
        sh = self.shadow.get(m.cr3)
        if sh is not None and vpn in sh:
            sh[vpn] = e
        if charged:
            self.transition(m, "hidden_dirty", pc)
            m.event("hidden_dirty", self.update_price("hidden_dirty"), pc=pc, note="set D in the guest's entry")
        return e


def _entry(e) -> str:
    """A shadow entry as ``frame FLAGS`` (or "-" when there is none)."""
    if e is None:
        return "-"
    return f"{e[0]:#x} " + "".join(c if e[1] & b else "." for c, b in (("P", 1), ("W", 2), ("U", 4)))


def _annotate(m, text: str) -> None:
    """Replace the reason on the trace line the last event wrote with ``text``."""
    t = m.trace[-1]
    m.trace[-1] = (*t[:3], text, *t[4:])


def _write_note(directory: bool, pa: int, old: int, new: int, before: dict, after: dict) -> str:
    """The trace line of a traced page-table write: the guest entry old -> new, then each shadow entry
    it changed (address space, virtual address, old -> new)."""
    what = "directory" if directory else "table"
    base, i = (pa & ~63, pa & 63) if directory else (pa & ~15, pa & 15)
    head = f"pte write: guest {what} {base:#06x}[{i}] {old:#06x} -> {new:#06x}"
    changed = [
        f"{space:#06x} va {vpn << 8:#07x} {_entry(e)} -> {_entry(after.get((space, vpn)))}"
        for (space, vpn), e in before.items()
        if e != after.get((space, vpn))
    ]
    return head + "; shadow " + ("; ".join(changed) if changed else "unchanged")
