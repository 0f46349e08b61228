"""Small wording helpers every layer may use (no dependencies)."""

from __future__ import annotations

IRREGULAR = {"day": "days", "is": "are", "was": "were"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``3 cards``, ``1 card``: the count and the word in the right number, never ``card(s)``."""
    if count == 1:
        return f"{count} {word}"
    return f"{count:,} {many or IRREGULAR.get(word) or word + 's'}"


def one_line(text: str, width: int = 60) -> str:
    """``text`` on one line (newlines and runs of spaces become one space), cut at a word with ``…``."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    if " " in cut and not flat[width - 1].isspace():
        cut = cut[: cut.rindex(" ")]  # never half a word
    return cut.rstrip(" ,;:") + "…"


def marks(value: float) -> str:
    """A score as people write it: ``1.67``, ``2``, ``0.5`` (never ``1.66667``)."""
    return f"{round(value, 2):g}"
