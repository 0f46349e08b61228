"""Horizontal bars drawn with block characters: mastery per topic, overhead per mode."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

FULL, EMPTY = "█", "░"
MIN_BAR = 6
"""The fewest cells a bar keeps when labels are long and the terminal narrow."""


def bar_text(
    label: str,
    fraction: float,
    width: int = 20,
    label_width: int = 18,
    suffix: str = "",
    good_high: bool = True,
    style: str | None = None,
    mark: float | None = None,
) -> Text:
    """``label`` (literal, padded or cut to ``label_width``), a bar ``fraction`` full, and ``suffix``.

    Colours say good (green) to bad (red); ``good_high=False`` is for bars where more is worse;
    ``style`` overrides the colour. ``mark`` (0..1) draws a ``│`` baseline at that point of the bar.
    """
    fraction = max(0.0, min(1.0, fraction))
    goodness = fraction if good_high else 1.0 - fraction
    filled = round(fraction * width)
    name = label if len(label) <= label_width else label[: max(1, label_width - 1)] + "…"
    line = Text(name.ljust(label_width) + " ")
    colour = style or ("bold green" if goodness >= 0.8 else "yellow" if goodness >= 0.4 else "red")
    cells = [(FULL, colour)] * filled + [(EMPTY, "dim")] * (width - filled)
    if mark is not None and width:
        at = min(width - 1, max(0, round(mark * width) - 1))
        cells[at] = ("│", "bold")
    for char, cell_style in cells:
        line.append(char, style=cell_style)
    line.append(f" {suffix}" if suffix else f" {fraction:4.0%}")
    return line


class Bars(Static):
    """A list of labelled bars that fit the widget's width; labels are pack text, shown literally."""

    DEFAULT_CSS = "Bars { height: auto; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[tuple[str, float, str]] = []
        """(label, fraction 0..1, suffix) of every bar."""
        self.max_bar = 30
        self.empty = "nothing yet"
        self.good_high = True
        self.bar_styles: list[str] | None = None
        """Colours per bar (``None``: by length)."""
        self.mark: float | None = None

    def set_bars(
        self,
        rows: list[tuple[str, float, str]],
        width: int = 30,
        empty: str = "nothing yet",
        good_high: bool = True,
        styles: list[str] | None = None,
        mark: float | None = None,
    ) -> None:
        """Show ``rows`` of (label, fraction 0..1, suffix or ""); bars are at most ``width`` cells.

        ``styles`` (one per row) colour the bars instead of their length; ``mark`` draws a baseline.
        """
        self.rows, self.max_bar, self.empty, self.good_high = rows, width, empty, good_high
        self.bar_styles, self.mark = styles, mark
        self._draw()

    def on_resize(self) -> None:
        """Reflow to the new width."""
        self._draw()

    def _draw(self) -> None:
        if not self.rows:
            self.update(Text(self.empty, style="dim"))
            return
        if not self.size.width:  # not laid out yet (or on a hidden tab): on_resize draws it
            return
        total = self.size.width
        suffix_width = max(len(s) if s else 4 for _, _, s in self.rows) + 1
        # names first (a topic cut to "cloud-an…" says little), the bar keeps at least MIN_BAR cells
        label_width = min(max(len(label) for label, _, _ in self.rows), max(6, total - suffix_width - 1 - MIN_BAR))
        bar = max(MIN_BAR, min(self.max_bar, total - label_width - suffix_width - 1))
        styles: list[str | None] = list(self.bar_styles) if self.bar_styles else [None] * len(self.rows)
        drawn = Text("\n").join(
            bar_text(lbl, frac, bar, label_width, sfx, self.good_high, style, self.mark)
            for (lbl, frac, sfx), style in zip(self.rows, styles, strict=False)
        )
        drawn.no_wrap, drawn.overflow = True, "crop"  # a scrollbar appearing never wraps a row in two
        self.update(drawn)
