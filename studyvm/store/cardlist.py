"""SQL for the card browser: every card of a learner with its last rating, one card's review
history, and "forget" (back to new). Each function takes ``*, session`` and returns plain data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, func, select, type_coerce, update
from sqlalchemy.orm import Session

from studyvm.store.micros import from_micros, micros_of
from studyvm.store.models import (
    QUEUE_NEW,
    QUEUE_SUSPENDED,
    STATE_NEW,
    CardState,
    ReviewLog,
)
from studyvm.store.repo import table_of

CARD = table_of(CardState)
LOG = table_of(ReviewLog)


class ListedCard(NamedTuple):
    """One stored card as the browser lists it (``due`` raw from the driver: see :func:`as_utc`).

    :func:`listed_cards` returns plain tuples in this order (building 100,000 named tuples costs more
    than the query); ``ListedCard(*row)`` names one.
    """

    pack_id: str
    question_id: str
    state: int
    due: Any
    ivl: float | None
    """Days from the last review to the due date (``None`` for a new card)."""
    queue: int
    reps: int
    lapses: int
    suspended: bool
    leech: bool
    last_rating: int | None


def as_utc(raw: Any) -> datetime | None:
    """An aware UTC datetime from a raw driver value (SQLite gives integer microseconds, PostgreSQL a
    naive datetime)."""
    if raw is None:
        return None
    if isinstance(raw, int):
        return from_micros(raw)
    value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class HistoryRow(NamedTuple):
    """One review of a card."""

    reviewed_at: datetime
    rating: int
    score: float | None
    response: str | None
    duration_ms: int | None
    state_before: int


def due_key(now: datetime, sqlite: bool) -> Any:
    """``now`` as the raw ``due`` values of :func:`listed_cards` compare with it (integer microseconds
    on SQLite, a naive UTC datetime on PostgreSQL): a card is due when ``due <= due_key(now)``."""
    if sqlite:
        return micros_of(now)
    return now.astimezone(UTC).replace(tzinfo=None)


def listed_cards(learner: int, *, session: Session, keys: Sequence[tuple[str, str]] | None = None) -> list[tuple]:
    """Every card of the learner still in a pack (or those of ``keys``, (pack id, question id)
    pairs), with the rating of its last review, as tuples in the order of :class:`ListedCard`.

    Read through the DB-API cursor (no per-row result processing): 100,000 cards in a fraction
    of a second. The interval is computed in SQL; the last rating is kept on the card
    (``card_state.last_rating``). Nothing depends on the time, so a listing can be reused until the
    cards change (whether one is due: compare its ``due`` with :func:`due_key`).
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        ivl = (type_coerce(CARD.c.due, BigInteger) - type_coerce(CARD.c.last_review, BigInteger)) / 86_400e6
    else:
        ivl = func.extract("epoch", CARD.c.due - CARD.c.last_review) / 86400.0
    query = select(
        CARD.c.pack_id,
        CARD.c.question_id,
        CARD.c.state,
        CARD.c.due,
        ivl,
        CARD.c.queue,
        CARD.c.reps,
        CARD.c.lapses,
        CARD.c.suspended,
        CARD.c.leech,
        CARD.c.last_rating,
    ).where(CARD.c.learner_id == learner, CARD.c.removed.is_(False))
    if keys is None:
        return _raw_rows(session, query)
    out: list[tuple] = []
    for pack_id in sorted({pack for pack, _ in keys}):
        ids = [qid for pack, qid in keys if pack == pack_id]
        for start in range(0, len(ids), KEYS_PER_QUERY):
            chunk = ids[start : start + KEYS_PER_QUERY]
            out += _raw_rows(session, query.where(CARD.c.pack_id == pack_id, CARD.c.question_id.in_(chunk)))
    return out


KEYS_PER_QUERY = 500
"""Question ids per ``IN`` list (well under SQLite's limit on bound parameters)."""


def _raw_rows(session: Session, query: Any) -> list[tuple]:
    result = session.execute(query)
    cursor = getattr(result, "cursor", None)  # a CursorResult: its raw rows skip per-row processing
    return cursor.fetchall() if cursor is not None else [tuple(row) for row in result.all()]


def review_history(learner: int, pack_id: str, question_id: str, *, session: Session) -> list[HistoryRow]:
    """Every review of one card, oldest first (found by the card's id: the log's one index)."""
    card_id = (
        select(CARD.c.id)
        .where(CARD.c.learner_id == learner, CARD.c.pack_id == pack_id, CARD.c.question_id == question_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(LOG.c.reviewed_at, LOG.c.rating, LOG.c.score, LOG.c.response, LOG.c.duration_ms, LOG.c.state_before)
        .where(LOG.c.card_id == card_id)
        .order_by(LOG.c.id)
    ).all()
    return [HistoryRow(*row) for row in rows]


def forget(learner: int, pack_id: str, question_id: str, *, session: Session) -> bool:
    """Put a card back to new (its history is kept; a suspension stays; it has no last rating until
    answered again, as Anki's reset starts afresh); False when no such card."""
    where = (
        CARD.c.learner_id == learner,
        CARD.c.pack_id == pack_id,
        CARD.c.question_id == question_id,
        CARD.c.removed.is_(False),
    )
    suspended = session.execute(select(CARD.c.suspended).where(*where)).scalar()
    if suspended is None:
        return False
    values: dict[str, Any] = {
        "state": STATE_NEW,
        "queue": QUEUE_SUSPENDED if suspended else QUEUE_NEW,
        "step": None,
        "stability": None,
        "difficulty": None,
        "due": None,
        "last_review": None,
        "reps": 0,
        "lapses": 0,
        "leech": False,
        "buried_until": None,
        "last_rating": None,
    }
    session.execute(update(CARD).where(*where).values(**values))
    return True
