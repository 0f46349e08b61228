"""A check list whose boxes read ``[x]`` / ``[ ]``, so a tick is not shown by colour alone."""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList

V = TypeVar("V")


class BoxList(SelectionList[V]):
    """A ``SelectionList`` drawing each box as ``[x]`` when ticked and ``[ ]`` when not.

    Textual draws both states as the same glyph in two colours, which a monochrome terminal or
    a colour-blind learner cannot tell apart; the theme's colours are kept on top.
    """

    def render_line(self, y: int) -> Strip:
        """Draw the box as ``[x]`` or ``[ ]``, keeping the theme's colours."""
        line = super().render_line(y)
        segments = list(line)
        index = self.scroll_offset.y + y
        if len(segments) < 3 or index >= self.option_count:
            return line
        ticked = self.get_option_at_index(index).value in self._selected
        marks = ("[", "x" if ticked else " ", "]")
        boxed = [Segment(mark, seg.style, seg.control) for mark, seg in zip(marks, segments[:3], strict=True)]
        return Strip(boxed + segments[3:], line.cell_length)
