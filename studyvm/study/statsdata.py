"""The progress figures as data: :class:`Stats` (``studyvm stats``, its ``--json``) and :class:`MasteryCount`,
and what turns the rows read into them.

Read by :mod:`studyvm.study.stats` (any database) or :mod:`studyvm.study.statslite` (SQLite), then put
together here, so both give the same figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row

from studyvm.study.glance import streak

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

FORECAST_DAYS = 30
HEATMAP_DAYS = 365
RETENTION_DAYS = 30


@dataclass
class MasteryCount:
    """Questions of a topic (or pack): how many are mastered, how many were ever answered."""

    mastered: int = 0
    seen: int = 0
    questions: int = 0

    @property
    def fraction(self) -> float:
        """Share mastered, 0..1 (unseen questions count as not mastered)."""
        return self.mastered / self.questions if self.questions else 0.0

    def as_json(self) -> dict[str, Any]:
        """``{"mastered", "seen", "questions", "share"}``."""
        share = round(self.fraction, 4)
        return {"mastered": self.mastered, "seen": self.seen, "questions": self.questions, "share": share}


@dataclass
class Stats:
    """What ``studyvm stats`` shows; :meth:`as_json` is the ``--json`` output."""

    learner: str
    reviews_total: int
    reviews_today: int
    due_now: int
    new_available: int
    by_topic: dict[str, float]
    """Topic -> share of its questions mastered, 0..1 (see :func:`is_mastered`)."""
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
    mastered_by_topic: dict[str, MasteryCount] = field(default_factory=dict)
    """Topic -> mastered N of M questions (and how many were ever answered)."""
    mastered_by_pack: dict[str, MasteryCount] = field(default_factory=dict)
    mastered_by_pack_topic: dict[str, dict[str, MasteryCount]] = field(default_factory=dict)
    """Pack id -> topic -> counts (a topic name two packs share is counted apart here)."""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """A JSON-able dict (the figures copied, not shared with this object)."""
        data: dict[str, Any] = {
            "learner": self.learner,
            "reviews_total": self.reviews_total,
            "reviews_today": self.reviews_today,
            "due_now": self.due_now,
            "new_available": self.new_available,
            "by_topic": dict(self.by_topic),
            "by_pack": dict(self.by_pack),
            "exams": [dict(e) for e in self.exams],
            "forecast": dict(self.forecast),
            "heatmap": dict(self.heatmap),
            "streak": self.streak,
            "retention": self.retention,
        }
        data["mastered_by_topic"] = {t: c.as_json() for t, c in self.mastered_by_topic.items()}
        data["mastered_by_pack"] = {p: c.as_json() for p, c in self.mastered_by_pack.items()}
        data["mastered_by_pack_topic"] = {
            p: {t: c.as_json() for t, c in topics.items()} for p, topics in self.mastered_by_pack_topic.items()
        }
        return data


def layout(svc: StudyService, pack: Any) -> tuple[list[str], Counter]:
    """(topic of each position, questions per topic), cached per pack."""
    cache = svc.caches.setdefault("layouts", {})
    if pack.id not in cache:
        topics = pack.index.topics
        cache[pack.id] = (topics, Counter(topics))
    return cache[pack.id]


def positions_of(svc: StudyService, pack: Any) -> dict[str, int]:
    """Question id -> position, cached per pack (built only when the learner has quiz answers)."""
    cache = svc.caches.setdefault("positions", {})
    if pack.id not in cache:
        cache[pack.id] = {qid: i for i, qid in enumerate(pack.index.ids)}
    return cache[pack.id]


def is_mastered(last_right: bool, recall: float | None, retention: float) -> bool:
    """The definition of mastery, for one question.

    Mastered when the learner's last answer to it (a review, a quiz or an exam answer) was right
    (a review rated Hard, Good or Easy; a quiz or exam answer with full credit) *and* its fsrs
    retrievability now is at least the desired retention. A question never reviewed has no
    retrievability and is not mastered; neither is one last failed, however recently.
    """
    return last_right and recall is not None and recall >= retention


def shares(counts: dict[str, MasteryCount]) -> dict[str, float]:
    """Key -> share mastered, rounded to 4 places."""
    return {key: round(count.fraction, 4) for key, count in counts.items()}


def exam_entry(
    exam_id: int, finished_at: datetime, score: Any, max_score: int | None, passed: bool, cbm_score: Any
) -> dict[str, Any]:
    """One finished exam as :attr:`Stats.exams` lists it."""
    return {
        "id": exam_id,
        "date": finished_at.isoformat(),
        "score": score,
        "max_score": max_score,
        "percent": round(100.0 * score / max_score, 1) if max_score else 0.0,
        "passed": passed,
        "cbm_score": cbm_score,
    }


def _retention(days: Sequence[Row[int, int, int, int] | tuple[int, int, int, int]], today: int) -> float | None:
    """Share of review-state cards recalled over the last :data:`RETENTION_DAYS` (``None``: none reviewed);
    ``days``: (day, reviews, review-state cards, lapses)."""
    recent = [d for d in days if d[0] > today - RETENTION_DAYS]
    reviewed = sum(d[2] for d in recent)
    return round(1 - sum(d[3] for d in recent) / reviewed, 4) if reviewed else None


def forecast_window(svc: StudyService, now: datetime) -> tuple[int, datetime]:
    """(the local time zone's offset from UTC in seconds, the end of the forecast) for ``now``."""
    offset = int((now.astimezone(svc.tz).utcoffset() or timedelta(0)).total_seconds())
    horizon = now.astimezone(svc.tz).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=FORECAST_DAYS)
    return offset, horizon


