"""Horizontal bars drawn with block characters: mastery per topic, overhead per mode."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

FULL, EMPTY = "█", "░"


def bar_text(label: str, fraction: float, width: int = 20, label_width: int = 18, suffix: str = "") -> Text:
    """``label`` (literal, padded or cut to ``label_width``), a bar ``fraction`` full, and ``suffix``."""
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * width)
    name = label if len(label) <= label_width else label[: label_width - 1] + "…"
    line = Text(name.ljust(label_width) + " ")
    line.append(FULL * filled, style="bold green" if fraction >= 0.8 else "yellow" if fraction >= 0.4 else "red")
    line.append(EMPTY * (width - filled), style="dim")
    line.append(f" {suffix}" if suffix else f" {fraction:4.0%}")
    return line


class Bars(Static):
    """A list of labelled bars; labels are pack text, shown literally."""

    DEFAULT_CSS = "Bars { height: auto; }"

    def set_bars(self, rows: list[tuple[str, float, str]], width: int = 20, empty: str = "nothing yet") -> None:
        """Show ``rows`` of (label, fraction 0..1, suffix or "")."""
        if not rows:
            self.update(Text(empty, style="dim"))
            return
        label_width = min(24, max(len(label) for label, _, _ in rows))
        self.update(Text("\n").join(bar_text(lbl, frac, width, label_width, sfx) for lbl, frac, sfx in rows))
