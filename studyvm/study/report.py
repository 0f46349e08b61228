"""The class report for an instructor on a shared database (``studyvm report``).

Per learner: reviews, mastery by topic, exam scores and last activity. Per question: how many
answers were wrong and by how many learners, to find the questions that are badly written.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Select, cast, func, select
from sqlalchemy.orm import Session

from studyvm.store.classdb import require_instructor
from studyvm.store.models import Attempt, AttemptAnswer, CardState, Learner, Mistake, ReviewDayStats, ReviewLog
from studyvm.store.repo import table_of
from studyvm.study.stats import exam_history, mastery_counts, shares
from studyvm.wording import one_line, plural

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

LOG = table_of(ReviewLog)
CARD = table_of(CardState)
DAY = table_of(ReviewDayStats)
ATTEMPT = table_of(Attempt)
ANSWER = table_of(AttemptAnswer)
MISTAKE = table_of(Mistake)
LEARNER = table_of(Learner)


@dataclass
class LearnerReport:
    """One learner's progress."""

    name: str
    reviews: int
    last_activity: str | None
    mastery: float
    """Share of the questions mastered (see :func:`studyvm.study.stats.is_mastered`)."""
    by_topic: dict[str, float]
    exams: list[dict[str, Any]]
    mastered: int = 0
    questions: int = 0


@dataclass
class QuestionReport:
    """How one question fared across the class."""

    pack_id: str
    question_id: str
    answered: int
    wrong: int
    learners_wrong: int
    wrong_rate: float
    prompt: str = ""


@dataclass
class Report:
    """The whole class report; :meth:`as_json` is the ``--json`` output."""

    pack_id: str | None
    learners: list[LearnerReport] = field(default_factory=list)
    questions: list[QuestionReport] = field(default_factory=list)
    """Questions answered wrongly at least once, worst first."""

    def as_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return asdict(self)


def _grouped(session: Session, query: Select[Any]) -> dict[Any, Any]:
    """Rows of a group-by as key -> last column (the key is a tuple when there are several)."""
    return {tuple(r[:-1]) if len(r) > 2 else r[0]: r[-1] for r in session.execute(query).all()}


def _last_activity(session: Session, log_pack: list[Any], ans_pack: list[Any]) -> dict[int, datetime]:
    """Learner id -> the latest review or quiz/exam answer."""
    last_review = _grouped(
        session, select(LOG.c.learner_id, func.max(LOG.c.reviewed_at)).where(*log_pack).group_by(LOG.c.learner_id)
    )
    last_answer = _grouped(
        session,
        select(ATTEMPT.c.learner_id, func.max(ANSWER.c.answered_at))
        .join(ATTEMPT, ATTEMPT.c.id == ANSWER.c.attempt_id)
        .where(*ans_pack)
        .group_by(ATTEMPT.c.learner_id),
    )
    latest: dict[int, datetime] = {}
    for moments in (last_review, last_answer):
        for learner_id, at in moments.items():
            if at is not None and (learner_id not in latest or at > latest[learner_id]):
                latest[learner_id] = at
    return latest


def _learner_reports(
    svc: StudyService, session: Session, pack_id: str | None, log_pack: list[Any], ans_pack: list[Any]
) -> list[LearnerReport]:
    """One :class:`LearnerReport` per learner, by name."""
    if pack_id:
        reviews = _grouped(session, select(LOG.c.learner_id, func.count()).where(*log_pack).group_by(LOG.c.learner_id))
    else:  # the day totals hold them: no scan of the log
        reviews = _grouped(
            session, select(DAY.c.learner_id, cast(func.sum(DAY.c.reviews), Integer)).group_by(DAY.c.learner_id)
        )
    latest = _last_activity(session, log_pack, ans_pack)
    found = []
    for learner_id, name in session.execute(select(LEARNER.c.id, LEARNER.c.name).order_by(LEARNER.c.name)):
        by_topic, by_pack = mastery_counts(svc, session, learner_id, pack_id)
        mastered, questions = sum(c.mastered for c in by_pack.values()), sum(c.questions for c in by_pack.values())
        found.append(
            LearnerReport(
                name=name,
                reviews=reviews.get(learner_id, 0),
                last_activity=latest[learner_id].isoformat() if learner_id in latest else None,
                mastery=round(mastered / questions, 4) if questions else 0.0,
                by_topic=shares(by_topic),
                exams=exam_history(session, learner_id),
                mastered=mastered,
                questions=questions,
            )
        )
    return found


