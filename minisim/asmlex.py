"""The assembler's text level: errors, operand splitting, comments, lines and constant expressions.

Used by :mod:`minisim.asmpre` (the preprocessor) and :mod:`minisim.asm` (the two passes).
"""

from __future__ import annotations

import ast
import functools
import re

from minisim import isa

LABEL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*):")
MAX_SOURCE_BYTES = 1 << 20  # 1 MiB: the kernel and a workload together are under 30 kB
MAX_LINES = 1 << 18  # statements after expansion: 4x memory's words (labels and .equ take none)
_WORD_MIN, _WORD_MAX = -(1 << 31), isa.MASK  # a word's value, read as signed or unsigned
_BIG = 1 << 64  # no intermediate value in an expression may reach this magnitude


class AsmError(Exception):
    """An assembly error at ``line``:``col`` (1-based) of the source text."""

    def __init__(self, message: str, line: int, col: int = 1) -> None:
        super().__init__(f"{line}:{col}: error: {message}")
        self.message, self.line, self.col = message, line, col


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


def evaluate(text: str, syms: dict[str, int], line: int, col: int) -> int:
    """Evaluate a constant expression; unknown symbols raise KeyError (name)."""
    text = text.strip()
    if _NUM.match(text):  # fast paths: most operands are a number or a name
        return int(text, 0)
    if _NAME.match(text):
        return syms[text]
    return eval_expr(text, syms, line, col)


@functools.lru_cache(maxsize=4096)
def _parse_expr(text: str) -> ast.AST | None:
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None


def eval_expr(text: str, syms: dict[str, int], line: int, col: int) -> int:
    """Evaluate an expression of integers, symbols, 'c' characters and the operators in _BINOPS."""
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


def check_word(v: int, what: str, line: int, col: int) -> int:
    """``v`` if it fits in a 32-bit word (signed or unsigned), else an error: never truncated."""
    if not _WORD_MIN <= v <= _WORD_MAX:
        raise AsmError(f"{what} {v} does not fit in 32 bits", line, col)
    return v


def split_args(text: str, col0: int) -> list[tuple[str, int]]:
    """Comma-separated operands as (text, column), commas inside strings and parentheses kept."""
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


def strip_comment(line: str) -> str:
    """``line`` without its comment (``;`` or ``#`` outside a string or character literal)."""
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


@functools.lru_cache(maxsize=8192)
def parse_line(s: str) -> tuple:
    """(label, op, args, op column, body column) of one line; cached, as builds share most lines."""
    label = None
    m = LABEL.match(s)
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
    return label, parts[0].lower(), tuple(split_args(args_text, args_col)), op_col, body_col


def register(text: str, line: int, col: int) -> int:
    """The number of register ``text``, or an error at ``line``:``col``."""
    try:
        return isa.REGISTERS[text.lower()]
    except KeyError:
        raise AsmError(f"expected a register, got {text!r}", line, col) from None
