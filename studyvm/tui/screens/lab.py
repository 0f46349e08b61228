"""The lab: pick a workload, a profile and modes, run the simulator, and read what happened.

Tabs: the side-by-side table with an overhead bar chart, where each mode's cycles go (with a price
field: edit a price, press Enter, and the table and bars are re-priced from the same events), the
event trace, the diff between the unmodified and the paravirtualized kernel, and what ``doctor``
says about this machine. Opened
with ``scenario=`` (the "Show me" key), it runs that scenario at once and highlights the metric
that proves the answer, with its one-line verdict; a ``view.<id>`` demo opens that mechanism view
instead. Escape returns to where it was opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Log,
    RichLog,
    Select,
    TabbedContent,
    TabPane,
)
from textual.worker import NoActiveWorker, get_current_worker

from studyvm import lab, labviews
from studyvm.lab import LabChoices, LabRun
from studyvm.labviews import LabView
from studyvm.tui.screens.base import BaseScreen
from studyvm.tui.widgets.bars import Bars
from studyvm.tui.widgets.boxlist import BoxList
from studyvm.tui.widgets.labparts import column_name, diff_lines, metric_header, metric_text, workload_label
from studyvm.tui.widgets.literal import Literal, lit_cell
from studyvm.tui.widgets.viewpane import ViewPane

DEFAULT_MODES = ("native", "full", "para", "hw", "hw-ept")
"""Modes ticked at first (those the simulator has)."""
DEFAULT_PROFILE = "modern"
T = TypeVar("T")


def worker_cancelled() -> bool:
    """True inside a thread worker that was cancelled (Escape, or a newer run replacing it)."""
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:
        return False


def cancellable(fn: Callable[..., T], *args: Any) -> T | None:
    """``fn(*args)`` with the worker's cancel hook; ``None`` when the run was cancelled."""
    try:
        return fn(*args, should_stop=worker_cancelled)
    except lab.LabCancelled:
        return None


