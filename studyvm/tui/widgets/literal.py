"""Literal text: every string that comes from a pack goes through these, never through markup.

Control characters are made visible too (:func:`studyvm.textsafe.inert`), so no text from a
pack, a file name, a learner name or a database row can send an escape sequence to the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from studyvm.textsafe import inert


def lit(text: object) -> Content:
    """``text`` as Textual content shown exactly as typed (``[bold]`` stays ``[bold]``)."""
    return Content(inert(text))


def lit_cell(text: object) -> Text:
    """``text`` as a Rich ``Text`` for tables and lists that would otherwise parse markup."""
    return Text(inert(text))


class Literal(Static):
    """A ``Static`` that never interprets markup, whatever it is given."""

    def __init__(self, text: object = "", **kwargs: object) -> None:
        super().__init__(lit(text), markup=False, **kwargs)  # type: ignore[arg-type]

    def show(self, text: object) -> None:
        """Replace the shown text, literally."""
        self.update(lit(text))
