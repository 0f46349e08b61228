"""Packs: every loaded pack with its details, and the validation messages of packs that failed."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, OptionList
from textual.widgets.option_list import Option

from studyvm.tui.backend import FailedPack, PackSummary
from studyvm.tui.screens.base import BaseScreen
from studyvm.tui.widgets.literal import Literal, lit_cell


class PacksScreen(BaseScreen):
    """A list on the left, details of the highlighted entry on the right."""

    SUB_TITLE = "Packs"

    BINDINGS = [
        Binding("r", "review", "Review pack", id="packs.review"),
        Binding("ctrl+r", "reload", "Reload", id="packs.reload"),
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
