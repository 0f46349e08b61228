"""Small wording helpers every layer may use (no dependencies)."""

from __future__ import annotations

IRREGULAR = {"day": "days", "is": "are", "was": "were"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``3 cards``, ``1 card``: the count and the word in the right number, never ``card(s)``."""
    if count == 1:
        return f"{count} {word}"
    return f"{count:,} {many or IRREGULAR.get(word) or word + 's'}"
