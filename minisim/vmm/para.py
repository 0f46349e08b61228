"""Paravirtualization (Denali 2002, Xen 2003): the guest kernel is modified to call the hypervisor.

The pv-ops kernel build replaces privileged operations with hypercalls (``vmcall``) or with
plain memory operations on a shared virtual-CPU page (the event mask, as in Xen's vcpu_info).
Page-table updates are queued and sent as one validated ``mmu_update`` list (a single update
plus its TLB flush, as a copy-on-write fault needs, is one ``update_va_mapping``); the block driver
queues requests on a shared ring and notifies once; system calls go straight to the guest
kernel's registered handler without entering the hypervisor. The kernel runs deprivileged, so
an *unmodified* instruction such as ``popf`` would still misbehave: the guest must be ported.
"""

from __future__ import annotations

from minisim import abi, isa
from minisim.faults import Stop
from minisim.vmm.native import Native

_MASK, _PENDING = abi.SHARED["VCPU_MASK"], abi.SHARED["VCPU_PENDING"]
_HC = abi.HYPERCALLS
_L = abi.LAYOUT
_DIRS = range(_L["DIRPOOL"], _L["DIRPOOL"] + 64 * _L["DIR_SLOTS"])
_TABLES = range(_L["TABPOOL"], _L["TABPOOL"] + 16 * _L["TAB_SLOTS"])
_PT_FRAMES = {a >> 8 for a in (*_DIRS, *_TABLES)} | {_L["KTAB"] >> 8}
# Hypercall arguments are bounded, as Xen bounds them: a batch longer than the guest's queue, or a
# console write longer than the console device takes in one go, is refused with -EINVAL in r1.
MAX_BATCH = _L["MMUQ_MAX"]
MAX_CONSOLE = 4096
EINVAL = (-22) & isa.MASK
ENOSYS = (-38) & isa.MASK


def valid_update(ptr: int, val: int) -> bool:
    """Xen-style validation of one page-table update: it must target a registered page-table slot,
    a directory entry must point at a page table, and no entry may map a page-table frame writable
    (the guest could then change its tables behind the hypervisor's back)."""
    if not val & 1:
        return ptr in _DIRS or ptr in _TABLES
    if ptr in _DIRS:
        return (val & ~15) in _TABLES or (ptr - _L["DIRPOOL"]) % 64 < 16
    if ptr in _TABLES:
        return (val >> 8) < 256 and not ((val >> 8) in _PT_FRAMES and val & 2)
    return False


def _apply_update(m, ptr: int, val: int) -> None:
    """Perform one page-table update if it validates; count it as rejected otherwise."""
    if valid_update(ptr, val):
        m.phys_write(ptr & 0xFFFF, val)
    else:
        m.count("pt_update_rejected")


