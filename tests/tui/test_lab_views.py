"""Lab Views tab: a paper's table, a 2D walk, a page table beside its shadow and a block beside its
translation, run in workers that a newer pick cancels, shown literally with the proving lines marked."""

from __future__ import annotations

import asyncio
import threading

import pytest
from textual.widgets import Select, Static, TabbedContent

from studyvm import lab as labapi
from studyvm import labviews
from studyvm.labviews import LabView
from studyvm.tui.app import make_app
from studyvm.tui.screens.lab import LabScreen
from studyvm.tui.widgets.viewpane import MARK

from .helpers import settle


def shown(lab: LabScreen) -> str:
    """The text the Views tab shows."""
    return str(lab.query_one("#lab-view-out", Static).render())


def marked_lines(lab: LabScreen) -> list[str]:
    """The lines shown highlighted."""
    text = lab.query_one("#lab-view-out", Static).content
    plain = text.plain
    return [plain[s.start : s.end] for s in text.spans if str(s.style) == MARK]


async def pick(pilot, app, view: str) -> LabScreen:
    lab = app.screen
    await pilot.press("v")
    await settle(pilot, app)
    assert lab.query_one("#lab-tabs", TabbedContent).active == "lab-views"
    lab.query_one("#lab-view-pick", Select).value = view
    await settle(pilot, app)
    return lab


def test_the_lab_and_its_views_name_the_same_views():
    assert tuple(labviews.VIEWS) == labapi.VIEW_IDS
    assert {f"view.{v}" for v in labviews.VIEWS} <= labapi.demo_ids()
    assert labviews.demo_view("view.walk") == "walk"
    with pytest.raises(ValueError, match="unknown view demo"):
        labviews.demo_view("view.nope")


async def test_translate_view_shows_a_block_beside_its_translation(settings, backend):
    pytest.importorskip("minisim")
    app = make_app(settings, screen="lab", backend=backend, workload="popf")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        lab = await pick(pilot, app, "translate")
        text = shown(lab)
        assert "translation cache after popf" in text and "vcpu.IF" in text
        marked = marked_lines(lab)
        assert marked and all(" inline " in ln or " callout " in ln for ln in marked)
        assert "binary translation" in str(lab.query_one("#lab-view-source").render())


async def test_paper_view_marks_the_page_walk_cache_model(settings, backend):
    pytest.importorskip("minisim")
    app = make_app(settings, screen="lab", backend=backend, workload="tlb")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        lab = await pick(pilot, app, "paper-ept08")
        assert "Bhargava et al., ASPLOS 2008" in shown(lab) and "refs per TLB miss" in shown(lab)
        assert lab.query_one("#lab-profile").value == "modern"  # the picker's; a paper runs on its era's profile
        assert "profile p4-2005 (the papers' era" in str(lab.query_one("#lab-view-source").render())
        assert any(
            ln.startswith("model only: refs per TLB miss, nested (2D) with a page-walk cache")
            for ln in marked_lines(lab)
        )


async def test_shadow_view_marks_what_the_last_traced_write_changed(settings, backend):
    pytest.importorskip("minisim")
    app = make_app(settings, screen="lab", backend=backend, workload="tlb")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        lab = app.screen
        lab.query_one("#lab-modes").deselect_all()
        lab.query_one("#lab-modes").select("full")  # the first shadow-paging mode picked is the one shown
        lab = await pick(pilot, app, "shadow")
        assert "tlb under full" in shown(lab)
        marked = marked_lines(lab)
        assert any(ln.endswith("<- changed by the last traced write") for ln in marked)
        assert any(ln.startswith("last traced page-table write") and "->" in ln for ln in marked)


