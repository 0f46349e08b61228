"""A yes/no question before anything that cannot be taken back (quit, leave an exam, submit it).

:class:`Confirm` is a ``ModalScreen[bool]``: it dismisses with ``True`` only when the learner
chooses the risky action (its button, or ``y``). The safe answer has the focus, so Enter,
Escape and ``n`` all keep things as they are.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from studyvm.tui.widgets.literal import Literal


class Confirm(ModalScreen[bool]):
    """Ask ``question``; ``yes`` names the risky action, ``no`` the safe one (focused)."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > #confirm-box {
        width: 64; height: auto; max-width: 90%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    Confirm #confirm-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    Confirm Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel", id="confirm.no"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.question = question
        """The question, shown literally."""
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        """The question and two buttons, the safe one first in focus."""
        with Vertical(id="confirm-box"):
            yield Literal(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.no} (n)", id="confirm-no", variant="primary")
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        """The safe answer has the focus: Enter keeps things as they are."""
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button: the risky one says yes."""
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """``y`` or ``n``/Escape."""
        self.dismiss(yes)