def fold_forecast(upcoming: dict[str, int], today: int) -> dict[str, int]:
    """Local date -> cards falling due, for the next :data:`FORECAST_DAYS` from (date -> cards) as read."""
    start = date.fromordinal(today)
    forecast = {(start + timedelta(days=i)).isoformat(): 0 for i in range(FORECAST_DAYS)}
    for day, count in upcoming.items():
        key = max(str(day), start.isoformat())  # overdue cards are due today
        if key in forecast:
            forecast[key] += count
    return forecast


def assemble(
    svc: StudyService,
    today: int,
    days: Sequence[Row[int, int, int, int] | tuple[int, int, int, int]],
    cards: tuple[int, int],
    mastered: tuple[dict[str, MasteryCount], dict[str, MasteryCount], dict[str, dict[str, MasteryCount]]],
    exams: list[dict[str, Any]],
    forecast: dict[str, int],
) -> Stats:
    """:class:`Stats` from what was read: ``days`` (day, reviews, review-state cards, lapses), ``cards``
    (due now, new), ``mastered`` (per topic, per pack, per pack and topic)."""
    total = sum(d[1] for d in days)
    per_day = {d[0]: d[1] for d in days if d[1] > 0}
    topic_counts, pack_counts, per_pack = mastered
    year = {d: n for d, n in per_day.items() if d > today - HEATMAP_DAYS}
    return Stats(
        learner=svc.settings.learner,
        reviews_total=total,
        reviews_today=per_day.get(today, 0),
        due_now=cards[0],
        new_available=cards[1],
        by_topic=shares(topic_counts),
        by_pack=shares(pack_counts),
        exams=exams,
        forecast=forecast,
        heatmap={date.fromordinal(d).isoformat(): n for d, n in sorted(year.items())},
        streak=streak(set(per_day), today),
        retention=_retention(days, today),
        mastered_by_topic=topic_counts,
        mastered_by_pack=pack_counts,
        mastered_by_pack_topic=per_pack,
    )


def count_marks(
    marks: dict[int, Any],
    pack: tuple[str, list[str], Counter[str]],
    by_topic: dict[str, MasteryCount],
    by_pack: dict[str, MasteryCount],
    own: dict[str, MasteryCount] | None,
) -> None:
    """Add one pack (id, topic of each position, questions per topic) to the counts per topic and per
    pack (``own``: that pack's topics, filled in), from ``marks``: position -> mastered, for every
    question the learner answered (positions past the pack's end are left out)."""
    pack_id, topics, counts = pack
    size = len(topics)
    topic_at = topics.__getitem__
    seen = Counter(map(topic_at, [pos for pos in marks if pos < size]))
    mastered = Counter(map(topic_at, [pos for pos, right in marks.items() if right and pos < size]))
    for topic, n in counts.items():
        shared = by_topic.setdefault(topic, MasteryCount())
        shared.questions += n
        shared.seen += seen[topic]
        shared.mastered += mastered[topic]
        if own is not None:
            own[topic] = MasteryCount(mastered[topic], seen[topic], n)
    total = by_pack.setdefault(pack_id, MasteryCount(questions=size))
    total.seen += sum(seen.values())
    total.mastered += sum(mastered.values())
