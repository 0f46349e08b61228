"""Repository functions the shells once ran themselves: each takes ``*, session``, returns plain data.

The terminal app used to issue these statements from its own package (an ``UPDATE`` to unbury one
card, retention per week); they live here now, beside the tables, and the study service is their
only caller.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Table, case, func, select, update
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from studyvm.store.models import (
    QUEUE_BURIED,
    QUEUE_NEW,
    QUEUE_SCHEDULED,
    STATE_NEW,
    Attempt,
    AttemptAnswer,
    CardState,
    ReviewDayStats,
)


def table_of(model: type[SQLModel]) -> Table:
    """The Core ``Table`` behind a table model (SQLModel sets ``__table__`` at run time only)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


CARD = table_of(CardState)
DAY = table_of(ReviewDayStats)
ATTEMPT = table_of(Attempt)
ANSWER = table_of(AttemptAnswer)


def unbury_card(learner: int, pack_id: str, question_id: str, *, session: Session) -> bool:
    """End one card's burial now (it goes back to its queue); False when it was not buried."""
    done: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(CARD)
        .where(
            CARD.c.learner_id == learner,
            CARD.c.pack_id == pack_id,
            CARD.c.question_id == question_id,
            CARD.c.queue == QUEUE_BURIED,
        )
        .values(queue=case((CARD.c.state == STATE_NEW, QUEUE_NEW), else_=QUEUE_SCHEDULED), buried_until=None)
    )
    return bool(done.rowcount)


def retention_by_week(learner: int, today: int, weeks: int, *, session: Session) -> list[float]:
    """Share of review-state answers not rated Again, per week of the last ``weeks``, oldest first.

    ``today`` is the learner's local day number (as stored in ``review_day``); weeks without a
    review-state answer are left out. Read from the day totals (``review_day_stats``), never the log.
    """
    found = session.execute(
        select(DAY.c.review_day, DAY.c.review_cards, DAY.c.lapses).where(
            DAY.c.learner_id == learner, DAY.c.review_day > today - 7 * weeks
        )
    ).all()
    tallies: dict[int, list[int]] = {}
    for day, reviewed, lapses in found:
        tally = tallies.setdefault((today - day) // 7, [0, 0])
        tally[1] += reviewed
        tally[0] += reviewed - lapses
    return [tallies[w][0] / tallies[w][1] for w in sorted(tallies, reverse=True) if tallies[w][1]]


def unfinished_exam(learner: int, *, session: Session) -> int | None:
    """The id of the learner's latest exam never finished (cut short by a crash), or ``None``."""
    found = session.execute(
        select(ATTEMPT.c.id)
        .where(ATTEMPT.c.learner_id == learner, ATTEMPT.c.kind == "exam", ATTEMPT.c.finished_at.is_(None))
        .order_by(ATTEMPT.c.id.desc())
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def last_review_ratings(learner: int, pack_id: str, *, session: Session) -> dict[int, tuple[int, Any]]:
    """Position in pack -> (rating, time) of the learner's last review of each reviewed card of a pack."""
    rows = session.execute(
        select(CARD.c.position, CARD.c.last_rating, CARD.c.last_review).where(
            CARD.c.learner_id == learner,
            CARD.c.pack_id == pack_id,
            CARD.c.state != STATE_NEW,
            CARD.c.removed.is_(False),
        )
    ).all()
    return {pos: (rating, at) for pos, rating, at in rows if rating is not None}


def last_attempt_answers(learner: int, *, session: Session) -> dict[tuple[str, str], tuple[float, Any]]:
    """(pack, question) -> (score, time) of the learner's latest quiz or exam answer to it."""
    latest = (
        select(func.max(ANSWER.c.id))
        .join(ATTEMPT, ATTEMPT.c.id == ANSWER.c.attempt_id)
        .where(ATTEMPT.c.learner_id == learner)
        .group_by(ANSWER.c.pack_id, ANSWER.c.question_id)
    )
    rows = session.execute(
        select(ANSWER.c.pack_id, ANSWER.c.question_id, ANSWER.c.score, ANSWER.c.answered_at).where(
            ANSWER.c.id.in_(latest)
        )
    ).all()
    return {(p, q): (float(score or 0.0), at) for p, q, score, at in rows}
