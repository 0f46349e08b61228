"""Practice quiz and mock exam: progress, countdown, CBM confidence, then the end screen.

A practice quiz shows the verdict after each answer; an exam shows nothing until the end (or
until the clock runs out, which ends it) and works like a Moodle quiz attempt: ``n`` skips to the
next unanswered question, ``p`` goes back one, ``g`` opens the navigation panel, ``m`` flags;
an answered question shows what is saved and may be answered again (``y`` changes only the
certainty) until the exam is submitted. Answers are stored by the core in a worker.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header

from studyvm.study.grading import response_problem
from studyvm.study.quiz import NEEDS_PICK, SELECTION, QuizRun
from studyvm.study.review import preview
from studyvm.tui.screens.base import CardScreen, start_failed
from studyvm.tui.screens.results import ResultView
from studyvm.tui.widgets.answers import AnswerArea
from studyvm.tui.widgets.card import QuestionCard
from studyvm.tui.widgets.literal import Literal

CONFIDENCE = {1: "low (unsure)", 2: "medium", 3: "high (sure)"}
FLIP = object()
"""Marks a flip card whose back is shown and whose self-rating is awaited."""
NOTHING = object()
"""Marks "nothing entered" waiting for its certainty (``None`` would read as nothing pending)."""
SURE_PROMPT = "How sure are you?  1 low  ·  2 medium  ·  3 high   (a wrong sure answer costs marks)"


def clock_text(seconds: float) -> str:
    """``mm:ss`` left."""
    seconds = max(0, int(seconds + 0.999))
    return f"⏱ {seconds // 60:02d}:{seconds % 60:02d}"


class QuizScreen(CardScreen):
    """One quiz or exam from start to the end screen."""

    SUB_TITLE = "Quiz"

    BINDINGS = [
        *[Binding(str(n), f"digit({n})", show=False, id=f"quiz.option{n}") for n in range(1, 10)],
        Binding("space", "reveal", "Show/next", id="quiz.show"),
        Binding("c", "check", "Check", id="quiz.check"),
        Binding("n", "next", "Next", id="quiz.next"),
        Binding("f", "submit_all", "Finish", id="quiz.finish"),
        Binding("d", "show_me", "Show me", id="quiz.show_me"),
    ]

    def __init__(
        self,
        pack: str | None = None,
        n: int | None = None,
        minutes: float | None = None,
        exam: bool = False,
        cbm: bool | None = None,
        **selection: Any,
    ) -> None:
        super().__init__()
        self.pack, self.n, self.minutes, self.exam, self.cbm = pack, n, minutes, exam, cbm
        self.selection = {k: v for k, v in selection.items() if k in SELECTION}
        self.sub_title = "Mock exam" if exam else "Quiz"
        """Other choices from the command line: topic, tag, qtype, weak, mistakes, pass_mark, resume."""
        self.run: QuizRun | None = None
        """The core's quiz or exam run (:class:`studyvm.study.quiz.QuizRun`)."""
        self.index = 0
        """Position of the question on screen."""
        self.pending: Any = None
        """An answer waiting for its confidence (CBM)."""
        self.busy = False
        self.finished = False
        self.result: Any = None
        """The end-screen data once finished."""

    def compose(self) -> ComposeResult:
        """The widgets of this screen."""
        yield Header()
        with Horizontal(classes="status"):
            yield Literal("Loading…", id="quiz-progress")
            yield Literal("", id="quiz-clock")
        yield Literal("", classes="hint", id="quiz-nav")
        yield Vertical(id="quiz-body")
        yield Literal("", classes="hint", id="quiz-confidence")
        # Compact, and in an exam (more keys) without the palette hint (Ctrl+P works): every key fits 80 columns.
        yield Footer(compact=True, show_command_palette=not self.exam)

    @property
    def body(self) -> Vertical:
        """Where the card or the end screen goes."""
        return self.query_one("#quiz-body", Vertical)

    def on_mount(self) -> None:
        """Draw the questions in a worker; start the clock for an exam."""
        self.busy = True
        start = partial(self.studyvm.backend.start_quiz, **self.selection)
        self.run_job("start", start, self.pack, self.n, self.exam, self.minutes, self.cbm, busy=self.body)

    def job_failed(self, name: str, error: BaseException | None) -> None:
        """Keys work again after a failed write; a quiz that could not start says why where
        "Loading…" was (adversary F16)."""
        self.busy = False
        if name == "start":
            self.query_one("#quiz-progress", Literal).show(start_failed(error))

    async def done_start(self, run: QuizRun) -> None:
        """Session ready."""
        self.run = run
        self.busy = False
        if not run.questions:
            self.body.mount(Literal("No questions to ask: check the pack on the packs screen.", classes="prompt"))
            return
        if run.note:
            self.notify(run.note[0].upper() + run.note[1:] + ".", markup=False, timeout=8)
        self.index = min(run.first_index, len(run.questions) - 1)
        if run.first_index:
            self.exam = True
        if run.deadline is not None:
            self.set_interval(0.25, self.tick, name="exam-clock")
            self.tick()
        await self.show_question()

    def tick(self) -> None:
        """Update the countdown; at zero the exam ends."""
        if self.run is None or self.finished:
            return
        left = self.run.remaining()
        if left is None:
            return
        self.query_one("#quiz-clock", Literal).show(clock_text(left))
        if left <= 0 and not self.busy:
            self.notify("Time is up: the exam has ended.", severity="warning")
            while self.app.screen is not self and self in self.app.screen_stack:
                self.app.pop_screen()  # a navigation panel or a confirmation open at time-up: the results come
            self.finish_at_time_up()

    def finish_at_time_up(self) -> None:
        """Time is up: keep what is entered on screen (typed or picked, not yet submitted), then mark."""
        card = self.question_card
        pending = self.pending if self.pending not in (None, FLIP, NOTHING) else None
        value = pending if pending is not None else (card.current() if card is not None and not card.answered else None)
        if self.run is None or self.finished:
            return
        self.finished = True
        self.busy = True
        index, run = self.index, self.run

        def save_then_finish() -> Any:
            run.save_at_time_up(index, value, None)
            return run.finish()

        self.run_job("finished", save_then_finish, busy=self.body)

    async def show_question(self) -> None:
        """Put question ``index`` on screen (in an exam, with the answer saved for it, if any)."""
        if self.run is None:
            return
        card = self.run.questions[self.index]
        self.pending = None
        await self.body.remove_children()
        shown = QuestionCard(card.question, meta=card.meta, presentation=card.presentation)
        await self.body.mount(shown)
        self.adjust_card(shown)
        self.query_one("#quiz-confidence", Literal).show(self.saved_hint())
        self.show_progress()
        self.refresh_bindings()

    def adjust_card(self, card: QuestionCard) -> None:
        """A hook for what differs on an exam's card (a practice quiz shows it as it is)."""

    def saved_hint(self) -> str:
        """The line under a question shown again (an exam's saved answer); empty in a quiz."""
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show me only where there is a demo and never during an exam."""
        if action == "show_me":
            card = self.question_card
            return bool(card and not self.exam and not self.finished)

        if action in ("digit", "reveal", "check", "next", "finish", "submit_all"):
            return not self.finished
        return True

    # -- answering ----------------------------------------------------------------------
    def on_answer_area_submitted(self, event: AnswerArea.Submitted) -> None:
        """An answer given in place: ask for confidence (CBM) or record it."""
        event.stop()
        self.take_answer(event.value)

    def answer_problem(self, question: Any, value: Any) -> str | None:
        """Why ``value`` cannot be taken as the answer (nothing picked, a number that is not one)."""
        if value is None and question.type in NEEDS_PICK:
            return "Pick an answer first: a number key, or ↑↓ and Enter."
        return response_problem(question, value)

    def take_answer(self, value: Any) -> None:
        """Record ``value`` (after the confidence question when CBM is on)."""
        card = self.question_card
        if card is None or card.answered or self.busy or self.pending is not None or self.run is None:
            return
        problem = self.answer_problem(card.question, value)
        if problem:
            self.notify(problem, severity="warning", markup=False)
            return
        if not self.run.cbm:
            self.record(value, None)
            return
        self.pending = NOTHING if value is None else value
        if card.area is not None:
            card.area.freeze()  # the answer is given: 1/2/3 now mean certainty, not text
        card.focus()
        self.query_one("#quiz-confidence", Literal).show(SURE_PROMPT)

    def record(self, value: Any, confidence: int | None) -> None:
        """Store the answer in a worker."""
        if self.run is None:
            return
        self.busy = True
        self.run_job("answered", self.run.answer, self.index, value, confidence)

    async def done_answered(self, feedback: Any) -> None:
        """Practice: show the verdict. Exam: straight to the next question."""
        self.busy = False
        self.pending = None
        card = self.question_card
        if card is None:
            return
        card.answered = True
        if self.exam or feedback is None:
            if self.run is not None and self.run.remaining() == 0:
                self.action_finish()
            elif self.run is not None and not self.run.unanswered():
                await self.show_question()  # every question answered: review them, or submit
                self.action_submit_all()
            else:
                await self.action_next()
            return
        card.show_feedback(feedback)
        self.query_one("#quiz-confidence", Literal).show("n or Space: next question")

    def action_digit(self, digit: int) -> None:
        """A confidence level when asked for one, otherwise an option key."""
        if self.pending is FLIP:
            if digit in (1, 2, 3, 4):
                self.pending = None
                self.record(digit, None)
            return
        if self.pending is not None:
            if digit in CONFIDENCE:
                value, self.pending = self.pending, None
                self.record(None if value is NOTHING else value, digit)
            return
        card = self.question_card
        if card is not None and not self.busy:
            card.press_digit(digit)

    async def action_reveal(self) -> None:
        """Space: answer with what is entered (nothing = not known), or go on after the verdict."""
        card = self.question_card
        if card is None or self.busy or self.pending is not None:
            return
        if card.answered:
            await self.action_next()
        elif card.question.type == "flip":
            self.reveal_flip(card)
        else:
            self.take_answer(card.current())

    def reveal_flip(self, card: QuestionCard) -> None:
        """A self-rated card: show its back, then the learner says whether they knew it."""
        card.show_feedback(preview(card.question, None))
        card.answered = False  # not recorded yet: the self-rating comes next
        self.pending = FLIP
        self.query_one("#quiz-confidence", Literal).show("Did you know it?  1 no  ·  2 hardly  ·  3 yes  ·  4 easily")

    def next_open(self) -> int | None:
        """The next unanswered question after this one (wrapping round), or ``None``."""
        total = len(self.run.questions) if self.run is not None else 0
        answered = self.run.session.answers if self.run is not None else {}
        for step in range(1, total + 1):
            index = (self.index + step) % total
            if index not in answered and index != self.index:
                return index
        return None

    @property
    def answers(self) -> dict[int, Any]:
        """Answers saved so far, by position."""
        return self.run.session.answers if self.run is not None else {}

    def show_progress(self) -> None:
        """``Exam: question 3 of 10 · ⚑ flagged · 2 flagged, 4 unanswered``, and the navigation line."""
        if self.run is None:
            return
        self.query_one("#quiz-progress", Literal).show(self.run.progress_text(self.index))
        nav = self.run.nav_text(self.index) if self.exam else ""
        keys = "   n skips · p back · g go to · m flags"
        self.query_one("#quiz-nav", Literal).show(nav + keys if nav and len(nav) + len(keys) <= 78 else nav)

    async def action_next(self) -> None:
        """Next question, or the end screen after the last; in an exam, n skips to the next unanswered one."""
        card = self.question_card
        if card is None or self.busy or self.finished or self.run is None:
            return
        if self.exam:
            target = self.next_open()
            if target is None:
                if not self.run.unanswered():
                    self.action_submit_all()
                else:
                    self.notify("This is the only question left: answer it, or f to submit.")
                return
            self.index = target
            await self.show_question()
            return
        if not card.answered:
            return
        if self.index + 1 < len(self.run.questions):
            self.index += 1
            await self.show_question()
        else:
            self.action_finish()

    def unanswered(self) -> int:
        """Questions not answered yet in this quiz or exam."""
        return len(self.run.questions) - self.run.session.answered if self.run is not None else 0

    def leave_question(self) -> str | None:
        """Leaving an unfinished quiz or exam: say what happens to it."""
        if self.run is None or self.finished:
            return None
        if self.exam:
            return (
                f"Leave the exam? Your {self.run.session.answered} answer(s) are saved and the clock keeps "
                "running; press e on the dashboard (or run studyvm quiz --exam --resume) to carry on."
            )
        return f"Leave the quiz? Your {self.run.session.answered} answer(s) are kept; the quiz stays unfinished."

    def action_submit_all(self) -> None:
        """f: finish now, after a confirmation listing what is unanswered and flagged (an exam always asks)."""
        if self.run is None or self.finished:
            return
        if not self.unanswered() and not self.exam:
            self.action_finish()
            return
        from studyvm.tui.screens.confirm import Confirm

        self.app.push_screen(
            Confirm(self.run.submit_question(), yes="Submit and finish", no="Go back"),
            callback=lambda ok: self.action_finish() if ok else None,
        )

    def action_finish(self) -> None:
        """End now: mark everything (unanswered questions score nothing)."""
        if self.run is None or self.finished:
            return
        self.finished = True
        self.busy = True
        self.run_job("finished", self.run.finish, busy=self.body)

    async def done_finished(self, result: Any) -> None:
        """The end screen."""
        self.busy = False
        self.result = result
        await self.body.remove_children()
        self.query_one("#quiz-clock", Literal).show("")
        self.query_one("#quiz-progress", Literal).show("Finished — Escape goes back")
        self.query_one("#quiz-confidence", Literal).show("")
        await self.body.mount(ResultView(result, exam=self.exam))
        self.refresh_bindings()

    def reveal_before_demo(self) -> None:
        """Show me before answering a practice question: it is answered as not known first."""
        card = self.question_card
        if card is not None and card.question.type != "flip" and not self.busy and self.pending is None:
            self.record(None, None)

    def show_me_allowed(self) -> bool:
        """Never during an exam: the lab would give answers away."""
        return not self.exam and not self.finished
