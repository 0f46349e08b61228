"""What the scenarios are made of: the :class:`Scenario` and :class:`ScenarioOutcome` types and the
metric and wording helpers the scenario table in :mod:`minisim.scenarios` is written with.

Split from ``scenarios.py`` to keep it under 400 lines; the helpers keep their leading underscore
because they are the scenario table's own vocabulary, not a public API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the machine is loaded when a scenario runs, not to list them
    from minisim.run import Result


@dataclass(frozen=True)
class Scenario:
    """One demonstration. ``runs`` maps a label to (mode, profile, kernel build or None)."""

    id: str
    title: str
    claim: str
    workload: str
    modes: tuple[str, ...]
    profile: str
    scale: int
    metric: str
    value: Callable[[Result], float | bool]
    check: Callable[[dict], bool]
    verdict: Callable[[dict, dict], str]
    runs: dict = field(default_factory=dict)
    # values computed from all the runs together (label -> value), replacing ``value``'s per-run ones
    derive: Callable[[dict], dict] | None = None
    view: str = "results"  # the lab view that proves the claim: "results" (the table) or "cycles" (where they go)

    def plan(self) -> dict[str, tuple[str, str, str | None]]:
        """Label -> (mode, profile, kernel) for every run of this scenario."""
        return self.runs or {m: (m, self.profile, None) for m in self.modes}


@dataclass(frozen=True)
class ScenarioOutcome:
    """What running a scenario showed."""

    scenario: Scenario
    results: dict[str, Result]
    values: dict[str, float | bool]
    holds: bool
    verdict: str

    def comparison(self) -> dict:
        """The runs in the ``compare`` JSON shape (labels instead of plain modes where they differ)."""
        keys = ("instructions", "cycles", "overhead", "events", "equivalent", "console", "violation")
        return {
            "workload": self.scenario.workload,
            "profile": self.scenario.profile,
            "scale": self.scenario.scale,
            "modes": {k: {f: getattr(r, f) for f in keys} for k, r in self.results.items()},
        }

    def to_dict(self) -> dict:
        """JSON-able view."""
        s = self.scenario
        return {
            "id": s.id,
            "title": s.title,
            "claim": s.claim,
            "metric": s.metric,
            "values": self.values,
            "holds": self.holds,
            "verdict": self.verdict,
            "comparison": self.comparison(),
        }


def _per(kind: str, per: str) -> Callable[[Result], float]:
    """Metric: events (or cycles, kind="cycles") of ``kind`` per event of ``per``."""

    def f(r: Result) -> float:
        num = r.cycles if kind == "cycles" else _count(r, kind)
        den = _count(r, per)
        return round(num / den, 1) if den else 0.0

    return f


def _count(r: Result, kind: str) -> int:
    v = r.events.get(kind, 0)
    return sum(v.values()) if isinstance(v, dict) else v


def _overhead(r: Result) -> float:
    return r.overhead


def _x(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "∞"


def _pct(v: float) -> str:
    return f"{(v - 1) * 100:+.0f}%"


def _mmu_calls(r: Result) -> int:
    return r.events["hypercall"].get("mmu_update", 0)


def _diff_lines() -> int:
    from minisim.run import kernel_diff

    return sum(1 for ln in kernel_diff().splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---"))


def _vmexit(profile: str) -> int:
    """A profile's VM exit round trip (the transition and a minimal handler)."""
    from minisim import profiles

    return profiles.get(profile).vmexit


def _exit_crossover(results: dict) -> dict:
    """The fraction of today's exit costs at which hw's cycles meet full's (bisection over re-pricing)."""
    from minisim import pricing

    hw, full = results["hw"], results["full"]
    x = pricing.crossover(hw, full, "vmexit,exit_work.*")
    return {"hw": round(x["crossover"] / x["today"], 3) if x["crossover"] is not None else 0.0}


_MMU = {
    "pt_write",
    "shadow_fill",
    "page_fault",
    "page fault",
    "fault",
    "invlpg",
    "cr3_load",
    "lcr3",
    "fill",
    "pte write",
}


def _mmu_share(r: Result) -> float:
    """Share of the run's cycles spent entering the VMM for the MMU: page-table writes, faults, fills, CR3."""
    from minisim import pricing

    cyc = sum(
        c
        for (kind, detail), c in pricing.cycles_by_charge(r).items()
        if kind in ("vmexit", "trap", "bt_callout", "shadow_update") and detail in _MMU
    )
    return round(cyc / r.cycles, 3) if r.cycles else 0.0


def _top_exit(r: Result) -> str:
    from minisim import pricing

    exits = {d: c for (k, d), c in pricing.cycles_by_charge(r).items() if k == "vmexit"}
    top = max(exits, key=lambda d: exits[d]) if exits else "none"
    return f"{top} ({r.events['vmexit'].get(top, 0)} exits, {exits.get(top, 0) / r.cycles:.0%} of the cycles)"


def _ex(kind: str) -> Callable[[Result], int]:
    return lambda r: _count(r, kind)
