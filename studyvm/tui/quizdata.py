"""Quizzes, exams and statistics for the screens, over the study service's sessions.

Plain data out: :class:`QuizRun` hands the screen :class:`~studyvm.tui.engine.ShownCard`
objects and :class:`~studyvm.tui.backend.Feedback`; :class:`QuizResult` and
:class:`StatsData` hold only text, numbers and dates. Runs in worker threads, under the
backend's lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from studyvm.tui.backend import Feedback, TopicMastery
from studyvm.tui.engine import ShownCard, feedback_of, mastery_of

if TYPE_CHECKING:
    from studyvm.tui.backend import Backend

QUIZ_SIZE = 10
EXAM_SIZE = 20
EXAM_MINUTES = 30.0
RETENTION_WEEKS = 12
NO_ANSWER = {"multi": [], "short": "", "numerical": float("nan"), "cloze": [], "matching": {}}
"""What "nothing entered" is submitted as, per type (it scores 0); other types need a pick."""
NEEDS_PICK = ("mcq", "true_false", "ordering")


@dataclass
class TopicScore:
    """Marks on one topic."""

    topic: str
    right: float
    total: int

    @property
    def fraction(self) -> float:
        """Share of the marks, 0..1."""
        return self.right / self.total if self.total else 0.0


@dataclass
class WrongItem:
    """One wrong (or partly right) answer for the walk-through, as text."""

    prompt: str
    given: str
    expected: str
    explanation: str = ""
    caveat: str = ""
    source: str = ""


@dataclass
class QuizResult:
    """The end screen's data."""

    score: float
    max_score: float
    percent: float
    passed: bool | None
    by_topic: list[TopicScore]
    wrong: list[WrongItem]
    cbm_score: float | None = None
    timed_out: bool = False


def given_text(question: Any, given: Any) -> str:
    """What the learner answered, in words (indexes turned back into option text)."""
    if given is None:
        return ""
    kind = question.type
    try:
        if kind == "mcq":
            return question.options[int(given)].text
        if kind == "multi":
            return "; ".join(question.options[int(i)].text for i in given)
        if kind == "true_false":
            return "True" if given else "False"
        if kind == "ordering":
            return " → ".join(question.items[int(i)] for i in given)
        if kind == "matching":
            return "; ".join(f"{left} → {right}" for left, right in dict(given).items())
        if kind == "cloze":
            return " | ".join(given) if isinstance(given, list) else str(given)
        if kind == "flip":
            return "not known" if given == 1 else "known"
    except (IndexError, TypeError, ValueError):
        pass
    return str(given)


class QuizRun:
    """A quiz or an exam in progress, over a service ``QuizSession`` / ``ExamSession``."""

    def __init__(self, backend: Backend, session: Any, exam: bool, cbm: bool) -> None:
        self.backend = backend
        self.session = session
        """The service's session object."""
        self.exam = exam
        self.cbm = cbm
        """Ask for confidence with each answer (certainty-based marking)."""
        self.questions = [
            ShownCard(
                question=item.question,
                meta=f"{item.question.topic} · {item.question.type}",
                status="",
                presentation=item.shown,
                pack_id=item.pack_id,
            )
            for item in session.items
        ]
        self.deadline = getattr(session, "time_limit_s", None) if exam else None
        """Seconds allowed, or ``None`` for an untimed quiz."""
        self.first_index = 0
        """Where to start: a resumed exam skips the questions already answered."""

    def remaining(self) -> float | None:
        """Seconds left in an exam (``None`` for a quiz)."""
        return self.session.remaining_seconds() if self.exam else None

    def answer(self, index: int, value: Any, confidence: int | None) -> Feedback | None:
        """Save the answer to question ``index``; the verdict for a quiz, ``None`` for an exam."""
        from studyvm.study.sessions import TimeUp

        question = self.questions[index].question
        rating = None
        if question.type == "flip":
            rating = value if value in (1, 2, 3, 4) else 1
            value = None
        elif value is None:
            if question.type not in NO_ANSWER:
                raise ValueError("pick an answer first")
            value = NO_ANSWER[question.type]
        with self.backend.lock:
            current = self.session.current()
            if current is None or current.index != index:
                return None  # already answered, or time is up
            try:
                outcome = self.session.submit(value, rating=rating, confidence=confidence)
            except TimeUp:
                return None
        return None if self.exam else feedback_of(outcome)

    def finish(self) -> QuizResult:
        """Close the attempt and build the end screen."""
        with self.backend.lock:
            result = self.session.finish()
        questions = {(c.pack_id, c.question.id): c.question for c in self.questions}
        wrong = []
        for w in result.wrong:
            question = questions.get((w.pack_id, w.question_id))
            given = given_text(question, w.given) if question is not None else str(w.given or "")
            wrong.append(WrongItem(w.prompt, given, w.expected, w.explanation, w.caveat, w.source))
        return QuizResult(
            score=result.score,
            max_score=result.max_score,
            percent=result.percent,
            passed=result.passed if self.exam else None,
            by_topic=[TopicScore(t, r.score, r.max) for t, r in result.by_topic.items()],
            wrong=wrong,
            cbm_score=result.cbm_average,
            timed_out=result.timed_out,
        )


