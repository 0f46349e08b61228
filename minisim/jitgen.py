"""The block compiler's code generator: one guest block into the Python source of its function.

:mod:`minisim.jit` compiles and caches what this writes. Registers live in locals; memory goes
through the machine's TLB dicts; counters are updated once per block (or per pass of a loop).
"""

from __future__ import annotations

from minisim import isa
from minisim.blocks import Decoded, liveness
from minisim.mmu import STORE_PUSH, STORE_SW

_ALU = {
    "add": "({a} + {b}) & 4294967295",
    "sub": "({a} - {b}) & 4294967295",
    "and": "{a} & {b}",
    "or": "{a} | {b}",
    "xor": "{a} ^ {b}",
    "shl": "({a} << ({b} & 31)) & 4294967295",
    "shr": "{a} >> ({b} & 31)",
    "sar": "((({a} ^ 2147483648) - 2147483648) >> ({b} & 31)) & 4294967295",
    "slt": "int(({a} ^ 2147483648) < ({b} ^ 2147483648))",
    "sltu": "int({a} < {b})",
    "mul": "({a} * {b}) & 4294967295",
}
_COND = {
    "beq": "{a} == {b}",
    "bne": "{a} != {b}",
    "blt": "({a} ^ 2147483648) < ({b} ^ 2147483648)",
    "bge": "({a} ^ 2147483648) >= ({b} ^ 2147483648)",
    "bltu": "{a} < {b}",
    "bgeu": "{a} >= {b}",
}


def _r(n: int) -> str:
    return "0" if n == 0 else f"r{n}"


def _addr(rs: int, imm: int) -> str:
    """Effective-address expression (registers always hold 32-bit values: no mask for offset 0)."""
    if rs == 0:
        return str(imm & 0xFFFFFFFF)
    return f"r{rs}" if imm == 0 else f"(r{rs} + {imm}) & 4294967295"


# Interrupt-flag instructions with an inline body for the bare machine (``FAST``, bound per mode
# when a block's function is made): still block terminators in every mode, so that interrupts are
# delivered at the same instruction boundaries everywhere, but without a call into the machine.
_FLAG_OPS = ("pushf", "popf", "cli", "sti")


def _flag_op(name: str, pc: int, cycles: int) -> list[str]:
    """Lines that run ``name`` at ``pc`` inline when ``FAST`` (after the block's write-back)."""
    done = [f"    m.ic += 1; m.cy += {cycles}", f"    return {pc + 1}"]
    if name == "pushf":
        return [
            "if FAST:",
            "    v = m.status; a = (R[15] - 1) & 4294967295",
            f"    M[(W.get(a >> 8) or m.wslow(a, v, {pc}, 0)) | (a & 255)] = v",
            "    R[15] = a",
            *done,
        ]
    if name == "popf":  # outside kernel mode the IF bit is silently ignored, as on the real machine
        return [
            "if FAST:",
            "    a = R[15]",
            f"    v = M[(T.get(a >> 8) or m.rmiss(a, {pc}, 0)) | (a & 255)]",
            "    R[15] = (a + 1) & 4294967295",
            f"    m.ic += 1; m.cy += {cycles}",
            "    s = m.status",
            "    if s & 2:",
            "        m.status = (s & -2) | (v & 1); m.next_check = 0",
            f"    return {pc + 1}",
        ]
    if name == "cli":  # privileged: outside kernel mode the slow path raises the fault
        return ["if FAST and m.status & 2:", "    m.status &= -2", *done]
    return ["if FAST and m.status & 2:", "    m.status |= 1; m.next_check = 0", *done]


_IMM_OPS = ("addi", "slti", "andi", "ori", "xori", "shli", "shri")


def _imm_expr(name: str, rs: int, imm: int) -> str:
    """The expression an immediate-operand ALU instruction computes."""
    z = imm & 0xFFFF
    return {
        "addi": f"({_r(rs)} + {imm}) & 4294967295",
        "andi": f"{_r(rs)} & {z}",
        "ori": f"{_r(rs)} | {z}",
        "xori": f"{_r(rs)} ^ {z}",
        "shli": f"({_r(rs)} & {0xFFFFFFFF >> (imm & 31)}) << {imm & 31}",
        "shri": f"{_r(rs)} >> {imm & 31}",
        "slti": f"int(({_r(rs)} ^ 2147483648) < {(imm & 0xFFFFFFFF) ^ 0x80000000})",
    }[name]


