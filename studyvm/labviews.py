"""The lab's mechanism views: a paper's table, a 2D page walk, a page table beside its shadow, a guest
block beside its translation -- the same views as ``studyvm sim paper|walk|shadow|translate``.

Each function runs the simulator and returns a :class:`LabView`: plain text lines and which of them
prove the point (the shell highlights those). Nothing here imports Textual. Like the runs in
:mod:`studyvm.lab`, each takes a ``should_stop`` hook, checked before the run and again before its
result is handed back, so a view the learner no longer waits for ends with
:class:`~studyvm.lab.LabCancelled` instead of being shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from studyvm.lab import VIEW_DEMO_PREFIX, ShouldStop, demo_ids, stop_if_asked

PAPERS = ("aa06", "xen03", "ept08")
VIEWS = {  # the same ids, in the same order, as studyvm.lab.VIEW_IDS (a test holds them together)
    "paper-aa06": "Paper: Adams & Agesen 2006 (BT vs VT-x)",
    "paper-xen03": "Paper: Barham et al. 2003 (Xen, lmbench)",
    "paper-ept08": "Paper: Bhargava et al. 2008 (2D walks)",
    "walk": "2D page walk (hw-ept)",
    "shadow": "Page table beside its shadow",
    "translate": "Guest block beside its translation (BT)",
}
"""View id -> its name in the lab's picker."""
PREFERRED = {"walk": "tlb", "shadow": "fork", "translate": "popf"}
"""The workload each view shows best (a demo opens it on this one; papers choose their own programs)."""
PAPER_PROFILE = "p4-2005"
"""The profile of the papers' era: a demo's views use it, as ``studyvm sim`` does by default."""
ERA = " (the papers' era: the lab shows a paper on it whatever profile is picked)"
DEMO_PREFIX = VIEW_DEMO_PREFIX
"""A question's ``demo:`` naming a view rather than a scenario: ``view.walk``, ``view.paper-ept08``..."""
_OUTSIDE = re.compile(r"= (?:[\d.]+|n/a) \*")  # papertext marks a figure outside the factor with " *"
TRANSLATED_BLOCKS = 12
"""Blocks the Translate view sets beside their translations (those with a rewrite or a callout)."""
SHADOW_DEFAULT = "hw"
"""The shadow-paging mode shown when the picked modes include none."""


@dataclass
class LabView:
    """A view as the lab shows it: a title, text lines, and the lines that prove the point."""

    view: str
    title: str
    lines: list[str]
    marked: list[int] = field(default_factory=list)
    """Indexes into ``lines`` of the lines to highlight."""
    source: str = ""
    """What produced it (workload, mode, profile), in words."""


def demo_view(demo: str) -> str:
    """The view a ``view.<id>`` demo opens; :class:`ValueError` for one that names no view."""
    view = demo.removeprefix(DEMO_PREFIX)
    if not demo.startswith(DEMO_PREFIX) or view not in VIEWS:
        views = sorted(d for d in demo_ids() if d.startswith(DEMO_PREFIX))
        raise ValueError(f"unknown view demo {demo!r}; choose one of: {', '.join(views)}")
    return view


def defaults(view: str, workload: object, profile: object) -> tuple[str, str]:
    """The workload and profile to show ``view`` with: the picked ones, or the view's own when none is."""
    return (
        workload if isinstance(workload, str) else PREFERRED.get(view, "tlb"),
        profile if isinstance(profile, str) else PAPER_PROFILE,
    )


def _guarded(should_stop: ShouldStop, fn: Callable, *args: object):
    """``fn(*args)``, checking ``should_stop`` before the run and before handing its result back."""
    stop_if_asked(should_stop)
    out = fn(*args)
    stop_if_asked(should_stop)
    return out


def _view(view: str, title: str, text: str, source: str, proves: Callable[[str], bool]) -> LabView:
    lines = text.splitlines()
    return LabView(view, title, lines, [i for i, ln in enumerate(lines) if proves(ln)], source)


def paper(paper_id: str, profile: str = "p4-2005", should_stop: ShouldStop = None) -> LabView:
    """A paper's table, model beside paper; marked: figures outside the stated factor and model-only rows."""
    from minisim import papers, papertext

    table = _guarded(should_stop, papers.reproduce, paper_id, profile)
    return _view(
        f"paper-{paper_id}",
        table.title,
        papertext.text(table),
        f"profile {profile}{ERA if profile == PAPER_PROFILE else ''}; each row names the program or workload "
        "and the mode that produced it",
        lambda ln: bool(_OUTSIDE.search(ln)) or ln.startswith("model only:"),
    )


def walk(workload: str = "tlb", profile: str = "p4-2005", should_stop: ShouldStop = None) -> LabView:
    """One TLB miss's 2D walk under hw-ept, then the page-walk cache model; marked: the per-miss counts."""
    from minisim import walk2d

    w = _guarded(should_stop, walk2d.walk, workload, None, profile)
    return _view(
        "walk",
        f"one TLB miss of {workload}, walked in two dimensions",
        walk2d.text(w),
        f"workload {workload} under hw-ept, profile {profile}",
        lambda ln: ln.startswith(("-> host-physical", "  references per TLB miss")),
    )


def shadow_mode(modes: list[str]) -> str:
    """The shadow-paging mode to show for the picked ``modes`` (the first that keeps shadow tables)."""
    from minisim.shadowview import SHADOW_MODES

    return next((m for m in modes if m in SHADOW_MODES), SHADOW_DEFAULT)


def shadow(
    workload: str = "fork", mode: str = "hw", profile: str = "p4-2005", should_stop: ShouldStop = None
) -> LabView:
    """The guest's page table beside its shadow; marked: the entries the last traced write changed, and it."""
    from minisim import shadowview

    v = _guarded(should_stop, shadowview.view, workload, mode, profile)
    return _view(
        "shadow",
        f"{workload}: the guest's page table beside the shadow under {mode}",
        shadowview.text(v),
        f"workload {workload} under {mode}, profile {profile}",
        lambda ln: ln.endswith("changed by the last traced write") or ln.startswith("last traced page-table write"),
    )


def translate(
    workload: str = "popf", profile: str = "p4-2005", block: int | None = None, should_stop: ShouldStop = None
) -> LabView:
    """The translation cache after ``workload`` under BT and one block beside its translation; marked:
    the instructions rewritten inline or turned into callouts."""
    from minisim import tcview, translations

    cache = _guarded(should_stop, translations, workload, profile)
    return _view(
        "translate",
        f"{workload}: guest-kernel blocks beside their translations",
        tcview.text(cache, workload, block, shown=TRANSLATED_BLOCKS),
        f"workload {workload} under full (binary translation), profile {profile}",
        tcview.rewritten,
    )


def show(view: str, workload: str, profile: str, modes: list[str], should_stop: ShouldStop = None) -> LabView:
    """The view ``view`` (one of :data:`VIEWS`) for the lab's picked workload, profile and modes (a
    paper's table runs its own programs on :data:`PAPER_PROFILE`, as ``studyvm sim paper`` does).

    :class:`ValueError` for an unknown view (and for what the simulator refuses, in its words).
    """
    if view.startswith("paper-") and view[6:] in PAPERS:  # the papers' figures are from P4-era machines
        return paper(view[6:], PAPER_PROFILE, should_stop)
    if view == "walk":
        return walk(workload, profile, should_stop)
    if view == "shadow":
        return shadow(workload, shadow_mode(modes), profile, should_stop)
    if view == "translate":
        return translate(workload, profile, None, should_stop)
    raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
