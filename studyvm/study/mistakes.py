"""The mistake bank: every wrong answer is kept; ``quiz --mistakes`` asks them again.

A mistake is *cleared* (but never deleted) once the question is answered right again, so
the bank's open entries are the questions the learner still gets wrong.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from studyvm.store.models import Mistake
from studyvm.store.repo import table_of

TABLE = table_of(Mistake)


def record(
    learner: int, pack_id: str, question_id: str, response: Any, origin: str, now: datetime, *, session: Session
) -> None:
    """Keep a wrong answer."""
    session.execute(
        insert(TABLE).values(
            learner_id=learner,
            pack_id=pack_id,
            question_id=question_id,
            at=now,
            origin=origin,
            response=None if response is None else json.dumps(response, default=str),
            cleared=False,
        )
    )


def withdraw(learner: int, pack_id: str, question_id: str, origin: str, at: datetime, *, session: Session) -> None:
    """Take back the mistake an answer recorded at ``at`` (that answer was changed before the exam ended)."""
    session.execute(
        delete(TABLE).where(
            TABLE.c.learner_id == learner,
            TABLE.c.pack_id == pack_id,
            TABLE.c.question_id == question_id,
            TABLE.c.origin == origin,
            TABLE.c.at == at,
        )
    )


def clear(learner: int, pack_id: str, question_id: str, *, session: Session) -> None:
    """Mark the open mistakes on a question as cleared (answered right since)."""
    session.execute(
        update(TABLE)
        .where(
            TABLE.c.learner_id == learner,
            TABLE.c.cleared.is_(False),
            TABLE.c.pack_id == pack_id,
            TABLE.c.question_id == question_id,
        )
        .values(cleared=True)
    )


def open_mistakes(learner: int, *, session: Session, pack_id: str | None = None) -> list[tuple[str, str, int]]:
    """(pack id, question id, times wrong) of uncleared mistakes, most often wrong first."""
    query = (
        select(TABLE.c.pack_id, TABLE.c.question_id, func.count().label("n"), func.max(TABLE.c.at).label("last"))
        .where(TABLE.c.learner_id == learner, TABLE.c.cleared.is_(False))
        .group_by(TABLE.c.pack_id, TABLE.c.question_id)
    )
    if pack_id is not None:
        query = query.where(TABLE.c.pack_id == pack_id)
    rows = sorted(session.execute(query).all(), key=lambda r: (-r.n, -r.last.timestamp()))
    return [(r.pack_id, r.question_id, r.n) for r in rows]


def mistake_counts(learner: int, *, session: Session) -> dict[tuple[str, str], int]:
    """(pack id, question id) -> every mistake ever made on it (cleared ones included)."""
    rows = session.execute(
        select(TABLE.c.pack_id, TABLE.c.question_id, func.count())
        .where(TABLE.c.learner_id == learner)
        .group_by(TABLE.c.pack_id, TABLE.c.question_id)
    ).all()
    return {(p, q): n for p, q, n in rows}
