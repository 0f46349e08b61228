"""A calendar heatmap of reviews per day, GitHub / Anki style: weeks as columns, weekdays as rows."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import Static

SHADES = (" ·", " ░", " ▒", " ▓", " █")
STYLES = ("dim", "green", "green", "bold green", "bold green")
DAYS = ("Mon", "   ", "Wed", "   ", "Fri", "   ", "Sun")


def heatmap_text(counts: dict[date, int], today: date, weeks: int = 16) -> Text:
    """``weeks`` columns ending with the current week; darker cells for more reviews."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    top = max(counts.values(), default=0)
    text = Text()
    for weekday in range(7):
        text.append(DAYS[weekday])
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > today:
                text.append("  ")
                continue
            n = counts.get(day, 0)
            level = 0 if n == 0 or top == 0 else 1 + min(3, (n * 4 - 1) // top)
            text.append(SHADES[level], style=STYLES[level])
        text.append("\n")
    text.append(f"   {start:%d %b %Y} … {today:%d %b %Y}   max {top}/day")  # the range may span a new year
    return text


class Heatmap(Static):
    """Reviews per day; :meth:`set_counts` with a ``{date: count}`` mapping."""

    counts: dict[date, int] = {}
    today: date | None = None

    def set_counts(self, counts: dict[date, int], today: date) -> None:
        """Redraw for ``counts``, with the widget's width deciding how many weeks fit."""
        self.counts, self.today = counts, today
        self._draw()

    def on_resize(self) -> None:
        """Show more or fewer weeks as the terminal changes size."""
        self._draw()

    def _draw(self) -> None:
        if self.today is None:
            return
        weeks = max(4, min(52, (self.size.width - 4) // 2 if self.size.width else 16))
        self.update(heatmap_text(self.counts, self.today, weeks))
