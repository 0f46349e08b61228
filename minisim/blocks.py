"""Finding a compiled block's instructions: superblock decoding and register liveness.

A block is straight-line code from its entry. Conditional branches become side exits. With
``chain`` (modes that charge nothing per translated block), decoding also follows direct jumps
and calls within the page, returns to a call it followed, and cli/sti/pushf: each such point
becomes a *chain point*, where the block leaves only if a timer or budget check is due, so
interrupts are still delivered at exactly the instruction boundaries of unchained execution.
"""

from __future__ import annotations

from minisim import isa

MAX_BLOCK = 48
CHAINED_FLAG_OPS = frozenset(("cli", "sti", "pushf"))  # popf in kernel mode always wants a check
_STACK_OPS = frozenset(("push", "pop", "call", "callr", "ret"))

Decoded = tuple[isa.Op, int, int, int, int]  # op, rd, rs, imm, offset of the word from the block's entry


def decode_block(mem: list[int], ppc: int, chain: bool = False) -> tuple[list[Decoded], int | None]:
    """Decode the superblock entered at physical ``ppc``: (instructions, where it falls through).

    It ends at a jump, call, return or system instruction it does not follow (falls through:
    None), at a branch back to its entry (the block becomes a loop), or, falling through to the
    returned offset, at the page end, at MAX_BLOCK instructions or at code it already holds.
    """
    out: list[Decoded] = []
    page, entry = ppc & ~(isa.PAGE_WORDS - 1), ppc & (isa.PAGE_WORDS - 1)
    off = 0
    returns: list[int] = []  # offsets the calls followed so far return to
    seen: set[int] = set()
    while entry + off < isa.PAGE_WORDS and len(out) < MAX_BLOCK and off not in seen:
        seen.add(off)
        try:
            op, rd, rs, imm = isa.decode(mem[page + entry + off])
        except KeyError:  # an undefined opcode behaves as an illegal instruction
            out.append((isa.BY_NAME["vmcall"], 0, 0, -1, off))
            return out, None
        out.append((op, rd, rs, imm, off))
        name = op.name
        if op.special:
            if chain and name in CHAINED_FLAG_OPS:
                off += 1
                continue
            return out, None
        if not op.ends_block:
            off += 1
            continue
        target = off + imm
        if op.fmt == "dsl" and target != 0:
            off += 1  # a side exit
            continue
        in_page = 0 <= entry + target < isa.PAGE_WORDS and target != 0 and target not in seen
        if chain and name == "jmp" and in_page:
            off = target
        elif chain and name == "call" and in_page:
            returns.append(off + 1)
            off = target
        elif chain and name == "ret" and returns and returns[-1] not in seen:
            off = returns.pop()
        else:
            return out, None
    return out, off


def reads_writes(op: isa.Op, rd: int, rs: int, imm: int) -> tuple[set[int], set[int]]:
    """Registers an inline instruction reads and writes (r0 left out).

    System instructions read the register file after the block's write-back, so they need
    neither -- except pushf, which a chained block runs inline on its stack pointer.
    """
    reads: set[int] = set()
    writes: set[int] = set()
    name, fmt = op.name, op.fmt
    if name == "pushf":
        return {15}, {15}
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
    for i, (op, rd, rs, imm, _) in enumerate(ins):
        reads, writes = reads_writes(op, rd, rs, imm)
        loads |= {r for r in reads if r not in first_write}  # read before (or by) its first write
        for r in writes:
            first_write.setdefault(r, i)
    return loads, first_write
