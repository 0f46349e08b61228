"""The simulated machine: CPU state, physical memory, MMU + TLB, traps, interrupts and devices.

The machine always holds the *guest-visible* architectural state. How each sensitive operation
is carried out -- directly, by a trap into a VMM, a translated callout, a VM exit or a hypercall --
and what it costs is decided by the VMM strategy object (``minisim.vmm``) plugged into it.

Memory model: word addressed, 256-word pages, 18-bit virtual addresses. A directory has 64
entries (PDE = table address | flags), a table 16 (PTE = frame << 8 | flags); flags P=1, W=2, U=4.
Translation goes through a small FIFO TLB, exposed to compiled blocks as four dicts
(kernel/user x read/write) from virtual page to frame base. Frames that must not be written
directly -- frames holding compiled code, and guest page tables a shadow-paging VMM traces --
never enter the write dicts, so stores to them take the slow path.
"""

from __future__ import annotations

from collections import deque

from minisim import isa, jit
from minisim.devices import Devices
from minisim.faults import Fault, Stop
from minisim.ops import SystemOps
from minisim.vmm.native import Native

P, W, U, G = 1, 2, 4, 8  # G: a global page, kept across page-table-base loads (x86's PGE)
# module constants: one lookup, not two
_PAGING, _KMODE, _MEM_WORDS, _MASK = isa.PAGING, isa.KMODE, isa.MEM_WORDS, isa.MASK


