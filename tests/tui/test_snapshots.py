"""Snapshots at 80x24 on the fixture pack with a fixed clock and seed (update with --snapshot-update)."""

from __future__ import annotations

from studyvm.tui.app import make_app

from .helpers import settle


async def _settled(pilot) -> None:
    await settle(pilot, pilot.app)


def test_dashboard_snapshot(snap_compare, settings, backend):
    assert snap_compare(make_app(settings, backend=backend), terminal_size=(80, 24), run_before=_settled)


def test_review_card_with_markup_snapshot(snap_compare, settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled)


def test_review_mcq_verdict_snapshot(snap_compare, settings, backend):
    async def answer_mcq(pilot) -> None:
        await _settled(pilot)
        await pilot.press("space")
        await _settled(pilot)
        await pilot.press("3")
        await _settled(pilot)
        order = pilot.app.screen.question_card.area.order
        await pilot.press(str(order.index(1) + 1))  # a wrong option: shows verdict, caveat, source
        await _settled(pilot)

    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    assert snap_compare(app, terminal_size=(80, 24), run_before=answer_mcq)