async def test_a_view_demo_opens_the_views_tab_on_that_view(settings, backend):
    # what Show me does for a question whose demo: is view.walk
    pytest.importorskip("minisim")
    app = make_app(settings, screen="lab", backend=backend, scenario="view.walk")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        lab = app.screen
        assert isinstance(lab, LabScreen) and lab.runs_started == ["view:walk"]
        assert lab.query_one("#lab-tabs", TabbedContent).active == "lab-views"
        assert lab.query_one("#lab-workload").value == "tlb"  # the view's own workload, not the first listed
        assert "two-dimensional walk" in shown(lab)
        assert any("without the cache" in ln and "with it" in ln for ln in marked_lines(lab))


async def test_view_text_is_shown_literally(settings, backend, monkeypatch):
    def fake(view, workload, profile, modes, should_stop=None) -> LabView:
        return LabView(view, "[bold]t[/bold]", ["[red]not red[/red]", "bell \x1b[31m here"], [0], "[i]src[/i]")

    monkeypatch.setattr(labviews, "show", fake)
    app = make_app(settings, screen="lab", backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        lab = await pick(pilot, app, "walk")
        text = shown(lab)
        assert "[red]not red[/red]" in text and "\x1b" not in text
        assert marked_lines(lab) == ["[red]not red[/red]"]
        assert "[bold]t[/bold]" in str(lab.query_one("#lab-view-source").render())


async def test_a_newer_pick_cancels_the_view_still_running(settings, backend, monkeypatch):
    started, cancelled = threading.Event(), []

    def fake(view, workload, profile, modes, should_stop=None) -> LabView:
        if view == "walk":  # slow: runs until the lab says stop
            started.set()
            for _ in range(2000):
                if should_stop is not None and should_stop():
                    cancelled.append(view)
                    raise labapi.LabCancelled("stopped")
                threading.Event().wait(0.005)
            raise AssertionError("the walk was never told to stop")
        return LabView(view, "the translate view", ["translated"], [], "")

    monkeypatch.setattr(labviews, "show", fake)
    app = make_app(settings, screen="lab", backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        lab = app.screen
        await pilot.press("v")
        lab.query_one("#lab-view-pick", Select).value = "walk"
        for _ in range(400):  # until the worker is inside the view
            if started.is_set():
                break
            await asyncio.sleep(0.01)
        assert started.is_set()
        lab.query_one("#lab-view-pick", Select).value = "translate"
        await settle(pilot, app)
        assert cancelled == ["walk"]
        assert shown(lab).strip() == "translated"


async def test_a_view_that_fails_says_so(settings, backend, monkeypatch):
    def broken(view, workload, profile, modes, should_stop=None) -> LabView:
        raise ValueError("the run ended in an address space with no user page mapped")

    monkeypatch.setattr(labviews, "show", broken)
    app = make_app(settings, screen="lab", backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        lab = await pick(pilot, app, "walk")
        assert app.is_running and "The view failed: the run ended" in shown(lab)


async def test_show_me_on_each_view_demo_of_the_builtin_pack_opens_that_view(settings, backend, monkeypatch):
    from studyvm.config import builtin_content_dir
    from studyvm.packs.loader import load_pack_dir

    pack = load_pack_dir(builtin_content_dir() / "virtualization", origin="builtin").pack
    demos = sorted({q.demo for q in pack.questions if q.demo and q.demo.startswith("view.")})
    assert demos
    asked = []

    def fake(view, workload, profile, modes, should_stop=None) -> LabView:
        asked.append(view)
        return LabView(view, view, [f"the {view} view"], [0], "")

    monkeypatch.setattr(labviews, "show", fake)
    for demo in demos:  # Show me opens the lab with scenario=<the question's demo>
        app = make_app(settings, screen="lab", backend=backend, scenario=demo)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, app)
            lab = app.screen
            view = demo.removeprefix("view.")
            assert lab.query_one("#lab-tabs", TabbedContent).active == "lab-views"
            assert lab.query_one("#lab-view-pick", Select).value == view
            assert shown(lab).strip() == f"the {view} view"
    assert asked == [d.removeprefix("view.") for d in demos]
