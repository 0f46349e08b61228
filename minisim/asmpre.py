"""The assembler's preprocessor: conditionals, macros and ``.rept`` blocks, expanded to plain lines."""

from __future__ import annotations

import re

from minisim import isa
from minisim.asmlex import LABEL, MAX_LINES, AsmError, evaluate, split_args, strip_comment

BAL = "__balance_"  # prefix of the labels that mark a balanced conditional (see assemble_balanced)


def preprocess(
    text: str, defines: set[str], balance: str | None = None, pads: dict[int, int] | None = None
) -> list[tuple[int, str]]:
    """Expand conditionals, macros and .rept blocks into (source line, text) pairs.

    With ``balance``, each ``.ifdef``/``.ifndef`` of that symbol is bracketed by two labels (its
    start and end) and, from ``pads``, followed by that many ``nop`` lines (see assemble_balanced).
    """
    raw = [(n + 1, strip_comment(s).rstrip()) for n, s in enumerate(text.splitlines())]
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
            lab = LABEL.match(s)
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
                    out.append((n, f"{BAL}{mark}_start:"))
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
                    out.append((n, f"{BAL}{mark}_end:"))
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
                parts = [p for p, _ in split_args(rest, 0)]
                if word == ".macro":
                    head = parts[0].split() if parts else []
                    if not head:
                        raise AsmError(".macro needs a name", n)
                    params = head[1:] + parts[1:]
                    macros[head[0].lower()] = (params, body)
                else:
                    count = evaluate(parts[0], {}, n, 1) if parts else 0
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
                args = [a for a, _ in split_args(rest, 0)]
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
