"""The reference interpreter: the ISA's semantics one instruction at a time -- an oracle.

No blocks, no caches, no TLB: every fetch, load and store walks the page tables (when paging is
on), and every instruction is decoded from memory as it runs. It is written from the ISA's
definition (``isa.py``'s table and its documented rules), independently of the block compiler
(``jit.py``) and of the machine's system instructions (``ops.py``), so that differential tests can
check both -- and every VMM -- against it (tests/minisim/test_reference.py).

Accessed and dirty bits are set on every access (there is no TLB to remember that they are set
already); a guest that clears them without flushing its TLB would see the difference. It is the
bare machine: no VMM, no cycle prices beyond the instructions' own, and no timer
interrupts (an interval timer's delivery points belong to the block machine's scheduling). A
program that programs the timer and waits for it is stopped with a message.
"""

from __future__ import annotations

from minisim import isa
from minisim.devices import disk_sector

_MASK = isa.MASK
_SIGN = 1 << 31
P, W, U = 1, 2, 4


def _signed(v: int) -> int:
    return v - (1 << 32) if v & _SIGN else v


class _Fault(Exception):
    def __init__(self, cause: int, addr: int) -> None:
        super().__init__(cause, addr)
        self.cause, self.addr = cause, addr


class _Stop(Exception):
    pass


