"""Question families: questions that test one fact from different sides, so one spoils the other.

A family is what Anki calls a note's cards. Here it is the questions generated from one row of a
comparison table (``<table>.<aspect>.…``: the forward flip, the reverse flip or "which approach?"
mcq, the statements, the matching) and the cards of one imported Anki note (``anki-<hash>`` and
``anki-<hash>-card2``). Hand-written questions have no family. The pack index stores each
question's family, so siblings are found without parsing a pack (:mod:`studyvm.study.siblings`).
"""

from __future__ import annotations

import re
from typing import Any

_ANKI_CARD = re.compile(r"^(anki-.+?)(?:-card\d+)?$")


def family_key(question: Any) -> str | None:
    """What ``question`` shares with its siblings (``None``: it has none)."""
    table = getattr(question, "generated_from", None)
    if table and question.id.startswith(f"{table}."):
        return f"{table}.{question.id[len(table) + 1 :].split('.', 1)[0]}"
    match = _ANKI_CARD.match(question.id)
    return match.group(1) if match else None
