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

import re
from typing import Any

_ANKI_CARD = re.compile(r"^(anki-.+?)(?:-card\d+)?$")
_INDEXES: dict[int, tuple[Any, dict[str, list[str]]]] = {}
"""id(pack) -> (the pack, its sibling index); the pack is kept so its id cannot be reused."""
_MAX_INDEXES = 64


def sibling_key(question: Any) -> str | None:
    """What ``question`` shares with its siblings (``None``: it has none)."""
    table = getattr(question, "generated_from", None)
    if table and question.id.startswith(f"{table}."):
        return f"{table}.{question.id[len(table) + 1 :].split('.', 1)[0]}"
    match = _ANKI_CARD.match(question.id)
    return match.group(1) if match else None


def sibling_index(questions: list[Any]) -> dict[str, list[str]]:
    """Sibling key -> the ids of the questions that share it (only keys held by two or more)."""
    groups: dict[str, list[str]] = {}
    for question in questions:
        key = sibling_key(question)
        if key is not None:
            groups.setdefault(key, []).append(question.id)
    return {key: ids for key, ids in groups.items() if len(ids) > 1}


def siblings_of(pack: Any, question: Any) -> list[str]:
    """Ids of ``question``'s siblings in ``pack`` (itself excluded); each pack is indexed once."""
    key = sibling_key(question)
    if key is None:
        return []
    cached = _INDEXES.get(id(pack))
    if cached is None or cached[0] is not pack:  # a reloaded pack is a new object: index it afresh
        if len(_INDEXES) > _MAX_INDEXES:
            _INDEXES.clear()
        cached = _INDEXES[id(pack)] = (pack, sibling_index(list(pack.questions)))
    return [qid for qid in cached[1].get(key, []) if qid != question.id]


def one_per_family(pool: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``pool`` (pack id, question) without the later siblings of a question already in it."""
    seen: set[tuple[str, str]] = set()
    out = []
    for pack_id, question in pool:
        key = sibling_key(question)
        if key is not None:
            if (pack_id, key) in seen:
                continue
            seen.add((pack_id, key))
        out.append((pack_id, question))
    return out
