"""Repository functions that change cards: record an answer, undo it, suspend, bury, unbury.

Split from :mod:`studyvm.study.cards` (which chooses and counts cards). Each function takes
``*, session`` and returns plain data; the statements on the answer path are prepared once.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Result, and_, bindparam, case, delete, insert, select, update
from sqlalchemy.orm import Session

from studyvm.store.models import (
    QUEUE_BURIED,
    QUEUE_NEW,
    QUEUE_SCHEDULED,
    STATE_NEW,
    ReviewLog,
)
from studyvm.store.repo import table_of
from studyvm.study import undosnap
from studyvm.study.cards import CARD, CardRow, queue_for
from studyvm.study.daytotals import count_day, count_pack_day
from studyvm.study.scheduling import CardFields

LOG = table_of(ReviewLog)


def rows_changed(result: Result[Any]) -> int:
    """How many rows an ``UPDATE`` or ``DELETE`` touched (DML results are cursor results)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def new_id(result: Result[Any]) -> int:
    """The primary key an ``INSERT`` of one row created."""
    assert isinstance(result, CursorResult)
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


# Prepared once: on the answer path, building statements costs more than running them.
_UPDATE_CARD = update(CARD).where(CARD.c.id == bindparam("card_id"))
_INSERT_LOG = insert(LOG)


def undo_snapshot(card: CardRow) -> str:
    """What undoing an answer restores: ``card``'s state before it, as a compact snapshot (:mod:`undosnap`)."""
    return undosnap.encode(card.fields, card.suspended, card.leech, card.buried_until, card.last_rating)


def answer_values(card: CardRow, after: CardFields, leech: bool, rating: int) -> dict[str, object]:
    """The ``card_state`` columns an answer rated ``rating`` sets."""
    suspended = card.suspended or leech
    return {
        "state": after.state,
        "step": after.step,
        "stability": after.stability,
        "difficulty": after.difficulty,
        "due": after.due,
        "last_review": after.last_review,
        "reps": after.reps,
        "lapses": after.lapses,
        "leech": card.leech or leech,
        "suspended": suspended,
        "buried_until": None,
        "queue": queue_for(after.state, suspended, card.removed),
        "last_rating": rating,
    }


def log_values(
    learner: int,
    card: CardRow,
    rating: int,
    now: datetime,
    day: int,
    score: float | None,
    response: object,
    duration_ms: int | None,
) -> dict[str, object]:
    """The ``review_log`` row of an answer (undo snapshot included)."""
    return {
        "learner_id": learner,
        "card_id": card.id,
        "rating": rating,
        "reviewed_at": now,
        "review_day": day,
        "duration_ms": duration_ms,
        "state_before": card.fields.state,
        "score": score,
        "response": None if response is None else json.dumps(response, default=str),
        "prev": undo_snapshot(card),
    }


def record_review(
    learner: int,
    card: CardRow,
    after: CardFields,
    rating: int,
    now: datetime,
    day: int,
    *,
    session: Session,
    leech: bool = False,
    score: float | None = None,
    response: object = None,
    duration_ms: int | None = None,
) -> int:
    """Store the new card state and the review log row (undo snapshot included); the log id."""
    session.execute(_UPDATE_CARD, {"card_id": card.id, **answer_values(card, after, leech, rating)})
    result = session.execute(_INSERT_LOG, log_values(learner, card, rating, now, day, score, response, duration_ms))
    count_day(session, learner, day, card.fields.state, rating, 1)
    count_pack_day(session, learner, day, card.pack_id, card.fields.state, 1)
    return new_id(result)


def release_snapshots(learner: int, log_ids: list[int], *, session: Session) -> int:
    """Drop the undo snapshots of reviews ``log_ids`` (they can no longer be undone); how many.

    The undo stack lives in the service's memory, so once its session closes no one can use these
    snapshots, and at a million answers they would be most of the database (issue 19 item 3).
    """
    done = 0
    for start in range(0, len(log_ids), 500):  # within every driver's limit on bound parameters
        chunk = log_ids[start : start + 500]
        result = session.execute(update(LOG).where(LOG.c.learner_id == learner, LOG.c.id.in_(chunk)).values(prev=None))
        done += rows_changed(result)
    return done


