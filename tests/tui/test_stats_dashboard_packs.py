"""Dashboard, statistics and packs screens: figures come from the store, failed packs are explained."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable
from textual_plotext import PlotextPlot

from studyvm.config import Settings
from studyvm.tui.app import make_app
from studyvm.tui.backend import Backend
from studyvm.tui.screens.dashboard import DashboardScreen
from studyvm.tui.screens.packs import PacksScreen
from studyvm.tui.screens.stats import StatsScreen
from studyvm.tui.widgets.heatmap import heatmap_text

from .conftest import write_pack
from .helpers import settle


def review_some(backend, n: int) -> None:
    """Answer ``n`` cards Good through the service, as a past session would have."""
    svc = backend.service()
    for _ in range(n):
        svc.answer(svc.next_card("tuitest"), rating=3)


async def test_dashboard_counts_and_enter_starts_review(settings, backend):
    review_some(backend, 2)
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.data.reviews_today == 2
        assert screen.data.packs[0].new == 7
        assert {m.topic for m in screen.data.mastery} >= {"para", "theory"}
        assert screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.__class__.__name__ == "ReviewScreen"
        assert app.screen.pack == "tuitest"
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is screen


async def test_dashboard_and_stats_show_mastered_n_of_m_falling_after_failures(settings, backend):
    # newcomer M1: a topic failed most of the time must not read as mastered
    svc = backend.service()
    svc.answer(svc.next_card("tuitest"), rating=3)  # a.flip (safety)
    svc.answer(svc.next_card("tuitest"), response=0)  # b.mcq right (para)
    svc.answer(svc.next_card("tuitest"), response=False)  # c.tf wrong (theory)
    svc.answer(svc.next_card("tuitest"), response="domU")  # d.short wrong (para)
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        para = next(m for m in app.screen.data.mastery if m.topic == "para")
        assert (para.mastered, para.questions, para.seen) == (1, 2, 2)
        theory = next(m for m in app.screen.data.mastery if m.topic == "theory")
        assert (theory.mastered, theory.questions) == (0, 3)
        await pilot.pause()  # the bars draw once laid out
        assert "1 of 2" in str(app.screen.query_one("#dash-mastery").render())
        await pilot.press("t")
        await settle(pilot, app)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("m")  # the mastery tab
        await pilot.pause()
        assert "1 of 2 mastered (50%), 2 seen" in str(app.screen.query_one("#stats-mastery").render())


async def test_stats_screen_draws_charts(settings, backend):
    review_some(backend, 3)
    app = make_app(settings, screen="stats", backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert screen.data.reviews_total == 3
        assert sum(screen.data.heatmap.values()) == 3
        assert len(screen.data.forecast) == 30
        assert len(screen.query(PlotextPlot)) == 3
        for key, tab in zip(
            "frmxo", ("forecast-tab", "retention-tab", "mastery-tab", "exams-tab", "overview"), strict=True
        ):
            await pilot.press(key)
            await pilot.pause()
            assert screen.query_one("#stats-tabs").active == f"stats-{tab}"


def test_heatmap_marks_busy_days():
    text = heatmap_text({date(2026, 3, 2): 5, date(2026, 3, 1): 1}, today=date(2026, 3, 2), weeks=4)
    assert "█" in text.plain and "░" in text.plain
    assert "max 5/day" in text.plain


async def test_packs_screen_shows_validation_messages_of_a_failed_user_pack(tmp_path):
    settings = Settings.from_env(home=tmp_path / "home", learner="tester")
    write_pack(settings.user_packs_dir)
    broken = settings.user_packs_dir / "broken"
    broken.mkdir(parents=True)
    (broken / "pack.yaml").write_text("id: broken\ntitle: Broken\nbogus: 1\n", encoding="utf-8")
    app = make_app(settings, screen="packs", backend=Backend(settings))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, PacksScreen)
        assert "tuitest" in [p.id for p in screen.packs]
        assert len(screen.failed) == 1
        messages = "\n".join(screen.failed[0].messages)
        assert "pack.yaml:3:1: error: unknown field 'bogus'" in messages
        await pilot.press("end")
        await pilot.pause()
        assert "unknown field 'bogus'" in str(screen.query_one("#packs-detail").render())


async def test_dashboard_reflows_on_resize(settings, backend):
    review_some(backend, 1)
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        bars = app.screen.query_one("#dash-mastery")
        narrow = max(len(line) for line in str(bars.render()).splitlines())
        await pilot.resize_terminal(140, 40)
        await settle(pilot, app)
        wide = max(len(line) for line in str(bars.render()).splitlines())
        assert wide > narrow
        await pilot.resize_terminal(60, 20)  # smaller than designed for: still no crash
        await settle(pilot, app)
        assert app.is_running


async def test_packs_screen_counts_match_the_dashboard_and_reload_reaches_review(tmp_path):
    # code review bugs A (packs screen always "due 0 · new 0") and B (Reload left the service stale)
    settings = Settings.from_env(home=tmp_path / "home", learner="tester")
    write_pack(settings.user_packs_dir)
    backend = Backend(settings)
    dashboard = {p.id: (p.due, p.new) for p in backend.dashboard().packs}
    packs, _failed = backend.packs_view()
    assert {p.id: (p.due, p.new) for p in packs} == dashboard and dashboard["tuitest"][1] > 0
    second = write_pack(tmp_path / "staging").rename(settings.user_packs_dir / "tuitest2")
    text = (second / "pack.yaml").read_text(encoding="utf-8").replace("id: tuitest", "id: tuitest2")
    (second / "pack.yaml").write_text(text, encoding="utf-8")
    app = make_app(settings, screen="packs", backend=backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+r")
        await settle(pilot, app)
        assert "tuitest2" in [p.id for p in app.screen.packs]
        assert next(p for p in app.screen.packs if p.id == "tuitest2").new > 0
        assert "daily limits: 20 new and 200 reviews a day (every pack's)" in str(
            app.screen.query_one("#packs-detail").render()
        )
    _run, first = backend.start_review("tuitest2", None)  # failed before: "no pack with id 'tuitest2'"
    assert first is not None and first.pack_id == "tuitest2"