class Machine(SystemOps):
    """One CPU with memory, TLB and devices, run under the given VMM."""

    # Slots: compiled blocks read and write a few of these on every block, and slot access is the
    # interpreter's fastest attribute path (an instance dict this size is not a split-keys one).
    __slots__ = ('M', 'R', 'status', 'tvec', 'ksp', 'cr3', 'ic', 'cy', 'fidx', 'budget', 'timer_interval',
                 'timer_next', 'irq_pending', 'next_check', 'halted', 'stopped', 'exit_code', 'divergence',
                 '_div_changes', 'tlb_entries', 'tlb', 'fifo', 'kr', 'kw', 'ur', 'uw', 'rt', 'wt', 'caches', 'cache',
                 'vcaches', 'vc', 'vc_local', 'code_vpns', 'code_keys', 'protected', 'events', 'event_cycles',
                 'trace', 'trace_limit', 'tracing', 'mark', 'dev', 'misses', 'refs', 'walk_refs', 'full_walk_refs',
                 'miss_hook', 'entered_hook', 'privileged_hook', 'fast_flags', 'returned_hook', 'vmm', 'views',
                 'syscall_hook')

    def __init__(self, vmm, tlb_entries: int = 32, budget: int = 50_000_000, trace_limit: int = 500,
                 measure_from_user: bool = False) -> None:
        self.M = [0] * (isa.MEM_WORDS + isa.PAGE_WORDS)  # + a scratch frame (see wslow)
        self.R = [0] * 16
        self.status = isa.KMODE
        self.tvec = self.ksp = self.cr3 = 0
        self.ic = self.cy = 0
        self.fidx = 0
        self.budget = budget
        self.timer_interval = 0
        self.timer_next = 1 << 62
        self.irq_pending = False
        self.next_check = 0
        self.halted = False
        self.stopped: str | None = None
        self.exit_code = 0
        self.divergence: str | None = None
        self._div_changes = False
        self.tlb_entries = tlb_entries
        self.tlb: dict[int, tuple[int, int]] = {}  # vpn -> (frame, flags)
        # The TLB's FIFO order. (A dict keeps insertion order too, but finding its oldest key after
        # many deletions scans the dead slots at the front: a deque is O(1).)
        self.fifo: deque[int] = deque()
        self.kr: dict[int, int] = {}
        self.kw: dict[int, int] = {}
        self.ur: dict[int, int] = {}
        self.uw: dict[int, int] = {}
        self.caches: tuple[dict, dict] = ({}, {})  # (user, kernel): (frame_base << 18 | vpc) -> block
        # Virtual pc -> block for the current address space, per mode: the dispatch fast path. It is
        # dropped whenever a mapping may change (TLB flush, invlpg, a write to code). Instruction fetch
        # therefore does not touch the modelled TLB, which is a data TLB (a large ITLB is assumed).
        self.vcaches: tuple[dict, dict] = ({}, {})
        # What a mode switch loads: (read dict, write dict, block cache, dispatch cache) per mode.
        self.views = ((self.ur, self.uw, self.caches[0], self.vcaches[0]),
                      (self.kr, self.kw, self.caches[1], self.vcaches[1]))
        self.rt, self.wt, self.cache, self.vc = self.views[1]
        self.vc_local: set[int] = set()  # kernel-mode entries from non-global pages
        self.code_vpns: set[int] = set()  # virtual pages with entries in either dict above (a superset)
        self.code_keys: dict[int, list[tuple[int, int]]] = {}  # frame -> cache keys compiled from it
        self.protected: set[int] = set()
        self.events: dict[str, object] = {}
        self.event_cycles: dict[str, int] = {}
        self.trace: list[tuple] = []
        self.trace_limit = trace_limit
        self.tracing = trace_limit > 0  # False once the trace is full: event() skips it cheaply
        # Benchmarks time the workload, not the boot: with measure_from_user, counters are
        # snapshotted when user mode is first entered and results report the difference.
        self.mark: tuple | None = None if measure_from_user else ()
        self.dev = Devices(self)
        self.misses = self.refs = 0  # TLB misses and page-walk references (cycles added by the results)
        # memory references of a walk that read 0-2 guest levels, failed (even) or completed (odd)
        self.walk_refs = [vmm.walk_refs(n // 2, bool(n % 2)) for n in range(6)]
        self.full_walk_refs = self.walk_refs[5]
        self.miss_hook = vmm.wants_misses
        self.entered_hook = type(vmm).entered is not Native.entered
        # Fast paths in ops.py skip the VMM's hook for iret and friends when it is the bare machine's.
        self.privileged_hook = type(vmm).privileged is not Native.privileged
        # cli/sti/pushf/popf behave as on the bare machine: compiled blocks may run them inline.
        self.fast_flags = (not vmm.deprivileged and not self.privileged_hook
                           and type(vmm).sensitive is Native.sensitive)
        self.returned_hook = type(vmm).returned is not Native.returned
        self.syscall_hook = type(vmm).syscall is not Native.syscall
        self.vmm = vmm
        vmm.attach(self)

    # ---- accounting ---------------------------------------------------------------------------
    def event(self, kind: str, cost: int = 0, reason: str | None = None, pc: int | None = None,
              note: str = "") -> None:
        """Count one event (``reason`` makes it a per-reason counter), charge its cycles, trace it."""
        ev = self.events
        if reason is None:
            ev[kind] = ev.get(kind, 0) + 1
        else:
            sub = ev.get(kind)
            if sub is None:
                sub = ev[kind] = {}
            sub[reason] = sub.get(reason, 0) + 1
        if cost:
            self.cy += cost
            ec = self.event_cycles
            ec[kind] = ec.get(kind, 0) + cost
        if self.tracing:
            self.event_trace(kind, reason or note, pc)

    def event_trace(self, kind: str, why: str, pc: int | None) -> None:
        """Append one entry to the bounded event trace."""
        self.trace.append((self.ic, self.cy, kind, why, pc))
        self.tracing = len(self.trace) < self.trace_limit

    def count(self, kind: str, n: int = 1) -> None:
        """Add to a plain counter without a trace entry (for high-volume figures)."""
        self.events[kind] = self.events.get(kind, 0) + n

    def diverge(self, what: str, pc: int, changes_state: bool = False) -> None:
        """Record a sensitive instruction behaving differently from the bare machine.

        The first one that *changed* guest state (popf dropping IF) wins over ones that only
        revealed a different value (pushf, smsw), since it is what breaks equivalence.
        """
        if self.divergence is None or (changes_state and not self._div_changes):
            self.divergence = f"{what} at {pc:#06x}"
            self._div_changes = changes_state

    # ---- modes and TLB ------------------------------------------------------------------------
    @property
    def kernel(self) -> bool:
        """True when the guest is in (virtual) kernel mode."""
        return bool(self.status & isa.KMODE)

    def set_status(self, status: int) -> None:
        """Load STATUS, switching the translation dicts and block cache to the new mode."""
        if (status ^ self.status) & isa.PAGING:
            self.tlb_flush()
        if not status & isa.KMODE and self.mark is None:
            self.mark = (self.ic, self.cy, {a: dict(b) if isinstance(b, dict) else b
                                            for a, b in self.events.items()},
                         dict(self.event_cycles), self.misses, self.refs)
            self.trace.clear()
            self.tracing = self.trace_limit > 0
        self.status = status
        self.rt, self.wt, self.cache, self.vc = self.views[(status & _KMODE) >> 1]
        if self.irq_pending:  # returning to a mode that may take it
            self.next_check = 0

    def tlb_flush(self, keep_global: bool = False) -> None:
        """Drop TLB entries -- all, or all but global pages (a page-table-base load).

        The dicts are changed in place: running blocks hold references to them.
        """
        if not keep_global:
            self.tlb.clear()
            self.fifo.clear()
            for d in (self.kr, self.kw, self.ur, self.uw, *self.vcaches):
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
            self.fifo = deque(tlb)  # the dict's order is the FIFO order
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
            for d in (self.kr, self.kw, self.ur, self.uw):
                d.pop(vpn, None)
        if vpn in self.code_vpns:  # only a page blocks were found through can make them stale
            for d in self.vcaches:
                d.clear()
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
                if self.miss_hook:
                    self.vmm.tlb_miss(self, vpn, hit)
                if hit is None:
                    raise Fault(isa.CAUSE_PAGE_FAULT | (write << 4), va, pc)
                e = (hit[0], hit[1])
            elif vpn < isa.MEM_WORDS >> 8:
                e = (vpn, P | W | U)
            else:
                raise Fault(isa.CAUSE_PAGE_FAULT | (write << 4), va, pc)
            self.install(vpn, e)
        frame, flags = e
        kernel = self.status & isa.KMODE
        if (not kernel and not flags & U) or (write and not flags & W):
            raise Fault(isa.CAUSE_PAGE_FAULT | (write << 4) | 8, va, pc)
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
        # Membership tests first: an entry usually sits in one or two of the four dicts.
        kr, kw, ur, uw = self.kr, self.kw, self.ur, self.uw
        if old in kr:
            del kr[old]
        if old in kw:
            del kw[old]
        if old in ur:
            del ur[old]
        if old in uw:
            del uw[old]

    def rmiss(self, va: int, pc: int, idx: int) -> int:
        """Load slow path (called by compiled blocks).

        The common miss -- paging on, both levels present, the access allowed, no VMM watching
        misses -- is walked and installed here without the general ``fill``: the TLB workload
        takes one every few instructions, so this is written for the fewest interpreter steps.
        """
        self.fidx = idx
        vpn = va >> 8
        status = self.status
        tlb = self.tlb
        if self.miss_hook or not status & _PAGING or vpn >= 1024 or vpn in tlb:
            return self.fill(va, False, pc)
        M = self.M
        pde = M[(self.cr3 + (vpn >> 4)) & 0xFFFF]
        if not pde & P:
            return self.fill(va, False, pc)
        pte = M[((pde & -16) + (vpn & 15)) & 0xFFFF]
        flags = (pte & pde & 7) | (pte & G)
        if not pte & P or pte >= _MEM_WORDS or not (status & _KMODE or flags & U):
            return self.fill(va, False, pc)
        self.misses += 1
        self.refs += self.full_walk_refs
        if len(tlb) >= self.tlb_entries:
            self.evict()
        tlb[vpn] = (pte >> 8, flags)
        self.fifo.append(vpn)
        base = pte & 0xFF00  # the frame base (pte < MEM_WORDS: frame << 8 | flags)
        self.rt[vpn] = base
        return base

    def wslow(self, va: int, val: int, pc: int, idx: int) -> int:
        """Store slow path: TLB miss, protected frame (traced page table, code) or permission fault.

        Returns the frame base the caller should store to: the real one, or -- when this method had
        to perform the store itself -- the scratch frame past the end of memory.
        """
        self.fidx = idx
        base = self.fill(va, True, pc)
        frame = base >> 8
        if frame in self.protected:
            pa = base | (va & 255)
            if frame in self.vmm.tracked:
                self.vmm.pt_write(self, pa, val, pc)
            self.M[pa] = val
            self.code_written(frame)
            return isa.MEM_WORDS
        return base

    def code_written(self, frame: int) -> None:
        """Invalidate blocks compiled from ``frame`` after a write to it."""
        keys = self.code_keys.pop(frame, None)
        if keys:
            for d in self.vcaches:
                d.clear()
            for k, key in keys:
                self.caches[k].pop(key, None)
            if frame not in self.vmm.tracked:
                self.unprotect(frame)

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

    # ---- traps ---------------------------------------------------------------------------------
    def enter(self, cause: int, addr: int, ret_pc: int) -> int:
        """Hardware trap entry: push (sp, pc, status, cause, addr) on the kernel stack; return TVEC."""
        old = self.status
        R = self.R
        top = R[15]
        sp = top if old & _KMODE else self.ksp
        # set_status(KMODE | paging), inlined: this is every system call's and interrupt's path
        self.status = _KMODE | (old & _PAGING)
        self.rt, self.wt, self.cache, self.vc = self.views[1]
        base = (sp - 5) & _MASK
        f = self.wt.get(base >> 8)
        if f is not None and base >> 8 == ((sp - 1) & _MASK) >> 8:  # the frame sits in one writable page
            o = f | (base & 255)
            self.M[o:o + 5] = (addr & _MASK, cause, old, ret_pc, top)
        else:
            try:
                for i, v in enumerate((top, ret_pc, old, cause, addr & _MASK)):
                    self.write_virt((sp - 1 - i) & _MASK, v, ret_pc)
            except Fault as e:
                raise Stop(f"double fault: trap frame at {e.addr:#x} not writable (cause {cause})") from None
        R[15] = base
        if self.entered_hook:
            self.vmm.entered(self, cause)
        return self.tvec

    def deliver(self, f: Fault) -> int:
        """Deliver a guest-visible fault to the guest kernel."""
        self.vmm.exception(self, f.cause, f.pc)
        return self.enter(f.cause, f.addr, f.pc)

    def check(self, pc: int) -> int:
        """Between blocks: budget, timer expiry and interrupt delivery."""
        if self.ic >= self.budget:
            raise Stop(f"instruction budget exhausted ({self.budget:,} instructions)")
        if self.ic >= self.timer_next:
            self.irq_pending = True
            self.timer_next += self.timer_interval * ((self.ic - self.timer_next) // self.timer_interval + 1)
        if self.irq_pending and self.vmm.irq_enabled(self):
            self.irq_pending = False
            self.vmm.interrupt(self, pc)
            pc = self.enter(isa.CAUSE_TIMER, 0, pc)
        self.next_check = min(self.budget, self.timer_next)
        return pc

    # ---- the run loop ------------------------------------------------------------------------
    def compile(self, base: int, pc: int):
        """Compile (and cache) the block at virtual ``pc`` whose frame base is ``base``."""
        k = int(self.kernel)
        ind = self.vmm.block_costs(self, k)
        fn = jit.compile_block(self.M, base | (pc & 255), pc, Fault, ind, self.fast_flags)
        key = (base << 18) | pc
        self.caches[k][key] = fn
        frame = base >> 8
        self.code_keys.setdefault(frame, []).append((k, key))
        self.protect(frame)
        return fn

    def lookup(self, pc: int):
        """Find (or compile) the block at virtual ``pc`` through the MMU; may raise a fetch Fault."""
        f = self.rt.get(pc >> 8)
        if f is None:
            self.fidx = 0
            f = self.fill(pc, False, pc)
        fn = self.cache.get((f << 18) | pc)
        if fn is None:
            fn = self.compile(f, pc)
        self.vc[pc] = fn
        self.code_vpns.add(pc >> 8)
        if self.status & isa.KMODE and not self.tlb[pc >> 8][1] & G:
            self.vc_local.add(pc)
        return fn

    def run(self, entry: int = 0) -> None:
        """Run from ``entry`` until the guest halts, the budget runs out, or the machine stops."""
        pc = entry
        while not self.halted:
            try:
                while True:
                    fn = self.vc.get(pc)
                    if fn is None:
                        fn = self.lookup(pc)
                    pc = fn(self)
                    if self.ic >= self.next_check:
                        if self.halted:
                            return
                        pc = self.check(pc)
            except Fault as fault:
                try:
                    pc = self.deliver(fault)
                except Stop as s:
                    self.stop(str(s))
            except Stop as s:
                self.stop(str(s))

    def stop(self, why: str) -> None:
        """Stop the machine abnormally."""
        self.halted = True
        self.stopped = why
