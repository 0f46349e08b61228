"""SQL for the card browser: every card of a learner with its last rating, one card's review
history, and "forget" (back to new). Each function takes ``*, session`` and returns plain data."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple
from typing import cast as cast_type

from sqlalchemy import BigInteger, Integer, cast, func, select, update
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
    than the query); ``ListedCard(*row)`` names one. The card's small numbers travel packed in one
    integer, ``code`` (:func:`unpack`): each column read costs about a microsecond a card in the
    driver, so five columns instead of eleven save about a third of the read.
    """

    pack_id: str
    question_id: str
    due: Any
    ivl: float | None
    """Days from the last review to the due date (``None`` for a new card)."""
    code: int
    """State, queue, suspended, leech, last rating, lapses and reps in one integer (:func:`unpack`)."""


class CardCode(NamedTuple):
    """What :attr:`ListedCard.code` holds, unpacked."""

    state: int
    queue: int
    suspended: bool
    leech: bool
    last_rating: int | None
    lapses: int
    reps: int


FLAG_BITS = 7
"""The low bits of a code: state (2 bits), queue + 3 (3 bits), suspended, leech: what ``is:`` looks at."""
LAPSES_SHIFT = 10
"""Bits 7–9 hold the last rating (0: none); the lapses start here and take 24 bits, the reps the rest."""
REPS_SHIFT = 34


def unpack(code: int) -> CardCode:
    """The fields packed in a :attr:`ListedCard.code`."""
    return CardCode(
        code & 3,
        ((code >> 2) & 7) - 3,
        bool(code & 32),
        bool(code & 64),
        ((code >> 7) & 7) or None,
        (code >> LAPSES_SHIFT) & 0xFFFFFF,
        code >> REPS_SHIFT,
    )


def lapses_of(code: int) -> int:
    """The lapses in a code."""
    return (code >> LAPSES_SHIFT) & 0xFFFFFF


def reps_of(code: int) -> int:
    """The reps in a code."""
    return code >> REPS_SHIFT


def rating_of(code: int) -> int:
    """The last rating in a code (0: none)."""
    return (code >> 7) & 7


def _code_sql(cast_int: Any) -> Any:
    """The code of :class:`ListedCard` as an SQL expression (``cast_int`` makes a column a 64-bit integer)."""
    return (
        cast_int(CARD.c.state)
        + (cast_int(CARD.c.queue) + 3) * 4
        + cast_int(CARD.c.suspended) * 32
        + cast_int(CARD.c.leech) * 64
        + func.coalesce(cast_int(CARD.c.last_rating), 0) * 128
        + cast_int(CARD.c.lapses) * (1 << LAPSES_SHIFT)
        + cast_int(CARD.c.reps) * (1 << REPS_SHIFT)
    )


SQLITE_LISTING = (
    "SELECT pack_id, question_id, due, (due - last_review) / 86400e6, "
    "state + (queue + 3) * 4 + suspended * 32 + leech * 64 + coalesce(last_rating, 0) * 128 "
    f"+ lapses * {1 << LAPSES_SHIFT} + reps * {1 << REPS_SHIFT} FROM card_state{{hint}} "
    "WHERE learner_id = ? AND removed = 0"
)
"""The listing on SQLite, in plain SQL (the same columns as :func:`_code_sql`). Every card is read
``NOT INDEXED``: without ANALYZE statistics SQLite would go through ``ix_card_state_queue`` and look
up each card in the table (about 186 ms against 130 ms for a plain scan at 100,000 cards)."""


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
    pairs), as tuples in the order of :class:`ListedCard`.

    Read through the DB-API cursor (no per-row result processing): 100,000 cards in a fraction
    of a second. The interval is computed in SQL; the last rating is kept on the card
    (``card_state.last_rating``). Nothing depends on the time, so a listing can be reused until the
    cards change (whether one is due: compare its ``due`` with :func:`due_key`).
    """
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_rows(learner, session, keys)
    ivl = func.extract("epoch", CARD.c.due - CARD.c.last_review) / 86400.0
    code = _code_sql(lambda column: cast(cast(column, Integer), BigInteger))  # a boolean becomes an integer first
    query = select(CARD.c.pack_id, CARD.c.question_id, CARD.c.due, ivl, code).where(
        CARD.c.learner_id == learner, CARD.c.removed.is_(False)
    )
    if keys is None:
        return _raw_rows(session, query)
    out: list[tuple] = []
    for pack_id, chunk in _key_chunks(keys):
        out += _raw_rows(session, query.where(CARD.c.pack_id == pack_id, CARD.c.question_id.in_(chunk)))
    return out


def _key_chunks(keys: Sequence[tuple[str, str]]) -> Iterator[tuple[str, list[str]]]:
    """``keys`` as (pack id, up to :data:`KEYS_PER_QUERY` question ids)."""
    for pack_id in sorted({pack for pack, _ in keys}):
        ids = [qid for pack, qid in keys if pack == pack_id]
        for start in range(0, len(ids), KEYS_PER_QUERY):
            yield pack_id, ids[start : start + KEYS_PER_QUERY]


def _sqlite_rows(learner: int, session: Session, keys: Sequence[tuple[str, str]] | None) -> list[tuple]:
    """:func:`listed_cards` on SQLite, in plain SQL on the session's own connection (its transaction)."""
    conn = cast_conn(session)
    if keys is None:
        return conn.execute(SQLITE_LISTING.format(hint=" NOT INDEXED"), (learner,)).fetchall()
    out: list[tuple] = []
    by_key = SQLITE_LISTING.format(hint="") + " AND pack_id = ? AND question_id IN ({})"
    for pack_id, chunk in _key_chunks(keys):  # by the card's unique key
        out += conn.execute(by_key.format(", ".join("?" * len(chunk))), (learner, pack_id, *chunk)).fetchall()
    return out


def cast_conn(session: Session) -> sqlite3.Connection:
    """The DB-API connection under a SQLite session."""
    return cast_type(sqlite3.Connection, session.connection().connection.driver_connection)


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