def _question_reports(
    svc: StudyService, session: Session, pack_id: str | None, ans_pack: list[Any], mis_pack: list[Any]
) -> list[QuestionReport]:
    """Questions answered wrongly at least once, worst first."""
    answered: dict[tuple[str, str], int] = {}
    # Reviews per card along the log's one index (card_id), then per question over the learners' cards.
    per_card = select(LOG.c.card_id, func.count().label("n")).group_by(LOG.c.card_id).subquery()
    card_pack = [CARD.c.pack_id == pack_id] if pack_id else []
    for query in (
        select(CARD.c.pack_id, CARD.c.question_id, cast(func.sum(per_card.c.n), Integer))
        .join_from(per_card, CARD, CARD.c.id == per_card.c.card_id)
        .where(*card_pack)
        .group_by(CARD.c.pack_id, CARD.c.question_id),
        select(ANSWER.c.pack_id, ANSWER.c.question_id, func.count())
        .where(*ans_pack)
        .group_by(ANSWER.c.pack_id, ANSWER.c.question_id),
    ):
        for key, n in _grouped(session, query).items():
            answered[key] = answered.get(key, 0) + n
    wrong = session.execute(
        select(MISTAKE.c.pack_id, MISTAKE.c.question_id, func.count(), func.count(MISTAKE.c.learner_id.distinct()))
        .where(*mis_pack)
        .group_by(MISTAKE.c.pack_id, MISTAKE.c.question_id)
    ).all()
    found = []
    for p, q, n, learners in wrong:
        total = max(answered.get((p, q), 0), n)
        pack = svc.packs.get(p)
        question = pack.question(q) if pack else None
        prompt = shown_prompt(question) if question else "(no longer in its pack)"
        found.append(QuestionReport(p, q, total, n, learners, round(n / total, 4), prompt))
    found.sort(key=lambda r: (-r.wrong_rate, -r.wrong, r.pack_id, r.question_id))
    return found


def compute_report(svc: StudyService, session: Session, pack_id: str | None = None) -> Report:
    """Build the report over every learner in the database (instructors only on a class database)."""
    require_instructor(svc.engine, "the class report")
    log_pack = [LOG.c.card_id.in_(select(CARD.c.id).where(CARD.c.pack_id == pack_id))] if pack_id else []
    ans_pack = [ANSWER.c.pack_id == pack_id] if pack_id else []
    mis_pack = [MISTAKE.c.pack_id == pack_id] if pack_id else []
    return Report(
        pack_id=pack_id,
        learners=_learner_reports(svc, session, pack_id, log_pack, ans_pack),
        questions=_question_reports(svc, session, pack_id, ans_pack, mis_pack),
    )


def shown_prompt(question: Any) -> str:
    """A question's prompt as a report lists it: cloze gaps as ``____``, not ``{{answer}}`` markup."""
    return question.masked_prompt("____") if question.type == "cloze" else question.prompt


def format_report(report: Report, top: int = 20) -> str:
    """The human-readable ``studyvm report``."""
    scope = f" for pack {report.pack_id}" if report.pack_id else ""
    lines = [f"class report{scope}: {plural(len(report.learners), 'learner')}", ""]
    for lr in report.learners:
        exams = ", ".join(f"{e['percent']:.0f}%" for e in lr.exams) or "none"
        lines.append(
            f"{lr.name}: {lr.reviews} reviews, mastered {lr.mastered} of {lr.questions} ({lr.mastery:.0%}), "
            f"exams {exams}, "
            f"last active {lr.last_activity[:16] if lr.last_activity else 'never'}"
        )
        weakest = sorted(lr.by_topic.items(), key=lambda kv: kv[1])[:3]
        if weakest:
            lines.append("  weakest topics: " + ", ".join(f"{t} {m:.0%}" for t, m in weakest))
    lines += ["", "questions most often answered wrong:"]
    if not report.questions:
        lines.append("  none yet")
    for qr in report.questions[:top]:
        lines.append(
            f"  {qr.wrong_rate:4.0%} wrong ({qr.wrong}/{qr.answered}, {plural(qr.learners_wrong, 'learner')})  "
            f"{qr.pack_id}/{qr.question_id}: {one_line(qr.prompt, 60)}"
        )
    return "\n".join(lines)
