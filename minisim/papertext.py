"""A reproduced paper's table as text (``studyvm sim paper`` and the lab's Paper view print the same)."""

from __future__ import annotations


def _num(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}".rstrip("0").rstrip(".") if v else "0"


def text(t) -> str:
    """The table as text: per row, each column's paper figure, model figure and ratio, and what produced it."""
    cols = [(c.column, c.mode) for c in t.rows[0].cells]
    width = 27
    head = f"{'':<22}" + "".join(f"{f'{col} ({mode})':>{width}}" for col, mode in cols)
    sub = f"{'':<22}" + "".join(f"{'paper / model = ratio':>{width}}" for _ in cols)
    out = [t.title, f"{t.unit}; model on profile {t.profile}", "", head, sub, "-" * len(head)]
    for r in t.rows:
        cells = []
        for c in r.cells:
            ratio = "n/a" if c.ratio is None else f"{c.ratio:.2f}"
            mark = "" if c.agrees(t.factor) else " *"
            cells.append(f"{_num(c.paper)} / {_num(c.model)} = {ratio}{mark}")
        out.append(f"{r.name[:21]:<22}" + "".join(f"{x:>{width}}" for x in cells))
        out.append(f"{'':<4}from: {r.source}")
        if r.note:
            out.append(f"{'':<4}note: {r.note}")
    out += ["", t.summary() + " (* marks a figure outside)"]
    for name, source, value in t.model_only:
        out += [f"model only: {name}: {value}", f"{'':<4}from: {source}"]
    out += [f"not reproduced: {o}" for o in t.omitted]
    if t.caveat:
        out.append(f"read with care: {t.caveat}")
    return "\n".join(out)
