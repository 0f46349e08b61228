"""``studyvm sim paper aa06|xen03|ept08``: a paper's table with the model's figures beside it."""

from __future__ import annotations

import json

import typer

from studyvm.cli.sim_costs_cmds import fail


def _num(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}".rstrip("0").rstrip(".") if v else "0"


def paper_text(t) -> str:
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
    out += [f"not reproduced: {o}" for o in t.omitted]
    if t.caveat:
        out.append(f"read with care: {t.caveat}")
    return "\n".join(out)


def paper_cmd(
    paper: str = typer.Argument(
        ..., help="aa06 (Adams & Agesen 2006), xen03 (Barham et al. 2003) or ept08 (Bhargava et al. 2008)."
    ),
    profile: str = typer.Option("p4-2005", "--profile", "-p", help="CPU cost profile."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Reproduce a paper's table: the model's figures (from running guest programs) beside the paper's."""
    from minisim import papers

    try:
        t = papers.reproduce(paper, profile)
    except ValueError as e:
        raise fail(f"error: {e}", 2) from None
    except RuntimeError as e:  # a nanobenchmark did not run to its end
        raise fail(f"error: {e}", 1) from None
    typer.echo(json.dumps(t.to_dict(), indent=2) if as_json else paper_text(t))


def register(sim_app: typer.Typer) -> None:
    """Add ``paper`` to ``studyvm sim``."""
    sim_app.command("paper")(paper_cmd)
