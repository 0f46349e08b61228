"""Progress figures: mastery per topic and pack, due forecast, heatmap, streak, retention, exams.

Everything is aggregated in SQL: counts per day come from ``review_day_stats`` (kept with the
log), the forecast is a group-by on an indexed range, and each card's retrievability is computed
in SQL (in Python when SQLite lacks ``pow``); only the sum per topic is done here, because topics
live in the packs, not in the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ColumnElement, CursorResult, Integer, cast, func, literal, select, type_coerce
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from studyvm.store.micros import micros_of
from studyvm.store.models import (
    QUEUE_NEW,
    QUEUE_SCHEDULED,
    STATE_NEW,
    Attempt,
    AttemptAnswer,
    CardState,
    ReviewDayStats,
)
from studyvm.store.repo import table_of
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
    shares,
)
from studyvm.wording import plural

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

CARD = table_of(CardState)
DAY = table_of(ReviewDayStats)
ATTEMPT = table_of(Attempt)
ANSWER = table_of(AttemptAnswer)


def days_since(column: ColumnElement[datetime], now: datetime, dialect: str) -> ColumnElement[float | Decimal]:
    """SQL: fractional days from ``column`` (a card_state time) to ``now`` (PostgreSQL gives a ``numeric``)."""
    if dialect == "sqlite":  # integer microseconds (0007)
        return (literal(micros_of(now)) - type_coerce(column, BigInteger)) / 86_400e6
    naive = now.replace(tzinfo=None) - (now.utcoffset() or timedelta(0))
    return func.extract("epoch", literal(naive) - column) / 86400.0


def local_date(column: ColumnElement[datetime], offset_s: int, dialect: str) -> ColumnElement[str]:
    """SQL: the ``YYYY-MM-DD`` local date of a stored UTC datetime (a card_state time)."""
    if dialect == "sqlite":  # integer microseconds (0007)
        return func.date(type_coerce(column, BigInteger) / 1_000_000, "unixepoch", f"{offset_s:+d} seconds")
    return func.to_char(column + func.make_interval(0, 0, 0, 0, 0, 0, offset_s), "YYYY-MM-DD")


_POW_OK: dict[str, bool] = {}


def _sql_pow(session: Session, dialect: str) -> bool:
    """Whether the database has ``pow`` (PostgreSQL does; SQLite when built with math functions)."""
    if dialect != "sqlite":
        return True
    url = str(session.get_bind().engine.url)
    if url not in _POW_OK:
        try:
            with session.begin_nested():
                session.execute(select(func.pow(2.0, 3.0))).scalar()
            _POW_OK[url] = True
        except OperationalError:  # no such function: this SQLite was built without the math functions
            _POW_OK[url] = False
    return _POW_OK[url]


def _recall_by_position(svc: StudyService, session: Session, learner: int, pack_id: str) -> dict[int, float]:
    """Position in pack -> fsrs retrievability now, for the learner's reviewed cards of one pack.

    Computed in SQL where possible: fetching one number per card instead of three halves the cost
    on a 100,000-card history."""
    dialect = session.get_bind().dialect.name
    now = svc.clock()
    days = days_since(CARD.c.last_review, now, dialect)
    where = (
        CARD.c.learner_id == learner,
        CARD.c.pack_id == pack_id,
        CARD.c.state != STATE_NEW,
        CARD.c.removed.is_(False),
    )
    if _sql_pow(session, dialect):
        decay = -svc.scheduler.parameters[20]
        factor = 0.9 ** (1 / decay) - 1
        whole = func.max(0, cast(days, Integer)) if dialect == "sqlite" else func.greatest(0, func.floor(days))
        recall = func.pow(1 + factor * whole / CARD.c.stability, decay)
        result = session.execute(select(CARD.c.position, recall).where(*where))
        # Two plain numbers per card need no result processing: read the DB-API cursor directly,
        # which halves the time on 100,000 cards.
        cursor = result.cursor if isinstance(result, CursorResult) else None
        rows = cursor.fetchall() if cursor is not None else result.all()
        return dict(rows)
    rows = session.execute(select(CARD.c.position, CARD.c.stability, days).where(*where)).all()
    return {pos: retrievability(svc.scheduler, s, d) for pos, s, d in rows}


def mastery_counts(
    svc: StudyService,
    session: Session,
    learner: int,
    pack_id: str | None = None,
    per_pack: dict[str, dict[str, MasteryCount]] | None = None,
) -> tuple[dict[str, MasteryCount], dict[str, MasteryCount]]:
    """(topic -> counts, pack -> counts) over the loaded packs' current questions (see :func:`is_mastered`).

    ``per_pack``, when given, is filled with pack -> topic -> counts (the statistics screen lists
    each pack's topics under it instead of mixing them).
    """
    from studyvm.store import repo
    from studyvm.study.grading import FULL

    retention = svc.scheduler.desired_retention
    attempts = repo.last_attempt_answers(learner, session=session)
    by_topic: dict[str, MasteryCount] = {}
    by_pack: dict[str, MasteryCount] = {}
    for pack in svc.packs.values():
        if pack_id is not None and pack.id != pack_id:
            continue
        topics, counts = layout(svc, pack)
        recall = _recall_by_position(svc, session, learner, pack.id)
        reviewed = repo.last_review_ratings(learner, pack.id, session=session)
        last: dict[int, tuple[bool, Any]] = {pos: (rating > 1, at) for pos, (rating, at) in reviewed.items()}
        quizzed = [(qid, score, at) for (p, qid), (score, at) in attempts.items() if p == pack.id]
        position_of = positions_of(svc, pack) if quizzed else {}
        for qid, score, at in quizzed:
            pos = position_of.get(qid)
            if pos is not None and (pos not in last or at > last[pos][1]):
                last[pos] = (score >= FULL, at)
        marks = {pos: is_mastered(right, recall.get(pos), retention) for pos, (right, _at) in last.items()}
        own = per_pack.setdefault(pack.id, {}) if per_pack is not None else None
        count_marks(marks, (pack.id, topics, counts), by_topic, by_pack, own)
    return by_topic, by_pack


def mastery(
    svc: StudyService, session: Session, learner: int, pack_id: str | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """(topic -> share mastered, pack -> share mastered), 0..1 (see :func:`is_mastered`)."""
    by_topic, by_pack = mastery_counts(svc, session, learner, pack_id)
    return shares(by_topic), shares(by_pack)


def exam_history(session: Session, learner: int) -> list[dict[str, Any]]:
    """Finished exams of a learner, oldest first."""
    rows = session.execute(
        select(
            ATTEMPT.c.id,
            ATTEMPT.c.finished_at,
            ATTEMPT.c.score,
            ATTEMPT.c.max_score,
            ATTEMPT.c.passed,
            ATTEMPT.c.cbm_score,
        )
        .where(ATTEMPT.c.learner_id == learner, ATTEMPT.c.kind == "exam", ATTEMPT.c.finished_at.is_not(None))
        .order_by(ATTEMPT.c.finished_at)
    ).all()
    return [exam_entry(r.id, r.finished_at, r.score, r.max_score, bool(r.passed), r.cbm_score) for r in rows]


def days_reviewed(session: Session, learner: int) -> dict[int, int]:
    """Local day -> reviews, for the days the learner reviewed (the per-day totals, not the log)."""
    rows = session.execute(
        select(DAY.c.review_day, DAY.c.reviews).where(DAY.c.learner_id == learner, DAY.c.reviews > 0)
    ).all()
    return dict(rows)


def mastery_by_topic(svc: StudyService) -> dict[str, float]:
    """Topic -> mastery over the loaded packs (see :func:`mastery`)."""
    return shares(topic_mastery(svc))


def topic_mastery(svc: StudyService) -> dict[str, MasteryCount]:
    """Topic -> mastered N of M over the loaded packs: on SQLite through the review path's connection."""
    conn = svc.plain_sqlite()
    if conn is not None:
        from studyvm.study import statslite

        return statslite.topic_mastery(svc, conn)
    with svc.read() as session:
        return mastery_counts(svc, session, svc.learner_id)[0]


def _forecast(svc: StudyService, session: Session, now: datetime, today: int) -> dict[str, int]:
    """Local date -> cards falling due, for the next :data:`FORECAST_DAYS` (overdue ones count today)."""
    offset, horizon = forecast_window(svc, now)
    day_col = local_date(CARD.c.due, offset, session.get_bind().dialect.name)
    upcoming: dict[str, int] = dict(
        session.execute(
            select(day_col, func.count())
            .where(CARD.c.learner_id == svc.learner_id, CARD.c.queue == QUEUE_SCHEDULED, CARD.c.due < horizon)
            .group_by(day_col)
        ).all()
    )
    return fold_forecast(upcoming, today)


def compute_stats(svc: StudyService, session: Session) -> Stats:
    """Every progress figure of the service's learner."""
    learner = svc.learner_id
    now = svc.clock()
    today = day_of(now, svc.tz)
    days = session.execute(
        select(DAY.c.review_day, DAY.c.reviews, DAY.c.review_cards, DAY.c.lapses).where(DAY.c.learner_id == learner)
    ).all()
    mine_card = CARD.c.learner_id == learner
    due_now = session.execute(
        select(func.count()).select_from(CARD).where(mine_card, CARD.c.queue == QUEUE_SCHEDULED, CARD.c.due <= now)
    ).scalar_one()
    new_available = session.execute(
        select(func.count()).select_from(CARD).where(mine_card, CARD.c.queue == QUEUE_NEW)
    ).scalar_one()
    per_pack: dict[str, dict[str, MasteryCount]] = {}
    topic_counts, pack_counts = mastery_counts(svc, session, learner, per_pack=per_pack)
    return assemble(
        svc,
        today,
        days,
        (due_now, new_available),
        (topic_counts, pack_counts, per_pack),
        exam_history(session, learner),
        _forecast(svc, session, now, today),
    )


def format_stats(s: Stats) -> str:
    """The human-readable ``studyvm stats``."""
    lines = [
        f"learner: {s.learner}",
        f"reviews: {s.reviews_total} in all, {s.reviews_today} today; streak {plural(s.streak, 'day')}",
        f"due now: {s.due_now}; new cards waiting: {s.new_available}",
        f"retention (30 days): {'-' if s.retention is None else f'{s.retention:.0%}'}",
        "mastery by topic (last answer right and recall now at or above your target retention):",
    ]
    lines += [
        f"  {topic:<30} mastered {c.mastered} of {c.questions} ({c.fraction:.0%}), seen {c.seen}"
        for topic, c in sorted(s.mastered_by_topic.items())
    ] or ["  (no packs)"]
    week = list(s.forecast.items())[:7]
    lines.append("due in the next 7 days: " + ", ".join(f"{d[5:]} {n}" for d, n in week))
    if s.exams:
        lines.append("exams:")
        lines += [
            f"  {e['date'][:16]}  {e['score']:g}/{e['max_score']} ({e['percent']:.0f}%) "
            f"{'passed' if e['passed'] else 'failed'}"
            for e in s.exams
        ]
    return "\n".join(lines)
