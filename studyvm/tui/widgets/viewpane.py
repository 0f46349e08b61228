"""The lab's Views tab: pick a mechanism view (a paper's table, a 2D walk, a shadow table, a
translation) and read it, with the lines that prove the point highlighted.

The pane only shows plain data (:class:`studyvm.labviews.LabView`); the lab screen runs the view in
a worker and hands the result to :meth:`ViewPane.show`. Every line is shown literally.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Select, Static

from studyvm.labviews import VIEWS, LabView
from studyvm.tui.widgets.literal import Literal, lit_cell

MARK = "bold reverse"
"""How a line that proves the point stands out."""


class ViewPane(Vertical):
    """A view picker over the chosen view's text."""

    def compose(self) -> ComposeResult:
        """The picker, what produced the view, and the view itself."""
        yield Select[str]([(name, view) for view, name in VIEWS.items()], prompt="view", id="lab-view-pick")
        yield Literal(
            "Pick a view: it runs the workload, profile and modes picked above.", id="lab-view-source", classes="hint"
        )
        with VerticalScroll(id="lab-view-scroll"):
            yield Static("", id="lab-view-out", markup=False)

    def pick(self, view: str) -> None:
        """Set the picker to ``view`` (which starts it, through the screen's Select.Changed handler)."""
        self.query_one("#lab-view-pick", Select).value = view

    def say(self, text: str) -> None:
        """Show a one-line state (running, failed) in place of a view."""
        self.query_one("#lab-view-out", Static).update(lit_cell(text))

    def show(self, view: LabView) -> None:
        """Show ``view``: its title, its lines, the proving ones highlighted."""
        self.query_one("#lab-view-source", Literal).show(f"{view.title} -- {view.source}")
        out = Text(no_wrap=True)
        marked = set(view.marked)
        for i, line in enumerate(view.lines):
            shown = lit_cell(line)
            if i in marked:
                shown.stylize(MARK)
            out.append_text(shown)
            out.append("\n")
        self.query_one("#lab-view-out", Static).update(out)
        self.query_one("#lab-view-scroll", VerticalScroll).scroll_home(animate=False)
