"""The setup form before a practice quiz (``z``) or a mock exam (``e``): a ``ModalScreen``.

It asks what ``studyvm quiz`` takes: how many questions, which pack and topic, and for an exam
the time limit, the pass mark and certainty-based marking. The core checks the values
(:func:`studyvm.study.quiz_setup.parse_setup`); a bad one is a message under the form and the
focus goes to it. Enter starts, Escape cancels; the form dismisses with a
:class:`~studyvm.study.quiz.QuizRequest` or ``None``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select

from studyvm.study.quiz import QuizRequest
from studyvm.study.quiz_setup import SetupChoices, SetupError, exam_size, parse_setup
from studyvm.tui.widgets.literal import Literal, lit_cell
from studyvm.wording import plural


def _number(value: float) -> str:
    """``30`` rather than ``30.0``."""
    return f"{value:g}"


class QuizSetup(ModalScreen[QuizRequest | None]):
    """The form; ``pack`` preselects a pack (the one under the dashboard's cursor)."""

    DEFAULT_CSS = """
    QuizSetup { align: center middle; }
    QuizSetup > #setup-box {
        width: 70; height: auto; max-height: 95%; max-width: 95%;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    QuizSetup .setup-row { height: auto; }
    QuizSetup .setup-label { width: 22; padding-top: 1; }
    QuizSetup Input { width: 1fr; }
    QuizSetup Select { width: 1fr; }
    QuizSetup #setup-error { color: $error; height: auto; }
    QuizSetup #setup-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    QuizSetup Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="quiz_setup.cancel"),
        Binding("ctrl+s", "start", "Start", id="quiz_setup.start"),
    ]

    def __init__(self, choices: SetupChoices, pack: str | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.pack = pack if pack in {p for p, _title in choices.packs} else None

    def _row(self, label: str, widget: Input | Select[str] | Checkbox) -> Horizontal:
        return Horizontal(Literal(label, classes="setup-label"), widget, classes="setup-row")

    def compose(self) -> ComposeResult:
        """One row per setting, the message line and the two buttons."""
        c = self.choices
        with Vertical(id="setup-box"):
            yield Literal("Mock exam settings" if c.exam else "Practice quiz settings", id="setup-title")
            yield self._row("Questions", Input(str(c.questions), id="setup-questions"))
            if c.exam:
                yield self._row("Time limit (minutes)", Input(_number(c.minutes), id="setup-minutes"))
                yield self._row("Pass mark (%)", Input(_number(c.pass_mark), id="setup-pass-mark"))
            packs = [(lit_cell(f"{title} ({pid})"), pid) for pid, title in c.packs]
            yield self._row("Pack", Select(packs, prompt="All packs", value=self.pack or Select.NULL, id="setup-pack"))
            topics = [(lit_cell(t), t) for t in c.topics]
            yield self._row("Topic", Select(topics, prompt="All topics", id="setup-topic"))
            if c.exam:
                yield self._row("Certainty (CBM)", Checkbox("ask how sure I am", c.cbm, id="setup-cbm"))
            yield Literal("", id="setup-error")
            with Horizontal(id="setup-buttons"):
                yield Button("Cancel (esc)", id="setup-cancel")
                yield Button("Start (enter)", id="setup-start", variant="primary")

    def on_mount(self) -> None:
        """Start on the number of questions."""
        self.query_one("#setup-questions", Input).focus()

    def _text(self, widget_id: str) -> str:
        found = self.query(f"#{widget_id}")
        return found.first(Input).value if found else ""

    def _choice(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return value if isinstance(value, str) else None

    def request(self) -> QuizRequest:
        """What the form says now; :class:`SetupError` naming a bad field."""
        cbm = self.query("#setup-cbm")
        return parse_setup(
            self.choices.exam,
            questions=self._text("setup-questions"),
            minutes=self._text("setup-minutes"),
            pass_mark=self._text("setup-pass-mark"),
            pack=self._choice("setup-pack"),
            topic=self._choice("setup-topic"),
            cbm=cbm.first(Checkbox).value if cbm else False,
        )

    def action_start(self) -> None:
        """Start with these settings, or say what is wrong and go to it.

        An exam draws only auto-graded questions: when the pack and topic have fewer than asked,
        the form says so and sets the number it can draw; Enter again starts with that many."""
        try:
            request = self.request()
            size = exam_size(self.choices, request)
        except SetupError as error:
            self.query_one("#setup-error", Literal).show(str(error))
            target = self.query(f"#setup-{error.field.replace('_', '-')}")
            if target:
                target.first().focus()
            return
        if request.n is not None and size < request.n:
            self.query_one("#setup-questions", Input).value = str(size)
            self.query_one("#setup-questions", Input).focus()
            self.query_one("#setup-error", Literal).show(
                f"Only {plural(size, 'auto-graded question')} can be drawn (exams leave out flip cards, "
                f"which you grade yourself). Enter starts an exam of {size}."
            )
            return
        self.dismiss(request)

    def action_cancel(self) -> None:
        """Escape: nothing starts."""
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a box starts."""
        event.stop()
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The buttons."""
        event.stop()
        if event.button.id == "setup-start":
            self.action_start()
        else:
            self.action_cancel()
