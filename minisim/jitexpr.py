"""The block compiler's expressions: what one guest instruction computes, as Python source text.

Used by :mod:`minisim.jitgen`. Registers are locals ``r1`` .. ``r15`` holding 32-bit values.
"""

from __future__ import annotations

ALU = {
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
COND = {
    "beq": "{a} == {b}",
    "bne": "{a} != {b}",
    "blt": "({a} ^ 2147483648) < ({b} ^ 2147483648)",
    "bge": "({a} ^ 2147483648) >= ({b} ^ 2147483648)",
    "bltu": "{a} < {b}",
    "bgeu": "{a} >= {b}",
}


def reg(n: int) -> str:
    """The source text of register ``n`` (r0 reads as the constant 0)."""
    return "0" if n == 0 else f"r{n}"


def addr(rs: int, imm: int) -> str:
    """Effective-address expression (registers always hold 32-bit values: no mask for offset 0)."""
    if rs == 0:
        return str(imm & 0xFFFFFFFF)
    return f"r{rs}" if imm == 0 else f"(r{rs} + {imm}) & 4294967295"


# Interrupt-flag instructions with an inline body for the bare machine (``FAST``, bound per mode
# when a block's function is made): still block terminators in every mode, so that interrupts are
# delivered at the same instruction boundaries everywhere, but without a call into the machine.
FLAG_OPS = ("pushf", "popf", "cli", "sti")


def flag_op(name: str, pc: int, cycles: int) -> list[str]:
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


IMM_OPS = ("addi", "slti", "andi", "ori", "xori", "shli", "shri")


def imm_expr(name: str, rs: int, imm: int) -> str:
    """The expression an immediate-operand ALU instruction computes."""
    z = imm & 0xFFFF
    return {
        "addi": f"({reg(rs)} + {imm}) & 4294967295",
        "andi": f"{reg(rs)} & {z}",
        "ori": f"{reg(rs)} | {z}",
        "xori": f"{reg(rs)} ^ {z}",
        "shli": f"({reg(rs)} & {0xFFFFFFFF >> (imm & 31)}) << {imm & 31}",
        "shri": f"{reg(rs)} >> {imm & 31}",
        "slti": f"int(({reg(rs)} ^ 2147483648) < {(imm & 0xFFFFFFFF) ^ 0x80000000})",
    }[name]


def wrapped(d: str, a: str, op: str, b: str, up: bool) -> list[str]:
    """``d = (a op b) mod 2**32`` for an addition or subtraction of 32-bit values: the result is at
    most one wrap away, so a comparison replaces the mask. (A mask makes a new integer object on
    every pass; the comparison does not, and the wrap itself is rare.)"""
    if b == "0":  # a move (add rd, rs, r0; addi rd, rs, 0): nothing to wrap
        return [f"{d} = {a}"]
    if a == "0" and b.lstrip("-").isdigit():  # li as addi from r0: a constant
        return [f"{d} = {(int(b) if op == '+' else -int(b)) & 0xFFFFFFFF}"]
    fix = f"if {d} > 4294967295: {d} -= 4294967296" if up else f"if {d} < 0: {d} += 4294967296"
    return [f"{d} = {a} {op} {b}", fix]
