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

import ast
import functools
import re
from dataclasses import dataclass, field
from typing import Literal, overload

from minisim import isa

_LABEL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*):")
MAX_SOURCE_BYTES = 1 << 20  # 1 MiB: the kernel and a workload together are under 30 kB
MAX_LINES = 1 << 18  # statements after expansion: 4x memory's words (labels and .equ take none)
_WORD_MIN, _WORD_MAX = -(1 << 31), isa.MASK  # a word's value, read as signed or unsigned
_BIG = 1 << 64  # no intermediate value in an expression may reach this magnitude
_MEMOP = re.compile(r"^(.*)\(\s*([A-Za-z0-9]+)\s*\)$")


class AsmError(Exception):
    """An assembly error at ``line``:``col`` (1-based) of the source text."""

    def __init__(self, message: str, line: int, col: int = 1) -> None:
        super().__init__(f"{line}:{col}: error: {message}")
        self.message, self.line, self.col = message, line, col


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


_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Div: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
    ast.LShift: lambda a, b: a << b,
    ast.RShift: lambda a, b: a >> b,
    ast.BitAnd: lambda a, b: a & b,
    ast.BitOr: lambda a, b: a | b,
    ast.BitXor: lambda a, b: a ^ b,
}


_NUM = re.compile(r"-?(0x[0-9a-fA-F]+|\d+)$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


def _eval(text: str, syms: dict[str, int], line: int, col: int) -> int:
    """Evaluate a constant expression; unknown symbols raise KeyError (name)."""
    text = text.strip()
    if _NUM.match(text):  # fast paths: most operands are a number or a name
        return int(text, 0)
    if _NAME.match(text):
        return syms[text]
    return _eval_expr(text, syms, line, col)


@functools.lru_cache(maxsize=4096)
def _parse_expr(text: str) -> ast.AST | None:
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None


def _eval_expr(text: str, syms: dict[str, int], line: int, col: int) -> int:
    text = re.sub(r"'(\\?.)'", lambda m: str(ord(m.group(1)[-1] if m.group(1) != "\\n" else "\n")), text.strip())
    tree = _parse_expr(text)
    if tree is None:
        raise AsmError(f"bad expression {text!r}", line, col)

    def ev(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            return syms[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.LShift | ast.RShift) and not 0 <= right <= 64:
                raise AsmError(f"shift count {right} out of range (0-64) in {text!r}", line, col)
            v = _BINOPS[type(node.op)](left, right)
            if not -_BIG < v < _BIG:  # bounded, so a hostile expression cannot grow without end
                raise AsmError(f"value out of range in {text!r}", line, col)
            return v
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Invert | ast.UAdd):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else (~v if isinstance(node.op, ast.Invert) else v)
        raise AsmError(f"bad expression {text!r}", line, col)

    try:
        return ev(tree)
    except ZeroDivisionError:
        raise AsmError(f"division by zero in {text!r}", line, col) from None


def _word(v: int, what: str, line: int, col: int) -> int:
    """``v`` if it fits in a 32-bit word (signed or unsigned), else an error: never truncated."""
    if not _WORD_MIN <= v <= _WORD_MAX:
        raise AsmError(f"{what} {v} does not fit in 32 bits", line, col)
    return v


def _split_args(text: str, col0: int) -> list[tuple[str, int]]:
    if '"' not in text and "(" not in text and "'" not in text:  # fast path
        out, pos = [], 0
        for piece in text.split(","):
            if piece.strip():
                out.append((piece.strip(), col0 + pos + len(piece) - len(piece.lstrip())))
            pos += len(piece) + 1
        return out
    out, depth, start, in_str = [], 0, 0, False
    for i, ch in enumerate(text + ","):
        if ch == '"':
            in_str = not in_str
        elif not in_str and ch == "(":
            depth += 1
        elif not in_str and ch == ")":
            depth -= 1
        elif not in_str and ch == "," and depth == 0:
            piece = text[start:i]
            if piece.strip():
                out.append((piece.strip(), col0 + start + len(piece) - len(piece.lstrip())))
            start = i + 1
    return out


def _strip_comment(line: str) -> str:
    if '"' not in line and "'" not in line:  # fast path
        cut = min((i for i in (line.find(";"), line.find("#")) if i >= 0), default=len(line))
        return line[:cut]
    in_str, in_chr = False, False
    for i, ch in enumerate(line):
        if ch == '"' and not in_chr:
            in_str = not in_str
        elif ch == "'" and not in_str:
            in_chr = not in_chr
        elif ch in ";#" and not in_str and not in_chr:
            return line[:i]
    return line


_BAL = "__balance_"  # prefix of the labels that mark a balanced conditional (see assemble_balanced)


def _preprocess(
    text: str, defines: set[str], balance: str | None = None, pads: dict[int, int] | None = None
) -> list[tuple[int, str]]:
    """Expand conditionals, macros and .rept blocks into (source line, text) pairs.

    With ``balance``, each ``.ifdef``/``.ifndef`` of that symbol is bracketed by two labels (its
    start and end) and, from ``pads``, followed by that many ``nop`` lines (see assemble_balanced).
    """
    raw = [(n + 1, _strip_comment(s).rstrip()) for n, s in enumerate(text.splitlines())]
    macros: dict[str, tuple[list[str], list[tuple[int, str]]]] = {}
    counter = [0]
    balanced = [0]  # conditionals on ``balance`` seen so far, in source order

    def expand(lines: list[tuple[int, str]], depth: int) -> list[tuple[int, str]]:
        if depth > 20:
            raise AsmError("macro or .rept nesting too deep", lines[0][0] if lines else 1)
        out: list[tuple[int, str]] = []
        cond: list[bool] = []
        marks: list[int | None] = []  # per open conditional: its balance number, or None
        i = 0
        while i < len(lines):
            n, s = lines[i]
            lab = _LABEL.match(s)
            if lab and all(cond) and (s[lab.end() :].split(None, 1) or [""])[0].lower() in macros:
                out.append((n, s[: lab.end()]))  # `x: MACRO args`: the label, then the expansion
                s = " " * lab.end() + s[lab.end() :]
            word = s.split(None, 1)[0].lower() if s.strip() else ""
            rest = s.split(None, 1)[1].strip() if len(s.split(None, 1)) > 1 else ""
            i += 1
            if word in (".ifdef", ".ifndef"):
                mark = None
                if balance is not None and rest == balance and all(cond):
                    mark = balanced[0] = balanced[0] + 1
                    out.append((n, f"{_BAL}{mark}_start:"))
                marks.append(mark)
                cond.append((rest in defines) == (word == ".ifdef"))
                continue
            if word == ".else":
                if not cond:
                    raise AsmError(".else without .ifdef", n)
                cond[-1] = not cond[-1]
                continue
            if word == ".endif":
                if not cond:
                    raise AsmError(".endif without .ifdef", n)
                cond.pop()
                mark = marks.pop()
                if mark is not None:
                    out.extend([(n, "nop")] * (pads or {}).get(mark, 0))
                    out.append((n, f"{_BAL}{mark}_end:"))
                continue
            if not all(cond):
                continue
            if word in (".macro", ".rept"):
                body, nest = [], 1
                while i < len(lines):
                    w2 = lines[i][1].split(None, 1)[0].lower() if lines[i][1].strip() else ""
                    nest += w2 in (".macro", ".rept")
                    nest -= w2 in (".endm", ".endr")
                    if nest == 0:
                        break
                    body.append(lines[i])
                    i += 1
                else:
                    raise AsmError(f"{word} without its end", n)
                i += 1
                parts = [p for p, _ in _split_args(rest, 0)]
                if word == ".macro":
                    head = parts[0].split() if parts else []
                    if not head:
                        raise AsmError(".macro needs a name", n)
                    params = head[1:] + parts[1:]
                    macros[head[0].lower()] = (params, body)
                else:
                    count = _eval(parts[0], {}, n, 1) if parts else 0
                    if not 0 <= count <= isa.MEM_WORDS:
                        raise AsmError(f".rept count {count} out of range (0-{isa.MEM_WORDS})", n)
                    var = parts[1] if len(parts) > 1 else None
                    for k in range(count):
                        sub = [(bn, re.sub(rf"\b{var}\b", str(k), bs) if var else bs) for bn, bs in body]
                        out.extend(expand(sub, depth + 1))
                        if len(out) > MAX_LINES:  # checked per copy, so a nested .rept stops early
                            raise AsmError(f"program expands to more than {MAX_LINES} statements", n)
                continue
            if word in macros:
                params, body = macros[word]
                args = [a for a, _ in _split_args(rest, 0)]
                if len(args) != len(params):
                    raise AsmError(f"macro {word} takes {len(params)} argument(s), got {len(args)}", n)
                counter[0] += 1
                sub = []
                for _bn, bs in body:
                    for p, a in sorted(zip(params, args, strict=True), key=lambda pa: -len(pa[0])):
                        bs = bs.replace("\\" + p, a)
                    sub.append((n, bs.replace("\\@", str(counter[0]))))
                out.extend(expand(sub, depth + 1))
                if len(out) > MAX_LINES:
                    raise AsmError(f"program expands to more than {MAX_LINES} statements", n)
                continue
            out.append((n, s))
        if cond:
            raise AsmError(".ifdef without .endif", lines[-1][0] if lines else 1)
        return out

    return expand(raw, 0)


def _parse(lines: list[tuple[int, str]]) -> list[_Stmt]:
    stmts = []
    for n, s in lines:
        label, op, args, op_col, body_col = _parse_line(s)
        stmts.append(_Stmt(n, op_col, label, op, list(args)))
    return stmts


@functools.lru_cache(maxsize=8192)
def _parse_line(s: str) -> tuple:
    """(label, op, args, op column, body column) of one line; cached, as builds share most lines."""
    label = None
    m = _LABEL.match(s)
    body_col = 0
    if m:
        label = m.group(1)
        body_col = m.end()
    body = s[body_col:]
    if not body.strip():
        return label, None, (), body_col + 1, body_col
    lead = len(body) - len(body.lstrip())
    parts = body.strip().split(None, 1)
    op_col = body_col + lead + 1
    args_text = parts[1] if len(parts) > 1 else ""
    args_col = op_col + len(parts[0]) + (len(body.strip()) - len(parts[0]) - len(args_text))
    return label, parts[0].lower(), tuple(_split_args(args_text, args_col)), op_col, body_col


def _reg(text: str, line: int, col: int) -> int:
    try:
        return isa.REGISTERS[text.lower()]
    except KeyError:
        raise AsmError(f"expected a register, got {text!r}", line, col) from None


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
            return _eval(text, self.syms, line, col)
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
                self.syms[st.args[0][0]] = _word(v, ".equ value", st.line, st.args[1][1])
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
            return [_word(self.value(a, n, c, True), ".word value", n, c) for a, c in args]
        if op == ".space":
            return [0] * st.size
        if op == ".ascii":
            return [ord(ch) for ch in self.string(st)]
        if op == "li":
            rd = _reg(args[0][0], n, args[0][1])
            v = _word(self.value(args[1][0], n, args[1][1], True), "li value", n, args[1][1]) & isa.MASK
            if st.size == 1:
                return [isa.encode(isa.BY_NAME["addi"], rd, 0, v)]
            return [isa.encode(isa.BY_NAME["lui"], rd, 0, v >> 16), isa.encode(isa.BY_NAME["ori"], rd, rd, v & 0xFFFF)]
        if op == "mov":
            self.arity(st, 2)
            return [isa.encode(isa.BY_NAME["add"], _reg(args[0][0], n, args[0][1]), _reg(args[1][0], n, args[1][1]))]
        if op in ("la", "b"):
            op = {"la": "addpc", "b": "jmp"}[op]
        o = isa.BY_NAME[op]
        want = {"": 0, "d": 1, "s": 1, "l": 1, "i": 1, "dst": 3, "dsi": 3, "dsl": 3}.get(o.fmt, 2)
        self.arity(st, want)
        rd = rs = imm = 0
        f = o.fmt
        if f in ("d", "dst", "dsi", "di", "dm", "dsl", "dl", "dc", "dp"):
            rd = _reg(args[0][0], n, args[0][1])
        if f in ("s",):
            rs = _reg(args[0][0], n, args[0][1])
        if f in ("dst", "dsi", "dsl"):
            rs = _reg(args[1][0], n, args[1][1])
        if f == "dst":
            imm = _reg(args[2][0], n, args[2][1])
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
            rs = _reg(m.group(2), n, c)
            imm = self.value(m.group(1) or "0", n, c, True)
            if not -0x8000 <= imm <= 0xFFFF:
                raise AsmError(f"offset {imm} does not fit in 16 bits", n, c)
        elif f in ("dc", "cs"):
            a, c = args[1] if f == "dc" else args[0]
            names = {name: i for i, name in enumerate(isa.CR_NAMES)}
            imm = names[a.lower()] if a.lower() in names else self.value(a, n, c, True)
            if f == "cs":
                rs = _reg(args[1][0], n, args[1][1])
        elif f in ("dp", "ps"):
            a, c = args[1] if f == "dp" else args[0]
            imm = self.value(a, n, c, True)
            if f == "ps":
                rs = _reg(args[1][0], n, args[1][1])
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
    return _Assembler(_parse(_preprocess(text, set(defs))), defs).run()


def assemble_balanced(text: str, defines: set[str], symbol: str) -> Image:
    """Assemble for ``defines`` with every ``.ifdef symbol`` region padded with ``nop`` to the longer of
    its two builds, so that the code with and without ``symbol`` has the same layout: every label,
    and every code address a register may hold, is the same in both. (If padding moved a value
    enough to change an instruction's size, the layouts may still differ; nothing is padded then.)"""

    check_size(text)

    def marked(defs: set[str], pads: dict[int, int] | None = None) -> Image:
        d = dict.fromkeys(defs, 1)
        return _Assembler(_parse(_preprocess(text, defs, symbol, pads)), d).run()

    def lengths(img: Image) -> dict[int, int]:
        sym = img.symbols
        return {
            int(k[len(_BAL) : -6]): sym[f"{k[:-6]}_end"] - a
            for k, a in sym.items()
            if k.startswith(_BAL) and k.endswith("_start")
        }

    without, with_ = lengths(marked(defines - {symbol})), lengths(marked(defines | {symbol}))
    own = with_ if symbol in defines else without
    pads = {k: max(without.get(k, 0), with_.get(k, 0)) - n for k, n in own.items()}
    img = marked(defines, pads)
    img.symbols = {k: v for k, v in img.symbols.items() if not k.startswith(_BAL)}
    return img


def expand(text: str, defines: set[str] | None = None) -> str:
    """The source as the assembler sees it for ``defines``: conditionals resolved, macros expanded."""
    return "\n".join(s for _, s in _preprocess(text, set(defines or ()))) + "\n"
