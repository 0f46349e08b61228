"""The statistics screen as a newcomer read it (first-week review m15): no empty retention frame,
a heatmap range with its year, forecast labels a week apart in whole cards."""

from __future__ import annotations

from datetime import date

from studyvm.tui.app import make_app
from studyvm.tui.widgets.heatmap import heatmap_text

from .helpers import settle
from .test_newcomer_answers import screen_text


def test_the_heatmap_range_names_its_years():
    # m15: the range read "08 Dec … 01 Dec" with no year
    text = heatmap_text({date(2026, 1, 2): 3}, date(2026, 1, 5), weeks=8).plain
    assert "Nov 2025 … 05 Jan 2026" in text


async def test_retention_without_reviews_says_so_and_the_forecast_counts_whole_cards(settings, backend):
    app = make_app(settings, screen="stats", backend=backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        text = screen_text(app)
        assert "No retention yet" in text  # m15: not an empty framed box
        assert not app.screen.query_one("#stats-retention").display
        await pilot.press("f")
        await settle(pilot, app)
        text = screen_text(app)
        axis = next(line for line in text.splitlines() if line.strip().startswith("0 ") and "28" in line)
        assert axis.split() == ["0", "7", "14", "21", "28"]
        assert "0.17" not in text
