"""Two-pass assembler for the minisim ISA, driven by ``isa.OPS`` (the disassembler is ``disasm``).

Syntax (one statement a line, ``;`` or ``#`` starts a comment)::

    label:  op operands         ; instructions from the table, plus pseudo-ops li, mov, la, b
    .equ NAME, expr             ; constants;  expressions use + - * / % << >> & | ^ ~ ( )
    .org expr  .align expr  .word expr, ...  .space expr  .ascii "text" (one char a word)
    .rept count, var ... .endr  ; repeat with var = 0 .. count-1
    .macro NAME a, b ... .endm  ; \\a expands an argument, \\@ a number unique to the expansion
    .ifdef SYM / .ifndef SYM / .else / .endif   ; conditional assembly (one source, two kernels)

Errors raise :class:`AsmError` carrying the line and column of the offending text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, overload

from minisim import isa
from minisim.asmlex import (
    MAX_SOURCE_BYTES,
    AsmError,
    check_word,
    evaluate,
    parse_line,
    register,
)
from minisim.asmpre import BAL, preprocess

__all__ = ["MAX_SOURCE_BYTES", "AsmError", "Image", "assemble", "assemble_balanced", "check_size", "expand"]

_MEMOP = re.compile(r"^(.*)\(\s*([A-Za-z0-9]+)\s*\)$")


@dataclass
class Image:
    """An assembled program: words by address, symbols, and the source line of each word."""

    words: dict[int, int] = field(default_factory=dict)
    symbols: dict[str, int] = field(default_factory=dict)
    lines: dict[int, int] = field(default_factory=dict)

    def span(self) -> tuple[int, int]:
        """Lowest and one-past-highest address used."""
        return (min(self.words), max(self.words) + 1) if self.words else (0, 0)


@dataclass
class _Stmt:
    line: int
    col: int
    label: str | None
    op: str | None
    args: list[tuple[str, int]]  # (text, column)
    size: int = 0


def _parse(lines: list[tuple[int, str]]) -> list[_Stmt]:
    stmts = []
    for n, s in lines:
        label, op, args, op_col, body_col = parse_line(s)
        stmts.append(_Stmt(n, op_col, label, op, list(args)))
    return stmts


class _Assembler:
    def __init__(self, stmts: list[_Stmt], predefined: dict[str, int]):
        self.stmts = stmts
        self.syms: dict[str, int] = dict(predefined)

    @overload
    def value(self, text: str, line: int, col: int, final: Literal[True]) -> int: ...

    @overload
    def value(self, text: str, line: int, col: int, final: bool) -> int | None: ...

    def value(self, text: str, line: int, col: int, final: bool) -> int | None:
        """Evaluate an operand; before the final pass an unknown symbol gives None (in the final
        pass it is an error, so a final value is always an int)."""
        try:
            return evaluate(text, self.syms, line, col)
        except KeyError as e:
            if final:
                raise AsmError(f"undefined symbol {e.args[0]!r}", line, col) from None
            return None

    def size(self, st: _Stmt) -> int:
        """Words the statement occupies (decided in pass 1, kept in pass 2)."""
        op = st.op
        if op is None or op in (".equ", ".org", ".align"):
            return 0
        if op == ".word":
            return len(st.args)
        if op == ".space":
            v = self.value(st.args[0][0], st.line, st.args[0][1], True) if st.args else 0
            if not 0 <= v <= isa.MEM_WORDS:
                raise AsmError(f".space {v} out of range (0-{isa.MEM_WORDS})", st.line, st.args[0][1])
            return v
        if op == ".ascii":
            return len(self.string(st))
        if op == "li":
            if len(st.args) != 2:
                raise AsmError("li takes rd, value", st.line, st.col)
            known = self.value(st.args[1][0], st.line, st.args[1][1], False)
            return 1 if known is not None and -0x8000 <= known < 0x8000 else 2
        if op in ("mov", "la", "b") or op in isa.BY_NAME:
            return 1
        raise AsmError(f"unknown instruction {op!r}", st.line, st.col)

    def string(self, st: _Stmt) -> str:
        """The text of an .ascii statement."""
        if len(st.args) != 1 or not (st.args[0][0].startswith('"') and st.args[0][0].endswith('"')):
            raise AsmError('.ascii takes one "string"', st.line, st.col)
        try:
            return st.args[0][0][1:-1].encode().decode("unicode_escape")
        except UnicodeDecodeError as e:
            raise AsmError(f"bad escape in string: {e.reason}", st.line, st.args[0][1]) from None

    def run(self) -> Image:
        """Pass 1 assigns addresses to labels, pass 2 emits the words."""
        addr = 0
        for st in self.stmts:  # pass 1: addresses
            if st.label:
                if st.label in self.syms:
                    raise AsmError(f"duplicate label {st.label!r}", st.line, 1)
                self.syms[st.label] = addr
            if st.op == ".equ":
                if len(st.args) != 2:
                    raise AsmError(".equ takes NAME, value", st.line, st.col)
                v = self.value(st.args[1][0], st.line, st.args[1][1], True)
                self.syms[st.args[0][0]] = check_word(v, ".equ value", st.line, st.args[1][1])
            elif st.op == ".org":
                addr = self.value(st.args[0][0], st.line, st.args[0][1], True)
            elif st.op == ".align":
                addr = self.align(st, addr)
            st.size = self.size(st)
            st.col = st.col or 1
            addr += st.size
        img, addr = Image(symbols=self.syms), 0
        for st in self.stmts:  # pass 2: words
            if st.op == ".org":
                addr = self.value(st.args[0][0], st.line, st.args[0][1], True)
                continue
            if st.op == ".align":
                addr = self.align(st, addr)
                continue
            for w in self.emit(st, addr):
                if not 0 <= addr < isa.MEM_WORDS:
                    raise AsmError(f"address {addr:#x} outside memory", st.line, st.col)
                img.words[addr] = w & isa.MASK
                img.lines[addr] = st.line
                addr += 1
        return img

    def align(self, st: _Stmt, addr: int) -> int:
        """``addr`` rounded up to the statement's alignment (1 to the size of memory)."""
        if len(st.args) != 1:
            raise AsmError(".align takes one value", st.line, st.col)
        a = self.value(st.args[0][0], st.line, st.args[0][1], True)
        if not 1 <= a <= isa.MEM_WORDS:
            raise AsmError(f".align {a} out of range (1-{isa.MEM_WORDS})", st.line, st.args[0][1])
        return -(-addr // a) * a

    def emit(self, st: _Stmt, pc: int) -> list[int]:
        """The words of one statement at address ``pc``."""
        op, args, n = st.op, st.args, st.line
        if op is None or op == ".equ":
            return []
        if op == ".word":
            return [check_word(self.value(a, n, c, True), ".word value", n, c) for a, c in args]
        if op == ".space":
            return [0] * st.size
        if op == ".ascii":
            return [ord(ch) for ch in self.string(st)]
        if op == "li":
            rd = register(args[0][0], n, args[0][1])
            v = check_word(self.value(args[1][0], n, args[1][1], True), "li value", n, args[1][1]) & isa.MASK
            if st.size == 1:
                return [isa.encode(isa.BY_NAME["addi"], rd, 0, v)]
            return [isa.encode(isa.BY_NAME["lui"], rd, 0, v >> 16), isa.encode(isa.BY_NAME["ori"], rd, rd, v & 0xFFFF)]
        if op == "mov":
            self.arity(st, 2)
            return [
                isa.encode(isa.BY_NAME["add"], register(args[0][0], n, args[0][1]), register(args[1][0], n, args[1][1]))
            ]
        if op in ("la", "b"):
            op = {"la": "addpc", "b": "jmp"}[op]
        o = isa.BY_NAME[op]
        want = {"": 0, "d": 1, "s": 1, "l": 1, "i": 1, "dst": 3, "dsi": 3, "dsl": 3}.get(o.fmt, 2)
        self.arity(st, want)
        rd = rs = imm = 0
        f = o.fmt
        if f in ("d", "dst", "dsi", "di", "dm", "dsl", "dl", "dc", "dp"):
            rd = register(args[0][0], n, args[0][1])
        if f in ("s",):
            rs = register(args[0][0], n, args[0][1])
        if f in ("dst", "dsi", "dsl"):
            rs = register(args[1][0], n, args[1][1])
        if f == "dst":
            imm = register(args[2][0], n, args[2][1])
        elif f in ("dsi", "di", "i"):
            a, c = args[-1]
            imm = self.value(a, n, c, True)
            if not -0x8000 <= imm <= 0xFFFF:
                raise AsmError(f"immediate {imm} does not fit in 16 bits", n, c)
        elif f in ("dsl", "l", "dl"):
            a, c = args[-1]
            imm = self.value(a, n, c, True) - pc
            if not -0x8000 <= imm < 0x8000:
                raise AsmError("branch target out of range", n, c)
        elif f == "dm":
            a, c = args[1]
            m = _MEMOP.match(a)
            if not m:
                raise AsmError("expected offset(register)", n, c)
            rs = register(m.group(2), n, c)
            imm = self.value(m.group(1) or "0", n, c, True)
            if not -0x8000 <= imm <= 0xFFFF:
                raise AsmError(f"offset {imm} does not fit in 16 bits", n, c)
        elif f in ("dc", "cs"):
            a, c = args[1] if f == "dc" else args[0]
            names = {name: i for i, name in enumerate(isa.CR_NAMES)}
            imm = names[a.lower()] if a.lower() in names else self.value(a, n, c, True)
            if f == "cs":
                rs = register(args[1][0], n, args[1][1])
        elif f in ("dp", "ps"):
            a, c = args[1] if f == "dp" else args[0]
            imm = self.value(a, n, c, True)
            if f == "ps":
                rs = register(args[1][0], n, args[1][1])
        return [isa.encode(o, rd, rs, imm)]

    @staticmethod
    def arity(st: _Stmt, want: int) -> None:
        """Check the operand count."""
        if len(st.args) != want:
            raise AsmError(f"{st.op} takes {want} operand(s), got {len(st.args)}", st.line, st.col)


def check_size(text: str, limit: int = MAX_SOURCE_BYTES) -> None:
    """Refuse a source over ``limit`` characters before any work is done on it."""
    if len(text) > limit:
        raise AsmError(f"source is {len(text)} characters; the limit is {limit}", 1)


def assemble(text: str, defines: dict[str, int] | set[str] | None = None) -> Image:
    """Assemble source text; ``defines`` are symbols visible to ``.ifdef`` (and, if a dict, as values)."""
    check_size(text)
    defs = dict.fromkeys(defines, 1) if isinstance(defines, set) else dict(defines or {})
    return _Assembler(_parse(preprocess(text, set(defs))), defs).run()


def assemble_balanced(text: str, defines: set[str], symbol: str) -> Image:
    """Assemble for ``defines`` with every ``.ifdef symbol`` region padded with ``nop`` to the longer of
    its two builds, so that the code with and without ``symbol`` has the same layout: every label,
    and every code address a register may hold, is the same in both. (If padding moved a value
    enough to change an instruction's size, the layouts may still differ; nothing is padded then.)"""

    check_size(text)

    def marked(defs: set[str], pads: dict[int, int] | None = None) -> Image:
        d = dict.fromkeys(defs, 1)
        return _Assembler(_parse(preprocess(text, defs, symbol, pads)), d).run()

    def lengths(img: Image) -> dict[int, int]:
        sym = img.symbols
        return {
            int(k[len(BAL) : -6]): sym[f"{k[:-6]}_end"] - a
            for k, a in sym.items()
            if k.startswith(BAL) and k.endswith("_start")
        }

    without, with_ = lengths(marked(defines - {symbol})), lengths(marked(defines | {symbol}))
    own = with_ if symbol in defines else without
    pads = {k: max(without.get(k, 0), with_.get(k, 0)) - n for k, n in own.items()}
    img = marked(defines, pads)
    img.symbols = {k: v for k, v in img.symbols.items() if not k.startswith(BAL)}
    return img


def expand(text: str, defines: set[str] | None = None) -> str:
    """The source as the assembler sees it for ``defines``: conditionals resolved, macros expanded."""
    return "\n".join(s for _, s in preprocess(text, set(defines or ()))) + "\n"
