"""Browse: search every card (Anki's syntax), sort the table, read a card's history, act on it.

``/`` focuses the search box and Enter runs the query; a click on a column header (or ``o``)
sorts by it, again to reverse; the card under the cursor shows its details and review history
below the table. The table holds one page of the matches at a time (:data:`PAGE` rows); moving
or scrolling to its end loads the next page, while the status line counts every match. ``s``
suspends or unsuspends, ``b`` buries or unburies, ``f`` forgets (resets to new, after a
confirmation), ``r`` studies the card now. Searches and actions run in workers.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input

from studyvm.errors import describe
from studyvm.study.browse import SORTS, CardInfo, SearchPage
from studyvm.tui.screens.base import BaseScreen
from studyvm.tui.widgets.literal import Literal, lit_cell
from studyvm.wording import plural

COLUMNS = (
    ("Due", "due"),
    ("Ivl (d)", "ivl"),
    ("Lapses", "lapses"),
    ("Reps", "reps"),
    ("Last", "rating"),
    ("Topic", "topic"),
    ("Question", "question"),
)
"""Table columns: (heading, the sort key a click on it uses)."""

PAGE = 200
"""Rows loaded at a time: a search over 100,000 cards builds only what the table shows."""


def card_details(card: CardInfo, entries: list[Any]) -> str:
    """The detail pane: where the card stands, then every review."""
    due = card.due.astimezone().strftime("%Y-%m-%d %H:%M") if card.due else "—"
    flags = ", ".join(sorted(card.flags)) or "—"
    lines = [
        f"{card.pack_id}/{card.question_id} · {card.type} · topic {card.topic}"
        + (f" · tags {', '.join(card.tags)}" if card.tags else ""),
        f"state {card.state} ({flags}) · due {due} · interval {card.ivl:g} d · reps {card.reps} · lapses {card.lapses}",
        card.prompt,
        "",
        f"Review history ({len(entries)}):" if entries else "Never reviewed.",
    ]
    for e in entries:
        when = e.when.astimezone().strftime("%Y-%m-%d %H:%M")
        score = f" · {e.score:.0%}" if e.score is not None else ""
        answer = f" · answered: {e.answer}" if e.answer else ""
        lines.append(f"  {when}  {e.rating:<5} (was {e.state_before}){score}{answer}")
    return "\n".join(lines)


class BrowseScreen(BaseScreen):
    """Every card of the learner, searchable and sortable, with actions on the selected one."""

    SUB_TITLE = "Browse"

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="browse.search"),
        Binding("o", "cycle_sort", "Sort", id="browse.sort"),
        Binding("s", "flip('suspend')", "Suspend/unsuspend", id="browse.suspend"),
        Binding("b", "flip('bury')", "Bury/unbury", id="browse.bury"),
        Binding("f", "forget", "Forget", id="browse.forget"),
        Binding("r", "study", "Study now", id="browse.study"),
    ]

    def __init__(self, query: str = "", **_options: Any) -> None:
        super().__init__()
        self.query_text = query
        """The query of the table on screen."""
        self.sort, self.reverse = "due", False
        self.cards: list[CardInfo] = []
        """The cards in the table, in its order (the pages loaded so far)."""
        self.total = 0
        """How many cards match the query (loaded or not)."""
        self.loading_more = False

    def compose(self) -> ComposeResult:
        """Search box, table, details."""
        yield Header()
        yield Input(
            value=self.query_text,
            placeholder='search: words "a phrase" topic: tag: type: pack: is:due is:suspended prop:lapses>2 -not or',
            id="browse-query",
        )
        yield Literal("", classes="status", id="browse-status")
        yield DataTable(id="browse-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="browse-detail-box"):
            yield Literal("", id="browse-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Columns, then the first search."""
        table = self.query_one("#browse-table", DataTable)
        for heading, key in COLUMNS:
            table.add_column(heading, key=key)
        table.focus()
        self.watch(table, "scroll_y", self._scrolled, init=False)
        self.search()

    # -- searching ------------------------------------------------------------------------
    def search(self) -> None:
        """Run the query in a worker: the first page, or as many rows as the table held (so the
        cursor stays on its card after an action)."""
        self.query_one("#browse-status", Literal).show("Searching…")
        backend = self.studyvm.backend
        rows = max(PAGE, len(self.cards))
        self.loading_more = False
        self.run_job("found", backend.search_cards, self.query_text, self.sort, self.reverse, 0, rows)

    def load_more(self) -> None:
        """The next page of the same search, appended to the table."""
        if self.loading_more or len(self.cards) >= self.total:
            return
        self.loading_more = True
        asked = (self.query_text, self.sort, self.reverse, len(self.cards))
        backend = self.studyvm.backend
        self.run_job("more", lambda: (asked, backend.search_cards(*asked[:3], asked[3], PAGE)))

    def done_more(self, result: tuple[tuple, SearchPage]) -> None:
        """Append a page, unless the search changed while it was read."""
        asked, page = result
        self.loading_more = False
        if asked != (self.query_text, self.sort, self.reverse, len(self.cards)):
            return
        self.cards.extend(page.cards)
        self.total = page.total
        self._add_rows(page.cards)
        self._show_status()

    def _scrolled(self, _old: float, _new: float) -> None:
        table = self.query_one("#browse-table", DataTable)
        if table.max_scroll_y and table.scroll_y >= table.max_scroll_y - 1:
            self.load_more()

    def job_failed(self, name: str, error: BaseException | None) -> None:
        """A query that cannot be read: say why where the count goes."""
        if name == "found":
            from studyvm.study.search import SearchError

            shown = str(error) if isinstance(error, SearchError) else describe(error) if error else "unknown error"
            self.query_one("#browse-status", Literal).show(f"Search: {shown}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box."""
        event.stop()
        self.query_text = event.value
        self.search()
        self.query_one("#browse-table", DataTable).focus()

    def done_found(self, page: SearchPage) -> None:
        """Fill the table, keeping the cursor on the same card where it can."""
        table = self.query_one("#browse-table", DataTable)
        before = self.selected()
        cards = self.cards = page.cards
        self.total = page.total
        table.clear()
        self._add_rows(cards)
        self._show_status()
        if before is not None:
            keys = [(c.pack_id, c.question_id) for c in cards]
            if (before.pack_id, before.question_id) in keys:
                table.move_cursor(row=keys.index((before.pack_id, before.question_id)))
        self.show_details()

    def _show_status(self) -> None:
        order = "descending" if self.reverse else "ascending"
        shown = f" ({len(self.cards)} loaded, more below)" if len(self.cards) < self.total else ""
        self.query_one("#browse-status", Literal).show(
            f"{plural(self.total, 'card')}{shown} · sorted by {self.sort} ({order}) · / search · o sort · s b f r act"
        )

    def _add_rows(self, cards: list[CardInfo]) -> None:
        table = self.query_one("#browse-table", DataTable)
        for c in cards:
            due = c.due.astimezone().strftime("%Y-%m-%d") if c.due else "new"
            table.add_row(
                due,
                f"{c.ivl:.1f}",
                str(c.lapses),
                str(c.reps),
                c.last_rating_name or "—",
                lit_cell(c.topic),
                lit_cell(c.prompt[:80]),
                key=f"{c.pack_id}/{c.question_id}",
            )

    def action_focus_search(self) -> None:
        """/: type a new query."""
        self.query_one("#browse-query", Input).focus()

    def action_cycle_sort(self) -> None:
        """o: next sort column."""
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.reverse = False
        self.search()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a heading sorts by it; a second click reverses."""
        event.stop()
        key = str(event.column_key.value)
        self.reverse = not self.reverse if key == self.sort else False
        self.sort = key
        self.search()

    # -- the selected card ------------------------------------------------------------------
    def selected(self) -> CardInfo | None:
        """The card under the cursor."""
        table = self.query_one("#browse-table", DataTable)
        if not self.cards or table.cursor_row is None or not 0 <= table.cursor_row < len(self.cards):
            return None
        return self.cards[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The cursor moved: show that card (and on the last row loaded, load the next page)."""
        if event.cursor_row >= len(self.cards) - 1:
            self.load_more()
        self.show_details()

    def show_details(self) -> None:
        """Load the selected card's history in a worker."""
        card = self.selected()
        if card is None:
            self.query_one("#browse-detail", Literal).show("No card matches.")
            return
        self.run_job("history", lambda: (card, self.studyvm.backend.card_history(card.pack_id, card.question_id)))

    def done_history(self, result: tuple[CardInfo, list[Any]]) -> None:
        """Draw the detail pane (if the cursor is still on that card)."""
        card, entries = result
        if self.selected() is card:
            self.query_one("#browse-detail", Literal).show(card_details(card, entries))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Card actions need a card."""
        if action in ("flip", "forget", "study"):
            return self.selected() is not None or None
        return True

    def action_flip(self, what: str) -> None:
        """s / b: suspend or unsuspend, bury or unbury the selected card."""
        card = self.selected()
        if card is None:
            return
        flag = "suspended" if what == "suspend" else "buried"
        action = f"un{what}" if flag in card.flags else what
        self.run_job("acted", self._act, action, card)

    def _act(self, action: str, card: CardInfo) -> tuple[str, int]:
        return action, self.studyvm.backend.card_action(action, [(card.pack_id, card.question_id)])

    def done_acted(self, result: tuple[str, int]) -> None:
        """Say what changed and search again (the card's flags and dates moved)."""
        action, changed = result
        self.notify(f"{action}: {plural(changed, 'card')}" if changed else f"{action}: nothing to change")
        self.search()

    def action_forget(self) -> None:
        """f: reset the card to new, after a confirmation (its history is kept)."""
        card = self.selected()
        if card is None:
            return
        from studyvm.tui.screens.confirm import Confirm

        def answered(ok: bool | None) -> None:
            if ok:
                self.run_job("acted", self._act, "forget", card)

        question = f"Forget {card.question_id}? It becomes a new card again (its review history is kept)."
        self.app.push_screen(Confirm(question, yes="Forget", no="Keep"), callback=answered)

    def action_study(self) -> None:
        """r: review this card now, due or not."""
        card = self.selected()
        if card is not None:
            self.studyvm.open_screen("review", pack=card.pack_id, only=(card.pack_id, card.question_id))

    def on_screen_resume(self) -> None:
        """Back from studying a card: its dates changed."""
        if self.cards:
            self.search()