class Reference:
    """One CPU, physical memory and the console/block devices, stepped one instruction at a time."""

    def __init__(self, words: dict[int, int], scale: int = 1, budget: int = 2_000_000) -> None:
        self.M = [0] * isa.MEM_WORDS
        for a, w in words.items():
            self.M[a] = w & _MASK
        self.R = [0] * 16
        self.R[1], self.R[15] = scale, isa.MEM_WORDS  # as the loader starts a bare program
        self.status = isa.KMODE
        self.tvec = self.ksp = self.cr3 = 0
        self.pc = 0
        self.ic = 0  # instructions retired
        self.cy = 0  # their own cycles (isa.OPS), nothing else
        self.budget = budget
        self.console: list[str] = []
        self.halted = False
        self.stopped: str | None = None
        self.exit_code = 0
        self.blk = {"sector": 0, "addr": 0, "status": 0, "con_addr": 0}
        self.timer = 0

    # ---- memory ----------------------------------------------------------------------------
    def translate(self, va: int, write: bool) -> int:
        """Physical address of ``va`` for the current mode, by a full walk (no TLB)."""
        va &= _MASK
        vpn = va >> 8
        if not self.status & isa.PAGING:
            if vpn >= isa.MEM_WORDS >> 8:
                raise _Fault(isa.CAUSE_PAGE_FAULT | (write << 4), va)
            return va
        flags = None
        if vpn < 1024:
            pde = self.M[(self.cr3 + (vpn >> 4)) & 0xFFFF]
            if pde & P:
                pte_a = ((pde & ~15) + (vpn & 15)) & 0xFFFF
                pte = self.M[pte_a]
                if pte & P and pte < isa.MEM_WORDS:
                    flags, frame = pte & pde & 7, pte >> 8
        if flags is None:
            raise _Fault(isa.CAUSE_PAGE_FAULT | (write << 4), va)
        if (not self.status & isa.KMODE and not flags & U) or (write and not flags & W):
            raise _Fault(isa.CAUSE_PAGE_FAULT | (write << 4) | isa.PF_PROT, va)
        self.M[pte_a] = pte | isa.PTE_A | (isa.PTE_D if write else 0)  # accessed, and dirty on a write
        return (frame << 8) | (va & 255)

    def load(self, va: int) -> int:
        """Read the word at virtual ``va``."""
        return self.M[self.translate(va, False)]

    def store(self, va: int, v: int) -> None:
        """Write the word at virtual ``va``."""
        self.M[self.translate(va, True)] = v & _MASK

    # ---- traps -------------------------------------------------------------------------------
    def trap(self, cause: int, addr: int, ret_pc: int) -> None:
        """Hardware trap entry: push sp, pc, status, cause and address on the kernel stack; go to TVEC."""
        old, top = self.status, self.R[15]
        sp = top if old & isa.KMODE else self.ksp
        self.status = isa.KMODE | (old & isa.PAGING)
        try:
            for i, v in enumerate((top, ret_pc, old, cause, addr & _MASK)):
                self.store(sp - 1 - i, v)
        except _Fault as e:
            raise _Stop(f"double fault: trap frame at {e.addr:#x} not writable (cause {cause})") from None
        self.R[15] = (sp - 5) & _MASK
        self.pc = self.tvec

    # ---- devices -----------------------------------------------------------------------------
    def port_in(self, port: int) -> int:
        """``in``: what the bare machine's devices answer (no paravirtual ring on bare metal)."""
        if port == isa.PORT_BLK_STATUS:
            return self.blk["status"]
        if port == isa.PORT_TIMER:
            return self.timer
        return 0

    def port_out(self, port: int, v: int) -> None:
        """``out``: console, block device; the timer is refused (see the module docstring)."""
        b = self.blk
        if port == isa.PORT_CONSOLE:
            self.console.append(chr(v & 0x7F))
        elif port == isa.PORT_CONSOLE_ADDR:
            b["con_addr"] = v & 0xFFFF
        elif port == isa.PORT_CONSOLE_LEN:
            self.console.extend(chr(self.M[(b["con_addr"] + i) & 0xFFFF] & 0x7F) for i in range(min(v, 4096)))
        elif port == isa.PORT_TIMER:
            self.timer = v
        elif port == isa.PORT_BLK_SECTOR:
            b["sector"] = v
        elif port == isa.PORT_BLK_ADDR:
            b["addr"] = v
        elif port == isa.PORT_BLK_CMD and v == 1:
            for i, w in enumerate(disk_sector(b["sector"])):
                self.M[(b["addr"] + i) & 0xFFFF] = w
            b["status"] = 1

    # ---- execution ---------------------------------------------------------------------------
    def run(self) -> Reference:
        """Run until halt, stop or the budget; return self."""
        while not self.halted:
            if self.ic >= self.budget:
                self.stopped = f"instruction budget exhausted ({self.budget:,} instructions)"
                break
            try:
                self.step()
            except _Fault as f:
                try:
                    self.trap(f.cause, f.addr, self.pc)
                except _Stop as s:
                    self.stopped, self.halted = str(s), True
            except _Stop as s:
                self.stopped, self.halted = str(s), True
        return self

    def step(self) -> None:
        """Fetch, decode and execute one instruction (a fault leaves pc at the faulting one)."""
        pc = self.pc
        word = self.M[self.translate(pc, False)]
        try:
            op, rd, rs, imm = isa.decode(word)
        except KeyError:
            raise _Fault(isa.CAUSE_ILLEGAL, pc) from None
        if op.privileged and not self.status & isa.KMODE:
            raise _Fault(isa.CAUSE_PRIV, pc)
        nxt = self.execute(op.name, rd, rs, imm, pc)
        self.ic += 1
        self.cy += op.cycles
        self.pc = nxt & _MASK

    def _set(self, rd: int, v: int) -> None:
        if rd:
            self.R[rd] = v & _MASK

    def _push(self, v: int) -> None:
        sp = (self.R[15] - 1) & _MASK
        self.store(sp, v)
        self.R[15] = sp

    def _pop(self) -> int:
        sp = self.R[15]
        v = self.load(sp)
        self.R[15] = (sp + 1) & _MASK
        return v

    def execute(self, name: str, rd: int, rs: int, imm: int, pc: int) -> int:  # noqa: C901 - one ISA, one switch
        """Execute one decoded instruction; return the next pc."""
        R = self.R
        a, b = R[rs], R[imm & 15]
        alu = {
            "add": lambda: a + b,
            "sub": lambda: a - b,
            "and": lambda: a & b,
            "or": lambda: a | b,
            "xor": lambda: a ^ b,
            "shl": lambda: a << (b & 31),
            "shr": lambda: a >> (b & 31),
            "sar": lambda: _signed(a) >> (b & 31),
            "slt": lambda: int(_signed(a) < _signed(b)),
            "sltu": lambda: int(a < b),
            "mul": lambda: a * b,
        }
        if name in alu:
            self._set(rd, alu[name]())
            return pc + 1
        z = imm & 0xFFFF
        immediate = {
            "addi": lambda: a + imm,
            "andi": lambda: a & z,
            "ori": lambda: a | z,
            "xori": lambda: a ^ z,
            "shli": lambda: a << (imm & 31),
            "shri": lambda: a >> (imm & 31),
            "slti": lambda: int(_signed(a) < imm),
        }
        if name in immediate:
            self._set(rd, immediate[name]())
            return pc + 1
        x, y = R[rd], R[rs]
        branch = {
            "beq": x == y,
            "bne": x != y,
            "blt": _signed(x) < _signed(y),
            "bge": _signed(x) >= _signed(y),
            "bltu": x < y,
            "bgeu": x >= y,
        }
        if name in branch:
            return pc + imm if branch[name] else pc + 1
        if name == "lui":
            self._set(rd, z << 16)
        elif name == "addpc":
            self._set(rd, pc + imm)
        elif name == "lw":
            self._set(rd, self.load(a + imm))
        elif name == "sw":
            self.store(a + imm, R[rd])
        elif name == "push":
            self._push(R[rs])
        elif name == "pop":
            self._set(rd, self._pop())
        elif name == "jmp":
            return pc + imm
        elif name == "call":
            self._push(pc + 1)
            return pc + imm
        elif name == "jr":
            return R[rs]
        elif name == "callr":
            target = R[rs]
            self._push(pc + 1)
            return target
        elif name == "ret":
            return self._pop()
        elif name in ("div", "rem"):
            if b == 0:
                raise _Fault(isa.CAUSE_DIVZERO, pc)
            self._set(rd, a % b if name == "rem" else a // b)
        else:
            return self.system(name, rd, rs, imm, pc)
        return pc + 1

    def system(self, name: str, rd: int, rs: int, imm: int, pc: int) -> int:  # noqa: C901
        """The system instructions (privilege was checked by ``step``)."""
        R = self.R
        if name == "syscall":  # it retires, and traps to the instruction after it
            self.trap(isa.CAUSE_SYSCALL, imm & 0xFFFF, pc + 1)
            return self.pc
        if name == "vmcall":  # the bare machine offers no hypercalls
            raise _Fault(isa.CAUSE_ILLEGAL, pc)
        if name == "iret":
            sp = R[15]
            saved, ret, new_sp = self.load(sp + 2), self.load(sp + 3), self.load(sp + 4)
            self.status = (saved & (isa.IF | isa.KMODE)) | (self.status & isa.PAGING)
            R[15] = new_sp
            return ret
        if name == "hlt":
            if not self.status & isa.IF:
                self.halted, self.exit_code = True, R[1]
                return pc
            raise _Stop("halted with interrupts enabled: the reference interpreter delivers no interrupts")
        if name in ("cli", "sti"):
            self.status = (self.status | isa.IF) if name == "sti" else (self.status & ~isa.IF)
        elif name == "pushf":
            self._push(self.status)
        elif name == "popf":
            v = self._pop()
            if self.status & isa.KMODE:  # outside kernel mode the IF bit is silently ignored
                self.status = (self.status & ~isa.IF) | (v & isa.IF)
        elif name == "smsw":
            self._set(rd, self.status)
        elif name == "mfc":
            self._set(rd, (self.status, self.tvec, self.ksp, self.cr3)[imm & 3])
        elif name == "mtc":
            v, cr = R[rs], imm & 3
            if cr == isa.CR_STATUS:
                self.status = (self.status & isa.KMODE) | (v & (isa.IF | isa.PAGING))
            elif cr == isa.CR_TVEC:
                self.tvec = v
            elif cr == isa.CR_KSP:
                self.ksp = v
            else:
                self.cr3 = v & 0xFFFF
        elif name == "lcr3":
            self.cr3 = R[rs] & 0xFFFF
        elif name == "invlpg":
            pass  # no TLB to drop an entry from
        elif name == "in":
            self._set(rd, self.port_in(imm))
        elif name == "out":
            self.port_out(imm, R[rs])
        return pc + 1


def run_program(text: str, scale: int = 1, budget: int = 2_000_000) -> tuple[Reference, object]:
    """Assemble a bare-metal program as ``minisim.run`` does (unmodified build) and interpret it.
    Returns the finished interpreter and its final state, comparable with a run's
    (``equivalence.first_difference(ref_state, result.state, mode)``)."""
    from minisim import equivalence
    from minisim.run import assemble

    image = assemble(text)
    ref = Reference(image.words, scale, budget).run()
    state = equivalence.State(
        console="".join(ref.console),
        exit_code=ref.exit_code,
        stopped=ref.stopped,
        divergence=None,
        status=ref.status,
        registers=tuple(ref.R),
        memory=equivalence.array("I", ref.M),
        image=image,
        pv_build=False,
        pv_blk=False,
        program=True,
    )
    return ref, state
