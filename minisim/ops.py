"""System instructions: the privileged, sensitive and trapping ones, executed outside compiled blocks.

Each ``_op_<name>(rd, rs, imm, pc)`` runs one instruction at ``pc`` and returns the next pc. They
carry the ISA's semantics -- including the sensitive-but-unprivileged ones misbehaving under a
deprivileging VMM -- and tell the VMM strategy (``self.vmm``) what happened so it can charge it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minisim import isa
from minisim.faults import Fault, Stop

if TYPE_CHECKING:  # the machine's state, declared for mypy; at run time the base is object
    from minisim.machine_decl import MachineDecl as _Machine
else:
    _Machine = object

_CYCLES = {op.name: op.cycles for op in isa.OPS}
_SYSCALL_CYCLES = _CYCLES["syscall"]
_IRET_CYCLES = _CYCLES["iret"]
_IO = frozenset(("in", "out"))
_IF, _KMODE, _PAGING = isa.IF, isa.KMODE, isa.PAGING  # module constants: one lookup, not two


class SystemOps(_Machine):
    """Mixin for :class:`minisim.machine.Machine`."""

    __slots__ = ()

    def special(self, code: int, rd: int, rs: int, imm: int, pc: int) -> int:
        """Execute one special instruction at ``pc``; return the next pc."""
        return getattr(self, "_op_" + isa.BY_CODE[code].name)(rd, rs, imm, pc)

    def _retire(self, name: str) -> None:
        self.ic += 1
        self.cy += _CYCLES[name]

    def _priv(self, name: str, pc: int, detail: int = 0) -> None:
        # The real CPU's privilege decides: outside kernel mode -- the guest's user mode, or a guest
        # kernel deprivileged by its VMM -- a privileged instruction faults (CAUSE_PRIV). The machine
        # delivers the deprivileged kernel's faults to the VMM, which decodes the instruction and runs
        # it again with ``emulating`` set, on the virtual CPU's state.
        if not self.status & isa.KMODE or (self.depriv and not self.emulating):
            raise Fault(isa.CAUSE_PRIV, pc, pc)
        self.ic += 1
        self.cy += _CYCLES[name]
        if self.privileged_hook or name in _IO:  # the bare machine charges only device accesses
            self.vmm.privileged(self, name, pc, detail)

    def _setr(self, rd: int, v: int) -> None:
        if rd:
            self.R[rd] = v & isa.MASK

    def _divrem(self, rd: int, rs: int, imm: int, pc: int, rem: bool) -> int:
        b = self.R[imm & 15]
        if b == 0:
            raise Fault(isa.CAUSE_DIVZERO, pc, pc)
        self._retire("rem" if rem else "div")
        self._setr(rd, self.R[rs] % b if rem else self.R[rs] // b)
        return pc + 1

    def _op_vmm(self, rd: int, rs: int, imm: int, pc: int) -> int:
        # a binary translator's rewritten instruction (minisim.bt): the VMM runs the original
        return self.vmm.emulate(self, pc)

    def _op_div(self, rd: int, rs: int, imm: int, pc: int) -> int:
        return self._divrem(rd, rs, imm, pc, False)

    def _op_rem(self, rd: int, rs: int, imm: int, pc: int) -> int:
        return self._divrem(rd, rs, imm, pc, True)

    def _op_syscall(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self.ic += 1
        self.cy += _SYSCALL_CYCLES
        if self.syscall_hook:
            self.vmm.syscall(self, pc)
        else:  # the bare machine's charge, without the hop through Native.syscall
            self.event("syscall", self.vmm.p.syscall, pc=pc)
        return self.enter(isa.CAUSE_SYSCALL, imm & 0xFFFF, pc + 1)

    def _op_vmcall(self, rd: int, rs: int, imm: int, pc: int) -> int:
        if imm < 0 or not self.vmm.hypercalls:
            raise Fault(isa.CAUSE_ILLEGAL, pc, pc)
        self._retire("vmcall")
        return self.vmm.vmcall(self, imm, pc)

    def _op_iret(self, rd: int, rs: int, imm: int, pc: int) -> int:
        # Every system call and interrupt returns through here: _priv is inlined.
        status = self.status
        if not status & _KMODE or (self.depriv and not self.emulating):
            raise Fault(isa.CAUSE_PRIV, pc, pc)
        self.ic += 1
        self.cy += _IRET_CYCLES
        if self.privileged_hook:
            self.vmm.privileged(self, "iret", pc, 0)
        sp = self.R[15]
        f = self.rt.get(sp >> 8)
        if f is not None and sp >> 8 == (sp + 4) >> 8:
            o = f | (sp & 255)
            saved, ret, new_sp = self.M[o + 2 : o + 5]
        else:
            saved, ret = self.read_virt(sp + 2, pc), self.read_virt(sp + 3, pc)
            new_sp = self.read_virt(sp + 4, pc)
        new = (saved & (_IF | _KMODE)) | (status & _PAGING)
        if self.mark is None:  # the first return to user mode starts the measurement
            self.set_status(new)
        else:  # set_status, inlined: the paging bit is kept, so the TLB stays
            self.status = new
            self.rt, self.wt, self.cache, self.vc = self.views[(new & _KMODE) >> 1]
            if self.irq_pending:
                self.next_check = 0
        self.R[15] = new_sp
        if self.returned_hook:
            self.vmm.returned(self)
        return ret

    def _op_hlt(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._priv("hlt", pc)
        if not self.vmm.irq_enabled(self):
            self.halted = True
            self.exit_code = self.R[1]
            self.next_check = 0
            return pc
        if not self.timer_interval:
            raise Stop("halted with interrupts enabled and no timer running: it would wait forever")
        self.timer_next = min(self.timer_next, self.ic)  # idle: the next tick arrives at once
        self.next_check = 0
        return pc + 1

    def _op_cli(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._priv("cli", pc)
        self.status &= ~isa.IF
        return pc + 1

    def _op_sti(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._priv("sti", pc)
        self.status |= isa.IF
        self.next_check = 0
        return pc + 1

    def real_status(self) -> int:
        """The real CPU's STATUS: the guest's own, except that a guest kernel a VMM deprivileged
        really runs in user mode with interrupts on (the VMM owns the real interrupt flag)."""
        if self.status & isa.KMODE and self.depriv and not self.emulating:
            return isa.IF | (self.status & isa.PAGING)
        return self.status

    def _seen_status(self, name: str, pc: int) -> int:
        """STATUS as an unprivileged instruction reads it: the real CPU's, which under a deprivileging
        VMM is not the guest's (recorded as a divergence)."""
        if self.status & isa.KMODE and self.depriv and not self.emulating:
            real = self.real_status()
            if real != self.status:
                self.diverge(f"{name} read status {real:#x} instead of {self.status:#x}", pc)
            return real
        if self.status & isa.KMODE:
            self.vmm.sensitive(self, name, pc)
        return self.status

    def _op_pushf(self, rd: int, rs: int, imm: int, pc: int) -> int:
        v = self._seen_status("pushf", pc)
        self.write_virt((self.R[15] - 1) & isa.MASK, v, pc)
        self.R[15] = (self.R[15] - 1) & isa.MASK
        self._retire("pushf")
        return pc + 1

    def _op_popf(self, rd: int, rs: int, imm: int, pc: int) -> int:
        v = self.read_virt(self.R[15], pc)
        self.R[15] = (self.R[15] + 1) & isa.MASK
        self._retire("popf")
        if self.status & isa.KMODE:
            if self.depriv and not self.emulating:  # the real CPU is in user mode: popf ignores IF
                if (v ^ self.status) & isa.IF:
                    self.diverge(f"popf ignored the interrupt flag (guest restored IF={v & 1})", pc, True)
            else:
                self.vmm.sensitive(self, "popf", pc)
                self.status = (self.status & ~isa.IF) | (v & isa.IF)
                self.next_check = 0
        return pc + 1

    def _op_smsw(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._setr(rd, self._seen_status("smsw", pc))
        self._retire("smsw")
        return pc + 1

    def _op_mfc(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._priv("mfc", pc, imm)
        self._setr(rd, (self.status, self.tvec, self.ksp, self.cr3)[imm & 3])
        return pc + 1

    def _op_mtc(self, rd: int, rs: int, imm: int, pc: int) -> int:
        v = self.R[rs]
        if imm & 3 == isa.CR_CR3:
            return self._op_lcr3(0, rs, 0, pc)
        self._priv("mtc", pc, imm)
        if imm & 3 == isa.CR_STATUS:
            self.set_status((self.status & isa.KMODE) | (v & (isa.IF | isa.PAGING)))
        elif imm & 3 == isa.CR_TVEC:
            self.tvec = v
        else:
            self.ksp = v
        return pc + 1

    def _op_lcr3(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._priv("lcr3", pc)
        self.cr3 = self.R[rs] & 0xFFFF
        self.tlb_flush(keep_global=True)
        self.vmm.cr3_loaded(self)
        return pc + 1

    def _op_invlpg(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._priv("invlpg", pc)
        self.tlb_drop((self.R[rs] & isa.MASK) >> 8)
        return pc + 1

    def _op_in(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._priv("in", pc, imm)
        self._setr(rd, self.dev.read(imm))
        return pc + 1

    def _op_out(self, rd: int, rs: int, imm: int, pc: int) -> int:
        self._priv("out", pc, imm)
        self.dev.write(imm, self.R[rs])
        return pc + 1
