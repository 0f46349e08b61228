"""Review with Anki's keys: Space shows the answer, 1-4 rate it, u undo, s suspend, b bury, d Show me.

Auto-graded cards take the answer in place (option digits, an input, lists); the verdict comes
from the study engine. Every store write and every "next card" runs in a thread worker.
"""

from __future__ import annotations

import time
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header

from studyvm.study.grading import response_problem, suggested_rating
from studyvm.study.review import ReviewSession
from studyvm.study.views import Feedback, SessionSummary, ShownCard
from studyvm.tui.screens.base import CardScreen, start_failed
from studyvm.tui.widgets.answers import AnswerArea
from studyvm.tui.widgets.card import QuestionCard
from studyvm.tui.widgets.literal import Literal

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def rating_hint(suggested: int, intervals: dict[int, str] | None = None) -> str:
    """The rating line after a verdict: every key with the interval it gives (as Anki's buttons
    show), the suggestion marked."""
    intervals = intervals or {}

    def key(n: int, name: str) -> str:
        text = f"{n} {name}" + (f" {intervals[n]}" if n in intervals else "")
        return f"[{text}]" if n == suggested else text

    keys = "  ".join(key(n, name) for n, name in RATINGS.items())
    return f"rate: {keys} · Space/Enter: {RATINGS[suggested]}"


