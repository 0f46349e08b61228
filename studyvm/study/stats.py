"""Progress figures: mastery per topic and pack, due forecast, heatmap, streak, retention, exams.

Everything is aggregated in SQL (counts, group-bys on indexed columns); only the per-card
retrievability is computed in Python, from two numbers per card, because it needs a power
function SQLite may lack.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from studyvm.store.models import QUEUE_NEW, QUEUE_SCHEDULED, STATE_NEW, Attempt, AttemptAnswer, CardState, ReviewLog
from studyvm.study.scheduling import day_of, retrievability

CARD = CardState.__table__
LOG = ReviewLog.__table__
ATTEMPT = Attempt.__table__
ANSWER = AttemptAnswer.__table__
FORECAST_DAYS = 30
HEATMAP_DAYS = 365
RETENTION_DAYS = 30
STATE_REVIEW = 2


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


def mastery_by_question(svc: Any, session: Session, learner: int) -> dict[tuple[str, str], float]:
    """(pack, question) -> mastery 0..1: fsrs recall, averaged with the mean quiz/exam score."""
    dialect = session.get_bind().dialect.name
    now = svc.clock()
    recall = {
        (p, q): retrievability(svc.scheduler, s, d)
        for p, q, s, d in session.execute(
            select(CARD.c.pack_id, CARD.c.question_id, CARD.c.stability, days_since(CARD.c.last_review, now, dialect))
            .where(CARD.c.learner_id == learner, CARD.c.state != STATE_NEW)
        )
    }
    quizzed = dict(
        ((p, q), float(avg))
        for p, q, avg in session.execute(
            select(ANSWER.c.pack_id, ANSWER.c.question_id, func.avg(ANSWER.c.score))
            .join(ATTEMPT, ATTEMPT.c.id == ANSWER.c.attempt_id)
            .where(ATTEMPT.c.learner_id == learner)
            .group_by(ANSWER.c.pack_id, ANSWER.c.question_id)
        )
    )
    for key, score in quizzed.items():
        recall[key] = (recall[key] + score) / 2 if key in recall else score
    return recall


def mastery(svc: Any, per_question: dict[tuple[str, str], float], pack_id: str | None = None):
    """(topic -> mastery, pack -> mastery) over the loaded packs' current questions."""
    topics: dict[str, list[float]] = {}
    packs: dict[str, list[float]] = {}
    for pack in svc.packs.values():
        if pack_id is not None and pack.id != pack_id:
            continue
        for q in pack.questions:
            m = per_question.get((pack.id, q.id), 0.0)
            topics.setdefault(q.topic, []).append(m)
            packs.setdefault(pack.id, []).append(m)
    mean = lambda xs: round(sum(xs) / len(xs), 4) if xs else 0.0  # noqa: E731
    return {t: mean(v) for t, v in topics.items()}, {p: mean(v) for p, v in packs.items()}


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


def compute_stats(svc: Any, session: Session) -> Stats:
    """Every progress figure of the service's learner."""
    learner = svc.learner_id
    dialect = session.get_bind().dialect.name
    now = svc.clock()
    today = day_of(now, svc.tz)
    offset = int(now.astimezone(svc.tz).utcoffset().total_seconds())
    mine = LOG.c.learner_id == learner
    total = session.execute(select(func.count()).select_from(LOG).where(mine)).scalar_one()
    per_day = dict(
        session.execute(
            select(LOG.c.review_day, func.count()).where(mine, LOG.c.review_day > today - HEATMAP_DAYS)
            .group_by(LOG.c.review_day)
        ).all()
    )
    by_rating = dict(
        session.execute(
            select(LOG.c.rating, func.count())
            .where(mine, LOG.c.review_day > today - RETENTION_DAYS, LOG.c.state_before == STATE_REVIEW)
            .group_by(LOG.c.rating)
        ).all()
    )
    reviewed = sum(by_rating.values())
    retention = round(1 - by_rating.get(1, 0) / reviewed, 4) if reviewed else None
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
    per_question = mastery_by_question(svc, session, learner)
    by_topic, by_pack = mastery(svc, per_question)
    return Stats(
        learner=svc.settings.learner, reviews_total=total, reviews_today=per_day.get(today, 0), due_now=due_now,
        new_available=new_available, by_topic=by_topic, by_pack=by_pack, exams=exam_history(session, learner),
        forecast=forecast, heatmap={date.fromordinal(d).isoformat(): n for d, n in sorted(per_day.items())},
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
