"""Progress figures: mastery per topic and pack, due forecast, heatmap, streak, retention, exams.

Everything is aggregated in SQL: counts per day come from ``review_day_stats`` (kept with the
log), the forecast is a group-by on an indexed range, and each card's retrievability is computed
in SQL (in Python when SQLite lacks ``pow``); only the sum per topic is done here, because topics
live in the packs, not in the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

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

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

CARD = table_of(CardState)
DAY = table_of(ReviewDayStats)
ATTEMPT = table_of(Attempt)
ANSWER = table_of(AttemptAnswer)
FORECAST_DAYS = 30
HEATMAP_DAYS = 365
RETENTION_DAYS = 30


@dataclass
class Stats:
    """What ``studyvm stats`` shows; :meth:`as_json` is the ``--json`` output."""

    learner: str
    reviews_total: int
    reviews_today: int
    due_now: int
    new_available: int
    by_topic: dict[str, float]
    """Topic -> mastery 0..1 (fsrs retrievability blended with quiz and exam results)."""
    by_pack: dict[str, float]
    exams: list[dict[str, Any]]
    """Finished exams, oldest first: id, date, score, max_score, percent, passed, cbm_score."""
    forecast: dict[str, int]
    """Local date -> cards falling due that day, for the next 30 days (today includes overdue)."""
    heatmap: dict[str, int]
    """Local date -> reviews, for days with reviews in the last year."""
    streak: int
    """Consecutive days with reviews, ending today (or yesterday, if none yet today)."""
    retention: float | None
    """Share of review-state cards recalled (not Again) in the last 30 days."""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        data = asdict(self)
        data.pop("extra")
        return data


def days_since(column, now, dialect: str):
    """SQL: fractional days from ``column`` to ``now``."""
    naive = now.replace(tzinfo=None) - (now.utcoffset() or timedelta(0))
    if dialect == "sqlite":
        return func.julianday(literal(naive.isoformat(" "))) - func.julianday(column)
    return func.extract("epoch", literal(naive) - column) / 86400.0


def local_date(column, offset_s: int, dialect: str):
    """SQL: the ``YYYY-MM-DD`` local date of a stored UTC datetime."""
    if dialect == "sqlite":
        return func.date(column, f"{offset_s:+d} seconds")
    return func.to_char(column + func.make_interval(0, 0, 0, 0, 0, 0, offset_s), "YYYY-MM-DD")


_POW_OK: dict[str, bool] = {}


def _sql_pow(session: Session, dialect: str) -> bool:
    """Whether the database has ``pow`` (PostgreSQL does; SQLite when built with math functions)."""
    if dialect != "sqlite":
        return True
    url = str(session.get_bind().url)
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
    where = (CARD.c.learner_id == learner, CARD.c.pack_id == pack_id, CARD.c.state != STATE_NEW,
             CARD.c.removed.is_(False))
    if _sql_pow(session, dialect):
        decay = -svc.scheduler.parameters[20]
        factor = 0.9 ** (1 / decay) - 1
        whole = func.max(0, cast(days, Integer)) if dialect == "sqlite" else func.greatest(0, func.floor(days))
        recall = func.pow(1 + factor * whole / CARD.c.stability, decay)
        result = session.execute(select(CARD.c.position, recall).where(*where))
        # Two plain numbers per card need no result processing: read the DB-API cursor directly,
        # which halves the time on 100,000 cards.
        rows = result.cursor.fetchall() if result.cursor is not None else result.all()
        return dict(rows)
    rows = session.execute(select(CARD.c.position, CARD.c.stability, days).where(*where)).all()
    return {pos: retrievability(svc.scheduler, s, d) for pos, s, d in rows}


def _quiz_by_question(session: Session, learner: int) -> dict[tuple[str, str], float]:
    """(pack, question) -> mean score over every quiz and exam answer of the learner."""
    return {
        (p, q): float(avg)
        for p, q, avg in session.execute(
            select(ANSWER.c.pack_id, ANSWER.c.question_id, func.avg(ANSWER.c.score))
            .join(ATTEMPT, ATTEMPT.c.id == ANSWER.c.attempt_id)
            .where(ATTEMPT.c.learner_id == learner)
            .group_by(ANSWER.c.pack_id, ANSWER.c.question_id)
        )
    }


def _layout(svc: StudyService, pack: Any) -> tuple[list[str], Counter]:
    """(topic of each position, questions per topic), cached per pack."""
    cache = svc.caches.setdefault("layouts", {})
    if pack.id not in cache:
        topics = [q.topic for q in pack.questions]
        cache[pack.id] = (topics, Counter(topics))
    return cache[pack.id]


def _positions(svc: StudyService, pack: Any) -> dict[str, int]:
    """Question id -> position, cached per pack (built only when the learner has quiz answers)."""
    cache = svc.caches.setdefault("positions", {})
    if pack.id not in cache:
        cache[pack.id] = {q.id: i for i, q in enumerate(pack.questions)}
    return cache[pack.id]


def mastery(svc: StudyService, session: Session, learner: int, pack_id: str | None = None):
    """(topic -> mastery, pack -> mastery) over the loaded packs' current questions.

    A question's mastery is its fsrs retrievability, averaged with its mean quiz/exam score when
    it has one (only the quiz score if never reviewed); a question never seen counts 0.
    """
    quizzed = _quiz_by_question(session, learner)
    topic_sum: dict[str, float] = {}
    topic_n: dict[str, int] = {}
    by_pack: dict[str, float] = {}
    for pack in svc.packs.values():
        if pack_id is not None and pack.id != pack_id:
            continue
        topics, counts = _layout(svc, pack)
        per_position = _recall_by_position(svc, session, learner, pack.id)
        mine = [(qid, score) for (p, qid), score in quizzed.items() if p == pack.id]
        position_of = _positions(svc, pack) if mine else {}
        for qid, score in mine:
            pos = position_of.get(qid)
            if pos is not None:
                per_position[pos] = (per_position[pos] + score) / 2 if pos in per_position else score
        n = len(topics)
        for pos, m in per_position.items():
            if pos < n:
                topic = topics[pos]
                topic_sum[topic] = topic_sum.get(topic, 0.0) + m
        for topic, n in counts.items():
            topic_n[topic] = topic_n.get(topic, 0) + n
        by_pack[pack.id] = round(sum(per_position.values()) / len(topics), 4) if topics else 0.0
    return {t: round(topic_sum.get(t, 0.0) / n, 4) for t, n in topic_n.items()}, by_pack


def exam_history(session: Session, learner: int) -> list[dict[str, Any]]:
    """Finished exams of a learner, oldest first."""
    rows = session.execute(
        select(ATTEMPT.c.id, ATTEMPT.c.finished_at, ATTEMPT.c.score, ATTEMPT.c.max_score, ATTEMPT.c.passed,
               ATTEMPT.c.cbm_score)
        .where(ATTEMPT.c.learner_id == learner, ATTEMPT.c.kind == "exam", ATTEMPT.c.finished_at.is_not(None))
        .order_by(ATTEMPT.c.finished_at)
    ).all()
    return [
        {"id": r.id, "date": r.finished_at.isoformat(), "score": r.score, "max_score": r.max_score,
         "percent": round(100.0 * r.score / r.max_score, 1) if r.max_score else 0.0, "passed": bool(r.passed),
         "cbm_score": r.cbm_score}
        for r in rows
    ]


def streak(days_with_reviews: set[int], today: int) -> int:
    """Consecutive days with reviews ending today, or ending yesterday if today has none yet."""
    day = today if today in days_with_reviews else today - 1
    count = 0
    while day in days_with_reviews:
        count += 1
        day -= 1
    return count


def compute_stats(svc: StudyService, session: Session) -> Stats:
    """Every progress figure of the service's learner."""
    learner = svc.learner_id
    dialect = session.get_bind().dialect.name
    now = svc.clock()
    today = day_of(now, svc.tz)
    offset = int(now.astimezone(svc.tz).utcoffset().total_seconds())
    days = session.execute(
        select(DAY.c.review_day, DAY.c.reviews, DAY.c.review_cards, DAY.c.lapses).where(DAY.c.learner_id == learner)
    ).all()
    total = sum(d.reviews for d in days)
    per_day = {d.review_day: d.reviews for d in days if d.reviews > 0}
    recent = [d for d in days if d.review_day > today - RETENTION_DAYS]
    reviewed = sum(d.review_cards for d in recent)
    retention = round(1 - sum(d.lapses for d in recent) / reviewed, 4) if reviewed else None
    mine_card = CARD.c.learner_id == learner
    due_now = session.execute(
        select(func.count()).select_from(CARD).where(mine_card, CARD.c.queue == QUEUE_SCHEDULED, CARD.c.due <= now)
    ).scalar_one()
    new_available = session.execute(
        select(func.count()).select_from(CARD).where(mine_card, CARD.c.queue == QUEUE_NEW)
    ).scalar_one()
    horizon = now.astimezone(svc.tz).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=FORECAST_DAYS)
    day_col = local_date(CARD.c.due, offset, dialect)
    upcoming = dict(
        session.execute(
            select(day_col, func.count()).where(mine_card, CARD.c.queue == QUEUE_SCHEDULED, CARD.c.due < horizon)
            .group_by(day_col)
        ).all()
    )
    start = date.fromordinal(today)
    forecast = {(start + timedelta(days=i)).isoformat(): 0 for i in range(FORECAST_DAYS)}
    for day, count in upcoming.items():
        key = max(str(day), start.isoformat())  # overdue cards are due today
        if key in forecast:
            forecast[key] += count
    by_topic, by_pack = mastery(svc, session, learner)
    year = {d: n for d, n in per_day.items() if d > today - HEATMAP_DAYS}
    return Stats(
        learner=svc.settings.learner, reviews_total=total, reviews_today=per_day.get(today, 0), due_now=due_now,
        new_available=new_available, by_topic=by_topic, by_pack=by_pack, exams=exam_history(session, learner),
        forecast=forecast, heatmap={date.fromordinal(d).isoformat(): n for d, n in sorted(year.items())},
        streak=streak(set(per_day), today), retention=retention,
    )


def format_stats(s: Stats) -> str:
    """The human-readable ``studyvm stats``."""
    lines = [
        f"learner: {s.learner}",
        f"reviews: {s.reviews_total} in all, {s.reviews_today} today; streak {s.streak} day(s)",
        f"due now: {s.due_now}; new cards waiting: {s.new_available}",
        f"retention (30 days): {'-' if s.retention is None else f'{s.retention:.0%}'}",
        "mastery by topic:",
    ]
    lines += [f"  {topic:<30} {m:5.0%}" for topic, m in sorted(s.by_topic.items())] or ["  (no packs)"]
    week = list(s.forecast.items())[:7]
    lines.append("due in the next 7 days: " + ", ".join(f"{d[5:]} {n}" for d, n in week))
    if s.exams:
        lines.append("exams:")
        lines += [f"  {e['date'][:16]}  {e['score']:g}/{e['max_score']} ({e['percent']:.0f}%) "
                  f"{'passed' if e['passed'] else 'failed'}" for e in s.exams]
    return "\n".join(lines)
