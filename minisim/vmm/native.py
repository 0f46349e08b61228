"""The bare machine, and the base class every VMM refines.

Each hook is called by the machine at the point a real CPU would do something costly or
sensitive; the base class charges what the bare hardware charges. Subclasses decide instead
whether that point traps into a VMM, is translated, exits, or was replaced by a hypercall.
"""

from __future__ import annotations

from typing import overload

from minisim import isa
from minisim.devices import REGS_PER_REQUEST

GUEST_LEVELS = 2  # our page tables: directory + table


class Native:
    """The guest on the bare machine."""

    name = "native"
    deprivileged = False  # does the guest kernel really run outside kernel mode?
    hypercalls = False  # does the platform answer vmcall?
    uses_pv_kernel = False  # does this mode boot the paravirtualized kernel build?
    uses_pv_blk = False  # does the platform offer the paravirtual block ring (which the kernel probes for)?
    wants_misses = False  # must the machine call tlb_miss() (shadow paging)? Counting is done by the machine.
    nested = False  # does every guest-physical address a walk touches go through nested_walk() (EPT)?

    def __init__(self, profile) -> None:
        self.p = profile
        self.tracked: set[int] = set()

    def attach(self, m) -> None:
        """Called once when the machine is built."""
        self.m = m

    # -- costs of the guest's own privileged actions
    def privileged(self, m, name: str, pc: int, detail: int) -> None:
        """A privileged instruction executed in (virtual) kernel mode."""
        if name in ("in", "out"):
            m.event("io", self.p.io_native, pc=pc, note=f"port {detail}")

    def emulate(self, m, pc: int) -> int:
        """The real CPU trapped (CAUSE_PRIV) on a privileged instruction of the guest kernel this VMM
        deprivileged: fetch and decode the instruction at ``pc`` and run it on the virtual CPU's state,
        with the privilege the guest believes it has. Returns the next pc. (``privileged`` charges it.)"""
        f = m.rt.get(pc >> 8)
        if f is None:
            f = m.fill(pc, False, pc)
        op, rd, rs, imm = isa.decode(m.M[f | (pc & 255)])
        m.emulating = True
        try:
            return m.special(op.code, rd, rs, imm, pc)
        finally:
            m.emulating = False

    def sensitive(self, m, name: str, pc: int) -> None:
        """A sensitive-but-unprivileged instruction in kernel mode, on a VMM that handles it correctly."""

    def syscall(self, m, pc: int) -> None:
        """A system call from user mode."""
        m.event("syscall", self.p.syscall, pc=pc)

    def exception(self, m, cause: int, pc: int) -> None:
        """A guest-visible fault about to be delivered to the guest kernel."""
        kind = "page_fault" if cause & isa.CAUSE_MASK == isa.CAUSE_PAGE_FAULT else "exception"
        m.event(kind, self.p.exception, pc=pc)

    def interrupt(self, m, pc: int) -> None:
        """A timer interrupt about to be delivered."""
        m.event("interrupt", self.p.interrupt, pc=pc)

    def irq_enabled(self, m) -> bool:
        """May an interrupt be delivered now?"""
        return bool(m.status & isa.IF)

    def entered(self, m, cause: int) -> None:
        """The guest kernel was entered through its trap vector."""

    def returned(self, m) -> None:
        """The guest executed iret."""

    # -- memory
    def walk_refs(self, levels: int = GUEST_LEVELS, complete: bool = True) -> int:
        """Memory references of a TLB-miss walk that read ``levels`` guest table levels."""
        return levels

    @overload
    def tlb_miss(self, m, vpn: int, hit: tuple[int, int, int, int]) -> tuple[int, int]: ...

    @overload
    def tlb_miss(self, m, vpn: int, hit: None) -> tuple[int, int] | None: ...

    def tlb_miss(self, m, vpn: int, hit: tuple[int, int, int, int] | None) -> tuple[int, int] | None:
        """A TLB miss (the machine counts it and its walk), called only when ``wants_misses`` is set;
        ``hit`` is the guest walk's (frame, flags, pde addr, pte addr), or None if the guest's tables
        do not map the page. Returns the (frame, flags) the MMU installs, or None for a page fault:
        here, as on the bare machine, what the guest's walk found."""
        return None if hit is None else (hit[0], hit[1])

    def nested_walk(self, m, gpas: tuple[int, ...]) -> int:
        """Translate the guest-physical addresses one guest walk read through nested tables (EPT),
        called only when ``nested`` is set; returns the memory references that took. The bare
        machine has no nested tables: none."""
        return 0

    def pt_write(self, m, pa: int, val: int, pc: int) -> None:
        """A store to a traced guest page-table frame (shadow paging only)."""

    def cr3_loaded(self, m) -> None:
        """The guest loaded a new page-table base."""
        m.count("cr3_load")

    # -- devices and hypercalls
    def vmcall(self, m, num: int, pc: int) -> int:
        """A hypercall; returns the next pc."""
        return pc + 1

    def blk_service(self, m) -> None:
        """The block device transfers one sector: device time, the same in every mode. Under a VMM the
        request reaches the real disk through a backend (the device model, Xen's blkback, QEMU), which
        programs the real device's registers as the native driver does itself: the disk's own work is
        paid in every mode, and virtualization only adds the guest's transitions."""
        m.count("blk_sectors")
        m.cy += self.p.blk_sector
        m.event_cycles["blk_sectors"] = m.event_cycles.get("blk_sectors", 0) + self.p.blk_sector
        if self.name != "native":
            m.event("host_io", REGS_PER_REQUEST * self.p.io_native, note="backend programs the real disk")

    def dirty_fault(self, m, vpn: int, e: tuple[int, int], pc: int, fresh: bool) -> tuple[int, int] | None:
        """A write to a page its shadow entry maps read-only (shadow paging only; None: a real fault)."""
        return None

    def ring_kick(self, m) -> None:
        """The driver notified the ring backend through the notify port (paravirtual drivers only)."""

    def translator(self, m, base: int, pc: int):
        """A binary translator for the kernel block at virtual ``pc`` in frame ``base`` (None: run it as is)."""
        return None

    def code_written(self, m, frame: int) -> None:
        """Code compiled from ``frame`` was overwritten (its blocks are dropped)."""

    def block_costs(self, m, kernel: int) -> int:
        """Extra cycles per indirect branch for a block being compiled (BT's translation-cache lookup)."""
        return 0
