"""Classic trap-and-emulate (Popek & Goldberg): the guest kernel runs deprivileged.

The guest kernel runs in the real CPU's user mode (``deprivileged``; see ``SystemOps.real_status``).
Each privileged instruction it executes therefore faults with CAUSE_PRIV; the machine hands that
fault to the VMM (``Native.emulate``), which fetches and decodes the instruction and runs it on the
virtual CPU's state, charging one trap -- and nothing more. The sensitive-but-unprivileged ones
(pushf, popf, smsw) do not fault, so they act on the *real* state as the ISA defines for user mode:
``popf`` silently drops the guest's interrupt flag and equivalence is lost. Memory is virtualized
with shadow page tables (every trip into the VMM is a trap).
"""

from __future__ import annotations

from minisim import isa
from minisim.vmm.shadow import ShadowPaging


class TrapEmulate(ShadowPaging):
    """Deprivileged guest kernel; every privileged instruction is one trap into the VMM."""

    name = "trap-emulate"
    deprivileged = True

    def privileged(self, m, name: str, pc: int, detail: int) -> None:
        """The trap that brought the instruction here, and its emulation (devices: emulate the register)."""
        self.transition(m, name, pc)
        if name in ("in", "out"):
            m.event("io_exit", self.p.dev_emulate, pc=pc, note=f"port {detail}")

    def syscall(self, m, pc: int) -> None:
        """The VMM owns the real trap table: it takes the syscall and reflects it into the guest kernel."""
        super().syscall(m, pc)
        self.transition(m, "syscall", pc)

    def exception(self, m, cause: int, pc: int) -> None:
        """Faults reach the VMM first, which reflects them."""
        super().exception(m, cause, pc)
        self.transition(m, "fault", pc)

    def interrupt(self, m, pc: int) -> None:
        """The physical interrupt goes to the VMM, which injects the virtual one."""
        super().interrupt(m, pc)
        self.transition(m, "interrupt", pc)

    def irq_enabled(self, m) -> bool:
        """The virtual interrupt flag (which a deprivileged popf could not restore)."""
        return bool(m.status & isa.IF)
