"""The mock exam screen: a quiz screen that works like a Moodle quiz attempt.

On top of :class:`~studyvm.tui.screens.quiz.QuizScreen` (``n`` skips to the next unanswered
question, ``f`` submits after a summary): ``p`` goes back one question, ``g`` opens the
navigation panel (:mod:`studyvm.tui.screens.exam_nav`), ``m`` flags a question for review, and a
question answered already shows what is saved and may be answered again — the last answer is
the one graded; ``y`` changes only its certainty in a CBM exam. The core keeps it all
(:class:`studyvm.study.quiz.QuizRun`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import ActiveBinding, Binding

from studyvm.packs.mediarefs import question_media
from studyvm.tui.screens.quiz import CONFIDENCE, SURE_PROMPT, QuizScreen
from studyvm.tui.widgets.card import HINTS, QuestionCard
from studyvm.tui.widgets.literal import Literal

EXAM_HINTS = {
    **HINTS,
    "mcq": "A number key or ↑↓ Enter saves the answer.",
    "true_false": "1 True · 2 False.",
    "multi": "Number keys tick or untick; Space or c saves (none ticked: no credit).",
    "matching": "Choose a match for each item (Tab moves), then c saves.",
    "flip": "Recall the answer, then Space shows it and you say whether you knew it.",
}
"""The card's help line in an exam, per type: Space and ``c`` save there, and show no answer
(newcomer M6: a multi card still promised to show the answer)."""


def exam_hint(question: Any) -> str:
    """The card's help line in an exam (:data:`EXAM_HINTS`), with how to change an answer."""
    return EXAM_HINTS.get(question.type, "") + " Answers can change until you submit (f)."


EXAM_LABELS = {"quiz.show": "Save", "exam.previous": "Prev", "exam.certainty": "Sure"}
"""Footer labels that differ in an exam: Space saves (it shows no answer there), and short words
keep every exam key visible at 80 columns."""
HIDDEN_IN_EXAM = frozenset({"quiz.check"})
"""Shown once is enough: ``c`` saves as Space does (the key still works)."""


CERTAINTY = object()
"""Marks a new certainty awaited for an answer already saved (``y`` in a CBM exam)."""


class ExamScreen(QuizScreen):
    """A timed mock exam from its first question to the results."""

    SUB_TITLE = "Mock exam"

    BINDINGS = [
        Binding("p", "previous", "Prev", id="exam.previous"),
        Binding("g", "go_to", "Go to", id="exam.go_to"),
        Binding("m", "flag", "Flag", id="quiz.flag"),
        Binding("y", "certainty", "Certainty", id="exam.certainty"),
    ]

    def __init__(self, **options: Any) -> None:
        super().__init__(**{**options, "exam": True})

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The quiz's bindings with the exam's labels: every exam key fits the footer at 80x24."""
        shown = {}
        for key, active in super().active_bindings.items():
            binding = active.binding
            if binding.id in HIDDEN_IN_EXAM:
                binding = replace(binding, show=False)
            elif binding.id in EXAM_LABELS:
                binding = replace(binding, description=EXAM_LABELS[binding.id])
            shown[key] = active._replace(binding=binding)
        return shown

    @property
    def flagged(self) -> set[int]:
        """Exam questions flagged for review (m), by position (kept by the core with the attempt)."""
        return set(self.run.flagged()) if self.run is not None else set()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Exam keys while the exam is open; ``y`` only on an answered question of a CBM exam."""
        if action in ("flag", "previous", "go_to"):
            return not self.finished
        if action == "certainty":
            return bool(self.run and self.run.cbm and not self.finished) and self.index in self.answers
        return super().check_action(action, parameters)

    def adjust_card(self, card: QuestionCard) -> None:
        """No verdict and no Show me in an exam (newcomer M6): the card's help line and header say so."""
        media = "  ·  o: Open media" if question_media(card.question) else ""  # pictures are part of the question
        card.query_one("#card-meta", Literal).show(card.meta + media)
        card.query_one("#card-hint", Literal).show(exam_hint(card.question))

    def saved_hint(self) -> str:
        """``Saved answer: VT-x (certainty high) · answer again to change it, y changes the certainty``."""
        saved = self.run.saved_answer(self.index) if self.run is not None else None
        if self.run is None or saved is None:
            return ""
        sure = self.run.overview()[self.index].confidence
        hint = f"Saved answer: {saved}" + (
            f" (certainty {CONFIDENCE[sure].split(' (')[0]})" if sure in CONFIDENCE else ""
        )
        return hint + " · answer again to change it" + (", y changes the certainty" if self.run.cbm else "")

    def action_digit(self, digit: int) -> None:
        """A new certainty when one was asked for (``y``), otherwise as in a quiz."""
        if self.pending is not CERTAINTY:
            super().action_digit(digit)
        elif digit in CONFIDENCE and self.run is not None:
            self.pending = None
            self.busy = True
            self.run_job("certainty", self.run.set_confidence, self.index, digit)

    def action_flag(self) -> None:
        """m: flag this exam question for review (listed before submitting, kept on resume)."""
        if self.run is not None:
            self.run_job("flagged", self.run.flag, self.index)

    def done_flagged(self, _flagged: bool) -> None:
        """The flag is stored."""
        self.show_progress()

    def action_certainty(self) -> None:
        """y: change only the certainty of the answer saved for this question (CBM exams)."""
        if self.index in self.answers and not self.busy:
            self.pending = CERTAINTY
            self.query_one("#quiz-confidence", Literal).show(SURE_PROMPT)

    async def done_certainty(self, changed: bool) -> None:
        """The new certainty is saved (or time ran out first)."""
        self.busy = False
        self.notify("Certainty changed." if changed else "The certainty could not change now.")
        await self.show_question()

    async def action_previous(self) -> None:
        """p: the question before this one, answered or not."""
        if self.busy or self.run is None or self.pending is not None:
            return
        if self.index == 0:
            self.notify("This is the first question (g lists them all).")
            return
        self.index -= 1
        await self.show_question()

    def action_go_to(self) -> None:
        """g: the navigation panel; Enter on a question goes there."""
        if self.busy or self.run is None or self.pending is not None:
            return
        from studyvm.tui.screens.exam_nav import NavPanel

        async def jump(target: int | None) -> None:
            if target is not None and self.run is not None and not self.finished:
                self.index = target
                await self.show_question()

        self.app.push_screen(NavPanel(self.run.overview(), self.index), callback=jump)