def _wrapped(d: str, a: str, op: str, b: str, up: bool) -> list[str]:
    """``d = (a op b) mod 2**32`` for an addition or subtraction of 32-bit values: the result is at
    most one wrap away, so a comparison replaces the mask. (A mask makes a new integer object on
    every pass; the comparison does not, and the wrap itself is rare.)"""
    if b == "0":  # a move (add rd, rs, r0; addi rd, rs, 0): nothing to wrap
        return [f"{d} = {a}"]
    if a == "0" and b.lstrip("-").isdigit():  # li as addi from r0: a constant
        return [f"{d} = {(int(b) if op == '+' else -int(b)) & 0xFFFFFFFF}"]
    fix = f"if {d} > 4294967295: {d} -= 4294967296" if up else f"if {d} < 0: {d} += 4294967296"
    return [f"{d} = {a} {op} {b}", fix]


class BlockWriter:
    """Writes one block's function in two steps: ``write_body`` turns each instruction into body
    lines (runs of pushes or pops as one slice); ``source`` wraps them -- the ``prologue`` (register
    loads, a loop's budget), the ``body_lines`` (with side exits), the ``fault_handler`` that retires
    the instructions before a faulting one, and the ``epilogue`` (write-back, counters, terminator)."""

    def __init__(self, ins: list[Decoded], vpc: int) -> None:
        self.ins, self.vpc = ins, vpc
        self.body: list = []  # source lines, and side exits as ("EXIT", n_body, cycles, target, index)
        self.used: set[int] = set()
        self.written: set[int] = set()
        self.cum: list[int] = []  # cycles retired before each body instruction
        self.cycles = 0
        self.uses_mem = {"T": False, "W": False}
        self.term: list[str] = []
        self.loop_cond: str | None = None
        self.n_body = 0
        self.indirect = False
        self.first_write: dict[int, int] = {}  # register -> index of the first instruction writing it

    # One line per access. A TLB hit is a dict lookup; a miss (or frame 0, whose base is falsy)
    # calls the machine. A store the machine had to handle itself (a traced page table, a code
    # page) comes back with the scratch frame's base, so the block's own write lands nowhere.
    def load(self, dst: str, addr: str, pc: int, i: int) -> None:
        """A load into ``dst`` from the address expression ``addr``."""
        self.uses_mem["T"] = True
        self.body.append(f"{dst} = M[(T.get((a := {addr}) >> 8) or m.rmiss(a, {pc}, {i})) | (a & 255)]")

    def store(self, val: str, addr: str, pc: int, i: int, kind: int = 0) -> None:
        """A store of ``val`` to the address expression ``addr`` (``kind``: see ``MMU.wslow``)."""
        self.uses_mem["W"] = True
        self.body.append(
            f"M[(W.get((a := {addr}) >> 8) or m.wslow(a, {val}, {pc}, {i | kind << 8})) | (a & 255)] = {val}"
        )

    def retire(self, op: isa.Op) -> None:
        """Count one body instruction's cycles."""
        self.cum.append(self.cycles)
        self.cycles += op.cycles
        self.n_body += 1

    def run_of(self, i: int, name: str) -> int:
        """Length of the run of push (or pop) instructions from ``i`` that can move as one slice."""
        ins, k = self.ins, i
        while k < len(ins) and ins[k][0].name == name and (ins[k][2] if name == "push" else ins[k][1]) != 15:
            k += 1
        return k - i

    def stack_run(self, i: int, name: str, k: int) -> None:
        """Consecutive pushes/pops (a trap handler saving registers) move as one slice when the
        whole range sits in one mapped page; otherwise they fall back to one access each."""
        ins, vpc = self.ins, self.vpc
        saved, self.body = self.body, []
        for j in range(i, i + k):
            _, jd, js, _ = ins[j]
            if name == "push":
                self.store(_r(js), "(r15 - 1) & 4294967295", vpc + j, j, STORE_PUSH)
                self.body.append("r15 = a")
            else:
                self.load("v", "r15", vpc + j, j)
                self.body.append("r15 = (a + 1) & 4294967295")
                if jd:
                    self.body.append(f"r{jd} = v")
        fallback, self.body = self.body, saved
        if name == "push":
            vals = ", ".join(_r(ins[j][2]) for j in reversed(range(i, i + k)))
            self.body += [
                f"a = (r15 - {k}) & 4294967295",
                "f = W.get(a >> 8)",
                "if f is not None and a >> 8 == ((r15 - 1) & 4294967295) >> 8:",
                "    o = f | (a & 255)",
                f"    M[o:o + {k}] = ({vals})",
                "    r15 = a",
            ]
        else:
            dsts = ", ".join(f"r{ins[j][1]}" if ins[j][1] else "_" for j in range(i, i + k))
            self.body += [
                "a = r15",
                "f = T.get(a >> 8)",
                f"if f is not None and a >> 8 == (a + {k - 1}) >> 8:",
                "    o = f | (a & 255)",
                f"    {dsts} = M[o:o + {k}]",
                f"    r15 = (a + {k}) & 4294967295",
            ]
        self.body += ["else:"] + ["    " + ln for ln in fallback]

    def write_body(self) -> None:
        """Step 1: every instruction of the block into body lines, up to its terminator."""
        skip_until = 0
        for i, (op, rd, rs, imm) in enumerate(self.ins):
            name = op.name
            if name in ("push", "pop") and i >= skip_until and self.run_of(i, name) >= 3:
                k = self.run_of(i, name)
                self.stack_run(i, name, k)
                skip_until = i + k
            if i < skip_until:  # part of a slice written above: only its registers and cycles
                self.used.update(reg for reg in (rd, rs, 15) if reg)
                self.written.add(15)
                if name == "pop" and rd:
                    self.written.add(rd)
                self.retire(op)
                continue
            self.used.update(
                reg
                for reg in (
                    rd,
                    rs,
                    imm & 15 if op.fmt == "dst" else 0,
                    15 if name in ("push", "pop", "call", "callr", "ret") else 0,
                )
                if reg
            )
            if op.special:
                self.term = [f"return m._op_{name}({rd}, {rs}, {imm}, {self.vpc + i})"]
                if name in _FLAG_OPS:
                    self.uses_mem["W" if name == "pushf" else "T"] |= name in ("pushf", "popf")
                    self.term = _flag_op(name, self.vpc + i, op.cycles) + self.term
                return
            if self.instruction(i, op, rd, rs, imm):
                return
        self.term = [f"return {self.vpc + len(self.ins)}"]

    def instruction(self, i: int, op: isa.Op, rd: int, rs: int, imm: int) -> bool:
        """One inline instruction into body lines; True when it ends the block."""
        pc, name, vpc = self.vpc + i, op.name, self.vpc
        self.retire(op)
        d = f"r{rd}" if rd else "_"
        if rd and op.fmt in ("dst", "dsi", "di", "dm", "dl", "d") and name != "sw":
            self.written.add(rd)
        body = self.body
        if rd and name in ("add", "sub"):
            body += _wrapped(d, _r(rs), "+" if name == "add" else "-", _r(imm & 15), name == "add")
        elif rd and name == "addi":
            body += _wrapped(d, _r(rs), "+", str(imm), imm >= 0)
        elif name in _ALU:
            body.append(f"{d} = " + _ALU[name].format(a=_r(rs), b=_r(imm & 15)))
        elif name in _IMM_OPS:
            body.append(f"{d} = {_imm_expr(name, rs, imm)}")
        elif name == "lui":
            body.append(f"{d} = {(imm & 0xFFFF) << 16}")
        elif name == "addpc":
            body.append(f"{d} = {(pc + imm) & isa.MASK}")
        elif name == "lw":
            self.load(d, _addr(rs, imm), pc, i)
        elif name == "sw":
            self.store(_r(rd), _addr(rs, imm), pc, i, STORE_SW)
        elif name == "push":
            self.store(_r(rs), "(r15 - 1) & 4294967295", pc, i, STORE_PUSH)
            body.append("r15 = a")
            self.written.add(15)
        elif name == "pop":
            self.load("v", "r15", pc, i)
            body.append("r15 = (a + 1) & 4294967295")
            self.written.add(15)
            if rd:
                body.append(f"r{rd} = v")
        elif name in _COND:
            target, fall = pc + imm, pc + 1
            cond = _COND[name].format(a=_r(rd), b=_r(rs))
            if target != vpc and i < len(self.ins) - 1:  # a side exit; the superblock goes on
                body += [f"if {cond}:", ("EXIT", self.n_body, self.cycles, target, i)]
                return False
            if target == vpc:
                self.loop_cond = cond
            self.term = [f"return {target} if {cond} else {fall}"]
            return True
        elif name == "jmp":
            if pc + imm == vpc:
                self.loop_cond = "True"
            self.term = [f"return {pc + imm}"]
            return True
        elif name == "call":
            self.store(str(pc + 1), "(r15 - 1) & 4294967295", pc, i)
            body.append("r15 = a")
            self.written.add(15)
            self.term = [f"return {pc + imm}"]
            return True
        elif name in ("jr", "callr"):
            body.append(f"t = {_r(rs)}")
            if name == "callr":
                self.store(str(pc + 1), "(r15 - 1) & 4294967295", pc, i)
                body.append("r15 = a")
                self.written.add(15)
            self.indirect = True
            self.term = ["return t"]
            return True
        elif name == "ret":
            self.load("t", "r15", pc, i)
            body.append("r15 = (a + 1) & 4294967295")
            self.written.add(15)
            self.indirect = True
            self.term = ["return t"]
            return True
        return False

    def source(self) -> str:
        """Steps 1 and 2: the whole function's source."""
        self.write_body()
        loop = self.loop_cond is not None
        loads, self.first_write = liveness(self.ins)
        used = self.used if loop else loads  # a loop reads on its next pass what it wrote on this one
        out = self.prologue(loop, used)
        guarded = self.uses_mem["T"] or self.uses_mem["W"]  # only memory accesses can fault inside a block
        ind = "    "
        if guarded:
            out.append("    try:")
            ind += "    "
        if loop:  # passes until the next timer or budget check is due: at least one (k: passes done)
            out.append(ind + f"for k in range(max(1, -(-left0 // {self.n_body}))):")
            ind += "    "
        out += self.body_lines(loop, ind)
        if guarded:
            out += self.fault_handler(loop)
            out.insert(1, f"    CUM = {tuple(self.cum) + (self.cycles,)!r}")
        out += self.epilogue(loop)
        return "\n".join(out) + "\n"

    def prologue(self, loop: bool, used: set[int]) -> list[str]:
        """The function head: the machine's memory and TLB dicts, the registers it reads, the loop budget."""
        mem = self.uses_mem
        head = ["def blk(m):", "    R = m.R"]
        if mem["T"] or mem["W"]:
            head.append("    M = m.M")
        if mem["T"]:
            head.append("    T = m.rt")
        if mem["W"]:
            head.append("    W = m.wt")
        regs = sorted(used)
        if regs:
            head.append("    " + "; ".join(f"r{r} = R[{r}]" for r in regs))
        if loop:
            head += ["    left0 = m.next_check - m.ic"]
        return head

    def write_back_before(self, loop: bool, idx: int) -> str:
        """Write-back at an exit before instruction ``idx``: registers assigned on the way there."""
        if loop:
            return write_back(self.written)
        return write_back({r for r in self.written if self.first_write[r] < idx})

    def body_lines(self, loop: bool, ind: str) -> list[str]:
        """The body, with each side exit retiring what ran before it; a loop's budget test at the end."""
        n, cycles, out = self.n_body, self.cycles, []
        for line in self.body or ["pass"]:
            if isinstance(line, tuple):  # a side exit: leave the block as if it ended here
                _, k, ck, target, at = line
                if loop:
                    done = [f"m.ic += k * {n} + {k}", f"m.cy += k * {cycles} + {ck}"]
                else:
                    done = [f"m.ic += {k}", f"m.cy += {ck}"]
                out += [ind + "    " + x for x in (self.write_back_before(loop, at), *done, f"return {target}")]
            else:
                out.append(ind + line)
        if loop and self.loop_cond != "True":
            out.append(ind + f"if not ({self.loop_cond}): break")
        return out

    def fault_handler(self, loop: bool) -> list[str]:
        """On a guest fault, the instructions before the faulting one (index m.fidx) retire: their
        register writes stand and their counts are added; then the fault goes on to the machine."""
        n, cycles, out = self.n_body, self.cycles, ["    except Fault:"]
        if loop:
            out.append(f"        {write_back(self.written)}")
        else:
            by_index: dict[int, set[int]] = {}
            for r in self.written:
                by_index.setdefault(self.first_write[r], set()).add(r)
            out += [f"        if m.fidx > {k}: {write_back(by_index[k])}" for k in sorted(by_index)]
        if loop:
            out += [f"        m.ic += k * {n} + m.fidx", f"        m.cy += k * {cycles} + CUM[m.fidx]"]
        else:
            out += ["        m.ic += m.fidx", "        m.cy += CUM[m.fidx]"]
        return out + ["        raise"]

    def epilogue(self, loop: bool) -> list[str]:
        """Write-back, the counters (once per block, or per pass of a loop) and the terminator."""
        n, out = self.n_body, [f"    {write_back(self.written)}"]
        ix = " + IX" if self.indirect else ""
        if loop:
            out += [f"    m.ic += (k + 1) * {n}", f"    m.cy += (k + 1) * {self.cycles}"]
        elif n:
            out += [f"    m.ic += {n}", f"    m.cy += {self.cycles}{ix}"]
            if self.indirect:  # counted, so that the charge can be re-priced (minisim.pricing)
                out.append('    if IX: m.count("bt_indirect")')
        return out + ["    " + t for t in self.term]


def write_back(regs) -> str:
    """Statements storing the given register locals back into the register file."""
    return "; ".join(f"R[{r}] = r{r}" for r in sorted(regs)) or "pass"
