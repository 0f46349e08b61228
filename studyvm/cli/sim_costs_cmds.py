"""``studyvm sim compare`` output that shows its work, ``sim crossover`` and ``sim prices``.

Where the cycles go (a breakdown by event kind, per mode), prices changed with ``--set NAME=CYCLES``
and re-priced from the same event counts (no guest re-run), and the exit cost at which one mode
overtakes another. minisim is imported inside the functions so ``studyvm --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import typer


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return the exit to raise (the sim commands' error path).

    A message about a place (``path:line:col: error: …``) is printed as it is, as compilers do;
    any other takes the one style of every command, ``studyvm: error: …``."""
    from studyvm.cli.boundary import report

    if message.startswith("error: "):
        return report(message.removeprefix("error: "), code)
    typer.echo(message, err=True)
    return typer.Exit(code)


def reprice_comparison(c, overrides: dict[str, int]):
    """The comparison ``c`` with every result's cycles, cycles by event and overhead re-priced."""
    from minisim import pricing

    if not overrides:
        return c
    priced = pricing.reprice_all(c.results, overrides)
    results = {
        label: dataclasses.replace(
            r,
            cycles=priced[label].cycles,
            overhead=priced[label].overhead,
            cycles_by_event=priced[label].cycles_by_event,
        )
        for label, r in c.results.items()
    }
    return dataclasses.replace(c, results=results)


def parse_settings(settings: list[str] | None, profile: str) -> dict[str, int]:
    """``--set`` values checked against the profile, or a clear message and exit code 2."""
    from minisim import pricing

    if not settings:
        return {}
    try:
        return pricing.parse(settings, profile)
    except ValueError as e:  # PricingError and minisim's SimError are ValueErrors
        raise fail(f"error: {e}", 2) from None


def show_compare(c, overrides: dict[str, int], as_json: bool, table: Callable[[dict], str]) -> None:
    """Print a comparison: the modes side by side, then where each mode's cycles go."""
    import json

    from minisim import breakdown, pricing, profiles

    bds = breakdown.of_all(c.results, overrides)
    shown = reprice_comparison(c, overrides)
    if as_json:
        d = shown.to_dict()
        for label, b in bds.items():
            d["modes"][label]["breakdown"] = b.to_dict()
        d["faster_than_native"] = breakdown.faster_than_native(bds)  # the same lines as the table's
        if overrides:
            p = profiles.get(c.profile)
            d["prices"] = {n: {"profile": pricing.value(p, n), "set": v} for n, v in overrides.items()}
        typer.echo(json.dumps(d, indent=2))
        return
    typer.echo(f"{c.workload} on {c.profile}, scale {c.scale}")
    if overrides:
        p = profiles.get(c.profile)
        changes = ", ".join(f"{n} {pricing.value(p, n):,} -> {v:,}" for n, v in overrides.items())
        typer.echo(f"re-priced from the same event counts (no guest re-run): {changes}")
    typer.echo(table(shown.results))
    for line in breakdown.faster_than_native(bds):  # a ratio below 1.00x needs its reason beside it
        typer.echo(line)
    typer.echo("")
    typer.echo(breakdown.table(bds))


def crossover_cmd(
    workload: str = typer.Option("fork", "--workload", "-w", help="Workload (see `sim list`)."),
    vary: str = typer.Option(
        "vmexit",
        "--vary",
        help="Price to vary (see `sim prices`); several (comma-separated, or a pattern such "
        "as 'vmexit,exit_work.*') move together in proportion to the first.",
    ),
    modes: str = typer.Option("hw,full", "--modes", help="The two modes to compare: MODE,OTHER."),
    profile: str = typer.Option("p4-2005", "--profile", "-p", help="CPU cost profile."),
    scale: int = typer.Option(1, "--scale", "-n", min=1, help="Work grows linearly with N."),
    upto: int | None = typer.Option(None, "--upto", min=1, help="Search the price from 0 to this (default 4x today)."),
    settings: list[str] | None = typer.Option(None, "--set", help="Other prices changed first: NAME=CYCLES."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Find the price at which one mode overtakes another (bisection over re-pricing; no guest re-runs)."""
    import json

    import minisim
    from minisim import pricing

    pair = [m.strip() for m in modes.split(",")]
    if len(pair) != 2 or pair[0] == pair[1]:
        raise fail("error: --modes takes two different modes, for example hw,full", 2)
    others = parse_settings(settings, profile) if profile in minisim.PROFILES else {}
    try:
        c = minisim.compare(workload, profile, scale, pair)
        slow, fast = c.results[pair[0]], c.results[pair[1]]
        x = pricing.crossover(slow, fast, vary, hi=upto, base=others)
    except ValueError as e:
        raise fail(f"error: {e}", 2) from None
    x["workload"], x["profile"], x["scale"] = workload, profile, scale
    if as_json:
        typer.echo(json.dumps(x, indent=2))
        return
    typer.echo(crossover_text(x))


def crossover_text(x: dict) -> str:
    """A crossover search's answer in words."""
    a, b, price = x["slow"], x["fast"], x["price"]
    varied = price if len(x["vary"]) == 1 else f"{price} (with {', '.join(x['vary'][1:])} in proportion)"
    lines = [
        f"{x['workload']} on {x['profile']}: {a} vs {b}, varying {varied} from 0 to {x['hi']:,}",
        f"today {price} = {x['today']:,}: {a} costs {x['gap_today']:+,} cycles more than {b}",
    ]
    if x["crossover"] is None:
        who = a if x["gap_at_zero"] < 0 else b
        lines.append(
            f"no crossover: {who} is cheaper at every value searched (at {price} = 0 the gap is still "
            f"{x['gap_at_zero']:+,} cycles)"
        )
        if len(x["vary"]) == 1 and x["gap_at_zero"] > 0:
            lines.append(f"the rest of {a}'s cost does not depend on {price}; try --vary '{price},exit_work.*'")
    else:
        cheaper = x["below"]
        other = b if cheaper == a else a
        lines.append(
            f"crossover at {price} = {x['crossover']:,} ({x['steps']} bisection steps): {cheaper} is "
            f"cheaper below it, {other} above"
        )
        if len(x["vary"]) > 1:
            lines.append("  at the crossover: " + ", ".join(f"{n} {v:,}" for n, v in x["values"].items()))
    return "\n".join(lines)


def prices_cmd(
    profile: str = typer.Option("p4-2005", "--profile", "-p", help="CPU cost profile."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the prices a profile sets: the names `--set` and `--vary` take."""
    import json

    from minisim import pricing

    try:
        prices = pricing.prices_of(profile)
    except ValueError as e:
        raise fail(f"error: {e}", 2) from None
    if as_json:
        typer.echo(json.dumps(prices, indent=2))
        return
    typer.echo(f"prices of {profile} (cycles; sources in minisim/profiles.py):")
    for n, v in prices.items():
        typer.echo(f"  {n:<32}{v:>10,}")


def register(sim_app: typer.Typer) -> None:
    """Add ``crossover`` and ``prices`` to ``studyvm sim``."""
    sim_app.command("crossover")(crossover_cmd)
    sim_app.command("prices")(prices_cmd)
