"""Full virtualization by binary translation (VMware, 1999) with shadow page tables and emulated devices.

Guest-kernel code is translated one basic block at a time into a translation cache (``bt_block``);
cli/sti/pushf/popf/smsw become a few inline instructions on the virtual CPU (``bt_inline``), other
privileged instructions and writes to traced page tables become callouts into the VMM
(``bt_callout``), and indirect branches pay a translation-cache lookup. User code runs directly.
The guest is unmodified and no hardware support is needed.
"""

from __future__ import annotations

from minisim import bt, isa
from minisim.blocks import decode_block
from minisim.vmm.shadow import ShadowPaging

_INLINE = {"cli", "sti", "mfc"}  # (in/out too: see privileged)
# Register writes that need the real device: a hosted VMM's device model (VMware Workstation's VMApp)
# runs in the host, so the request leaves the VMM through a world switch [SVL01]. Every other
# register access is emulated inside the VMM, as [SVL01]'s optimised Lance emulation does.
_TO_HOST = frozenset({isa.PORT_BLK_CMD})


class BinaryTranslation(ShadowPaging):
    """Software VMM: translated kernel code, shadow page tables, emulated devices."""

    name = "full"
    deprivileged = True  # the kernel runs deprivileged: only its translation keeps it correct

    def __init__(self, profile) -> None:
        super().__init__(profile)
        self.tc: dict[int, bt.Translation] = {}  # the translation cache: (frame base << 18 | pc) -> entry

    def transition(self, m, why: str, pc: int | None) -> None:
        """Translated code calls out to the VMM for a page-table write; a hidden fault is a trap into
        the VMM's own page-fault handler, which fills the shadow without reflecting anything."""
        if why == "pt_write":
            m.event("bt_callout", self.p.bt_callout, pc=pc, note=why)
        else:
            m.event("trap", self.p.bt_fill, pc=pc, note=why)

    def update_price(self, why: str) -> int:
        """A traced PTE write's callout is priced from [AA06]'s total, which includes the update."""
        return 0 if why == "pt_write" else self.p.shadow_update

    def block_costs(self, m, kernel: int) -> int:
        """Translated code's indirect branches cost a translation-cache lookup each time."""
        return self.p.bt_indirect if kernel else 0

    def translator(self, m, base: int, pc: int):
        """Translate the kernel block at ``pc`` (once: it then lives in the translation cache)."""
        ppc = base | (pc & 255)
        ins = decode_block(m.M, ppc)
        self.tc[(base << 18) | pc] = bt.describe(m.M[ppc : ppc + len(ins)], pc, base >> 8, ins)
        m.event("bt_block", self.p.bt_translate, pc=pc)
        return bt.rewrite

    def code_written(self, m, frame: int) -> None:
        """A write to guest code invalidates its translations."""
        stale = [k for k, t in self.tc.items() if t.frame == frame]
        for k in stale:
            del self.tc[k]
        if stale:
            m.count("bt_invalidate", len(stale))

    def privileged(self, m, name: str, pc: int, detail: int) -> None:
        """Inline translation for the cheap ones, a callout for the rest; devices are emulated."""
        if name in _INLINE:
            m.event("bt_inline", self.p.bt_inline, pc=pc, note=name)
        elif name in ("in", "out"):  # emulated inline: the translation calls the device model directly
            m.event("bt_inline", self.p.bt_inline, pc=pc, note=f"{name} {detail}")
            m.event("io_exit", self.p.dev_emulate, pc=pc, note=f"port {detail}")
            if name == "out" and detail in _TO_HOST:
                m.event("world_switch", self.p.world_switch, pc=pc, note="to the host's driver and back")
        else:
            m.event("bt_callout", self.p.bt_callout, pc=pc, note=name)

    def sensitive(self, m, name: str, pc: int) -> None:
        """pushf/popf/smsw are rewritten inline to use the virtual flags: equivalence holds."""
        m.event("bt_inline", self.p.bt_inline, pc=pc, note=name)

    def syscall(self, m, pc: int) -> None:
        """The VMM takes the system call and enters the translated guest kernel."""
        super().syscall(m, pc)
        m.event("trap", self.p.bt_syscall, pc=pc, note="syscall")

    def exception(self, m, cause: int, pc: int) -> None:
        """Faults go to the VMM, which reflects them into the guest."""
        super().exception(m, cause, pc)
        pf = cause & isa.CAUSE_MASK == isa.CAUSE_PAGE_FAULT
        m.event("trap", self.p.trap, pc=pc, note="page fault" if pf else "fault")

    def interrupt(self, m, pc: int) -> None:
        """The VMM takes the physical interrupt and injects the virtual one."""
        super().interrupt(m, pc)
        m.event("trap", self.p.trap, pc=pc, note="interrupt")
