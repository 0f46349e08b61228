"""SQL for the card browser: every card of a learner with its last rating, one card's review
history, and "forget" (back to new). Each function takes ``*, session`` and returns plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from studyvm.store.models import QUEUE_NEW, QUEUE_SUSPENDED, STATE_NEW, CardState, ReviewLog
from studyvm.store.repo import table_of

CARD = table_of(CardState)
LOG = table_of(ReviewLog)


class ListedCard(NamedTuple):
    """One stored card as the browser lists it."""

    pack_id: str
    question_id: str
    queue: int
    state: int
    due: datetime | None
    last_review: datetime | None
    reps: int
    lapses: int
    suspended: bool
    leech: bool
    last_rating: int | None


class HistoryRow(NamedTuple):
    """One review of a card."""

    reviewed_at: datetime
    rating: int
    score: float | None
    response: str | None
    duration_ms: int | None
    state_before: int


def listed_cards(learner: int, *, session: Session) -> list[ListedCard]:
    """Every card of the learner still in a pack, with the rating of its last review."""
    last_rating = (
        select(LOG.c.rating)
        .where(LOG.c.learner_id == CARD.c.learner_id, LOG.c.pack_id == CARD.c.pack_id,
               LOG.c.question_id == CARD.c.question_id)
        .order_by(LOG.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(CARD.c.pack_id, CARD.c.question_id, CARD.c.queue, CARD.c.state, CARD.c.due, CARD.c.last_review,
               CARD.c.reps, CARD.c.lapses, CARD.c.suspended, CARD.c.leech, last_rating)
        .where(CARD.c.learner_id == learner, CARD.c.removed.is_(False))
    ).all()
    return [ListedCard(*row) for row in rows]


def review_history(learner: int, pack_id: str, question_id: str, *, session: Session) -> list[HistoryRow]:
    """Every review of one card, oldest first."""
    rows = session.execute(
        select(LOG.c.reviewed_at, LOG.c.rating, LOG.c.score, LOG.c.response, LOG.c.duration_ms, LOG.c.state_before)
        .where(LOG.c.learner_id == learner, LOG.c.pack_id == pack_id, LOG.c.question_id == question_id)
        .order_by(LOG.c.id)
    ).all()
    return [HistoryRow(*row) for row in rows]


def forget(learner: int, pack_id: str, question_id: str, *, session: Session) -> bool:
    """Put a card back to new (its history is kept; a suspension stays); False when no such card."""
    where = (CARD.c.learner_id == learner, CARD.c.pack_id == pack_id, CARD.c.question_id == question_id,
             CARD.c.removed.is_(False))
    suspended = session.execute(select(CARD.c.suspended).where(*where)).scalar()
    if suspended is None:
        return False
    values: dict[str, Any] = {
        "state": STATE_NEW, "queue": QUEUE_SUSPENDED if suspended else QUEUE_NEW, "step": None, "stability": None,
        "difficulty": None, "due": None, "last_review": None, "reps": 0, "lapses": 0, "leech": False,
        "buried_until": None,
    }
    session.execute(update(CARD).where(*where).values(**values))
    return True
