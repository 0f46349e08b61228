"""Packs: every loaded pack with its details, and the validation messages of packs that failed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, OptionList
from textual.widgets.option_list import Option

from studyvm.errors import describe
from studyvm.study.views import FailedPack, PackSummary
from studyvm.tui.screens.base import BaseScreen
from studyvm.tui.widgets.literal import Literal, lit_cell
from studyvm.wording import plural

if TYPE_CHECKING:
    from studyvm.study.itemstats import ItemReport


class PacksScreen(BaseScreen):
    """A list on the left, details of the highlighted entry on the right."""

    SUB_TITLE = "Packs"

    BINDINGS = [
        Binding("r", "review", "Review pack", id="packs.review"),
        Binding("ctrl+r", "reload", "Reload", id="packs.reload"),
        Binding("i", "items", "Item analysis", id="packs.items"),
    ]

    def __init__(self, **_options: Any) -> None:
        super().__init__()
        self.packs: list[PackSummary] = []
        self.failed: list[FailedPack] = []

    def compose(self) -> ComposeResult:
        """The widgets of this screen."""
        yield Header()
        with Horizontal(id="packs-body"):
            yield OptionList(id="packs-list")
            with VerticalScroll(id="packs-detail-box"):
                yield Literal("", id="packs-detail")
                yield Literal("", id="packs-items-note")
                yield DataTable(id="packs-items", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Load the catalog in a worker."""
        self.run_job("packs", self.studyvm.backend.packs_view, busy=self.query_one("#packs-body"))

    def done_packs(self, result: tuple[list[PackSummary], list[FailedPack]]) -> None:
        """Fill the list: loaded packs first, then failed ones marked as such."""
        self.packs, self.failed = result
        option_list = self.query_one("#packs-list", OptionList)
        option_list.clear_options()
        for pack in self.packs:
            option_list.add_option(Option(lit_cell(f"{pack.title} ({pack.origin})"), id=f"ok:{pack.id}"))
        for index, failed in enumerate(self.failed):
            label = lit_cell(f"FAILED {failed.location}")
            label.stylize("bold red")
            option_list.add_option(Option(label, id=f"failed:{index}"))
        if option_list.option_count:
            option_list.highlighted = 0
            self.show_detail(option_list.get_option_at_index(0).id or "")
        else:
            self.query_one("#packs-detail", Literal).show("No packs found.")
        option_list.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Show the highlighted entry."""
        self.show_detail(event.option.id or "")

    def show_detail(self, option_id: str) -> None:
        """Details of a pack, or every message of a failed pack (as plain text)."""
        kind, _, key = option_id.partition(":")
        detail = self.query_one("#packs-detail", Literal)
        self.clear_items()
        if kind == "failed":
            failed = self.failed[int(key)]
            detail.show(f"{failed.location} did not load:\n\n" + "\n".join(failed.messages))
            return
        pack = next((p for p in self.packs if p.id == key), None)
        if pack is None:
            return
        lines = [
            pack.title,
            f"id {pack.id} · version {pack.version} · {pack.origin}",
            f"{pack.location}",
            "",
            f"{pack.questions} questions, {pack.demos} with a simulator demo",
            f"due {pack.due} · new {pack.new}",
            f"daily limits: {pack.limits}" if pack.limits else "",
            f"topics: {', '.join(pack.topics)}",
            "",
            pack.description,
            "",
            "i: item analysis (how each question did in finished quizzes and exams)",
        ]
        detail.show("\n".join(lines))

    def current_pack(self) -> str | None:
        """Id of the highlighted loaded pack."""
        option_list = self.query_one("#packs-list", OptionList)
        if option_list.highlighted is None:
            return None
        kind, _, key = (option_list.get_option_at_index(option_list.highlighted).id or "").partition(":")
        return key if kind == "ok" else None

    def action_review(self) -> None:
        """Review the highlighted pack."""
        pack = self.current_pack()
        if pack is None:
            self.notify("Select a pack that loaded.", severity="warning")
            return
        self.studyvm.open_screen("review", pack=pack)

    def action_reload(self) -> None:
        """Read the packs from disk again."""
        self.studyvm.backend.reload()
        self.on_mount()

    # -- item analysis --------------------------------------------------------------------
    def clear_items(self) -> None:
        """Hide the item analysis (it belongs to the pack that was highlighted)."""
        self.query_one("#packs-items-note", Literal).show("")
        table = self.query_one("#packs-items", DataTable)
        table.clear(columns=True)
        table.display = False

    def action_items(self) -> None:
        """i: item analysis of the highlighted pack, computed in a worker (``report --items``)."""
        pack = self.current_pack()
        if pack is None:
            self.notify("Select a pack that loaded.", severity="warning")
            return
        self.clear_items()
        self.query_one("#packs-items-note", Literal).show(f"Item analysis of {pack}…")
        self.run_job("items", self.studyvm.backend.item_report, pack, busy=self.query_one("#packs-items-note"))

    def done_items(self, report: ItemReport) -> None:
        """A row per question: attempts, facility, discrimination and flags (flagged ones first)."""
        from studyvm.study.itemstats import MIN_ATTEMPTS_TO_FLAG, shown_figures

        if report.pack_id != self.current_pack():
            return  # the learner moved on to another pack meanwhile
        note = self.query_one("#packs-items-note", Literal)
        if not report.questions:
            note.show(f"Item analysis of {report.pack_id}: no finished quiz or exam attempts yet.")
            return
        note.show(
            f"Item analysis of {report.pack_id}: {plural(len(report.questions), 'question')}, "
            f"{plural(report.attempts, 'finished attempt')}. "
            "Facility = mean score; discr. = 100 x correlation with the rest of the attempt; "
            f"flags need {MIN_ATTEMPTS_TO_FLAG}+ attempts."
        )
        table = self.query_one("#packs-items", DataTable)
        table.add_columns("question", "attempts", "facility", "discr.", "flags")
        for stat in report.questions:
            facility, _sd, disc = shown_figures(stat)
            table.add_row(
                lit_cell(stat.question_id), str(stat.attempts), facility, disc, lit_cell(", ".join(stat.flags))
            )
        table.display = True

    def job_failed(self, name: str, error: BaseException | None) -> None:
        """An item analysis that could not run (a student on a class database) says why in place."""
        if name == "items":
            why = describe(error) if error is not None else "unknown error"
            self.query_one("#packs-items-note", Literal).show(f"Item analysis unavailable: {why}")
