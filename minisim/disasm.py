"""Disassembler for the minisim ISA, driven by the same table as the CPU and the assembler."""

from __future__ import annotations

from minisim import isa


def format_instruction(word: int, pc: int = 0) -> str:
    """Disassemble one word (``.word 0x...`` when it is not an instruction)."""
    try:
        op, rd, rs, imm = isa.decode(word)
    except KeyError:
        return f".word {word:#010x}"
    r = isa.REG_NAMES
    f = op.fmt
    cr = isa.CR_NAMES[imm] if 0 <= imm < 4 else str(imm)
    ops = {
        "": "",
        "d": r[rd],
        "s": r[rs],
        "dst": f"{r[rd]}, {r[rs]}, {r[imm & 15]}",
        "dsi": f"{r[rd]}, {r[rs]}, {imm}",
        "di": f"{r[rd]}, {imm & 0xFFFF:#x}",
        "dm": f"{r[rd]}, {imm}({r[rs]})",
        "dsl": f"{r[rd]}, {r[rs]}, {pc + imm:#06x}",
        "l": f"{pc + imm:#06x}",
        "dl": f"{r[rd]}, {pc + imm:#06x}",
        "i": f"{imm & 0xFFFF}",
        "dc": f"{r[rd]}, {cr}",
        "cs": f"{cr}, {r[rs]}",
        "dp": f"{r[rd]}, {imm}",
        "ps": f"{imm}, {r[rs]}",
    }[f]
    return f"{op.name} {ops}".strip()


def format_effects(word: int) -> str:
    """What one instruction reads and writes, from the ISA table, with its operand registers named
    (``reads r1, r2; writes r3``); ``""`` for a word that is not an instruction."""
    try:
        op, rd, rs, imm = isa.decode(word)
    except KeyError:
        return ""
    names = {"rd": isa.REG_NAMES[rd], "rs": isa.REG_NAMES[rs], "rt": isa.REG_NAMES[imm & 15]}
    cr = isa.CR_NAMES[imm] if 0 <= imm < 4 else "cr"
    names["cr"] = cr if op.fmt in ("dc", "cs") else "control registers"

    def shown(effects: tuple[str, ...]) -> str:
        return ", ".join(dict.fromkeys(names.get(e, e) for e in effects)) or "nothing"

    return f"reads {shown(op.reads)}; writes {shown(op.writes)}"


def disassemble(code, start: int = 0, effects: bool = False) -> str:
    """Disassemble an image, an address->word dict, or a list of words placed at ``start``
    (``effects``: each line also says what the instruction reads and writes)."""
    words = getattr(code, "words", code)  # an asm.Image, or the words themselves
    items = sorted(words.items()) if isinstance(words, dict) else list(enumerate(words, start))
    lines = []
    for a, w in items:
        text = f"{a:#06x}: {w:08x}  {format_instruction(w, a)}"
        if effects and (said := format_effects(w)):
            text = f"{text:<44}; {said}"
        lines.append(text)
    return "\n".join(lines)