class ReviewScreen(CardScreen):
    """Reviews the due cards of one pack (or all packs) until none are left or ``limit`` is reached."""

    SUB_TITLE = "Review"

    BINDINGS = [
        Binding("space", "show_answer", "Show", id="review.show"),
        *[Binding("space,enter", f"accept({n})", f"Keep {name}", id="review.accept") for n, name in RATINGS.items()],
        Binding("1", "rate(1)", "Again", id="review.again"),
        Binding("2", "rate(2)", "Hard", id="review.hard"),
        Binding("3", "rate(3)", "Good", id="review.good"),
        Binding("4", "rate(4)", "Easy", id="review.easy"),
        *[Binding(str(n), f"digit({n})", show=False, id=f"review.option{n}") for n in range(5, 10)],
        Binding("c", "check", "Check", show=False, id="review.check"),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("s", "suspend", "Suspend", id="review.suspend"),
        Binding("b", "bury", "Bury", id="review.bury"),
        Binding("d", "show_me", "Show me", id="review.show_me"),
    ]

    def __init__(
        self, pack: str | None = None, limit: int | None = None, only: tuple[str, str] | None = None, **_options: Any
    ) -> None:
        super().__init__()
        self.only = only
        """Study just this (pack id, question id) now, due or not (from the card browser)."""
        self.pack = pack
        """Pack to review, or ``None`` for every pack."""
        self.limit = limit
        """Most cards to review in this session."""
        self.run: ReviewSession | None = None
        """The core's review session (:class:`studyvm.study.review.ReviewSession`)."""
        self.card: ShownCard | None = None
        """The card on screen."""
        self.busy = False
        """A worker is writing: ignore keys until it answers."""
        self.reviewed = 0
        self.suggested: int | None = None
        """The rating preselected after the verdict (Space/Enter records it); ``None`` before."""
        self.rated_at = 0.0
        """``perf_counter`` when the last rating key was handled (for the benchmark)."""
        self.shown_at = 0.0
        """``perf_counter`` after the refresh that put the current card on screen."""

    def compose(self) -> ComposeResult:
        """The widgets of this screen."""
        yield Header()
        yield Literal("Loading…", classes="status", id="review-status")
        yield Vertical(id="review-body")
        yield Footer()

    def on_mount(self) -> None:
        """Start the session in a worker."""
        self.busy = True
        self.run_job("start", self.studyvm.backend.start_review, self.pack, self.limit, self.only, busy=self.body)

    @property
    def body(self) -> Vertical:
        """The container the card lives in."""
        return self.query_one("#review-body", Vertical)

    def job_failed(self, name: str, error: BaseException | None) -> None:
        """A failed write leaves the card as it was, and keys work again; a session that could not
        start says why where "Loading…" was (adversary F16)."""
        self.busy = False
        if name == "start":
            self.query_one("#review-status", Literal).show(start_failed(error))

    async def done_start(self, result: tuple[ReviewSession, ShownCard | None]) -> None:
        """Session ready: show its first card."""
        self.run, card = result
        await self.show_card(card)

    async def show_card(self, card: ShownCard | None) -> None:
        """Replace the card on screen (``None``: nothing left to review)."""
        self.busy = False
        self.card = card
        status = self.query_one("#review-status", Literal)
        existing = self.question_card
        if card is None:
            await self.body.remove_children()
            status.show(f"Done: {self.reviewed} reviewed this session. Escape goes back.")
            await self.body.mount(Literal("", classes="prompt", id="review-summary"))
            self.refresh_bindings()
            if self.run is not None:
                self.run_job("summary", self.run.summary)
            return
        status.show(card.status)
        self.suggested = None
        if existing is not None:
            await existing.load(card.question, meta=card.meta, presentation=card.presentation)
        else:
            await self.body.remove_children()
            await self.body.mount(QuestionCard(card.question, meta=card.meta, presentation=card.presentation))
        self.refresh_bindings()
        self.call_after_refresh(self._mark_shown)

    def done_summary(self, summary: SessionSummary) -> None:
        """The end of the session: what was done and what is still waiting (a limit is not "nothing due")."""
        found = self.query("#review-summary")
        if found:
            found.first(Literal).show("\n".join(summary.lines()))

    def _mark_shown(self) -> None:
        self.shown_at = time.perf_counter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide Show me without a demo; grey out rating before the answer is shown."""
        card = self.card
        if action == "show_me":
            return card is not None
        if action == "accept":
            return card is not None and self.suggested == parameters[0]
        if action == "show_answer" and self.suggested is not None:
            return False
        # once the session is over, no rating or card keys in the footer
        return not (action in ("rate", "suspend", "bury", "show_answer", "digit", "check") and card is None)

    # -- answering ----------------------------------------------------------------------
    def action_show_answer(self) -> None:
        """Space: flip a self-graded card, or grade what is entered (nothing -> not known)."""
        widget = self.question_card
        if widget is None or widget.answered or self.busy or self.card is None:
            return
        self.grade(widget.current())

    def on_answer_area_submitted(self, event: AnswerArea.Submitted) -> None:
        """An answer given in place (a typed slip, such as letters for a number, is sent back)."""
        event.stop()
        widget = self.question_card
        if widget is None or widget.answered or self.busy:
            return
        problem = response_problem(widget.question, event.value)
        if problem:
            self.notify(problem, severity="warning", markup=False)
            return
        self.grade(event.value)

    def grade(self, value: Any) -> None:
        """Ask the engine for the verdict (grading does not write; the rating does)."""
        if self.run is None:
            return
        self.busy = True
        self.run_job("grade", self.run.grade_and_intervals, self.card, value)

    def done_grade(self, result: tuple[Feedback, dict[int, str]]) -> None:
        """Show the verdict and preselect a rating; the learner's key decides."""
        feedback, intervals = result
        self.busy = False
        widget = self.question_card
        if widget is not None:
            widget.show_feedback(feedback)
            widget.focus()  # off the (now locked) input: 1-4 rate, Space/Enter keeps the suggestion
            self.suggested = suggested_rating(None if feedback.correct is None else feedback.score)
            status = self.card.status if self.card else ""  # after the keys: at 80 columns it is what gets cut
            self.query_one("#review-status", Literal).show(f"{rating_hint(self.suggested, intervals)}  ·  {status}")
            self.refresh_bindings()

    def action_accept(self, rating: int) -> None:
        """Space/Enter after the verdict: record the suggested rating."""
        if self.suggested == rating:
            self.action_rate(rating)

    def reveal_before_demo(self) -> None:
        """Show me before answering: the card is revealed as not known (Again suggested)."""
        widget = self.question_card
        if widget is not None and not widget.answered and not self.busy and self.card is not None:
            self.grade(None)

    def action_digit(self, digit: int) -> None:
        """Option keys beyond 4."""
        widget = self.question_card
        if widget is not None and not self.busy:
            widget.press_digit(digit)

    def action_rate(self, rating: int) -> None:
        """1-4: pick an option before the answer is shown; rate the card after."""
        widget = self.question_card
        if widget is None or self.busy or self.card is None or self.run is None:
            return
        if not widget.answered:
            widget.press_digit(rating)
            return
        if self.run is None:
            return
        self.busy = True
        self.suggested = None
        self.rated_at = time.perf_counter()
        self.reviewed += 1
        self.run_job("next", self.run.rate_and_next, self.card, rating)

    async def done_next(self, card: ShownCard | None) -> None:
        """The rating is stored; here is the next card."""
        await self.show_card(card)

    # -- card actions ---------------------------------------------------------------------
    def action_undo(self) -> None:
        """Take back the last rating, suspension or burial and show that card again."""
        if self.busy or self.run is None:
            return
        self.busy = True
        self.run_job("undone", self.run.undo)

    async def done_undone(self, card: ShownCard | None) -> None:
        """Undo done (``None``: there was nothing to undo)."""
        if card is None:
            self.busy = False
            self.notify("Nothing to undo.")
            return
        run = self.run
        if run is None:
            return
        self.reviewed = run.done
        undone = run.last_undone
        what = {"answer": "the rating", "suspend": "the suspension", "bury": "the burial"}
        if undone is not None:  # say what came back, as suspend and bury do
            self.notify(f"Undone: {what.get(undone.kind, undone.kind)} of {card.question.id}.")
        await self.show_card(card)

    def action_suspend(self) -> None:
        """Never show this card again until unsuspended."""
        if self.card is not None and self.run is not None and not self.busy:
            self.busy = True
            self.run_job("next", self.run.suspend_and_next, self.card)
            self.notify("Card suspended (u undoes).")

    def action_bury(self) -> None:
        """Hide this card until tomorrow."""
        if self.card is not None and self.run is not None and not self.busy:
            self.busy = True
            self.run_job("next", self.run.bury_and_next, self.card)
            self.notify("Card buried until tomorrow (u undoes).")
