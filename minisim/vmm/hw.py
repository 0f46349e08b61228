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
    """VT-x with EPT: no exits for the guest's own page tables; two-dimensional TLB-miss walks.

    The nested (EPT) tables are the hypervisor's, outside guest memory: a two-level table from
    guest-physical frame to host frame. Every guest-physical address a TLB miss touches -- each
    guest table entry read, then the final page -- is translated by walking them (``nested_walk``):
    a complete walk of the guest's two levels reads (2+1)(2+1)-1 = 8 entries. A guest-physical frame
    the nested tables do not map is an EPT violation, an exit of its own: the hypervisor maps it.
    Guest memory is populated at start (as a VM whose memory has been touched), so violations come
    only from frames the hypervisor took away (ballooning, migration).
    """

    name = "hw-ept"
    wants_misses = False
    nested = True
    controls = Controls(cr3_load_exiting=False, invlpg_exiting=False, pf_exiting=False)
    LEVELS = ("directory", "table", "page")  # what a guest-physical address in a walk points at

    def __init__(self, profile) -> None:
        super().__init__(profile)
        self.ept: dict[int, dict[int, int]] = {}  # host directory slot -> {host table slot: host frame}
        self.refs_by_level = dict.fromkeys(self.LEVELS, 0)  # nested references, by what they translated
        self.walk_cache = None  # a minisim.pwc.WalkCache watching the walks (a model beside this one), if any

    def attach(self, m) -> None:
        """Populate the nested tables: every guest-physical frame at the same host frame."""
        super().attach(m)
        for gfn in range(isa.MEM_WORDS >> 8):
            self.ept.setdefault(gfn >> 4, {})[gfn & 15] = gfn

    def nested_walk(self, m, gpas) -> int:
        """Translate each guest-physical address of one guest walk through the nested tables, in
        order (directory entry, table entry, page); return the references read. A missing nested
        entry exits (an EPT violation) and the hypervisor maps the frame."""
        if self.walk_cache is not None:  # counts only: the walk below stays the uncached one
            self.walk_cache.walk(m.cr3, gpas, m.mark is not None)
        refs = 0
        for level, gpa in zip(self.LEVELS, gpas, strict=False):
            gfn = (gpa >> 8) & 0xFF
            table = self.ept.get(gfn >> 4)
            refs += 1
            if table is None or gfn & 15 not in table:
                self.exit(m, "ept_violation", None)
                self.ept.setdefault(gfn >> 4, {})[gfn & 15] = gfn
            else:
                refs += 1
            self.refs_by_level[level] += HOST_LEVELS
        return refs

    def walk_refs(self, levels: int = GUEST_LEVELS, complete: bool = True) -> int:
        """The guest levels a walk reads; the nested references are counted as ``nested_walk`` reads them."""
        return levels

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
