"""Literal text: every string that comes from a pack goes through these, never through markup."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import Static


def lit(text: object) -> Content:
    """``text`` as Textual content shown exactly as typed (``[bold]`` stays ``[bold]``)."""
    return Content(str(text))


def lit_cell(text: object) -> Text:
    """``text`` as a Rich ``Text`` for tables and lists that would otherwise parse markup."""
    return Text(str(text))


class Literal(Static):
    """A ``Static`` that never interprets markup, whatever it is given."""

    def __init__(self, text: object = "", **kwargs: object) -> None:
        super().__init__(lit(text), markup=False, **kwargs)  # type: ignore[arg-type]

    def show(self, text: object) -> None:
        """Replace the shown text, literally."""
        self.update(lit(text))
