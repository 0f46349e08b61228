"""The MMU half of the machine: TLB fill and replacement, write protection, and the slow paths
compiled blocks call on a TLB miss or a protected store.

Translation goes through a small FIFO TLB, exposed to compiled blocks as four dicts
(kernel/user x read/write) from virtual page to frame base. Frames that must not be written
directly -- frames holding compiled code, and guest page tables a shadow-paging VMM traces --
never enter the write dicts, so stores to them take the slow path.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from minisim import isa
from minisim.faults import Fault, Resume

if TYPE_CHECKING:  # the machine's state, declared for mypy; at run time the base is object
    from minisim.machine_decl import MachineDecl as _Machine
else:
    _Machine = object

STORE_SW, STORE_PUSH = 1, 2  # kinds of in-block store (see wslow)
P, W, U, G = 1, 2, 4, 8  # G: a global page, kept across page-table-base loads (x86's PGE)
# module constants: one lookup, not two
_PAGING, _KMODE, _MEM_WORDS = isa.PAGING, isa.KMODE, isa.MEM_WORDS
_A, _AD = isa.PTE_A, isa.PTE_A | isa.PTE_D


class MMU(_Machine):
    """Mixin for :class:`minisim.machine.Machine` (whose ``__init__`` creates the state used here)."""

    __slots__ = ()

    def tlb_flush(self, keep_global: bool = False) -> None:
        """Drop TLB entries -- all, or all but global pages (a page-table-base load).

        The dicts are changed in place: running blocks hold references to them.
        """
        if not keep_global:
            self.tlb.clear()
            self.fifo.clear()
            for d in (*self.tlb_dicts, *self.vcaches):
                d.clear()
            self.vc_local.clear()
            return
        tlb = self.tlb
        local = [v for v, e in tlb.items() if not e[1] & G]
        if local:
            for vpn in local:
                del tlb[vpn]
                self.kr.pop(vpn, None)
                self.kw.pop(vpn, None)
                self.ur.pop(vpn, None)
                self.uw.pop(vpn, None)
            self.fifo: deque[int] = deque(tlb)  # the dict's order is the FIFO order
        self.vcaches[0].clear()
        if self.vc_local:
            kvc = self.vcaches[1]
            for pc in self.vc_local:
                kvc.pop(pc, None)
            self.vc_local.clear()

    def tlb_drop(self, vpn: int) -> None:
        """Drop one TLB entry."""
        if self.tlb.pop(vpn, None) is not None:
            self.fifo.remove(vpn)
            for d in self.tlb_dicts:
                d.pop(vpn, None)
        if vpn in self.code_vpns:  # only a page blocks were found through can make them stale
            for vc in self.vcaches:
                vc.clear()
            self.code_vpns.clear()

    def protect(self, frame: int) -> None:
        """Make stores to ``frame`` take the slow path."""
        if frame not in self.protected:
            self.protected.add(frame)
            base = frame << 8
            for d in (self.kw, self.uw):
                for vpn in [v for v, f in d.items() if f == base]:
                    del d[vpn]

    def unprotect(self, frame: int) -> None:
        """Let stores to ``frame`` go direct again (entries refill on the next miss)."""
        self.protected.discard(frame)

    def fill(self, va: int, write: bool, pc: int) -> int:
        """Translate ``va`` for the current mode on a TLB miss; return the frame base or raise Fault."""
        vpn = va >> 8
        tlb = self.tlb
        e = tlb.get(vpn)
        missed = e is None
        if e is None:
            if self.status & isa.PAGING:
                # The walk, inline: directory entry, then table entry (both must be present).
                hit = None
                levels = 0  # guest table levels the walk read
                if vpn < 1024:
                    pde_a = self.cr3 + (vpn >> 4)
                    pde = self.M[pde_a & 0xFFFF]
                    levels = 1
                    if pde & P:
                        pte_a = (pde & ~15) + (vpn & 15)
                        pte = self.M[pte_a & 0xFFFF]
                        levels = 2
                        if pte & P and pte < isa.MEM_WORDS:
                            hit = (pte >> 8, (pte & pde & 7) | (pte & G), pde_a, pte_a)
                self.misses += 1
                self.refs += self.walk_refs[levels * 2 + (hit is not None)]
                if hit is not None and not self.M[hit[3] & 0xFFFF] & isa.PTE_A:
                    self.set_ad(vpn, isa.PTE_A)
                if self.nested_hook and levels:  # EPT: each guest-physical address read, then the page's
                    gpas = (pde_a, (pde & ~15) + (vpn & 15), hit[0] << 8 if hit else 0)
                    self.refs += self.vmm.nested_walk(self, gpas[: levels + (hit is not None)])
                # shadow paging: the MMU walks the VMM's table (filled from this walk), not the guest's
                e = self.vmm.tlb_miss(self, vpn, hit) if self.miss_hook else hit and (hit[0], hit[1])
                if e is None:
                    raise Fault(isa.CAUSE_PAGE_FAULT | (write << 4), va, pc)
            elif vpn < isa.MEM_WORDS >> 8:
                e = (vpn, P | W | U)
            else:
                raise Fault(isa.CAUSE_PAGE_FAULT | (write << 4), va, pc)
            self.install(vpn, e)
        frame, flags = e
        kernel = self.status & isa.KMODE
        if (not kernel and not flags & U) or (write and not flags & W):
            # Under shadow paging a write to a clean page faults into the VMM, which sets the guest's
            # D bit and makes the shadow entry writable (a hidden fault); any other is the guest's.
            d = None
            if self.miss_hook and write and (kernel or flags & U):
                d = self.vmm.dirty_fault(self, vpn, e, pc, missed)
            if d is None:
                raise Fault(isa.CAUSE_PAGE_FAULT | (write << 4) | 8, va, pc)
            e = tlb[vpn] = d
            frame, flags = e
        if write and self.status & isa.PAGING and not self.miss_hook:
            self.set_ad(vpn, _AD)  # the first write through this translation: set the dirty bit
        # Entries enter the current mode's read or write dict lazily, on the first such access.
        base = frame << 8
        if not write:
            self.rt[vpn] = base
        elif frame not in self.protected:
            self.wt[vpn] = base
        return base

    def install(self, vpn: int, e: tuple[int, int]) -> None:
        """Put a translation in the TLB, evicting the oldest entry when it is full."""
        tlb = self.tlb
        if len(tlb) >= self.tlb_entries:
            self.evict()
        tlb[vpn] = e
        self.fifo.append(vpn)

    def evict(self) -> None:
        """Drop the oldest TLB entry (FIFO replacement)."""
        old = self.fifo.popleft()
        del self.tlb[old]
        for d in self.tlb_dicts:
            if old in d:  # membership first: an entry usually sits in one or two of the four
                del d[old]

    def rmiss(self, va: int, pc: int, idx: int) -> int:
        """Load slow path (called by compiled blocks).

        The common miss -- paging on, both levels present, the access allowed -- is walked, counted
        and installed here without the general ``fill``, and with ``install`` and ``evict`` written
        out inline: the TLB workload takes one every seven instructions, and on this path each
        interpreter step shows (about 12 ns here). A shadow-paging VMM still sees every walk.
        """
        self.fidx = idx
        vpn = va >> 8
        status = self.status
        tlb = self.tlb
        if not status & _PAGING or vpn >= 1024 or vpn in tlb:
            return self.fill(va, False, pc)
        M = self.M
        pde_a = self.cr3 + (vpn >> 4)
        pde = M[pde_a & 0xFFFF]
        pte_a = (pde & -16) + (vpn & 15)  # harmless when the directory entry is absent
        pte = M[pte_a & 0xFFFF]
        flags = (pte & pde & 7) | (pte & G)
        if not pte & pde & P or pte >= _MEM_WORDS or not (status & _KMODE or flags & U):
            return self.fill(va, False, pc)
        frame = pte >> 8
        if not pte & _A:
            self.set_ad(vpn, _A)
        if self.nested_hook:  # EPT: the directory entry, the table entry and the page, each nested
            self.refs += self.vmm.nested_walk(self, (pde_a, pte_a, pte & 0xFF00))
        if self.miss_hook:  # as in fill(): the MMU walks the VMM's shadow table, filled from this walk
            frame, flags = self.vmm.tlb_miss(self, vpn, (frame, flags, pde_a, pte_a))
            if not (status & _KMODE or flags & U):
                return self.fill(va, False, pc)
        self.fast_misses += 1  # a complete two-level walk: see walk_counts()
        if len(tlb) >= self.tlb_entries:  # evict(), inline
            old = self.fifo.popleft()
            del tlb[old]
            # Unrolled on purpose: a loop over the four dicts costs 7% of this path.
            kr, kw, ur, uw = self.tlb_dicts
            if old in kr:
                del kr[old]
            if old in kw:
                del kw[old]
            if old in ur:
                del ur[old]
            if old in uw:
                del uw[old]
        tlb[vpn] = (frame, flags)
        self.fifo.append(vpn)
        base = frame << 8
        self.rt[vpn] = base
        return base

    def set_ad(self, vpn: int, bits: int) -> None:
        """Set accessed/dirty ``bits`` in the guest's entry for ``vpn`` (the MMU's own write). Under
        shadow paging this is the VMM reflecting the shadow entry's bits back into the guest's."""
        pde = self.M[(self.cr3 + (vpn >> 4)) & 0xFFFF]
        if vpn < 1024 and pde & P:
            pte_a = ((pde & ~15) + (vpn & 15)) & 0xFFFF
            if ~self.M[pte_a] & bits:
                self.phys_write(pte_a, self.M[pte_a] | bits)

    def walk_counts(self) -> tuple[int, int]:
        """(TLB misses, page-walk memory references) so far: the general path's counters plus the
        complete walks ``rmiss`` only counted."""
        n = self.fast_misses
        return self.misses + n, self.refs + n * self.full_walk_refs

    def wslow(self, va: int, val: int, pc: int, idx: int) -> int:
        """Store slow path: TLB miss, protected frame (traced page table, code) or permission fault.

        ``idx`` is the store's index in its compiled block, plus ``STORE_SW << 8`` or ``STORE_PUSH << 8``
        when the block goes on after it (so a write to the block's own code must end the block).

        Returns the frame base the caller should store to: the real one, or -- when this method had
        to perform the store itself -- the scratch frame past the end of memory.
        """
        kind, idx = idx >> 8, idx & 255
        self.fidx = idx
        base = self.fill(va, True, pc)
        frame = base >> 8
        if frame in self.protected:
            pa = base | (va & 255)
            if frame in self.vmm.tracked:
                self.vmm.pt_write(self, pa, val, pc)
            self.M[pa] = val
            if self.code_written(frame) and kind and self.rt.get(pc >> 8, base) == base:
                # the running block may hold a stale copy of what was just written: end it here
                self.fidx = idx + 1
                raise Resume(pc + 1, kind == STORE_PUSH)
            return isa.MEM_WORDS
        return base

    def code_written(self, frame: int) -> bool:
        """Invalidate blocks compiled from ``frame`` after a write to it; True if there were any."""
        keys = self.code_keys.pop(frame, None)
        if keys:
            for d in self.vcaches:
                d.clear()
            for k, key in keys:
                self.caches[k].pop(key, None)
            if frame not in self.vmm.tracked:
                self.unprotect(frame)
            self.vmm.code_written(self, frame)
            return True
        return False

    def phys_write(self, pa: int, val: int) -> None:
        """A write by a device or the VMM (DMA, validated page-table update)."""
        self.M[pa] = val & isa.MASK
        if (pa >> 8) in self.code_keys:
            self.code_written(pa >> 8)

    def read_virt(self, va: int, pc: int) -> int:
        """Kernel-side read through the MMU (trap frames); faults here are fatal."""
        f = self.rt.get(va >> 8)
        if f is None:
            f = self.fill(va, False, pc)
        return self.M[f | (va & 255)]

    def write_virt(self, va: int, val: int, pc: int) -> None:
        """Kernel-side write through the MMU (trap frames)."""
        f = self.wt.get(va >> 8)
        if f is None:
            f = self.wslow(va, val, pc, 0)
        self.M[f | (va & 255)] = val