SELECTION = ("topic", "tag", "qtype", "weak", "mistakes", "pass_mark", "resume")
"""Options of ``studyvm quiz`` passed through to the study service."""


def start(
    backend: Backend,
    pack: str | None,
    n: int | None,
    exam: bool,
    minutes: float | None,
    cbm: bool | None,
    **selection: Any,
) -> QuizRun:
    """Start a quiz or an exam on ``pack`` (or every pack); ``resume`` reopens an unfinished exam."""
    pick = {
        "pack_id": pack,
        "topic": selection.get("topic"),
        "tag": selection.get("tag"),
        "qtype": selection.get("qtype"),
        "weak_first": bool(selection.get("weak")),
        "mistakes": bool(selection.get("mistakes")),
    }
    with backend.lock:
        svc = backend.service()
        unfinished = svc.unfinished_exam() if selection.get("resume") else None
        if unfinished is not None:
            session = svc.resume_exam(unfinished)
            exam, cbm = True, bool(session.row.cbm)
        elif exam:
            session = svc.start_exam(
                minutes=minutes if minutes is not None else EXAM_MINUTES,
                pass_mark=selection.get("pass_mark") or 70,
                cbm=bool(cbm),
                n=n or EXAM_SIZE,
                **pick,
            )
        else:
            session = svc.start_quiz(n or QUIZ_SIZE, **pick)
    run = QuizRun(backend, session, exam, bool(cbm) and exam)
    run.first_index = len(session.answers)
    return run


@dataclass
class StatsData:
    """Everything the statistics screen draws."""

    today: date
    reviews_total: int
    reviews_today: int
    due_now: int
    streak: int
    retention: float | None
    heatmap: dict[date, int]
    forecast: list[int]
    """Cards due on each of the next days, today first."""
    mastery: list[TopicMastery]
    exams: list[tuple[str, float]]
    """(date, percent) of every finished exam, oldest first."""
    retention_by_week: list[float] = field(default_factory=list)
    """Share of review-state answers not rated Again, per week, oldest first (weeks with reviews)."""


def _retention_by_week(svc: Any, today: int) -> list[float]:
    """A thin query the service does not offer: retention per week over the last weeks."""
    from sqlalchemy import func, select

    from studyvm.store.models import ReviewLog

    log = ReviewLog.__table__
    rows = svc.read()
    with rows as session:
        found = session.execute(
            select(log.c.review_day, log.c.rating, func.count())
            .where(
                log.c.learner_id == svc.learner_id,
                log.c.review_day > today - 7 * RETENTION_WEEKS,
                log.c.state_before == 2,
            )
            .group_by(log.c.review_day, log.c.rating)
        ).all()
    weeks: dict[int, list[int]] = {}
    for day, rating, count in found:
        tally = weeks.setdefault((today - day) // 7, [0, 0])
        tally[1] += count
        if rating != 1:
            tally[0] += count
    return [weeks[w][0] / weeks[w][1] for w in sorted(weeks, reverse=True) if weeks[w][1]]


def stats(backend: Backend, pack: str | None = None) -> StatsData:
    """Statistics of the learner, ready to draw."""
    from studyvm.study.scheduling import day_of

    with backend.lock:
        svc = backend.service()
        s = svc.stats()
        now: datetime = svc.clock()
        today = day_of(now, svc.tz)
        by_week = _retention_by_week(svc, today)
    return StatsData(
        today=date.fromordinal(today),
        reviews_total=s.reviews_total,
        reviews_today=s.reviews_today,
        due_now=s.due_now,
        streak=s.streak,
        retention=s.retention,
        heatmap={date.fromisoformat(d): n for d, n in s.heatmap.items()},
        forecast=list(s.forecast.values()),
        mastery=mastery_of(s),
        exams=[(str(e["date"])[:10], float(e["percent"])) for e in s.exams],
        retention_by_week=by_week,
    )
