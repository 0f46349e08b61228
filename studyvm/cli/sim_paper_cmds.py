"""``studyvm sim paper aa06|xen03|ept08``: a paper's table with the model's figures beside it."""

from __future__ import annotations

import typer

from studyvm.cli.sim_costs_cmds import fail


def paper_cmd(
    paper: str = typer.Argument(
        ..., help="aa06 (Adams & Agesen 2006), xen03 (Barham et al. 2003) or ept08 (Bhargava et al. 2008)."
    ),
    profile: str = typer.Option("p4-2005", "--profile", "-p", help="CPU cost profile."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Reproduce a paper's table: the model's figures (from running guest programs) beside the paper's."""
    import json

    from minisim import papers, papertext

    try:
        t = papers.reproduce(paper, profile)
    except ValueError as e:
        raise fail(f"error: {e}", 2) from None
    except RuntimeError as e:  # a nanobenchmark did not run to its end
        raise fail(f"error: {e}", 1) from None
    typer.echo(json.dumps(t.to_dict(), indent=2) if as_json else papertext.text(t))


def register(sim_app: typer.Typer) -> None:
    """Add ``paper`` to ``studyvm sim``."""
    sim_app.command("paper")(paper_cmd)
