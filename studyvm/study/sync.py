"""Keeping stored cards in line with the packs, and registering learners.

A pack is data that changes: editing it must keep history. A question whose id is unchanged keeps
its state, a removed question keeps its log and is no longer due, a new one arrives as new. A
fingerprint of the ids makes the check free when nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from studyvm.store.hotpath import ids_fingerprint
from studyvm.store.models import QUEUE_NEW, QUEUE_REMOVED, STATE_NEW, Learner
from studyvm.store.repo import table_of
from studyvm.study.cards import CARD, SYNC, queue_for

SYNC_LOCK = 0x53594E43
"""First half of the PostgreSQL advisory lock key taken while syncing a learner's cards."""


def learner_id(name: str, now: datetime, *, session: Session) -> int:
    """The id of learner ``name``, created on first use (safe when two processes race)."""
    table = table_of(Learner)
    found = session.execute(select(table.c.id).where(table.c.name == name)).scalar()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            session.execute(insert(table).values(name=name, created_at=now))
    except IntegrityError:
        pass
    return session.execute(select(table.c.id).where(table.c.name == name)).scalar_one()


@dataclass
class SyncResult:
    """What syncing a pack changed."""

    added: int = 0
    removed: int = 0
    restored: int = 0
    unchanged: bool = False


def sync_pack(learner: int, pack_id: str, question_ids: list[str], *, session: Session) -> SyncResult:
    """Make the learner's cards match the pack: new ids arrive new, removed ones stop being due.

    A question whose id is unchanged keeps its state, and a removed question keeps its review log
    (and its state, should it come back).
    """
    fingerprint = ids_fingerprint(question_ids)
    if session.get_bind().dialect.name == "postgresql":
        # Two first starts at once would both insert the cards; SQLite's BEGIN IMMEDIATE already
        # serialises writers, PostgreSQL needs a lock (held until the transaction ends).
        session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": SYNC_LOCK, "b": learner})
    key = and_(SYNC.c.learner_id == learner, SYNC.c.pack_id == pack_id)
    if session.execute(select(SYNC.c.ids_hash).where(key)).scalar() == fingerprint:
        return SyncResult(unchanged=True)
    where = and_(CARD.c.learner_id == learner, CARD.c.pack_id == pack_id)
    stored = {
        r.question_id: r
        for r in session.execute(
            select(
                CARD.c.id,
                CARD.c.question_id,
                CARD.c.position,
                CARD.c.removed,
                CARD.c.state,
                CARD.c.suspended,
                CARD.c.buried_until,
            ).where(where)
        )
    }
    result = SyncResult()
    fresh = []
    for pos, qid in enumerate(question_ids):
        row = stored.get(qid)
        if row is None:
            fresh.append({"learner_id": learner, "pack_id": pack_id, "question_id": qid, "position": pos})
        elif row.removed or row.position != pos:
            result.restored += bool(row.removed)
            session.execute(
                update(CARD)
                .where(CARD.c.id == row.id)
                .values(
                    position=pos,
                    removed=False,
                    queue=queue_for(row.state, row.suspended, False, row.buried_until is not None),
                )
            )
    if fresh:
        defaults = {
            "queue": QUEUE_NEW,
            "state": STATE_NEW,
            "reps": 0,
            "lapses": 0,
            "suspended": False,
            "leech": False,
            "removed": False,
        }
        session.execute(insert(CARD), [{**defaults, **f} for f in fresh])
    result.added = len(fresh)
    current = set(question_ids)
    gone = [r.id for qid, r in stored.items() if not r.removed and qid not in current]
    for start in range(0, len(gone), 500):
        session.execute(
            update(CARD).where(CARD.c.id.in_(gone[start : start + 500])).values(removed=True, queue=QUEUE_REMOVED)
        )
    result.removed = len(gone)
    if session.execute(select(SYNC.c.ids_hash).where(key)).first() is None:
        session.execute(insert(SYNC).values(learner_id=learner, pack_id=pack_id, ids_hash=fingerprint))
    else:
        session.execute(update(SYNC).where(key).values(ids_hash=fingerprint))
    return result


def stored_packs(learner: int, *, session: Session) -> list[str]:
    """Pack ids the learner has cards for."""
    return list(session.execute(select(CARD.c.pack_id).where(CARD.c.learner_id == learner).distinct()).scalars())
