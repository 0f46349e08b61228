"""The dashboard: packs with due and new counts, mastery per topic, streak, today's reviews, next step."""

from __future__ import annotations

import threading
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Static

from studyvm.tui.screens.base import BaseScreen, JobDone, start_failed
from studyvm.tui.widgets.bars import Bars
from studyvm.tui.widgets.literal import Literal, lit_cell
from studyvm.wording import plural

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from studyvm.study.quiz import QuizRequest
    from studyvm.study.quiz_setup import SetupChoices
    from studyvm.study.views import Dashboard, TopicMastery


class DashboardScreen(BaseScreen):
    """Start page. Enter on a pack reviews it; letter keys open every other screen.

    The first frame is the layout with "Loading…" where the packs go: the table of packs (and its
    code and styles), the footer and the figures all come after it (issue 19: first paint).
    """

    SUB_TITLE = "Dashboard"
    VERTICAL_BREAKPOINTS = []  # noqa: RUF012 -- Textual declares it
    """None: no dashboard rule depends on the height, and the class a breakpoint adds on the first
    resize restyles every widget before the first paint."""

    BINDINGS = [
        Binding("r", "start('review')", "Review", id="dashboard.review"),
        Binding("z", "start('quiz')", "Quiz", id="dashboard.quiz"),
        Binding("e", "start('exam')", "Exam", id="dashboard.exam"),
        Binding("l", "start('lab')", "Lab", id="dashboard.lab"),
        Binding("t", "start('stats')", "Stats", id="dashboard.stats"),
        Binding("p", "start('packs')", "Packs", id="dashboard.packs"),
        Binding("b", "start('browse')", "Browse", id="dashboard.browse"),
        Binding("n", "next_step", "Next step", show=False, id="dashboard.next"),
    ]

    def __init__(self, **_options: Any) -> None:
        super().__init__()
        self.data: Dashboard | None = None
        """What the last load returned."""
        self._figures_shown = threading.Event()
        """Set once the figures are drawn; the worker waits for it before loading mastery."""
        self._packs_table: DataTable | None = None

    def compose(self) -> ComposeResult:
        """The widgets of this screen."""
        yield Header()
        with Horizontal(id="dash-body"):
            with Vertical(id="dash-left"):
                yield Static("Packs — Enter reviews the selected pack", classes="section-title")
                yield Literal("Loading…", id="dash-loading")  # the table of packs replaces it
                yield Literal("", id="dash-next")
            with VerticalScroll(id="dash-right"):
                yield Static("Today", classes="section-title")
                yield Static("", id="dash-today")
                yield Static("Mastery by topic", classes="section-title")
                yield Bars(id="dash-mastery")

    def on_mount(self) -> None:
        """Load the figures in a worker, once the first frame is painted."""
        # The first paint comes first: the data (its worker started first) follows it, and the footer
        # (costly to build and lay out) comes a round later, so that the frame is out before it.
        self.call_after_refresh(self.refresh_data)
        self.call_after_refresh(self.call_after_refresh, self._mount_footer)

    def _mount_footer(self) -> None:
        from textual.widgets import Footer

        self.mount(Footer())

    def packs_table(self) -> DataTable | None:
        """The table of packs, once the first figures have arrived (``None`` before)."""
        return self._packs_table  # kept, not queried: a query by type imports the table's code

    async def _make_packs_table(self) -> DataTable:
        """Put the table of packs where "Loading…" was."""
        from textual.widgets import DataTable

        table: DataTable = DataTable(id="dash-packs", cursor_type="row", zebra_stripes=True)
        table.add_column("Due", key="due")
        table.add_column("New", key="new")
        table.add_column("Qs", key="qs")
        table.add_column("Pack", key="pack")
        placeholder = self.query_one("#dash-loading")
        await self.query_one("#dash-left").mount(table, after=placeholder)
        await placeholder.remove()
        self._packs_table = table
        return table

    def on_screen_resume(self) -> None:
        """Coming back from a review or an exam: the figures have changed."""
        if self.data is not None:
            self.refresh_data()

    def refresh_data(self) -> None:
        """Reload everything the dashboard shows, off the UI thread: the counts are shown as soon as they
        are read, then mastery (which reads every reviewed card) follows from the same worker."""
        backend = self.studyvm.backend
        shown = self._figures_shown = threading.Event()
        # A reload shows the loading indicator over the figures; the first load has "Loading…"
        busy = self.query_one("#dash-body") if self.packs_table() is not None else None

        def counts_then_mastery() -> list[TopicMastery] | None:
            data = backend.dashboard(mastery=False)
            self.post_message(JobDone("dashboard", data))
            # Mastery opens the study service (imports, queries): let the UI thread draw the figures
            # first rather than compete with it for the interpreter (bounded, should the screen go).
            shown.wait(timeout=2.0)
            return None if data.engine_note else backend.mastery()

        self.run_job("mastery", counts_then_mastery, busy=busy)

    def job_failed(self, name: str, error: BaseException | None) -> None:
        """The first load failed: say why where "Loading…" was (the notification may be gone)."""
        for placeholder in self.query("#dash-loading").results(Literal):
            placeholder.show(start_failed(error, "load the dashboard"))
        self.studyvm.figures_shown.set()  # the settings check waits no longer

    async def done_dashboard(self, data: Dashboard) -> None:
        """Show freshly loaded figures (:attr:`data` is set once they are all in place)."""
        table = self.packs_table() or await self._make_packs_table()
        table.loading = False
        table.clear()
        for pack in data.packs:
            table.add_row(str(pack.due), str(pack.new), str(pack.questions), lit_cell(pack.title), key=pack.id)
        today = Text()
        today.append(f"Streak: {data.streak} day{'s' if data.streak != 1 else ''}\n")
        today.append(f"Reviews today: {data.reviews_today}\n")
        today.append(f"Due now: {data.due_now}")
        if data.failed:
            today.append(f"\n{plural(len(data.failed), 'pack')} failed to load — press p", style="bold red")
        if data.engine_note:
            today.append(f"\n{data.engine_note}", style="dim")
        self.query_one("#dash-today", Static).update(today)
        self.query_one("#dash-next", Literal).show(f"Next: {data.suggestion}" if data.suggestion else "")
        table.focus()
        self.query_one("#dash-body").loading = False  # mastery follows without hiding the counts
        self.data = data
        self.call_after_refresh(self._figures_shown.set)
        self.call_after_refresh(self.studyvm.figures_shown.set)  # then the settings check may run

    def done_mastery(self, mastery: list[TopicMastery] | None) -> None:
        """Show the mastery per topic, loaded after the counts (``None``: progress unavailable)."""
        if mastery is None:
            return
        if self.data is not None:
            self.data.mastery = mastery
        self.query_one("#dash-mastery", Bars).set_bars(
            [(m.topic, m.mastery, m.label) for m in mastery], width=20, empty="no reviews yet"
        )

    def selected_pack(self) -> str | None:
        """Id of the pack under the cursor, if any."""
        table = self.packs_table()
        if table is None or not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a pack: review it."""
        self.studyvm.open_screen("review", pack=str(event.row_key.value))

    def action_start(self, name: str) -> None:
        """Open ``name``, on the selected pack where that makes sense (an open exam is offered first;
        a quiz or a new exam asks for its settings)."""
        if name == "exam":
            self.run_job("open_exam", self.studyvm.backend.open_exam)
        elif name == "quiz":
            self.run_job("setup", self.studyvm.backend.quiz_setup, False)
        elif name == "review":
            self.studyvm.open_screen(name, pack=self.selected_pack())
        else:
            self.studyvm.open_screen(name)

    def done_open_exam(self, open_exam: str | None) -> None:
        """Resume the unfinished exam (the safe, focused answer) or set up a new one."""
        if open_exam is None:
            self.run_job("setup", self.studyvm.backend.quiz_setup, True)
            return
        from studyvm.tui.screens.confirm import Confirm

        def answered(new: bool | None) -> None:
            if new:
                self.run_job("setup", self.studyvm.backend.quiz_setup, True)
            else:
                self.studyvm.open_screen("exam", resume=True)

        question = f"An exam is still open: {open_exam}. Resume it, or start a new one?"
        self.app.push_screen(Confirm(question, yes="Start a new exam", no="Resume"), callback=answered)

    def done_setup(self, choices: SetupChoices) -> None:
        """The settings form; the quiz or exam starts with what it returns."""
        from studyvm.tui.screens.quiz_setup import QuizSetup

        def chosen(request: QuizRequest | None) -> None:
            if request is None:
                return
            options = {k: v for k, v in asdict(request).items() if v is not None and k not in ("exam", "resume")}
            self.studyvm.open_screen("exam" if request.exam else "quiz", **options)

        self.app.push_screen(QuizSetup(choices, pack=self.selected_pack()), callback=chosen)

    def action_next_step(self) -> None:
        """Do what the dashboard suggests."""
        screen = self.data.suggested_screen if self.data else "review"
        self.action_start(screen)
