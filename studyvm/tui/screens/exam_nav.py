"""The exam's navigation panel (``g``), as Moodle's quiz navigation: every question with its state.

A ``ModalScreen[int | None]``: Enter on a question (or its number typed, then Enter) jumps there;
Escape stays. The states come from the core (:meth:`studyvm.study.quiz.QuizRun.overview`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from studyvm.study.sessions import NavEntry
from studyvm.tui.widgets.literal import Literal


def entry_label(entry: NavEntry, current: int) -> str:
    """``▸  3  ✔ answered, flagged · certainty 3`` (the arrow marks the question on screen)."""
    here = "▸" if entry.index == current else " "
    sure = f" · certainty {entry.confidence}" if entry.confidence else ""
    return f"{here} {entry.index + 1:>3}  {entry.mark} {entry.state}{sure}"


class NavPanel(ModalScreen[int | None]):
    """Pick a question to jump to; dismisses with its position, or ``None``."""

    DEFAULT_CSS = """
    NavPanel { align: center middle; }
    NavPanel > #nav-box {
        width: 56; height: auto; max-height: 90%; max-width: 95%;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    NavPanel #nav-list { height: auto; max-height: 20; }
    """

    BINDINGS = [
        Binding("escape,g", "stay", "Back", id="exam_nav.back"),
        *[Binding(str(n), f"digit({n})", show=False, id=f"exam_nav.digit{n}") for n in range(10)],
    ]

    def __init__(self, entries: list[NavEntry], current: int) -> None:
        super().__init__()
        self.entries = entries
        self.current = current
        self.typed = ""
        """Digits typed so far: a question number."""

    def compose(self) -> ComposeResult:
        """A title line and one row per question."""
        with Vertical(id="nav-box"):
            yield Literal(
                "Go to question: ↑↓ or its number, then Enter (✔ answered · unanswered ⚑ flagged)", id="nav-help"
            )
            yield OptionList(
                *[Option(entry_label(e, self.current), id=str(e.index)) for e in self.entries], id="nav-list"
            )

    def on_mount(self) -> None:
        """The question on screen is highlighted."""
        options = self.query_one("#nav-list", OptionList)
        options.highlighted = self.current
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a question: go there."""
        event.stop()
        self.dismiss(int(event.option.id or self.current))

    def action_digit(self, digit: int) -> None:
        """Typed digits pick the question with that number (``1``, ``12``…)."""
        self.typed = (self.typed + str(digit))[-3:]
        number = int(self.typed)
        if not 1 <= number <= len(self.entries):
            self.typed = str(digit)
            number = digit
        if 1 <= number <= len(self.entries):
            self.query_one("#nav-list", OptionList).highlighted = number - 1

    def action_stay(self) -> None:
        """Escape: back to the same question."""
        self.dismiss(None)
