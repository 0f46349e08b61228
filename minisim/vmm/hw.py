"""Hardware-assisted virtualization (Intel VT-x 2005, AMD-V 2006): the unmodified guest runs in guest mode.

Sensitive operations cause VM exits, each with a reason, as VMCS-style controls decide; cli/sti,
pushf/popf, iret and system calls run in guest mode without exits. ``hw`` is the first generation:
shadow page tables, so CR3 loads, INVLPG, guest page faults and writes to guest page tables all
exit. ``hw-ept`` adds nested paging: the guest owns its tables and CR3, but every TLB miss walks two
dimensions. ``hybrid`` is ``hw-ept`` with the paravirtual block driver (KVM + virtio, Xen PVHVM).
"""

from __future__ import annotations

from dataclasses import dataclass

from minisim import abi, isa
from minisim.vmm.native import GUEST_LEVELS, Native
from minisim.vmm.shadow import ShadowPaging

HOST_LEVELS = 2  # the nested (EPT) tables of this machine have as many levels as the guest's


@dataclass(frozen=True)
class Controls:
    """The VMCS execution controls that decide which guest operations exit."""

    cr3_load_exiting: bool
    invlpg_exiting: bool
    pf_exiting: bool  # page faults in the exception bitmap
    io_exiting: bool = True
    hlt_exiting: bool = True
    external_interrupt_exiting: bool = True


class HardwareAssist(ShadowPaging):
    """First-generation VT-x: VM exits for sensitive operations, shadow page tables."""

    name = "hw"
    hypercalls = True  # vmcall exits to the hypervisor
    controls = Controls(cr3_load_exiting=True, invlpg_exiting=True, pf_exiting=True)

    def exit(self, m, reason: str, pc: int | None) -> None:
        """One VM exit + entry round trip with the handler's work for ``reason``."""
        m.event("vmexit", self.p.vmexit + self.p.exit_work.get(reason, 0), reason=reason, pc=pc)

    def transition(self, m, why: str, pc: int | None) -> None:
        """Shadow paging's traps are #PF exits (write-protected table, missing shadow entry)."""
        self.exit(m, why, pc)

    def update_price(self, why: str) -> int:
        """A PTE-write exit is priced from [AA06]'s total, which includes the shadow update."""
        return 0 if why == "pt_write" else self.p.shadow_update

    def privileged(self, m, name: str, pc: int, detail: int) -> None:
        """Exit where the controls say so; everything else runs in guest mode."""
        c = self.controls
        if name in ("in", "out"):
            if c.io_exiting:
                self.exit(m, "io", pc)
                if detail != isa.PORT_BLK_NOTIFY:  # a ring kick is counted as ring_notify
                    m.count("io_exit")  # the device model's work is in the exit's measured price
        elif name == "lcr3":
            if c.cr3_load_exiting:
                self.exit(m, "cr3_load", pc)
        elif name == "invlpg" and c.invlpg_exiting:
            self.exit(m, "invlpg", pc)
        elif name == "hlt" and c.hlt_exiting:
            self.exit(m, "hlt", pc)
        elif name == "mtc" and detail == isa.CR_STATUS:
            self.exit(m, "cr_write", pc)

    def exception(self, m, cause: int, pc: int) -> None:
        """Page faults exit (exception bitmap) and are injected; other exceptions go straight to the guest."""
        Native.exception(self, m, cause, pc)
        if cause & isa.CAUSE_MASK == isa.CAUSE_PAGE_FAULT and self.controls.pf_exiting:
            self.exit(m, "page_fault", pc)

    def interrupt(self, m, pc: int) -> None:
        """External interrupts exit; the hypervisor injects the virtual one."""
        Native.interrupt(self, m, pc)
        if self.controls.external_interrupt_exiting:
            self.exit(m, "external_interrupt", pc)

    def vmcall(self, m, num: int, pc: int) -> int:
        """An unmodified guest has no hypercalls; a vmcall is just an exit that does nothing."""
        self.exit(m, "vmcall", pc)
        return pc + 1


class NestedPaging(HardwareAssist):
    """VT-x with EPT: no exits for the guest's own page tables; two-dimensional TLB-miss walks."""

    name = "hw-ept"
    wants_misses = False
    controls = Controls(cr3_load_exiting=False, invlpg_exiting=False, pf_exiting=False)

    def walk_refs(self, levels: int = GUEST_LEVELS, complete: bool = True) -> int:
        """Each guest level read needs a nested walk of the host tables first, and so does the final
        guest-physical address: (n+1)(m+1)-1 references for a complete n-level walk."""
        return levels * (HOST_LEVELS + 1) + (HOST_LEVELS if complete else 0)

    def cr3_loaded(self, m) -> None:
        """The guest owns CR3: no shadow to switch."""
        m.count("cr3_load")

    def pt_write(self, m, pa: int, val: int, pc: int) -> None:
        """Never called: nothing is traced."""


class Hybrid(NestedPaging):
    """hw-ept plus the paravirtual block driver: one notification per batch of requests."""

    name = "hybrid"
    uses_pv_blk = True

    def ring_kick(self, m) -> None:
        """The virtio-style kick (an I/O exit, charged by ``out``) wakes the backend, which drains the ring."""
        m.event("ring_notify", self.p.ring_backend)
        m.dev.drain_ring(abi.LAYOUT["RING"])
