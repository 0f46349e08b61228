"""Shadow page tables, shared by the trap-and-emulate, binary-translation and first-generation VT-x VMMs.

The hardware walks tables the VMM owns; the guest's own tables are only its intent. The VMM
fills a shadow entry the first time a page is touched (a *hidden* fault the guest never sees),
write-protects every guest page-table frame it has read, and on each traced write updates the
shadow -- which is why every write to a shadowed guest page table and every CR3 load costs a trip
into the VMM.

Tracing is per guest table, as on x86 where each table is a page of its own: a write costs a trip
only while some shadow entry derives from the table (or directory) written. Here sixteen tables
share a frame, so the frame is write-protected as soon as one of them is shadowed, and the VMM
lets writes to the others through at no charge -- a child's fresh tables, filled by fork before the
child ever runs, are not yet shadowed, as a real VMM (which shadows on first use) would not trace them.
"""

from __future__ import annotations

from minisim.vmm.native import Native

FLOOD_WRITES = 3


class ShadowPaging(Native):
    """Mixin: shadow page tables; ``transition`` says how the VMM is entered (trap, callout, exit)."""

    wants_misses = True

    def __init__(self, profile) -> None:
        super().__init__(profile)
        self.shadow: dict[int, set[int]] = {}  # guest cr3 -> virtual pages with a valid shadow entry
        self.parents: dict[int, set[tuple[int, int]]] = {}  # guest table address -> {(directory, index)}
        self.flood = (-1, 0)  # (guest table last written, traced writes to it in a row)

    def transition(self, m, why: str, pc: int | None) -> None:
        """Enter the VMM and come back: a trap here; subclasses charge a callout or a VM exit instead."""
        m.event("trap", self.p.trap, pc=pc, note=why)

    def cr3_loaded(self, m) -> None:
        """Switch to (or start) the shadow of the new address space; trace its directory."""
        m.count("cr3_load")
        self.shadow.setdefault(m.cr3, set())
        self.track(m, m.cr3 >> 8)

    def track(self, m, frame: int) -> None:
        """Write-protect a frame holding guest page tables."""
        if frame not in self.tracked:
            self.tracked.add(frame)
            m.protect(frame)

    def tlb_miss(self, m, vpn: int, hit) -> None:
        """Walk the shadow; a page the shadow lacks costs a hidden fault and a fill."""
        sh = self.shadow.setdefault(m.cr3, set())
        if hit is not None and self.flood[0] in (hit[3] & ~15, m.cr3):
            self.flood = (-1, 0)  # the table is in use after all
        if hit is None or vpn in sh:
            return
        self.transition(m, "shadow_fill", None)
        m.event("shadow_update", self.p.shadow_update, note="fill")
        sh.add(vpn)
        table = hit[3] & ~15
        self.parents.setdefault(table, set()).add((m.cr3, vpn >> 4))
        self.track(m, hit[2] >> 8)
        self.track(m, table >> 8)

    def shadowed(self, pa: int) -> bool:
        """Does some shadow entry derive from the guest table or directory holding ``pa``?"""
        root = self.shadow.get(pa & ~63)
        if root:
            return True
        for d, j in self.parents.get(pa & ~15, ()):
            sh = self.shadow.get(d)
            if sh and any(v in sh for v in range(j * 16, j * 16 + 16)):
                return True
        return False

    def unshadow(self, key: int) -> None:
        """Drop every shadow entry derived from the guest table (or directory) at ``key``."""
        if key in self.shadow:
            self.shadow[key].clear()
            return
        for d, j in self.parents.get(key, ()):
            self.shadow.get(d, set()).difference_update(range(j * 16, j * 16 + 16))

    def pt_write(self, m, pa: int, val: int, pc: int) -> None:
        """A write to a guest table in a traced frame: if that table is shadowed, enter the VMM and
        update (here: drop) the shadow entries it backs; a table nothing derives from is not traced."""
        if not self.shadowed(pa):
            return
        self.transition(m, "pt_write", pc)
        m.event("shadow_update", self.p.shadow_update, pc=pc, note="pte write")
        key = pa & ~63 if pa & ~63 in self.shadow else pa & ~15
        n = self.flood[1] + 1 if self.flood[0] == key else 1
        self.flood = (key, n)
        if n >= FLOOD_WRITES:  # written again and again, never used: stop shadowing (and tracing) it
            self.unshadow(key)
            self.flood = (-1, 0)
        for d, j in self.parents.get(pa & ~15, ()):
            self.shadow.get(d, set()).discard(j * 16 + (pa & 15))
        sh = self.shadow.get(pa & ~63)
        if sh:
            j = pa & 63
            sh.difference_update(range(j * 16, j * 16 + 16))
