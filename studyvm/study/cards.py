"""Repository functions for cards and reviews: each takes ``*, session`` and returns plain data.

They use SQLAlchemy Core on the sqlmodel tables: choosing the next card and recording an
answer are on the hot path of every review, and aggregate counts are done in SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from studyvm.store.models import (
    QUEUE_BURIED,
    QUEUE_NEW,
    QUEUE_REMOVED,
    QUEUE_SCHEDULED,
    QUEUE_SUSPENDED,
    STATE_NEW,
    STATE_REVIEW,
    CardState,
    PackSync,
    ReviewLog,
)
from studyvm.store.repo import table_of
from studyvm.study.daytotals import (  # noqa: F401  (day_counts, pack_day_counts, done_today: re-exported)
    count_day,
    count_pack_day,
    day_counts,
    done_today,
    pack_day_counts,
)
from studyvm.study.scheduling import CardFields

CARD = table_of(CardState)
LOG = table_of(ReviewLog)
SYNC = table_of(PackSync)
LEARN_AHEAD = timedelta(minutes=20)
"""Learning cards due this soon are shown when nothing else is left (as Anki does)."""


@dataclass
class CardRow:
    """A stored card: its key, queue flags and scheduling fields."""

    id: int
    pack_id: str
    question_id: str
    queue: int
    fields: CardFields
    suspended: bool = False
    leech: bool = False
    removed: bool = False
    buried_until: datetime | None = None
    last_rating: int | None = None


_CARD_COLS = (
    CARD.c.id,
    CARD.c.pack_id,
    CARD.c.question_id,
    CARD.c.queue,
    CARD.c.state,
    CARD.c.step,
    CARD.c.stability,
    CARD.c.difficulty,
    CARD.c.due,
    CARD.c.last_review,
    CARD.c.reps,
    CARD.c.lapses,
    CARD.c.suspended,
    CARD.c.leech,
    CARD.c.removed,
    CARD.c.buried_until,
    CARD.c.last_rating,
)


def _row(r) -> CardRow:
    return CardRow(
        id=r.id,
        pack_id=r.pack_id,
        question_id=r.question_id,
        queue=r.queue,
        fields=CardFields(r.state, r.step, r.stability, r.difficulty, r.due, r.last_review, r.reps, r.lapses),
        suspended=bool(r.suspended),
        leech=bool(r.leech),
        removed=bool(r.removed),
        buried_until=r.buried_until,
        last_rating=r.last_rating,
    )


def queue_for(state: int, suspended: bool, removed: bool, buried: bool = False) -> int:
    """The queue a card belongs in, from its flags."""
    if removed:
        return QUEUE_REMOVED
    if suspended:
        return QUEUE_SUSPENDED
    if buried:
        return QUEUE_BURIED
    return QUEUE_NEW if state == STATE_NEW else QUEUE_SCHEDULED


@lru_cache(maxsize=64)
def _pick(kind: str, by_pack: bool, reviews: bool, excluding: bool):
    """A prepared ``SELECT`` for one way of choosing a card (built once: statement building costs more
    than running it)."""
    where = [CARD.c.learner_id == bindparam("learner")]
    if by_pack:
        where.append(CARD.c.pack_id == bindparam("pack"))
    if excluding:
        where.append(CARD.c.pack_id.notin_(bindparam("exclude", expanding=True)))
    if kind == "new":
        where.append(CARD.c.queue == QUEUE_NEW)
        order = (CARD.c.pack_id, CARD.c.position)
    else:
        where += [CARD.c.queue == QUEUE_SCHEDULED, CARD.c.due <= bindparam("until")]
        if kind == "ahead" or not reviews:
            where.append(CARD.c.state != STATE_REVIEW)  # learning steps go on after the review limit
        order = (CARD.c.due,)
    return select(*_CARD_COLS).where(*where).order_by(*order).limit(1)


def next_card(
    learner: int,
    now: datetime,
    *,
    session: Session,
    pack_id: str | None = None,
    allow_new: bool = True,
    allow_reviews: bool = True,
    exclude_packs: tuple[str, ...] = (),
    no_new: frozenset[str] = frozenset(),
    no_reviews: frozenset[str] = frozenset(),
) -> CardRow | None:
    """The card to show next: due cards by due time, then new cards in pack order, then
    learning cards due within :data:`LEARN_AHEAD`; ``None`` when nothing is left. The packs in
    ``no_new`` and ``no_reviews`` have reached their daily limit of new cards or of reviews: they
    show only learning cards."""
    params = {"learner": learner, "pack": pack_id, "exclude": list(exclude_packs)}
    flags = (pack_id is not None, allow_reviews, bool(exclude_packs))
    found = None
    if allow_reviews and no_reviews:  # review cards of the other packs, then learning cards of any
        others = {**params, "until": now, "exclude": [*exclude_packs, *no_reviews]}
        found = session.execute(_pick("due", pack_id is not None, True, True), others).first()
        learning = session.execute(
            _pick("due", pack_id is not None, False, bool(exclude_packs)), {**params, "until": now}
        ).first()
        if found is None or (learning is not None and (learning.due, learning.id) < (found.due, found.id)):
            found = learning
    else:
        found = session.execute(_pick("due", *flags), {**params, "until": now}).first()
    if found is None and allow_new:
        blocked = [*exclude_packs, *no_new]
        new_flags = (pack_id is not None, allow_reviews, bool(blocked))
        found = session.execute(_pick("new", *new_flags), {**params, "exclude": blocked}).first()
    if found is None:
        found = session.execute(_pick("ahead", *flags), {**params, "until": now + LEARN_AHEAD}).first()
    return _row(found) if found else None


_GET_CARD = select(*_CARD_COLS).where(
    CARD.c.learner_id == bindparam("learner"),
    CARD.c.pack_id == bindparam("pack"),
    CARD.c.question_id == bindparam("qid"),
)
# Prepared once: on the answer path, building statements costs more than running them.
_UPDATE_CARD = update(CARD).where(CARD.c.id == bindparam("card_id"))
_INSERT_LOG = insert(LOG)


def get_card(learner: int, pack_id: str, question_id: str, *, session: Session) -> CardRow | None:
    """The stored card for a question, or ``None``."""
    found = session.execute(_GET_CARD, {"learner": learner, "pack": pack_id, "qid": question_id}).first()
    return _row(found) if found else None


def _snapshot(card: CardRow) -> str:
    return json.dumps(
        {
            **card.fields.as_dict(),
            "suspended": card.suspended,
            "leech": card.leech,
            "buried_until": card.buried_until.isoformat() if card.buried_until else None,
            "last_rating": card.last_rating,
        }
    )


def answer_values(card: CardRow, after: CardFields, leech: bool, rating: int) -> dict:
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
) -> dict:
    """The ``review_log`` row of an answer (undo snapshot included)."""
    return {
        "learner_id": learner,
        "pack_id": card.pack_id,
        "question_id": card.question_id,
        "card_id": card.id,
        "rating": rating,
        "reviewed_at": now,
        "review_day": day,
        "duration_ms": duration_ms,
        "state_before": card.fields.state,
        "score": score,
        "response": None if response is None else json.dumps(response, default=str),
        "prev": _snapshot(card),
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
    return result.inserted_primary_key[0]


def undo_review(learner: int, log_id: int, *, session: Session) -> tuple[str, str] | None:
    """Put the card back as it was before review ``log_id`` and delete that review.

    Returns the (pack id, question id) of the card, or ``None`` if there was nothing to undo.
    """
    log = session.execute(
        select(
            LOG.c.pack_id,
            LOG.c.question_id,
            LOG.c.card_id,
            LOG.c.prev,
            LOG.c.review_day,
            LOG.c.state_before,
            LOG.c.rating,
        ).where(LOG.c.id == log_id, LOG.c.learner_id == learner)
    ).first()
    if log is None or log.prev is None:
        return None
    snap = json.loads(log.prev)
    fields = CardFields.from_dict(snap)
    if "last_rating" in snap or fields.state == STATE_NEW:
        last_rating = snap.get("last_rating")
    else:  # a snapshot from before the column: the card's previous answer in the log
        last_rating = session.execute(
            select(LOG.c.rating)
            .where(LOG.c.card_id == log.card_id, LOG.c.id != log_id)
            .order_by(LOG.c.id.desc())
            .limit(1)
        ).scalar()
    buried = snap.get("buried_until")
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
            suspended=snap["suspended"],
            leech=snap["leech"],
            buried_until=datetime.fromisoformat(buried) if buried else None,
            queue=queue_for(fields.state, snap["suspended"], bool(removed), bool(buried)),
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
    values = {"suspended": suspended, "queue": queue_for(row.state, suspended, row.removed)}
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
    return session.execute(update(CARD).where(key).values(buried_until=until, queue=QUEUE_BURIED)).rowcount > 0


def unbury(learner: int, now: datetime, *, session: Session) -> int:
    """Put back the cards whose burial is over; how many."""
    return session.execute(
        update(CARD)
        .where(CARD.c.learner_id == learner, CARD.c.queue == QUEUE_BURIED, CARD.c.buried_until <= now)
        .values(queue=case((CARD.c.state == STATE_NEW, QUEUE_NEW), else_=QUEUE_SCHEDULED), buried_until=None)
    ).rowcount


def _capped(queue: int, by_pack: bool, excluding: bool, cap: str):
    where = [CARD.c.learner_id == bindparam("learner"), CARD.c.queue == queue]
    if queue == QUEUE_SCHEDULED:
        where.append(CARD.c.due <= bindparam("now"))
    if by_pack:
        where.append(CARD.c.pack_id == bindparam("pack"))
    if excluding:
        where.append(CARD.c.pack_id.notin_(bindparam("exclude", expanding=True)))
    inner = select(CARD.c.id).where(*where).limit(bindparam(cap)).subquery()
    return select(func.count()).select_from(inner).scalar_subquery()


@lru_cache(maxsize=8)
def _counts(by_pack: bool, excluding: bool):
    """One statement for both counts: one round trip to a database server instead of two."""
    return select(
        _capped(QUEUE_SCHEDULED, by_pack, excluding, "due_cap"), _capped(QUEUE_NEW, by_pack, excluding, "new_cap")
    )


def capped_counts(
    learner: int,
    now: datetime,
    due_cap: int,
    new_cap: int,
    *,
    session: Session,
    pack_id: str | None = None,
    exclude_packs: tuple[str, ...] = (),
) -> tuple[int, int]:
    """(cards due now, new cards), each at most its cap: cheap however big the backlog.

    Like Anki, what a review screen shows is bounded by the daily limits anyway.
    """
    stmt = _counts(pack_id is not None, bool(exclude_packs))
    params = {
        "learner": learner,
        "now": now,
        "pack": pack_id,
        "exclude": list(exclude_packs),
        "due_cap": max(0, due_cap),
        "new_cap": max(0, new_cap),
    }
    due, new = session.execute(stmt, params).one()
    return due, new


def due_counts(learner: int, now: datetime, *, session: Session) -> dict[str, tuple[int, int]]:
    """Pack id -> (cards due now, new cards waiting), ignoring daily limits."""
    due = dict(
        session.execute(
            select(CARD.c.pack_id, func.count())
            .where(CARD.c.learner_id == learner, CARD.c.queue == QUEUE_SCHEDULED, CARD.c.due <= now)
            .group_by(CARD.c.pack_id)
        ).all()
    )
    new = dict(
        session.execute(
            select(CARD.c.pack_id, func.count())
            .where(CARD.c.learner_id == learner, CARD.c.queue == QUEUE_NEW)
            .group_by(CARD.c.pack_id)
        ).all()
    )
    return {p: (due.get(p, 0), new.get(p, 0)) for p in sorted(set(due) | set(new))}
