"""Finding a compiled block's instructions: superblock decoding and register liveness."""

from __future__ import annotations

from minisim import isa

MAX_BLOCK = 48
_STACK_OPS = frozenset(("push", "pop", "call", "callr", "ret"))

Decoded = tuple[isa.Op, int, int, int]  # op, rd, rs, signed imm


def decode_block(mem: list[int], ppc: int) -> list[Decoded]:
    """Decode a superblock from physical ``ppc``: straight-line code that runs on past conditional
    branches (each becomes a side exit) up to a jump, call, return, system instruction, a branch
    back to the start (a loop), the page end or MAX_BLOCK.

    (Following direct jumps and calls as well was tried and measured: 15% fewer dispatches on
    ctxswitch but no faster, and a cold ``compare`` of ``mixed`` 23% slower from the longer code.)
    """
    out: list[Decoded] = []
    end = (ppc | (isa.PAGE_WORDS - 1)) + 1
    while ppc < end and len(out) < MAX_BLOCK:
        try:
            ins = isa.decode(mem[ppc])
        except KeyError:
            ins = (isa.BY_NAME["vmcall"], 0, 0, -1)  # an undefined opcode behaves as an illegal instruction
            out.append(ins)
            break
        out.append(ins)
        op = ins[0]
        if op.special or (op.ends_block and (op.fmt != "dsl" or ins[3] == 1 - len(out))):
            break
        ppc += 1
    return out


def reads_writes(op: isa.Op, rd: int, rs: int, imm: int) -> tuple[set[int], set[int]]:
    """Registers an inline instruction reads and writes (r0 left out).

    System instructions read the register file after the block's write-back, so they need neither.
    """
    reads: set[int] = set()
    writes: set[int] = set()
    name, fmt = op.name, op.fmt
    if op.special:
        return reads, writes
    if fmt == "dst":
        reads |= {rs, imm & 15}
        writes.add(rd)
    elif fmt == "dsi" or name == "lw":
        reads.add(rs)
        writes.add(rd)
    elif fmt in ("di", "dl") or name == "pop":
        writes.add(rd)
    elif name == "sw" or fmt == "dsl":
        reads |= {rd, rs}
    elif name in ("push", "jr", "callr"):
        reads.add(rs)
    if name in _STACK_OPS:
        reads.add(15)
        writes.add(15)
    return reads - {0}, writes - {0}


def liveness(ins: list[Decoded]) -> tuple[set[int], dict[int, int]]:
    """(registers read before the block writes them, register -> index of its first write).

    A straight-line block loads only the first set; a register it only writes is left unloaded,
    so every exit writes back just the registers already assigned on the way to it.
    """
    loads: set[int] = set()
    first_write: dict[int, int] = {}
    for i, ins_i in enumerate(ins):
        reads, writes = reads_writes(*ins_i)
        loads |= {r for r in reads if r not in first_write}  # read before (or by) its first write
        for r in writes:
            first_write.setdefault(r, i)
    return loads, first_write
