"""Links between questions and simulator scenarios: what a pack's ``demo:`` field names.

The app calls these; they return plain data (no widgets, no minisim objects leak out).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoInfo:
    """What a scenario shows, without running it."""

    id: str
    title: str
    claim: str
    workload: str
    modes: tuple[str, ...]
    profile: str
    scale: int
    metric: str


@dataclass(frozen=True)
class DemoOutcome:
    """A scenario's run: the comparison (compare JSON shape), the metric per run and the verdict."""

    scenario_id: str
    title: str
    metric: str
    values: dict[str, float | bool] = field(default_factory=dict)
    comparison: dict = field(default_factory=dict)
    verdict: str = ""
    holds: bool = True
    breakdown: str = ""
    """Where each run's cycles go (text)."""
    view: str = "results"
    """The view that proves the claim: "results" (the table) or "cycles" (the breakdown)."""


def scenario_ids() -> set[str]:
    """Every scenario id a ``demo:`` field may name."""
    from minisim.scenarios import SCENARIOS

    return set(SCENARIOS)


def describe(scenario_id: str) -> DemoInfo:
    """The scenario's description (ValueError for an unknown id)."""
    from minisim.scenarios import get

    s = get(scenario_id)
    return DemoInfo(s.id, s.title, s.claim, s.workload, tuple(s.plan()), s.profile, s.scale, s.metric)


def run_demo(scenario_id: str) -> DemoOutcome:
    """Run the scenario (a fraction of a second to a few seconds: call it off the UI thread)."""
    from minisim import breakdown
    from minisim.scenarios import run_scenario

    o = run_scenario(scenario_id)
    return DemoOutcome(scenario_id=scenario_id, title=o.scenario.title, metric=o.scenario.metric,
                       values=dict(o.values), comparison=o.comparison(), verdict=o.verdict, holds=o.holds,
                       breakdown=breakdown.table(breakdown.of_all(o.results)), view=o.scenario.view)
