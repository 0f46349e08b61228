"""Choosing the questions of a quiz or exam: by pack, topic, tag or type, weak areas first, or
the mistake bank."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyvm.store.models import STATE_NEW, CardState
from studyvm.store.repo import table_of
from studyvm.study import mistakes as bank
from studyvm.study.scheduling import retrievability
from studyvm.study.siblings import one_per_family

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

CARD = table_of(CardState)
UNSEEN_RECALL = 0.5
"""Recall assumed for a question never reviewed, when ranking weak areas."""


def _matches(q: Any, topic: str | None, tag: str | None, qtype: str | None) -> bool:
    return (topic is None or q.topic == topic) and (tag is None or tag in q.tags) and (qtype is None or q.type == qtype)


def recall_by_question(svc: StudyService, session: Session, pack_id: str | None = None) -> dict[tuple[str, str], float]:
    """(pack id, question id) -> current fsrs retrievability, for every reviewed card."""
    now = svc.clock()
    query = select(CARD.c.pack_id, CARD.c.question_id, CARD.c.stability, CARD.c.last_review).where(
        CARD.c.learner_id == svc.learner_id, CARD.c.state != STATE_NEW
    )
    if pack_id is not None:
        query = query.where(CARD.c.pack_id == pack_id)
    out = {}
    for p, q, stability, last in session.execute(query):
        elapsed = (now - last).days if last else None
        out[(p, q)] = retrievability(svc.scheduler, stability, elapsed)
    return out


def choose(
    svc: StudyService,
    rng: random.Random,
    *,
    n: int,
    pack_id: str | None = None,
    topic: str | None = None,
    tag: str | None = None,
    qtype: str | None = None,
    weak_first: bool = False,
    mistakes: bool = False,
) -> list[tuple[str, Any]]:
    """Up to ``n`` (pack id, question) pairs matching the filters."""
    packs = [svc.pack(pack_id)] if pack_id else list(svc.packs.values())
    pool = [(p.id, q) for p in packs for q in p.questions if _matches(q, topic, tag, qtype)]
    if mistakes:
        with svc.read() as session:
            wanted = bank.open_mistakes(svc.learner_id, session=session, pack_id=pack_id)
        index = {(p, q.id): (p, q) for p, q in pool}
        return [index[(p, qid)] for p, qid, _n in wanted if (p, qid) in index][:n]
    rng.shuffle(pool)
    if weak_first:
        with svc.read() as session:
            recall = recall_by_question(svc, session, pack_id)
            wrong = bank.mistake_counts(svc.learner_id, session=session)
        pool.sort(key=lambda pq: (recall.get((pq[0], pq[1].id), UNSEEN_RECALL), -wrong.get((pq[0], pq[1].id), 0)))
    return one_per_family(pool)[:n]  # never two siblings: one would give the other away
