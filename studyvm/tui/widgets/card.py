"""A question card: prompt, the in-place answer input, then verdict, explanation, caveat and source.

The card never grades: it posts :class:`AnswerArea.Submitted` (or ``Reveal``) and the screen
asks the study engine, then calls :meth:`QuestionCard.show_feedback` with plain data.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from studyvm.study.verdict import verdict_title
from studyvm.study.views import Feedback
from studyvm.tui.widgets.answers import AnswerArea, SpaceAwareInput, answer_area
from studyvm.tui.widgets.literal import Literal


def prompt_text(question: Any) -> str:
    """The prompt as shown before answering (cloze gaps numbered)."""
    if question.type != "cloze":
        return question.prompt
    masked = question.masked_prompt("\0")
    parts = masked.split("\0")
    return "".join(part + (f"[___{n + 1}___]" if n < len(parts) - 1 else "") for n, part in enumerate(parts))


HINTS = {
    "flip": "Recall the answer, then Space shows it.",
    "mcq": "A number key or ↑↓ Enter answers; Space shows the answer.",
    "true_false": "1 True · 2 False; Space shows the answer.",
    "multi": "Number keys tick or untick; Space or c checks (none ticked: shows the answer).",
    "short": "Type the answer and press Enter (Esc leaves the box).",
    "numerical": "Type a number and press Enter (Esc leaves the box).",
    "cloze": "Fill each gap; Enter moves on, then answers (Esc leaves the box).",
    "matching": "Choose a match for each item (Tab moves), then c checks.",
    "ordering": "Pick the items in order by their numbers (they stay fixed) or ↑↓ Enter.",
}
"""One line of help under the prompt, per question type."""


class QuestionCard(VerticalScroll):
    """One question, answered in place. ``number`` / ``total`` give the progress shown on top."""

    def __init__(self, question: Any, meta: str = "", presentation: Any = None, **kwargs: Any) -> None:
        super().__init__(classes="card", **kwargs)
        self.question = question
        self.meta = meta
        self.area: AnswerArea | None = answer_area(question, presentation)
        self.answered = False
        """True once feedback (or a flip card's back) is shown."""

    def _meta_text(self) -> str:
        from studyvm.packs.mediarefs import question_media

        return (
            self.meta
            + ("  ·  d: Show me" if self.question.demo else "")
            + ("  ·  o: Open media" if question_media(self.question) else "")
        )

    def compose(self) -> ComposeResult:
        """The widgets of this widget."""
        yield Literal(self._meta_text(), classes="meta", id="card-meta")
        yield Literal(prompt_text(self.question), classes="prompt", id="card-prompt")
        yield Literal(HINTS.get(self.question.type, ""), classes="hint", id="card-hint")
        if self.area is not None:
            yield self.area
        yield Literal("", classes="verdict-right", id="card-verdict")
        yield Literal("", classes="feedback", id="card-feedback")
        yield Literal("", classes="caveat", id="card-caveat")
        yield Literal("", classes="source", id="card-source")

    def on_mount(self) -> None:
        """Focus where answering starts."""
        self.focus_start()

    def focus_start(self) -> None:
        """Focus the input or list, else the card itself (so Space reveals)."""
        target = self.area.focus_target() if self.area is not None else None
        (target or self).focus()

    async def load(self, question: Any, meta: str = "", presentation: Any = None) -> None:
        """Show another question in this same card: only the answer input is rebuilt.

        Reusing the card keeps "rating key -> next card on screen" to a few milliseconds.
        """
        old_area = self.area
        self.question, self.meta = question, meta
        self.area = answer_area(question, presentation)
        self.hide_feedback()
        self.query_one("#card-meta", Literal).show(self._meta_text())
        self.query_one("#card-prompt", Literal).show(prompt_text(question))
        self.query_one("#card-hint", Literal).show(HINTS.get(question.type, ""))
        if old_area is not None:
            await old_area.remove()
        if self.area is not None:
            await self.mount(self.area, after="#card-hint")
        self.scroll_home(animate=False)
        self.focus_start()

    def current(self) -> Any:
        """What the learner has entered so far (``None`` if nothing)."""
        return self.area.current() if self.area is not None else None

    def press_digit(self, digit: int) -> bool:
        """Route a number key to the answer input while unanswered."""
        if self.answered or self.area is None:
            return False
        return self.area.press_digit(digit)

    def submit(self) -> None:
        """Check what is entered now (c / Enter on list types)."""
        if not self.answered and self.area is not None:
            self.area.submit()

    def on_space_aware_input_reveal(self, event: SpaceAwareInput.Reveal) -> None:
        """Space in an empty input: reveal, counted as not known."""
        event.stop()
        if self.area is not None:
            self.post_message(AnswerArea.Submitted(None))

    def show_feedback(self, feedback: Feedback) -> None:
        """Lock the input and show the verdict and everything that explains it."""
        self.answered = True
        if self.area is not None:
            self.area.freeze()
        verdict = self.query_one("#card-verdict", Literal)
        verdict.show(verdict_title(feedback.correct, feedback.score))
        verdict.set_class(feedback.correct is False, "verdict-wrong")
        body = []
        if feedback.lines:  # marked options / your answer / partial credit: they replace the input
            body += feedback.lines
            if self.area is not None:
                self.area.display = False
        else:
            if feedback.expected:
                body.append(feedback.expected if feedback.correct is None else f"Answer: {feedback.expected}")
            body += feedback.notes
        if feedback.explanation:
            body.append(feedback.explanation)
        self.query_one("#card-feedback", Literal).show("\n".join(body))
        self.query_one("#card-caveat", Literal).show(f"Caveat: {feedback.caveat}" if feedback.caveat else "")
        self.query_one("#card-source", Literal).show(f"Source: {feedback.source}" if feedback.source else "")
        # The (now locked) input had focus: give it to the card, so PgUp/PgDn and the arrows scroll
        # long feedback at 80x24 at once, and start reading at the verdict.
        self.focus()
        self.call_after_refresh(self.scroll_to_widget, verdict, animate=False, top=True)

    def hide_feedback(self) -> None:
        """Back to unanswered (after an undo of a grading that never reached the store)."""
        self.answered = False
        if self.area is not None:
            self.area.display = True
        self.query_one("#card-verdict", Literal).set_class(False, "verdict-wrong")
        for widget_id in ("card-verdict", "card-feedback", "card-caveat", "card-source"):
            self.query_one(f"#{widget_id}", Literal).show("")
