"""The simulated machine: CPU state, physical memory, MMU + TLB, traps, interrupts and devices.

The machine always holds the *guest-visible* architectural state. How each sensitive operation
is carried out -- directly, by a trap into a VMM, a translated callout, a VM exit or a hypercall --
and what it costs is decided by the VMM strategy object (``minisim.vmm``) plugged into it.

Memory model: word addressed, 256-word pages, 18-bit virtual addresses. A directory has 64
entries (PDE = table address | flags), a table 16 (PTE = frame << 8 | flags); flags P=1, W=2, U=4.
The TLB, its replacement and the slow paths compiled blocks call on a miss live in ``minisim.mmu``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from minisim import isa, jit
from minisim.devices import Devices
from minisim.faults import Fault, Resume, Stop
from minisim.mmu import MMU, G
from minisim.ops import SystemOps
from minisim.pricing import Price, record
from minisim.vmm.native import Native

# module constants: one lookup, not two
_PAGING, _KMODE, _MASK = isa.PAGING, isa.KMODE, isa.MASK
FAULT_LOOP = 64  # faults delivered in a row with no instruction retired: the machine is stuck


class Machine(SystemOps, MMU):
    """One CPU with memory, TLB and devices, run under the given VMM."""

    # Slots: compiled blocks read and write a few of these on every block, and slot access is the
    # interpreter's fastest attribute path (an instance dict this size is not a split-keys one).
    __slots__ = (
        "M",
        "R",
        "status",
        "tvec",
        "ksp",
        "cr3",
        "ic",
        "cy",
        "fidx",
        "budget",
        "timer_interval",
        "timer_next",
        "irq_pending",
        "next_check",
        "halted",
        "stopped",
        "exit_code",
        "divergence",
        "_div_changes",
        "tlb_entries",
        "tlb",
        "fifo",
        "kr",
        "kw",
        "ur",
        "uw",
        "rt",
        "wt",
        "caches",
        "cache",
        "vcaches",
        "vc",
        "vc_local",
        "code_vpns",
        "code_keys",
        "protected",
        "events",
        "event_cycles",
        "trace",
        "trace_limit",
        "tracing",
        "mark",
        "dev",
        "misses",
        "refs",
        "walk_refs",
        "full_walk_refs",
        "fast_misses",
        "miss_hook",
        "entered_hook",
        "privileged_hook",
        "fast_flags",
        "returned_hook",
        "vmm",
        "views",
        "syscall_hook",
        "tlb_dicts",
        "depriv",
        "emulating",
        "nested_hook",
    )

    def __init__(
        self,
        vmm,
        tlb_entries: int = 32,
        budget: int = 50_000_000,
        trace_limit: int = 500,
        measure_from_user: bool = False,
    ) -> None:
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
        self.tlb_dicts = (self.kr, self.kw, self.ur, self.uw)  # kernel/user x read/write
        self.caches: tuple[dict, dict] = ({}, {})  # (user, kernel): (frame_base << 18 | vpc) -> block
        # Virtual pc -> block for the current address space, per mode: the dispatch fast path. It is
        # dropped whenever a mapping may change (TLB flush, invlpg, a write to code). Instruction fetch
        # therefore does not touch the modelled TLB, which is a data TLB (a large ITLB is assumed).
        self.vcaches: tuple[dict, dict] = ({}, {})
        # What a mode switch loads: (read dict, write dict, block cache, dispatch cache) per mode.
        self.views = (
            (self.ur, self.uw, self.caches[0], self.vcaches[0]),
            (self.kr, self.kw, self.caches[1], self.vcaches[1]),
        )
        self.rt, self.wt, self.cache, self.vc = self.views[1]
        self.vc_local: set[int] = set()  # kernel-mode entries from non-global pages
        self.code_vpns: set[int] = set()  # virtual pages with entries in either dict above (a superset)
        self.code_keys: dict[int, list[tuple[int, int]]] = {}  # frame -> cache keys compiled from it
        self.protected: set[int] = set()
        self.events: dict[str, Any] = {}  # an event kind -> its count, or its counts by reason
        self.event_cycles: dict[str, int] = {}
        self.trace: list[tuple] = []
        self.trace_limit = trace_limit
        self.tracing = trace_limit > 0  # False once the trace is full: event() skips it cheaply
        # Benchmarks time the workload, not the boot: with measure_from_user, counters are
        # snapshotted when user mode is first entered and results report the difference.
        self.mark: tuple | None = None if measure_from_user else ()
        self.dev = Devices(self)
        # TLB misses and page-walk references (cycles added by the results); see walk_counts()
        self.misses = self.refs = self.fast_misses = 0
        # memory references of a walk that read 0-2 guest levels, failed (even) or completed (odd)
        self.walk_refs = [vmm.walk_refs(n // 2, bool(n % 2)) for n in range(6)]
        self.full_walk_refs = self.walk_refs[5]
        self.miss_hook = vmm.wants_misses
        self.nested_hook = vmm.nested
        self.entered_hook = type(vmm).entered is not Native.entered
        # Fast paths in ops.py skip the VMM's hook for iret and friends when it is the bare machine's.
        self.privileged_hook = type(vmm).privileged is not Native.privileged
        # cli/sti/pushf/popf behave as on the bare machine: compiled blocks may run them inline.
        self.fast_flags = not vmm.deprivileged and not self.privileged_hook and type(vmm).sensitive is Native.sensitive
        self.returned_hook = type(vmm).returned is not Native.returned
        # The VMM runs the guest kernel in the real CPU's user mode; ``emulating`` is set while the
        # VMM re-executes a trapped privileged instruction on the guest's behalf.
        self.depriv = vmm.deprivileged
        self.emulating = False
        self.syscall_hook = type(vmm).syscall is not Native.syscall
        # Any, not MachineDecl's Native: callers reach a mode's own state (BinaryTranslation.tc)
        self.vmm: Any = vmm
        vmm.attach(self)

    # ---- accounting ---------------------------------------------------------------------------
    def event(self, kind: str, cost: int = 0, reason: str | None = None, pc: int | None = None, note: str = "") -> None:
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
            if type(cost) is Price:  # the ledger re-pricing works from (minisim.pricing)
                record(ev, kind, reason or note, cost)
        if self.tracing:
            self.trace.append((self.ic, self.cy, kind, reason or note, pc))
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
            self.mark = (
                self.ic,
                self.cy,
                {a: dict(b) if isinstance(b, dict) else b for a, b in self.events.items()},
                dict(self.event_cycles),
                *self.walk_counts(),
            )
            self.trace.clear()
            self.tracing = self.trace_limit > 0
        self.status = status
        self.rt, self.wt, self.cache, self.vc = self.views[(status & _KMODE) >> 1]
        if self.irq_pending:  # returning to a mode that may take it
            self.next_check = 0

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
            self.M[o : o + 5] = (addr & _MASK, cause, old, ret_pc, top)
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
        """Deliver a fault: a deprivileged guest kernel's privileged instruction to the VMM, which
        emulates it; anything else to the guest kernel."""
        if f.cause == isa.CAUSE_PRIV and self.depriv and self.status & _KMODE:
            try:
                return self.vmm.emulate(self, f.pc)
            except Fault as g:  # the emulated instruction itself faulted (its trap frame not mapped)
                f = g
        if self.tracing and f.cause & isa.CAUSE_MASK == isa.CAUSE_PAGE_FAULT:  # the trace names the address
            how = ("write" if f.cause & isa.PF_WRITE else "read") + (", protection" if f.cause & isa.PF_PROT else "")
            self.trace.append((self.ic, self.cy, "fault", f"va {f.addr & _MASK:#07x} ({how})", f.pc))
            self.tracing = len(self.trace) < self.trace_limit
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
        rewrite = self.vmm.translator(self, base, pc) if k else None
        fn = jit.compile_block(self.M, base | (pc & 255), pc, Fault, ind, self.fast_flags, rewrite)
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
            f = self.rmiss(pc, pc, 0)  # the same translation as fill(), by its common-case fast path
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
        stuck_ic, stuck = -1, 0  # faults delivered since an instruction last retired
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
            except Resume as r:  # a store rewrote the running block: go on with fresh code
                if r.push:
                    self.R[15] = (self.R[15] - 1) & _MASK
                pc = r.pc
            except Fault as fault:
                try:
                    pc = self.deliver(fault)
                    # A fault ends a block without reaching the check above: a handler that faults
                    # again and again must still meet the budget and the timer.
                    if self.ic == stuck_ic:
                        stuck += 1
                        if stuck > FAULT_LOOP:
                            raise Stop(
                                f"fault loop: {FAULT_LOOP} faults in a row with no instruction retired "
                                f"(last at {fault.pc:#06x}, cause {fault.cause})"
                            )
                    else:
                        stuck_ic, stuck = self.ic, 0
                    if self.ic >= self.next_check:
                        pc = self.check(pc)
                except Stop as s:
                    self.stop(str(s))
            except Stop as s:
                self.stop(str(s))

    def stop(self, why: str) -> None:
        """Stop the machine abnormally."""
        self.halted = True
        self.stopped = why
