"""Sibling questions: those that test the same fact from another side, so one spoils the other.

Anki calls the cards of one note siblings and buries them until the next day once one is
answered; StudyVM does the same (:meth:`StudyService.answer`), and a quiz or exam never draws two
siblings (:func:`studyvm.study.selection.choose`). Siblings here are:

- questions generated from the same row of a comparison table (``<table>.<aspect>.…``): the
  forward flip, the "which approach?" mcq or reverse flip, the statements and the matching;
- the cards of one imported Anki note (``anki-<hash>`` and ``anki-<hash>-card2``).

Hand-written questions have no siblings: an author who writes two questions on one fact decides
for themselves.
"""

from __future__ import annotations

from typing import Any

from studyvm.packs.family import family_key as sibling_key

__all__ = ["one_per_family", "sibling_key", "siblings_of"]


def siblings_of(pack: Any, question: Any) -> list[str]:
    """Ids of ``question``'s siblings in ``pack`` (itself excluded), from the pack's index: no
    question is parsed to find them."""
    key = sibling_key(question)
    if key is None:
        return []
    return [qid for qid in pack.index.family_members(key) if qid != question.id]


def one_per_family(pool: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """``pool`` (pack, index entry) pairs without the later siblings of an entry already in it."""
    seen: set[tuple[str, str]] = set()
    out = []
    for pack, entry in pool:
        if entry.family is not None:
            if (pack.id, entry.family) in seen:
                continue
            seen.add((pack.id, entry.family))
        out.append((pack, entry))
    return out
