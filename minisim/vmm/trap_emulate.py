"""Classic trap-and-emulate (Popek & Goldberg): the guest kernel runs deprivileged.

Privileged instructions trap and are emulated against the virtual CPU -- and nothing more. The
sensitive-but-unprivileged ones (pushf, popf, smsw) do not trap, so they see or change the *real*
state: a deprivileged ``popf`` silently drops the guest's interrupt flag and equivalence is lost.
Memory is virtualized with shadow page tables (every trip into the VMM is a trap).
"""

from __future__ import annotations

from minisim import isa
from minisim.vmm.shadow import ShadowPaging


class TrapEmulate(ShadowPaging):
    """Deprivileged guest kernel; every privileged instruction is one trap into the VMM."""

    name = "trap-emulate"
    deprivileged = True

    def privileged(self, m, name: str, pc: int, detail: int) -> None:
        """Trap, then emulate the instruction on the virtual CPU (devices: emulate the register)."""
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
