"""The lab: questions' ``demo:`` links to simulator scenarios, simulator runs, and their verdicts.

What the app's lab screen, its "Show me" key and the CLI need from :mod:`minisim`, as plain
data (text and numbers, ready for widgets; nothing here imports Textual). Runs take a
``should_stop`` callable, checked before each simulator run: a shell that no longer wants the
result (the learner pressed Escape, or started another run) makes it return true, and the
run ends early with :class:`LabCancelled`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)
TRACE_LIMIT = 2000
"""Most trace lines kept for the scrolling trace (the rest are counted, not shown)."""

ShouldStop = Callable[[], bool] | None
"""A cancel hook: called before each simulator run; true ends the run with :class:`LabCancelled`."""


class LabCancelled(Exception):
    """The shell asked a run to stop (its ``should_stop`` returned true); nothing was produced."""


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
    source: dict[str, Any] | None = None
    """The results the figures come from, by mode (kept so that a price change re-prices them)."""
    view: str = "results"
    """The tab to land on: "results" or "cycles" (a scenario's proving view)."""
    faster: list[str] = field(default_factory=list)
    """Why a mode beat native, one line per such mode (a ratio below 1.00x is never left unexplained)."""


VIEW_DEMO_PREFIX = "view."
VIEW_IDS = ("paper-aa06", "paper-xen03", "paper-ept08", "walk", "shadow", "translate")
"""The mechanism views of :mod:`studyvm.labviews`; a question's ``demo:`` names one as ``view.<id>``."""


def scenario_ids() -> set[str]:
    """Every scenario id (the runs :func:`demo` performs)."""
    from minisim.scenarios import SCENARIOS

    return set(SCENARIOS)


def demo_ids() -> set[str]:
    """Every value a question's ``demo:`` field may name: a scenario id, or ``view.<id>`` for a view."""
    return scenario_ids() | {VIEW_DEMO_PREFIX + v for v in VIEW_IDS}


def choices() -> LabChoices:
    """Workloads, profiles, modes and scenarios known to the simulator."""
    import minisim

    return LabChoices(
        workloads=list(minisim.WORKLOADS),
        profiles=list(minisim.PROFILES),
        modes=list(minisim.MODES),
        scenarios=sorted(scenario_ids()),
    )


def event_counts(events: dict[str, Any]) -> dict[str, int]:
    """A result's events per kind (a kind counts either a number or ``{reason: number}``)."""
    return {str(k): int(sum(v.values()) if isinstance(v, dict) else v) for k, v in events.items()}


def trace_line(mode: str, event: Any) -> str:
    """One traced :class:`minisim.Event` as a fixed-width line: mode, counts, kind, reason, pc."""
    where = f" pc={event.pc:#06x}" if isinstance(event.pc, int) else ""
    return f"{mode:<12} {event.instructions:>10,} {event.cycles:>12,}  {event.kind:<13} {event.reason or ''}{where}"


def _trace(results: dict[str, Any]) -> tuple[list[str], int]:
    lines: list[str] = []
    total = 0
    for mode, result in results.items():
        for event in result.trace:
            total += 1
            if len(lines) < TRACE_LIMIT:
                lines.append(trace_line(mode, event))
    return lines, total - len(lines)


def rows_of(results: dict[str, Any], metric: dict[str, Any] | None = None) -> list[ModeRow]:
    """Table rows from ``{label: minisim.Result}`` (with each run's proving metric, if any)."""
    return [
        ModeRow(
            mode=str(mode),
            instructions=r.instructions,
            cycles=r.cycles,
            overhead=float(r.overhead),
            events=event_counts(r.events),
            equivalent=r.equivalent,
            metric=(metric or {}).get(str(mode)),
        )
        for mode, r in results.items()
    ]


def stop_if_asked(should_stop: ShouldStop) -> None:
    """End the run with :class:`LabCancelled` if the shell asked it to stop."""
    if should_stop is not None and should_stop():
        logger.info("lab run cancelled")
        raise LabCancelled("the run was cancelled")


def compare(workload: str, profile: str, modes: list[str], scale: int = 1, should_stop: ShouldStop = None) -> LabRun:
    """Run ``workload`` under every mode in ``modes`` with ``profile``, one mode at a time."""
    import minisim

    logger.debug("compare %s on %s under %s", workload, profile, ", ".join(modes))
    results = {}
    for mode in modes:
        stop_if_asked(should_stop)
        results[mode] = minisim.run(workload, mode, profile, scale)
    trace, dropped = _trace(results)
    return LabRun(
        f"{workload} on {profile}",
        rows_of(results),
        trace,
        dropped,
        workload=workload,
        profile=profile,
        breakdown=_breakdown(results),
        source=results,
        faster=_faster(results),
    )


def _breakdown(results: dict[str, Any], overrides: dict[str, int] | None = None) -> str:
    from minisim import breakdown

    return breakdown.table(breakdown.of_all(results, overrides))


def _faster(results: dict[str, Any], overrides: dict[str, int] | None = None) -> list[str]:
    from minisim import breakdown

    return breakdown.faster_than_native(breakdown.of_all(results, overrides))


def reprice(run: LabRun, settings: str) -> LabRun:
    """``run`` with prices changed (``"vmexit=500 shadow_update=200"``; empty: the profile's own), re-priced
    from the same event counts -- no guest runs again. :class:`ValueError` says what is wrong with ``settings``."""
    import dataclasses

    from minisim import pricing

    if run.source is None:
        raise ValueError("run a workload first (r): a scenario's runs are not kept for re-pricing")
    overrides = pricing.parse(settings.replace(",", " ").split(), run.profile)
    priced = pricing.reprice_all(run.source, overrides)
    results = {
        m: dataclasses.replace(r, cycles=priced[m].cycles, overhead=priced[m].overhead) for m, r in run.source.items()
    }
    text = _breakdown(run.source, overrides)
    faster = _faster(run.source, overrides)
    return dataclasses.replace(run, rows=rows_of(results), prices=overrides, breakdown=text, faster=faster)


MECHANISMS = {"syscall": "syscall", "pagefault": "pagefault", "io": "sector"}
"""Workload -> the operation whose timeline the Step by step tab shows (tlb shows a 2D walk)."""


def mechanism(workload: str, profile: str, modes: list[str]) -> str:
    """One operation of ``workload`` step by step under each of ``modes`` (text), or how to get one."""
    from minisim import timeline, walk2d

    if workload in MECHANISMS:
        return timeline.text([timeline.of(MECHANISMS[workload], m, profile) for m in modes])
    if workload == "tlb":
        return walk2d.text(walk2d.walk("tlb", None, profile))
    return (
        f"{workload} has no single operation to follow: run syscall, pagefault or io for a timeline of one "
        "system call, page fault or sector read under each mode, or tlb for one TLB miss's 2D walk"
    )


def demo(scenario_id: str, should_stop: ShouldStop = None) -> LabRun:
    """Run a "Show me" scenario: its runs side by side, the proving metric per run, the verdict.

    :class:`ValueError` for an unknown scenario id.
    """
    import minisim
    from minisim.scenarios import get, values_of

    s = get(scenario_id)
    logger.debug("scenario %s", scenario_id)
    results = {}
    for label, (mode, profile, kernel) in s.plan().items():
        stop_if_asked(should_stop)
        results[label] = minisim.run(s.workload, mode, profile, s.scale, kernel=kernel)
    values = values_of(s, results)
    holds = bool(s.check(values))
    verdict = s.verdict(values, results)
    return LabRun(
        title=s.title,
        rows=rows_of(results, values),
        trace=[f"(a scenario run keeps no trace: press r to run {s.workload} with a trace)"],
        verdict=verdict if holds else f"NOT REPRODUCED: {verdict}",
        metric=s.metric,
        scenario=scenario_id,
        holds=holds,
        workload=s.workload,
        profile=s.profile,
        breakdown=_breakdown(results),
        view=s.view,
        faster=_faster(results),
    )


def kernel_diff() -> str:
    """The unified diff between the unmodified and the paravirtualized guest kernel."""
    import minisim

    return minisim.kernel_diff()


def doctor_report() -> str:
    """What ``studyvm doctor`` says about this machine, as text."""
    from studyvm.doctor import inspect

    return "\n".join(inspect().lines())
