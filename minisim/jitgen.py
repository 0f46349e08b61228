"""The block compiler's code generator: one guest block into the Python source of its function.

:mod:`minisim.jit` compiles and caches what this writes. Registers live in locals; memory goes
through the machine's TLB dicts; counters are updated once per block (or per pass of a loop).
"""

from __future__ import annotations

from minisim import isa
from minisim.blocks import Decoded, liveness, reads_writes
from minisim.jitexpr import ALU, COND, FLAG_OPS, IMM_OPS, addr, flag_op, imm_expr, reg, wrapped
from minisim.mmu import STORE_PUSH, STORE_SW


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
        self.spans: dict[int, tuple[int, int]] = {}  # instruction index -> its body lines [start, end)

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
                self.store(reg(js), "(r15 - 1) & 4294967295", vpc + j, j, STORE_PUSH)
                self.body.append("r15 = a")
            else:
                self.load("v", "r15", vpc + j, j)
                self.body.append("r15 = (a + 1) & 4294967295")
                if jd:
                    self.body.append(f"r{jd} = v")
        fallback, self.body = self.body, saved
        if name == "push":
            vals = ", ".join(reg(ins[j][2]) for j in reversed(range(i, i + k)))
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
                if name in FLAG_OPS:
                    self.uses_mem["W" if name == "pushf" else "T"] |= name in ("pushf", "popf")
                    self.term = flag_op(name, self.vpc + i, op.cycles) + self.term
                return
            start = len(self.body)
            ends = self.instruction(i, op, rd, rs, imm)
            self.spans[i] = (start, len(self.body))
            if ends:
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
            body += wrapped(d, reg(rs), "+" if name == "add" else "-", reg(imm & 15), name == "add")
        elif rd and name == "addi":
            body += wrapped(d, reg(rs), "+", str(imm), imm >= 0)
        elif name in ALU:
            body.append(f"{d} = " + ALU[name].format(a=reg(rs), b=reg(imm & 15)))
        elif name in IMM_OPS:
            body.append(f"{d} = {imm_expr(name, rs, imm)}")
        elif name == "lui":
            body.append(f"{d} = {(imm & 0xFFFF) << 16}")
        elif name == "addpc":
            body.append(f"{d} = {(pc + imm) & isa.MASK}")
        elif name == "lw":
            self.load(d, addr(rs, imm), pc, i)
        elif name == "sw":
            self.store(reg(rd), addr(rs, imm), pc, i, STORE_SW)
        elif name == "push":
            self.store(reg(rs), "(r15 - 1) & 4294967295", pc, i, STORE_PUSH)
            body.append("r15 = a")
            self.written.add(15)
        elif name == "pop":
            self.load("v", "r15", pc, i)
            body.append("r15 = (a + 1) & 4294967295")
            self.written.add(15)
            if rd:
                body.append(f"r{rd} = v")
        elif name in COND:
            target, fall = pc + imm, pc + 1
            cond = COND[name].format(a=reg(rd), b=reg(rs))
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
            body.append(f"t = {reg(rs)}")
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
        counter = self.counter() if loop and not guarded else None
        if counter is not None:
            return "\n".join(out + self.counted_loop(*counter)) + "\n"
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

    def counter(self) -> tuple[int, int] | None:
        """A loop counted down to zero: ``addi c, c, -1`` somewhere in the body, ``bne c, r0`` (or
        ``bne r0, c``) back to the start, no other read or write of ``c`` and no side exit. Then the
        number of passes is known at entry. Returns (c, index of the addi) or None."""
        *body, (op, rd, rs, _) = self.ins
        c = rd or rs
        if op.name != "bne" or 0 not in (rd, rs) or not c or any(isinstance(x, tuple) for x in self.body):
            return None
        found = None
        for i, ins in enumerate(body):
            reads, writes = reads_writes(*ins)
            if ins[0].name == "addi" and ins[1] == ins[2] == c and ins[3] == -1 and found is None:
                found = i
            elif c in reads or c in writes:
                return None
        return None if found is None else (c, found)

    def strides(self, c: int, dec: int) -> list[tuple[int, int, int]]:
        """Registers a counted loop steps by a constant: (register, index, step) of each ``addi x, x,
        step`` whose ``x`` no other instruction of the body writes (reads are fine)."""
        body = self.ins[:-1]
        out = []
        for i, (op, rd, rs, imm) in enumerate(body):
            if i == dec or op.name != "addi" or rd != rs or not rd or not imm or rd == c:
                continue
            if all(rd not in reads_writes(*ins)[1] for j, ins in enumerate(body) if j != i):
                out.append((rd, i, imm))
        return out

    def counted_loop(self, c: int, dec: int) -> list[str]:
        """The loop of ``counter``, without the count: ``passes`` is the smaller of the passes left
        before the next check and those until ``r{c}`` reaches zero (2**32 from zero), and the
        counter is set once after the last pass -- the same passes, registers and counts as the
        pass-by-pass loop, with one decrement and test fewer each pass."""
        n, cycles = self.n_body, self.cycles
        a, b = self.spans[dec]
        lines = [ln if i not in range(a, b) else None for i, ln in enumerate(self.body)]
        body = [ln for ln in lines if isinstance(ln, str)] or ["pass"]
        out = [f"    passes = min(max(1, -(-left0 // {n})), r{c} or 4294967296)"]
        guards = []  # loop versioning: a stride register that cannot wrap in these passes needs no test
        for x, i, imm in self.strides(c, dec):
            lines[self.spans[i][1] - 1] = None  # its wrap test (see jitexpr.wrapped)
            guards.append(f"r{x} + {imm} * passes <= 4294967295" if imm > 0 else f"r{x} - {-imm} * passes >= 0")
        if guards:
            fast = [ln for ln in lines if isinstance(ln, str)] or ["pass"]
            out += [f"    if {' and '.join(guards)}:", "        for _ in range(passes):"]
            out += ["            " + ln for ln in fast] + ["    else:", "        for _ in range(passes):"]
            out += ["            " + ln for ln in body]
        else:
            out += ["    for _ in range(passes):", *("        " + ln for ln in body)]
        return [
            *out,
            f"    r{c} = (r{c} - passes) & 4294967295",
            f"    {write_back(self.written)}",
            f"    m.ic += passes * {n}",
            f"    m.cy += passes * {cycles}",
            *("    " + t for t in self.term),
        ]

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