class LabScreen(BaseScreen):
    """Simulator lab; ``workload`` preselects a workload, ``scenario`` runs a demo at once."""

    SUB_TITLE = "Lab"

    BINDINGS = [
        Binding("r", "run", "Run", id="lab.run"),
        Binding("c", "tab('lab-cycles')", "Cycles", id="lab.cycles"),
        Binding("s", "tab('lab-mech')", "Step by step", id="lab.mechanisms"),
        Binding("t", "tab('lab-trace')", "Trace", id="lab.trace"),
        Binding("v", "tab('lab-views')", "Views", id="lab.views"),
        Binding("k", "tab('lab-diff-tab')", "Kernel diff", id="lab.diff"),
        Binding("o", "tab('lab-doctor-tab')", "Doctor", id="lab.doctor"),
        Binding("m", "tab('lab-results')", "Results", id="lab.results"),
    ]

    def __init__(self, workload: str | None = None, scenario: str | None = None, **_options: Any) -> None:
        super().__init__()
        self.workload = workload
        self.scenario = scenario
        """Demo scenario to run on open ("Show me")."""
        self.choices: LabChoices | None = None
        self.last_run: LabRun | None = None
        """What the table shows now."""
        self._mech_for: object = None
        """The comparison the Step by step tab shows."""
        self.runs_started: list[str] = []
        """Every run started here, as ``scenario:<id>`` or ``compare:<workload>`` (for tests and logs)."""

    def compose(self) -> ComposeResult:
        """The widgets of this screen."""
        yield Header()
        with Horizontal(id="lab-controls"):
            yield Select[str]([], prompt="workload", id="lab-workload", allow_blank=True)
            yield Select[str]([], prompt="profile", id="lab-profile", allow_blank=True)
            yield BoxList[str](id="lab-modes")
            yield Button("Run", id="lab-run-button", variant="primary")
        yield Literal("", id="lab-verdict", classes="hidden")
        with TabbedContent(id="lab-tabs"):
            with TabPane("Results", id="lab-results"), VerticalScroll():
                yield DataTable(id="lab-table", cursor_type="row")
                yield Literal("Overhead per mode (cycles ÷ native)", classes="section-title")
                yield Bars(id="lab-bars")
                yield Literal("", classes="hint", id="lab-scale")
            with TabPane("Cycles", id="lab-cycles"):
                yield Input(
                    placeholder="prices, e.g. vmexit=500 shadow_update=200 (Enter re-prices; empty: the profile's)",
                    id="lab-prices",
                )
                yield Log(id="lab-breakdown")
            with TabPane("Step by step", id="lab-mech"):
                yield Log(id="lab-mech-log")
            with TabPane("Trace", id="lab-trace"):
                yield Log(id="lab-trace-log", max_lines=lab.TRACE_LIMIT + 10)
            with TabPane("Views", id="lab-views"):
                yield ViewPane(id="lab-view-pane")
            with TabPane("Kernel diff", id="lab-diff-tab"):
                yield RichLog(id="lab-diff", wrap=False, markup=False, highlight=False, auto_scroll=False)
            with TabPane("Doctor", id="lab-doctor-tab"), VerticalScroll(id="lab-doctor"):
                yield Literal("Open this tab to inspect the machine.", id="lab-doctor-text")
        yield Footer()

    def on_mount(self) -> None:
        """Load the choices; then run the scenario if one was asked for."""
        self.run_job("choices", lab.choices, busy=self.query_one("#lab-controls"))

    def done_choices(self, choices: LabChoices) -> None:
        """Fill the pickers."""
        self.choices = choices
        workload = self.query_one("#lab-workload", Select)
        workload.set_options([(workload_label(w), w) for w in choices.workloads])
        if choices.workloads:
            workload.value = self.workload if self.workload in choices.workloads else choices.workloads[0]
        profile = self.query_one("#lab-profile", Select)
        profile.set_options([(p, p) for p in choices.profiles])
        if choices.profiles:
            profile.value = DEFAULT_PROFILE if DEFAULT_PROFILE in choices.profiles else choices.profiles[0]
        modes = self.query_one("#lab-modes", BoxList)
        modes.clear_options()
        ticked = [m for m in choices.modes if m in DEFAULT_MODES] or choices.modes[:4]
        modes.add_options([(m, m, m in ticked) for m in choices.modes])
        if self.scenario and self.scenario.startswith(labviews.DEMO_PREFIX):
            self.start_demo_view(self.scenario)
        elif self.scenario:
            self.start_scenario(self.scenario)

    def start_demo_view(self, demo: str) -> None:
        """Open the Views tab on a ``view.<id>`` demo, with the view's own workload and the papers' profile."""
        view = labviews.demo_view(demo)
        self.runs_started.append(f"view:{view}")
        self._point_pickers(labviews.PREFERRED.get(view, ""), labviews.PAPER_PROFILE)
        self.action_tab("lab-views")
        self.query_one(ViewPane).pick(view)

    def start_scenario(self, scenario: str) -> None:
        """Run a demo scenario in a worker."""
        self.runs_started.append(f"scenario:{scenario}")
        banner = self.query_one("#lab-verdict", Literal)
        banner.show(f"Running scenario {scenario}…")
        banner.remove_class("hidden")
        self.run_job("ran", cancellable, lab.demo, scenario, busy=self.query_one("#lab-tabs"))

    def action_run(self) -> None:
        """Run the picked workload under the picked modes."""
        workload = self.query_one("#lab-workload", Select).value
        profile = self.query_one("#lab-profile", Select).value
        modes = self.ticked_modes()
        if not isinstance(workload, str) or not isinstance(profile, str) or not modes:
            self.notify("Pick a workload, a profile and at least one mode.", severity="warning")
            return
        self.runs_started.append(f"compare:{workload}")
        self.query_one("#lab-verdict", Literal).add_class("hidden")
        self.run_job("ran", cancellable, lab.compare, workload, profile, modes, busy=self.query_one("#lab-tabs"))

    def ticked_modes(self) -> list[str]:
        """The ticked modes in the simulator's order (native first), whatever order they were ticked in."""
        ticked = set(self.query_one("#lab-modes", BoxList).selected)
        order = self.choices.modes if self.choices else sorted(ticked)
        return [m for m in order if m in ticked]

    def on_select_changed(self, event: Select.Changed) -> None:
        """A view picked: run it (a newer pick cancels a view still running)."""
        if event.select.id == "lab-view-pick" and isinstance(event.value, str):
            self.start_view(event.value)

    def start_view(self, view: str) -> None:
        """Run ``view`` in a worker for the picked workload, profile and modes (a demo's own when it names them)."""
        workload = self.query_one("#lab-workload", Select).value
        profile = self.query_one("#lab-profile", Select).value
        modes = self.ticked_modes()
        workload, profile = labviews.defaults(view, workload, profile)
        self.query_one(ViewPane).say(f"Running {labviews.VIEWS.get(view, view)} on {workload}…")
        busy = self.query_one("#lab-view-scroll")
        self.run_job("view", cancellable, labviews.show, view, workload, profile, modes, busy=busy)

    def done_view(self, view: LabView | None) -> None:
        """Show a finished view (``None``: cancelled, a newer one is on its way)."""
        if view is not None:
            self.query_one(ViewPane).show(view)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The Run button."""
        if event.button.id == "lab-run-button":
            self.action_run()

    def done_ran(self, run: LabRun | None) -> None:
        """Show the table, the bars and the trace; highlight the proving metric (``None``: cancelled)."""
        if run is None:
            return
        self.last_run = run
        self._fill_table(run)
        scale = overhead_scale(run.rows)
        self.query_one("#lab-bars", Bars).set_bars(
            [(r.mode, overhead_fraction(r.overhead, run.rows), f"{r.overhead:.2f}x") for r in run.rows],
            width=30,
            styles=[overhead_style(r.overhead) for r in run.rows],
            mark=1.0 / scale,
        )
        self.query_one("#lab-scale", Literal).show(
            "\n".join(
                [f"linear scale: a full bar is {scale:.2f}x native; │ marks native (1.00x); shorter than it is faster"]
                + run.faster  # a bar shorter than native's says why
            )
        )
        cycles = self.query_one("#lab-breakdown", Log)
        cycles.clear()
        changed = ", ".join(f"{k}={v:,}" for k, v in run.prices.items())
        cycles.write_lines(
            ([f"re-priced (no guest re-run): {changed}"] if changed else [])
            + (run.breakdown or "(run a workload with r to see where its cycles go)").splitlines()
        )
        log = self.query_one("#lab-trace-log", Log)
        log.clear()
        log.write_lines(run.trace or ["(no events traced)"])
        if run.trace_dropped:
            log.write_line(f"… {run.trace_dropped:,} more events not shown")
        if run.verdict:
            mark = {True: "✔ holds", False: "✘ does not hold", None: ""}[run.holds]
            self.query_one("#lab-verdict", Literal).show(f"{run.title} — {mark}\n{run.metric}: {run.verdict}")
            self.query_one("#lab-verdict", Literal).remove_class("hidden")
            self._preselect(run)
        if not run.prices:
            self.query_one("#lab-tabs", TabbedContent).active = "lab-cycles" if run.view == "cycles" else "lab-results"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """A price edited: re-price the last run from its events (no guest re-run)."""
        if event.input.id == "lab-prices" and self.last_run is not None:
            self.run_job("priced", lab.reprice, self.last_run, event.value)  # milliseconds: no busy spinner

    def done_priced(self, run: LabRun) -> None:
        """Re-priced: the table, the bars and the breakdown move; the price field keeps the focus."""
        self.done_ran(run)
        self.query_one("#lab-prices", Input).focus()

    def _fill_table(self, run: LabRun) -> None:
        kinds = [k for k in dict.fromkeys(k for r in run.rows for k in r.events) if any(r.events[k] for r in run.rows)]
        table = self.query_one("#lab-table", DataTable)
        table.clear(columns=True)
        proof = "proof" if run.metric else None
        table.add_column(Text("mode"), key="mode")
        if proof:  # right after the mode, under a short name (the full one heads the verdict above)
            table.add_column(Text(metric_header(run.metric), style="bold reverse"), key=proof)
        for label in ["instructions", "cycles", "overhead", "equivalent"]:
            table.add_column(Text(label), key=label)
        for kind in kinds:
            table.add_column(Text(column_name(kind)), key=kind)
        for row in run.rows:
            cells = [
                row.mode,
                f"{row.instructions:,}",
                f"{row.cycles:,}",
                f"{row.overhead:.2f}x",  # the CLI's and the verdicts' "x"
                {True: "yes", False: "NO", None: "–"}[row.equivalent],
                *[f"{row.events.get(k, 0):,}" for k in kinds],
            ]
            shown = [lit_cell(c) for c in cells]
            if proof:
                shown.insert(1, Text(metric_text(row.metric), style="bold reverse"))
            table.add_row(*shown, key=row.mode)

    def _point_pickers(self, workload: str, profile: str) -> None:
        """Set the workload and profile pickers to these values where the simulator has them."""
        for widget_id, value in (("#lab-workload", workload), ("#lab-profile", profile)):
            if value and self.choices and value in (self.choices.workloads + self.choices.profiles):
                self.query_one(widget_id, Select).value = value

    def _preselect(self, run: LabRun) -> None:
        """Point the pickers at the scenario's workload and profile, so r reruns it with a trace."""
        self._point_pickers(run.workload, run.profile)
        ran = {r.mode.split(" (")[0] for r in run.rows}  # a run labelled "para (pv-ops kernel)" is para
        modes = [m for m in (self.choices.modes if self.choices else []) if m in ran]
        if modes:
            picker = self.query_one("#lab-modes", BoxList)
            picker.deselect_all()
            for mode in modes:
                picker.select(mode)

    def job_failed(self, name: str, error: BaseException | None) -> None:
        """Say on screen that the run failed."""
        if name == "ran":
            self.query_one("#lab-verdict", Literal).show(f"The run failed: {error}")
        elif name == "priced":  # a price the profile does not know (the base screen said which): edit it again
            self.query_one("#lab-prices", Input).focus()
        elif name == "view":
            self.query_one(ViewPane).say(f"The view failed: {error}")
        elif name == "doctor":
            self.query_one("#lab-doctor-text", Literal).show(f"doctor is not available: {error}")

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Load the kernel diff and the doctor report the first time their tab opens."""
        pane = event.pane.id
        run = self.last_run
        if pane == "lab-mech" and run is not None and run.source is not None and self._mech_for is not run.source:
            self._mech_for = run.source
            modes = [r.mode for r in run.rows]
            busy = self.query_one("#lab-mech-log")
            self.run_job("mech", lab.mechanism, run.workload, run.profile, modes, busy=busy)
        elif pane == "lab-mech" and (run is None or run.source is None):
            self.query_one("#lab-mech-log", Log).clear().write_line("Run a workload (r) to follow one operation.")
        if pane == "lab-diff-tab" and not self.query_one("#lab-diff", RichLog).lines:
            self.run_job("diff", lab.kernel_diff, busy=self.query_one("#lab-diff"))
        elif pane == "lab-doctor-tab" and not getattr(self, "_doctor_loaded", False):
            self._doctor_loaded = True
            self.run_job("doctor", lab.doctor_report, busy=self.query_one("#lab-doctor"))

    def done_mech(self, text: str) -> None:
        """Show one operation step by step."""
        self.query_one("#lab-mech-log", Log).clear().write(text)

    def done_diff(self, diff: str) -> None:
        """Show the kernel diff, coloured and with notes on the paravirtual lines."""
        out = self.query_one("#lab-diff", RichLog)
        for line in diff_lines(diff):
            out.write(line)

    def done_doctor(self, report: str) -> None:
        """Show the doctor's report."""
        self.query_one("#lab-doctor-text", Literal).show(report)

    def action_tab(self, pane: str) -> None:
        """Switch tab by key."""
        self.query_one("#lab-tabs", TabbedContent).active = pane


def overhead_scale(rows: list) -> float:
    """The overhead a full bar stands for: the slowest mode, but never less than 2× (linear scale).

    A floor of 2× keeps a 9% overhead a short bar rather than a full one, and a linear scale lets
    a mode faster than native (0.76×) be drawn visibly shorter than native's 1.00× bar.
    """
    return max(2.0, max((r.overhead for r in rows), default=1.0))


def overhead_fraction(overhead: float, rows: list) -> float:
    """Bar length for ``overhead`` on the linear scale of :func:`overhead_scale` (native is 1/scale)."""
    return max(0.0, overhead) / overhead_scale(rows)


def overhead_style(overhead: float) -> str:
    """Colour by the overhead itself: faster than or near native green, up to 2× yellow, beyond red."""
    if overhead <= 1.1:
        return "bold green"
    return "yellow" if overhead <= 2.0 else "red"
