"""Repository functions that choose and count cards: each takes ``*, session`` and returns plain data.

They use SQLAlchemy Core on the sqlmodel tables: choosing the next card is on the hot path of
every review, and aggregate counts are done in SQL. Recording answers, undo, suspend and bury
are in :mod:`studyvm.study.card_writes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Row, ScalarSelect, Select, bindparam, func, select
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
)
from studyvm.store.repo import table_of
from studyvm.study.scheduling import CardFields

CARD = table_of(CardState)
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


def _row(r: Row[*tuple[Any, ...]]) -> CardRow:
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
def _pick(kind: str, by_pack: bool, reviews: bool, excluding: bool) -> Select[Any]:
    """A prepared ``SELECT`` for one way of choosing a card (built once: statement building costs more
    than running it)."""
    where = [CARD.c.learner_id == bindparam("learner")]
    if by_pack:
        where.append(CARD.c.pack_id == bindparam("pack"))
    if excluding:
        where.append(CARD.c.pack_id.notin_(bindparam("exclude", expanding=True)))
    order: tuple[Column[Any], ...]
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


def get_card(learner: int, pack_id: str, question_id: str, *, session: Session) -> CardRow | None:
    """The stored card for a question, or ``None``."""
    found = session.execute(_GET_CARD, {"learner": learner, "pack": pack_id, "qid": question_id}).first()
    return _row(found) if found else None


def _capped(queue: int, by_pack: bool, excluding: bool, cap: str) -> ScalarSelect[int]:
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
def _counts(by_pack: bool, excluding: bool) -> Select[int, int]:
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
    due: dict[str, int] = dict(
        session.execute(
            select(CARD.c.pack_id, func.count())
            .where(CARD.c.learner_id == learner, CARD.c.queue == QUEUE_SCHEDULED, CARD.c.due <= now)
            .group_by(CARD.c.pack_id)
        ).all()
    )
    new: dict[str, int] = dict(
        session.execute(
            select(CARD.c.pack_id, func.count())
            .where(CARD.c.learner_id == learner, CARD.c.queue == QUEUE_NEW)
            .group_by(CARD.c.pack_id)
        ).all()
    )
    return {p: (due.get(p, 0), new.get(p, 0)) for p in sorted(set(due) | set(new))}