class Paravirt(Native):
    """Xen-style hypervisor for a pv-ops guest."""

    name = "para"
    deprivileged = True
    hypercalls = True
    uses_pv_kernel = True
    uses_pv_blk = True

    def __init__(self, profile) -> None:
        super().__init__(profile)
        # trap-frame address -> the event mask when that frame was pushed (Xen's saved_upcall_mask)
        self.saved_masks: dict[int, int] = {}
        self.iret_frame = -1

    def attach(self, m) -> None:
        """The guest starts with events masked, as a bare CPU starts with interrupts off."""
        super().attach(m)
        m.M[_MASK] = 1

    def privileged(self, m, name: str, pc: int, detail: int) -> None:
        """An unported privileged instruction traps (Xen emulates a few); iret to user mode is direct."""
        if name == "iret":
            self.iret_frame = m.R[15]
            return
        m.event("trap", self.p.trap, pc=pc, note=name)
        if name in ("in", "out"):
            m.event("io_exit", self.p.dev_emulate, pc=pc, note=f"port {detail}")

    def exception(self, m, cause: int, pc: int) -> None:
        """Faults enter the hypervisor, which bounces them to the guest (two transitions)."""
        super().exception(m, cause, pc)
        m.event("trap", self.p.para_bounce, pc=pc, note="bounce")

    def interrupt(self, m, pc: int) -> None:
        """A virtual interrupt is an event-channel upcall."""
        m.event("interrupt", self.p.upcall, pc=pc, note="upcall")
        m.M[_PENDING] = 0

    def irq_enabled(self, m) -> bool:
        """User mode is always interruptible; in the kernel, the shared event mask decides."""
        if not m.status & isa.KMODE:
            return True
        if m.M[_MASK]:
            if m.irq_pending:
                m.M[_PENDING] = 1  # the guest sees it when it unmasks, and asks for delivery
            return False
        return True

    def entered(self, m, cause: int) -> None:
        """Events are masked on entry to the guest kernel (Xen's trap-table flag); the mask they
        had is saved with the frame, as Xen keeps ``saved_upcall_mask`` in the exception frame."""
        self.saved_masks[m.R[15]] = m.M[_MASK]
        m.M[_MASK] = 1

    def returned(self, m) -> None:
        """iret to user mode unmasks events; iret to the kernel restores the mask saved with the frame."""
        saved = self.saved_masks.pop(self.iret_frame, 1)
        mask = saved if m.status & isa.KMODE else 0
        m.M[_MASK] = mask
        if not mask:
            m.next_check = 0

    def ring_kick(self, m) -> None:
        """An unported kernel notifying through the port (it trapped already): drain the ring."""
        m.event("ring_notify", self.p.ring_backend)
        m.dev.drain_ring(abi.LAYOUT["RING"])

    def hypercall(self, m, kind: str, pc: int, extra: int = 0) -> None:
        """Charge one hypercall."""
        m.event("hypercall", self.p.hypercall + extra, reason=kind, pc=pc)

    def vmcall(self, m, num: int, pc: int) -> int:
        """Serve hypercall ``num`` with arguments in r1, r2."""
        r1, r2 = m.R[1], m.R[2]
        kind = abi.HYPERCALL_NAMES.get(num, f"unknown_{num}")
        if num == _HC["HC_MMU_UPDATE"]:
            if r2 > MAX_BATCH:  # (a negative count reads as a huge unsigned one)
                self.hypercall(m, kind, pc)
                m.R[1] = EINVAL
                return pc + 1
            self.hypercall(m, kind, pc, self.p.mmu_validate * r2)
            m.count("pt_updates", r2)
            for i in range(r2):
                _apply_update(m, m.read_virt(r1 + 2 * i, pc), m.read_virt(r1 + 2 * i + 1, pc))
            return pc + 1
        if num == _HC["HC_UPDATE_VA_MAPPING"]:  # one validated entry for virtual address r1, then its invlpg
            self.hypercall(m, kind, pc, self.p.mmu_validate)
            m.count("pt_updates")
            pde = m.M[(m.cr3 + (r1 >> 12)) & 0xFFFF]
            _apply_update(m, (pde & ~15) + ((r1 >> 8) & 15) if pde & 1 else -1, r2)
            m.tlb_drop(r1 >> 8)
            return pc + 1
        self.hypercall(m, kind, pc)
        if num == _HC["HC_CONSOLE"]:
            if r2 > MAX_CONSOLE:
                m.R[1] = EINVAL
            else:
                m.dev.console.extend(chr(m.read_virt(r1 + i, pc) & 0x7F) for i in range(r2))
        elif num == _HC["HC_SET_TRAP_TABLE"]:
            m.tvec = r1
        elif num == _HC["HC_STACK_SWITCH"]:
            m.ksp = r1
        elif num == _HC["HC_NEW_BASEPTR"]:
            m.cr3 = r1 & 0xFFFF
            m.tlb_flush(keep_global=True)
            if not m.status & isa.PAGING:  # a pv guest runs paged from its first base pointer
                m.set_status(m.status | isa.PAGING)
            m.count("cr3_load")
        elif num == _HC["HC_INVLPG"]:
            m.tlb_drop(r1 >> 8)
        elif num == _HC["HC_EVENT"]:
            m.next_check = 0
        elif num == _HC["HC_SCHED_BLOCK"]:
            if not m.timer_interval:
                raise Stop("blocked with no timer running: it would wait forever")
            m.M[_MASK] = 0
            m.timer_next = min(m.timer_next, m.ic)
            m.next_check = 0
        elif num == _HC["HC_SHUTDOWN"]:
            m.halted, m.exit_code, m.next_check = True, r1, 0
        elif num == _HC["HC_EVTCHN_SEND"]:
            self.ring_kick(m)
        elif num == _HC["HC_SET_TIMER"]:
            m.dev.write(isa.PORT_TIMER, r1)
        elif num not in abi.HYPERCALL_NAMES:
            m.R[1] = ENOSYS  # no such hypercall, as Xen answers
        return pc + 1
