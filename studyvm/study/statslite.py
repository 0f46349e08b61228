"""Statistics and mastery on SQLite, read through the review path's own connection.

The same figures as :func:`studyvm.study.stats.compute_stats` and
:func:`~studyvm.study.stats.mastery_counts` (which a database server still uses), read in plain SQL
(:mod:`studyvm.store.statsql`) in one read transaction. Mastery is worked out by SQL card by card
(last rating not Again, retrievability at least the retention); Python only counts positions per
topic, and looks at a card's last-review time only where a quiz or exam answer may be more recent.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from studyvm.store import statsql
from studyvm.study.scheduling import day_of, retrievability
from studyvm.study.statsdata import (
    MasteryCount,
    Stats,
    assemble,
    count_marks,
    exam_entry,
    fold_forecast,
    forecast_window,
    is_mastered,
    layout,
    positions_of,
)

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

PerPack = dict[str, dict[str, MasteryCount]]


def compute_stats(svc: StudyService, conn: sqlite3.Connection) -> Stats:
    """Every progress figure of the service's learner (as :func:`studyvm.study.stats.compute_stats`)."""
    learner, now = svc.learner_id, svc.clock()
    today = day_of(now, svc.tz)
    offset, horizon = forecast_window(svc, now)
    with statsql.snapshot(conn):
        days = statsql.day_rows(conn, learner)
        cards = statsql.card_counts(conn, learner, now)
        per_pack: PerPack = {}
        by_topic, by_pack = mastery_counts(svc, conn, learner, per_pack=per_pack, now=now)
        exams = [exam_entry(*row) for row in statsql.finished_exams(conn, learner)]
        upcoming = statsql.due_by_date(conn, learner, horizon, offset, now)
    return assemble(svc, today, days, cards, (by_topic, by_pack, per_pack), exams, fold_forecast(upcoming, today))


def topic_mastery(svc: StudyService, conn: sqlite3.Connection) -> dict[str, MasteryCount]:
    """Topic -> mastered N of M over the loaded packs (the dashboard's bars)."""
    with statsql.snapshot(conn):
        return mastery_counts(svc, conn, svc.learner_id)[0]


def mastery_counts(
    svc: StudyService,
    conn: sqlite3.Connection,
    learner: int,
    pack_id: str | None = None,
    per_pack: PerPack | None = None,
    now: datetime | None = None,
) -> tuple[dict[str, MasteryCount], dict[str, MasteryCount]]:
    """(topic -> counts, pack -> counts), as :func:`studyvm.study.stats.mastery_counts` counts them."""
    from studyvm.study.grading import FULL

    now = svc.clock() if now is None else now
    retention = svc.scheduler.desired_retention
    decay = -svc.scheduler.parameters[20]
    fsrs = (0.9 ** (1 / decay) - 1, decay) if statsql.has_pow(conn) else None
    attempts = statsql.last_attempt_answers(conn, learner)
    by_topic: dict[str, MasteryCount] = {}
    by_pack: dict[str, MasteryCount] = {}
    for pack in svc.packs.values():
        if pack_id is not None and pack.id != pack_id:
            continue
        topics, counts = layout(svc, pack)
        if fsrs is not None:
            marks = dict(statsql.mastered_marks(conn, learner, pack.id, now, (*fsrs, retention)))
        else:
            marks = {
                pos: is_mastered(rating > 1, recall, retention)
                for pos, rating, _at, recall in _details(svc, conn, learner, pack.id, now, None, None)
                if rating is not None
            }
        quizzed = [(qid, score, at) for (p, qid), (score, at) in attempts.items() if p == pack.id]
        if quizzed:  # a quiz or exam answer more recent than the last review decides instead
            position_of = positions_of(svc, pack)
            asked = [qid for qid, _score, _at in quizzed]
            details = {
                pos: (rating, at, recall)
                for pos, rating, at, recall in _details(svc, conn, learner, pack.id, now, fsrs, asked)
            }
            for qid, score, at in quizzed:
                pos = position_of.get(qid)
                if pos is None:
                    continue
                _rating, reviewed_at, recall = details.get(pos, (None, None, None))
                if pos not in marks or reviewed_at is None or at > reviewed_at:
                    marks[pos] = is_mastered(score >= FULL, recall, retention)
        own = per_pack.setdefault(pack.id, {}) if per_pack is not None else None
        count_marks(marks, (pack.id, topics, counts), by_topic, by_pack, own)
    return by_topic, by_pack


def _details(
    svc: StudyService,
    conn: sqlite3.Connection,
    learner: int,
    pack_id: str,
    now: datetime,
    fsrs: tuple[float, float] | None,
    question_ids: list[str] | None,
) -> list[tuple[int, int | None, datetime | None, float | None]]:
    """(position, last rating, last review, retrievability now) of a pack's reviewed cards (``question_ids``:
    of those only), the retrievability worked out here when SQLite cannot (``fsrs`` ``None``)."""
    rows: list[Any] = []
    if question_ids is None:
        rows = statsql.review_details(conn, learner, pack_id, now, fsrs)
    else:
        for chunk in statsql.chunks(question_ids):
            rows += statsql.review_details(conn, learner, pack_id, now, fsrs, chunk)
    at = itemgetter(0, 1)
    return [
        (
            *at(row),
            statsql.card_time(row[2]),
            row[3] if fsrs is not None else retrievability(svc.scheduler, row[4], row[5]),
        )
        for row in rows
    ]