def undo_review(learner: int, log_id: int, *, session: Session) -> tuple[str, str] | None:
    """Put the card back as it was before review ``log_id`` and delete that review.

    Returns the (pack id, question id) of the card, or ``None`` if there was nothing to undo.
    """
    log = session.execute(
        select(
            CARD.c.pack_id,
            CARD.c.question_id,
            LOG.c.card_id,
            LOG.c.prev,
            LOG.c.review_day,
            LOG.c.state_before,
            LOG.c.rating,
        )
        .join_from(LOG, CARD, CARD.c.id == LOG.c.card_id)
        .where(LOG.c.id == log_id, LOG.c.learner_id == learner)
    ).first()
    if log is None or log.prev is None:
        return None
    snap = undosnap.decode(log.prev)
    fields = snap.fields
    if snap.has_last_rating or fields.state == STATE_NEW:
        last_rating = snap.last_rating
    else:  # a snapshot from before the column: the card's previous answer in the log
        last_rating = session.execute(
            select(LOG.c.rating)
            .where(LOG.c.card_id == log.card_id, LOG.c.id != log_id)
            .order_by(LOG.c.id.desc())
            .limit(1)
        ).scalar()
    key = and_(CARD.c.learner_id == learner, CARD.c.pack_id == log.pack_id, CARD.c.question_id == log.question_id)
    removed = session.execute(select(CARD.c.removed).where(key)).scalar()
    session.execute(
        update(CARD)
        .where(key)
        .values(
            state=fields.state,
            step=fields.step,
            stability=fields.stability,
            difficulty=fields.difficulty,
            due=fields.due,
            last_review=fields.last_review,
            reps=fields.reps,
            lapses=fields.lapses,
            suspended=snap.suspended,
            leech=snap.leech,
            buried_until=snap.buried_until,
            queue=queue_for(fields.state, snap.suspended, bool(removed), snap.buried_until is not None),
            last_rating=last_rating,
        )
    )
    session.execute(delete(LOG).where(LOG.c.id == log_id))
    count_day(session, learner, log.review_day, log.state_before, log.rating, -1)
    count_pack_day(session, learner, log.review_day, log.pack_id, log.state_before, -1)
    return (log.pack_id, log.question_id)


def set_suspended(learner: int, pack_id: str, question_id: str, suspended: bool, *, session: Session) -> bool:
    """Suspend or unsuspend a card; False if the card is unknown."""
    key = and_(CARD.c.learner_id == learner, CARD.c.pack_id == pack_id, CARD.c.question_id == question_id)
    row = session.execute(select(CARD.c.state, CARD.c.removed).where(key)).first()
    if row is None:
        return False
    values: dict[str, object] = {"suspended": suspended, "queue": queue_for(row.state, suspended, row.removed)}
    if not suspended:
        values.update(leech=False, buried_until=None)
    session.execute(update(CARD).where(key).values(**values))
    return True


def bury(learner: int, pack_id: str, question_id: str, until: datetime, *, session: Session) -> bool:
    """Hide a card until ``until`` (the start of the learner's next day)."""
    key = and_(
        CARD.c.learner_id == learner,
        CARD.c.pack_id == pack_id,
        CARD.c.question_id == question_id,
        CARD.c.queue.in_((QUEUE_NEW, QUEUE_SCHEDULED)),
    )
    return rows_changed(session.execute(update(CARD).where(key).values(buried_until=until, queue=QUEUE_BURIED))) > 0


def unbury(learner: int, now: datetime, *, session: Session) -> int:
    """Put back the cards whose burial is over; how many."""
    return rows_changed(
        session.execute(
            update(CARD)
            .where(CARD.c.learner_id == learner, CARD.c.queue == QUEUE_BURIED, CARD.c.buried_until <= now)
            .values(queue=case((CARD.c.state == STATE_NEW, QUEUE_NEW), else_=QUEUE_SCHEDULED), buried_until=None)
        )
    )
