"""Choosing the questions of a quiz or exam: by pack, topic, tag or type, weak areas first, or
the mistake bank.

An exam draws only auto-graded questions (``graded_only``): a flip card asks "Did you know
it?", an honour mark that has no place in a timed, marked attempt (newcomer M6). Flip cards stay
in reviews and practice quizzes. :func:`no_match` and :func:`shortfall` say so when that filter
leaves none or fewer than asked.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyvm.packs.questions import TYPES
from studyvm.store.models import STATE_NEW, CardState
from studyvm.store.repo import table_of
from studyvm.study import mistakes as bank
from studyvm.study.grading import is_self_rated
from studyvm.study.scheduling import retrievability
from studyvm.study.siblings import one_per_family
from studyvm.textsafe import inert
from studyvm.wording import plural

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

CARD = table_of(CardState)
UNSEEN_RECALL = 0.5
"""Recall assumed for a question never reviewed, when ranking weak areas."""


def _matches(q: Any, topic: str | None, tag: str | None, qtype: str | None) -> bool:
    return (topic is None or q.topic == topic) and (tag is None or tag in q.tags) and (qtype is None or q.type == qtype)


def auto_graded(entry: Any) -> bool:
    """True when the app marks the answer itself (every type but a self-rated ``flip`` card).

    ``entry`` is a question or its index entry; importing :mod:`~studyvm.study.grading` (above)
    registers the graders this asks about."""
    return not is_self_rated(entry)


SELF_GRADED_LEFT_OUT = "exams leave out flip cards, which you grade yourself"
"""Why an exam has fewer questions than the filters match."""


def _self_graded(svc: StudyService, pack_id: str | None, topic: str | None, tag: str | None, qtype: str | None) -> int:
    """How many questions match the filters but are self-graded (left out of an exam)."""
    packs = [svc.pack(pack_id)] if pack_id else list(svc.packs.values())
    return sum(1 for p in packs for e in p.index.entries() if _matches(e, topic, tag, qtype) and not auto_graded(e))


FILTER_WORDS = {"topic": "topic", "tag": "tag", "qtype": "question type"}
"""The quiz filters :func:`no_match` explains, and what a learner calls each."""


def _filter_values(questions: list[Any]) -> dict[str, list[str]]:
    """Filter -> every value the questions have (topics, tags, types), sorted."""
    found: dict[str, set[str]] = {key: set() for key in FILTER_WORDS}
    for q in questions:
        found["topic"].add(q.topic)
        found["tag"].update(q.tags)
        found["qtype"].add(q.type)
    return {key: sorted(v for v in values if v) for key, values in found.items()}


def _unknown_value(known: dict[str, list[str]], asked: dict[str, str], where: str) -> str | None:
    """``no topic 'x' (there are: …)`` for the first filter value no question has, else ``None``."""
    for key, value in asked.items():
        if value not in known[key]:
            listed = ", ".join(inert(k) for k in known[key]) or "none"  # pack text, shown literally
            return f"no {FILTER_WORDS[key]} {value!r}{where} (there are: {listed})"
    return None


def no_match(svc: StudyService, pack_id: str | None = None, graded_only: bool = False, **filters: Any) -> str:
    """Why no question matches: names a topic, tag or type no question has, with the ones there are;
    for an exam (``graded_only``), that the matching questions are all flip cards."""
    packs = [svc.pack(pack_id)] if pack_id else list(svc.packs.values())
    where = f" in pack {pack_id}" if pack_id else ""
    asked = {key: filters[key] for key in FILTER_WORDS if filters.get(key) is not None}
    unknown = _unknown_value(_filter_values([q for p in packs for q in p.questions]), asked, where)
    if unknown:
        return unknown
    counted = graded_only and not filters.get("mistakes")  # an empty mistake bank is said apart
    flips = _self_graded(svc, pack_id, *(asked.get(k) for k in FILTER_WORDS)) if counted else 0
    if flips:
        verb = "matches" if flips == 1 else "match"
        return (
            f"no auto-graded question{where} matches: {SELF_GRADED_LEFT_OUT} "
            f"({plural(flips, 'flip card')} {verb}: practise them in a quiz or a review)"
        )
    return f"no question{where} matches all of these filters together" if asked else f"no question matches{where}"


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
    graded_only: bool = False,
) -> list[tuple[str, Any]]:
    """Up to ``n`` (pack id, question) pairs matching the filters (``graded_only``: no flip cards)."""
    packs = [svc.pack(pack_id)] if pack_id else list(svc.packs.values())
    # Filter on the packs' indexes; only the questions chosen are parsed (see studyvm.packs.packindex).
    pool = [
        (p, e)
        for p in packs
        for e in p.index.entries()
        if _matches(e, topic, tag, qtype) and (not graded_only or auto_graded(e))
    ]
    if mistakes:
        with svc.read() as session:
            wanted = bank.open_mistakes(svc.learner_id, session=session, pack_id=pack_id)
        index = {(p.id, e.id): (p, e) for p, e in pool}
        return _parsed([index[(p, qid)] for p, qid, _n in wanted if (p, qid) in index][:n])
    rng.shuffle(pool)
    if weak_first:
        with svc.read() as session:
            recall = recall_by_question(svc, session, pack_id)
            wrong = bank.mistake_counts(svc.learner_id, session=session)
        pool.sort(key=lambda pe: (recall.get((pe[0].id, pe[1].id), UNSEEN_RECALL), -wrong.get((pe[0].id, pe[1].id), 0)))
    return _parsed(one_per_family(pool)[:n])  # never two siblings: one would give the other away


def shortfall(svc: StudyService, n: int, got: int, pack_id: str | None = None, **filters: Any) -> str | None:
    """``only 6 auto-graded questions match…`` when an exam drew fewer than the ``n`` asked; else ``None``."""
    if got >= n:
        return None
    flips = _self_graded(svc, pack_id, *(filters.get(k) for k in FILTER_WORDS))
    text = f"only {plural(got, 'auto-graded question')} can be drawn, so the exam has {got}, not {n}"
    return text + (f" ({SELF_GRADED_LEFT_OUT}: {plural(flips, 'flip card')} left out)" if flips else "")


def pool_sizes(svc: StudyService) -> dict[tuple[str | None, str | None], int]:
    """(pack id or ``None`` for all, topic or ``None`` for all) -> how many questions an exam can
    draw there: auto-graded ones, one per family of siblings (as :func:`choose` draws them).

    Read from the index columns, not question by question: 100,000 questions take tens of ms."""
    graded = {name for name in TYPES if not TYPES[name].self_rated}
    sizes: Counter[tuple[str | None, str | None]] = Counter()
    for pack in svc.packs.values():
        index = pack.index
        alone: Counter[str] = Counter()  # topic -> auto-graded questions without siblings
        families: dict[str, set[str]] = {}  # topic -> family keys of auto-graded questions
        for pos, (topic, qtype) in enumerate(zip(index.topics, index.types, strict=True)):
            if qtype in graded:
                family = index.families.get(pos)
                if family is None:
                    alone[topic] += 1
                else:
                    families.setdefault(topic, set()).add(family)
        for topic in alone.keys() | families.keys():
            count = alone[topic] + len(families.get(topic, ()))
            sizes[(pack.id, topic)] += count
            sizes[(None, topic)] += count
        whole = alone.total() + len(set().union(*families.values()))  # a family across topics is drawn once
        sizes[(pack.id, None)] += whole
        sizes[(None, None)] += whole
    return {where: n for where, n in sizes.items() if n}


def _parsed(chosen: list[tuple[Any, Any]]) -> list[tuple[str, Any]]:
    """(pack, index entry) pairs as (pack id, question) pairs."""
    return [(pack.id, pack.question(entry.id)) for pack, entry in chosen]
