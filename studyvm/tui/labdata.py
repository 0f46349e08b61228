"""Plain data for the lab, computed off the UI thread from minisim, ``studyvm.demos`` and ``doctor``.

Everything returned is text and numbers, ready for widgets; nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TRACE_LIMIT = 2000
"""Most trace lines kept for the scrolling trace (the rest are counted, not shown)."""


@dataclass
class LabChoices:
    """What the lab offers to pick from."""

    workloads: list[str]
    profiles: list[str]
    modes: list[str]
    scenarios: list[str] = field(default_factory=list)


@dataclass
class ModeRow:
    """One mode's figures in the side-by-side table."""

    mode: str
    instructions: int
    cycles: int
    overhead: float
    """Cycles relative to native (1.0 = no overhead)."""
    events: dict[str, int]
    equivalent: bool | None = None
    metric: Any = None
    """This run's value of a scenario's proving metric, if any."""


@dataclass
class LabRun:
    """A finished comparison (or scenario): the table, the trace, and what proves the point."""

    title: str
    rows: list[ModeRow]
    trace: list[str]
    trace_dropped: int = 0
    verdict: str = ""
    """One-line verdict of a "Show me" scenario."""
    metric: str = ""
    """The metric that proves the answer (highlighted)."""
    scenario: str = ""
    holds: bool | None = None
    """Whether the scenario's claim held in this run."""
    workload: str = ""
    profile: str = ""
    breakdown: str = ""
    """Where each mode's cycles go (text), at ``prices``."""
    prices: dict[str, int] = field(default_factory=dict)
    """Prices changed from the profile's (name -> cycles); the figures are re-priced, not re-run."""
    source: Any = None
    """The comparison the figures come from (kept so that a price change re-prices it)."""
    view: str = "results"
    """The tab to land on: "results" or "cycles" (a scenario's proving view)."""


def choices() -> LabChoices:
    """Workloads, profiles, modes and scenarios known to the simulator."""
    import minisim
    from studyvm.demos import scenario_ids

    return LabChoices(
        workloads=list(minisim.WORKLOADS),
        profiles=list(minisim.PROFILES),
        modes=list(minisim.MODES),
        scenarios=sorted(scenario_ids()),
    )


def _events(result: Any) -> dict[str, int]:
    events = getattr(result, "events", {}) or {}
    if isinstance(events, dict):  # a kind counts either a number or {reason: number}
        return {str(k): int(sum(v.values()) if isinstance(v, dict) else v) for k, v in events.items()}
    counts: dict[str, int] = {}
    for event in events:
        kind = str(getattr(event, "kind", event))
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def trace_line(mode: str, event: Any) -> str:
    """One event as a fixed-width line: mode, instruction and cycle counts, kind, reason, pc."""
    if not hasattr(event, "kind"):
        return f"{mode:<12} {event}"
    pc = getattr(event, "pc", None)
    where = f" pc={pc:#06x}" if isinstance(pc, int) else ""
    return (
        f"{mode:<12} {getattr(event, 'instructions', 0):>10,} {getattr(event, 'cycles', 0):>12,}  "
        f"{event.kind:<13} {getattr(event, 'reason', '') or ''}{where}"
    )


def _trace(results: dict[str, Any]) -> tuple[list[str], int]:
    lines: list[str] = []
    total = 0
    for mode, result in results.items():
        for event in getattr(result, "trace", None) or []:
            total += 1
            if len(lines) < TRACE_LIMIT:
                lines.append(trace_line(mode, event))
    return lines, total - len(lines)


def _field(r: Any, name: str, default: Any = None) -> Any:
    return r.get(name, default) if isinstance(r, dict) else getattr(r, name, default)


