"""The card browser's core: find cards with a search query, show one card's history, act on cards.

Shared by ``studyvm cards`` and the terminal app's Browse screen. :func:`find_cards` parses
the query first (a :class:`~studyvm.study.search.SearchError` costs no database work), reads
every card of the learner in one query and tests each against the search tree, so a search over
100,000 cards stays a fraction of a second. Headless: no Textual; the SQL is in
:mod:`studyvm.store.cardlist`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyvm.store import cardlist
from studyvm.store.engine import write_session
from studyvm.store.models import QUEUE_BURIED, QUEUE_SCHEDULED, STATE_LEARNING, STATE_NEW, STATE_RELEARNING
from studyvm.study.grading import describe_response, expected_answer
from studyvm.study.scheduling import RATING_NAMES
from studyvm.study.search import parse
from studyvm.study.views import STATE_NAMES

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

ACTIONS = ("suspend", "unsuspend", "bury", "unbury", "forget")
SORTS = ("due", "ivl", "lapses", "reps", "rating", "question", "topic")


@dataclass
class CardInfo:
    """One card in the browser: what the table shows and what a search looks at."""

    pack_id: str
    question_id: str
    prompt: str
    """The prompt on one line, for the table."""
    topic: str
    type: str
    state: str
    """``new``, ``learning``, ``review`` or ``relearning``."""
    due: datetime | None
    ivl: float
    """Days from the last review to the due date (0 for a new card)."""
    lapses: int
    reps: int
    last_rating: int | None
    tags: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    """Which of ``due new learn review suspended buried leech`` hold now."""
    text: str = field(default="", repr=False)
    """Prompt and answers, lower-cased (what words and phrases search)."""

    @property
    def last_rating_name(self) -> str:
        """``Again`` … ``Easy``, or empty if never reviewed."""
        return RATING_NAMES.get(self.last_rating or 0, "")

    def as_json(self) -> dict[str, Any]:
        """A JSON-able dict (without the search text)."""
        data = asdict(self)
        data.pop("text")
        data["due"] = self.due.isoformat() if self.due else None
        data["tags"], data["flags"] = list(self.tags), sorted(self.flags)
        data["last_rating"] = self.last_rating_name or None
        return data


@dataclass
class HistoryEntry:
    """One review of a card, in words."""

    when: datetime
    rating: str
    state_before: str
    score: float | None
    answer: str
    """What was answered, as the learner would recognise it (empty for a flip card)."""
    seconds: float | None


def _search_text(question: Any) -> str:
    parts = [question.prompt, expected_answer(question), getattr(question, "explanation", "") or ""]
    parts += [o.text for o in getattr(question, "options", None) or []]
    return " ".join(str(p) for p in parts).lower()


def _question_texts(svc: StudyService, pack: Any) -> dict[str, tuple[Any, str]]:
    """Question id -> (question, search text), cached per pack on the service."""
    cache = svc.caches.setdefault("browse_texts", {})
    if pack.id not in cache:
        cache[pack.id] = {q.id: (q, _search_text(q)) for q in pack.questions}
    return cache[pack.id]


def _flags(row: cardlist.ListedCard, now: datetime) -> frozenset[str]:
    flags = set()
    if row.queue == QUEUE_SCHEDULED and row.due is not None and row.due <= now:
        flags.add("due")
    if row.state == STATE_NEW:
        flags.add("new")
    elif row.state in (STATE_LEARNING, STATE_RELEARNING):
        flags.add("learn")
    else:
        flags.add("review")
    if row.suspended:
        flags.add("suspended")
    if row.queue == QUEUE_BURIED:
        flags.add("buried")
    if row.leech:
        flags.add("leech")
    return frozenset(flags)


def find_cards(svc: StudyService, query: str, sort: str = "due", reverse: bool = False) -> list[CardInfo]:
    """Every card of the learner matching ``query`` (see :mod:`studyvm.study.search`), sorted by ``sort``."""
    tree = parse(query)
    if sort not in SORTS:
        raise ValueError(f"unknown sort '{sort}' (known: {', '.join(SORTS)})")
    now = svc.clock()
    with svc.read() as session:
        rows = cardlist.listed_cards(svc.learner_id, session=session)
    found = []
    for row in rows:
        pack = svc.packs.get(row.pack_id)
        entry = _question_texts(svc, pack).get(row.question_id) if pack is not None else None
        if entry is None:
            continue
        question, text = entry
        ivl = (row.due - row.last_review).total_seconds() / 86400 if row.due and row.last_review else 0.0
        card = CardInfo(
            pack_id=row.pack_id, question_id=row.question_id, prompt=" ".join(question.prompt.split()),
            topic=question.topic, type=question.type, state=STATE_NAMES.get(row.state, "review"), due=row.due,
            ivl=round(ivl, 2), lapses=row.lapses, reps=row.reps, last_rating=row.last_rating,
            tags=tuple(getattr(question, "tags", ()) or ()), flags=_flags(row, now), text=text,
        )
        if tree.matches(card):
            found.append(card)
    keys = {
        "due": lambda c: (c.due is None, c.due or now, c.question_id),
        "ivl": lambda c: (c.ivl, c.question_id),
        "lapses": lambda c: (c.lapses, c.question_id),
        "reps": lambda c: (c.reps, c.question_id),
        "rating": lambda c: (c.last_rating or 0, c.question_id),
        "question": lambda c: (c.prompt.lower(), c.question_id),
        "topic": lambda c: (c.topic, c.question_id),
    }
    return sorted(found, key=keys[sort], reverse=reverse)


def history(svc: StudyService, pack_id: str, question_id: str) -> list[HistoryEntry]:
    """Every review of one card, oldest first."""
    question = svc.pack(pack_id).question(question_id)
    with svc.read() as session:
        rows = cardlist.review_history(svc.learner_id, pack_id, question_id, session=session)
    entries = []
    for r in rows:
        given = json.loads(r.response) if r.response else None
        answer = describe_response(question, given) if given is not None and question is not None else ""
        entries.append(HistoryEntry(
            when=r.reviewed_at, rating=RATING_NAMES.get(r.rating, str(r.rating)),
            state_before=STATE_NAMES.get(r.state_before, "?"), score=r.score, answer=answer,
            seconds=r.duration_ms / 1000 if r.duration_ms else None,
        ))
    return entries


def act(svc: StudyService, action: str, cards: list[CardInfo] | list[tuple[str, str]]) -> int:
    """Apply ``action`` (one of :data:`ACTIONS`) to ``cards``; how many cards it changed."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action '{action}' (known: {', '.join(ACTIONS)})")
    keys = [(c.pack_id, c.question_id) if isinstance(c, CardInfo) else c for c in cards]
    changed = 0
    for key in keys:
        if action == "suspend":
            changed += svc.suspend(key)
        elif action == "unsuspend":
            changed += svc.suspend(key, suspended=False)
        elif action == "bury":
            changed += svc.bury(key)
        elif action == "unbury":
            changed += svc.unbury(key)
        else:
            with write_session(svc.engine) as session:
                changed += cardlist.forget(svc.learner_id, *key, session=session)
    return changed
