"""Statistics as charts: calendar heatmap, due forecast, retention, mastery by topic, exam history."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from studyvm.study.views import StatsData
from studyvm.tui.screens.base import BaseScreen, start_failed
from studyvm.tui.widgets.bars import Bars
from studyvm.tui.widgets.heatmap import Heatmap
from studyvm.tui.widgets.literal import Literal
from studyvm.wording import plural


class StatsScreen(BaseScreen):
    """Loads the statistics in a worker (they can cover a large history) and draws them."""

    SUB_TITLE = "Statistics"

    BINDINGS = [
        Binding("o", "tab('stats-overview')", "Overview", id="stats.overview"),
        Binding("f", "tab('stats-forecast-tab')", "Forecast", id="stats.forecast"),
        Binding("r", "tab('stats-retention-tab')", "Retention", id="stats.retention"),
        Binding("m", "tab('stats-mastery-tab')", "Mastery", id="stats.mastery"),
        Binding("x", "tab('stats-exams-tab')", "Exams", id="stats.exams"),
    ]

    def __init__(self, pack: str | None = None, **_options: Any) -> None:
        super().__init__()
        self.pack = pack
        self.data: StatsData | None = None
        """The last :class:`studyvm.study.views.StatsData` shown."""

    def compose(self) -> ComposeResult:
        """The widgets of this screen."""
        yield Header()
        with TabbedContent(id="stats-tabs"):
            with TabPane("Overview", id="stats-overview"), VerticalScroll():
                yield Literal("", id="stats-summary")
                yield Static("Reviews per day", classes="section-title")
                yield Heatmap(id="stats-heatmap")
            with TabPane("Forecast", id="stats-forecast-tab"):
                yield PlotextPlot(id="stats-forecast")
            with TabPane("Retention", id="stats-retention-tab"):
                yield Literal("", id="stats-retention-note")
                yield PlotextPlot(id="stats-retention")
            with TabPane("Mastery", id="stats-mastery-tab"), VerticalScroll():
                yield Bars(id="stats-mastery")
            with TabPane("Exams", id="stats-exams-tab"):
                yield PlotextPlot(id="stats-exams")
        yield Footer()

    def on_mount(self) -> None:
        """Compute in a worker."""
        self.run_job("stats", self.studyvm.backend.stats, self.pack, busy=self.query_one("#stats-tabs"))

    def job_failed(self, name: str, error: BaseException | None) -> None:
        """Figures that could not be read: say why where the summary goes (adversary F16)."""
        self.query_one("#stats-summary", Literal).show(start_failed(error, "read the statistics"))

    def done_stats(self, data: StatsData) -> None:
        """Draw every chart."""
        self.data = data
        retention = "–" if data.retention is None else f"{data.retention:.0%}"
        self.query_one("#stats-summary", Literal).show(
            f"Reviews: {data.reviews_total} total, {data.reviews_today} today · due now {data.due_now} · "
            f"streak {plural(data.streak, 'day')} · retention {retention} · exams taken {len(data.exams)}"
        )
        self.query_one("#stats-heatmap", Heatmap).set_counts(data.heatmap, data.today)
        self.query_one("#stats-mastery", Bars).set_bars(
            [(m.topic, m.mastery, f"{m.label} mastered ({m.mastery:.0%}), {m.seen} seen") for m in data.mastery],
            width=30,
            empty="no reviews yet",
        )
        forecast = self.query_one("#stats-forecast", PlotextPlot)
        plt = forecast.plt
        plt.clear_data()
        days = list(range(len(data.forecast)))
        plt.bar(days or [0], data.forecast or [0])
        top = max([1, *data.forecast])
        plt.ylim(0, top)
        plt.xticks([float(d) for d in days[::7]] or [0.0])  # one label a week, never squeezed into "12 13 1"
        plt.yticks([float(n) for n in range(0, top + 1, max(1, top // 5))])  # whole cards, not 0.17
        plt.title("Cards due per day (0 = today)")
        plt.xlabel("days from today")
        forecast.refresh()
        retention_plot = self.query_one("#stats-retention", PlotextPlot)
        has_weeks = any(r is not None for r in data.retention_by_week)
        retention_plot.display = has_weeks  # no empty frame: say why there is nothing to draw
        self.query_one("#stats-retention-note", Literal).show(
            ""
            if has_weeks
            else "No retention yet: it is the share of reviews not rated Again, week by week, "
            "and appears once you have reviewed cards."
        )
        plt = retention_plot.plt
        plt.clear_data()
        if data.retention_by_week:
            plt.plot(
                list(range(len(data.retention_by_week))), [100 * r for r in data.retention_by_week], marker="braille"
            )
            plt.ylim(0, 100)
        plt.title(f"Retention (% not Again) per week · overall {retention}")
        retention_plot.refresh()
        exams = self.query_one("#stats-exams", PlotextPlot)
        plt = exams.plt
        plt.clear_data()
        if data.exams:
            plt.plot(list(range(1, len(data.exams) + 1)), [e[1] for e in data.exams], marker="braille")
            plt.ylim(0, 100)
        plt.title("Exam scores (%) in order taken" if data.exams else "No exams yet")
        exams.refresh()

    def action_tab(self, pane: str) -> None:
        """Switch chart by key."""
        self.query_one("#stats-tabs", TabbedContent).active = pane