def rows_of(results: dict[str, Any], metric: dict[str, Any] | None = None) -> list[ModeRow]:
    """Table rows from minisim's ``{mode: Result}`` or the JSON shape ``{mode: {...}}``."""
    rows = []
    for mode, r in results.items():
        events = _field(r, "events", {}) or {}
        rows.append(
            ModeRow(
                mode=str(mode),
                instructions=int(_field(r, "instructions", 0) or 0),
                cycles=int(_field(r, "cycles", 0) or 0),
                overhead=float(_field(r, "overhead", 0.0) or 0.0),
                events=_events(type("R", (), {"events": events})),
                equivalent=_field(r, "equivalent"),
                metric=(metric or {}).get(str(mode)),
            )
        )
    return rows


def compare(workload: str, profile: str, modes: list[str], scale: int = 1) -> LabRun:
    """Run ``workload`` under every mode in ``modes`` with ``profile``."""
    import minisim
    from minisim import breakdown

    comparison = minisim.compare(workload, profile, scale, modes)
    trace, dropped = _trace(comparison.results)
    return LabRun(f"{workload} on {profile}", rows_of(comparison.results), trace, dropped, workload=workload,
                  profile=profile, breakdown=breakdown.table(breakdown.of_all(comparison.results)), source=comparison)


def reprice(run: LabRun, settings: str) -> LabRun:
    """``run`` with prices changed (``"vmexit=500 shadow_update=200"``; empty: the profile's own), re-priced
    from the same event counts -- no guest runs again. ValueError says what is wrong with ``settings``."""
    import dataclasses

    from minisim import breakdown, pricing

    if run.source is None:
        raise ValueError("run a workload first (r): a scenario's runs are not kept for re-pricing")
    c = run.source
    overrides = pricing.parse(settings.replace(",", " ").split(), c.profile)
    priced = pricing.reprice_all(c.results, overrides)
    results = {m: dataclasses.replace(r, cycles=priced[m].cycles, overhead=priced[m].overhead)
               for m, r in c.results.items()}
    return dataclasses.replace(run, rows=rows_of(results), prices=overrides,
                               breakdown=breakdown.table(breakdown.of_all(c.results, overrides)))


def demo(scenario_id: str) -> LabRun:
    """Run a "Show me" scenario: its runs side by side, the proving metric per run, the verdict."""
    from studyvm.demos import describe, run_demo

    outcome = run_demo(scenario_id)
    info = describe(scenario_id)
    modes = (outcome.comparison or {}).get("modes", {})
    return LabRun(
        title=outcome.title,
        rows=rows_of(modes, dict(outcome.values)),
        trace=[f"(a scenario run keeps no trace: press r to run {info.workload} with a trace)"],
        verdict=outcome.verdict,
        metric=outcome.metric,
        scenario=scenario_id,
        holds=outcome.holds,
        workload=info.workload,
        profile=info.profile,
        breakdown=outcome.breakdown,
        view=outcome.view,
    )


MECHANISMS = {"syscall": "syscall", "pagefault": "pagefault", "io": "sector"}
"""Workload -> the operation whose timeline the Mechanisms tab shows (tlb shows a 2D walk)."""


def mechanism(workload: str, profile: str, modes: list[str]) -> str:
    """One operation of ``workload`` step by step under each of ``modes`` (text), or how to get one."""
    from minisim import timeline, walk2d

    if workload in MECHANISMS:
        return timeline.text([timeline.of(MECHANISMS[workload], m, profile) for m in modes])
    if workload == "tlb":
        return walk2d.text(walk2d.walk("tlb", None, profile))
    return (f"{workload} has no single operation to follow: run syscall, pagefault or io for a timeline of one "
            "system call, page fault or sector read under each mode, or tlb for one TLB miss's 2D walk")


def kernel_diff() -> str:
    """The unified diff between the unmodified and the paravirtualized guest kernel."""
    import minisim

    diff = minisim.kernel_diff()
    return diff if isinstance(diff, str) else "\n".join(diff)


def doctor_report() -> str:
    """What ``studyvm doctor`` says about this machine, as text."""
    from studyvm.doctor import inspect

    return "\n".join(inspect().lines())
