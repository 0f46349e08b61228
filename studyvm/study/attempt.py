"""The stored attempt behind a practice quiz or a mock exam: questions, answers, grading, score.

:class:`AttemptSession` is the part :class:`~studyvm.study.sessions.QuizSession` and
:class:`~studyvm.study.sessions.ExamSession` share. Questions and their display order are
stored with the attempt, so an attempt cut short by a crash reopens exactly as it was; each
answer is saved before the call that gives it returns. Certainty-based marking follows Moodle's
CBM: confidence 1/2/3 scores +1/+2/+3 when right and 0/−2/−6 when wrong; a partly right answer
gets the same share of each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import insert, select, update

from studyvm.store.engine import write_session
from studyvm.store.models import Attempt, AttemptAnswer
from studyvm.store.repo import table_of
from studyvm.study import mistakes
from studyvm.study.card_writes import new_id
from studyvm.study.grading import FULL, describe_response, expected_answer, grade, is_self_rated
from studyvm.study.presentation import Presentation, prompt_text
from studyvm.study.views import ExamResult, TopicResult, WrongAnswer, source_text

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

ATTEMPT = table_of(Attempt)
ANSWER = table_of(AttemptAnswer)
CBM_RIGHT = {1: 1.0, 2: 2.0, 3: 3.0}
CBM_WRONG = {1: 0.0, 2: -2.0, 3: -6.0}


class TimeUp(Exception):
    """The exam's time is over: the answer was not saved."""


def cbm_mark(score: float, confidence: int | None) -> float:
    """Certainty-based mark for a score 0..1 at confidence 1..3 (missing = 1, low)."""
    level = confidence if confidence in (1, 2, 3) else 1
    return score * CBM_RIGHT[level] + (1 - score) * CBM_WRONG[level]


@dataclass
class QuizItem:
    """The question to answer now."""

    index: int
    """0-based position in the attempt."""
    total: int
    pack_id: str
    question: Any
    presentation: Presentation

    @property
    def question_id(self) -> str:
        """The question's stable id."""
        return self.question.id


@dataclass
class _Item:
    pack_id: str
    question: Any
    shown: Presentation


class Graded(NamedTuple):
    """One answer, graded: what is stored and what a quiz shows."""

    score: float
    correct: bool
    expected: str
    feedback: str
    given: Any
    """What is stored as the response (a flip card's self-rating)."""


def create_attempt(
    svc: StudyService,
    kind: str,
    items: list[tuple[str, Any, Presentation]],
    now: datetime,
    time_limit_s: int | None = None,
    pass_mark: float | None = None,
    cbm: bool = False,
) -> int:
    """Store a new attempt with its questions and display orders; its id."""
    data = [{"pack": p, "question": q.id, "shown": shown.as_dict()} for p, q, shown in items]
    with write_session(svc.engine) as session:
        result = session.execute(
            insert(ATTEMPT).values(
                learner_id=svc.learner_id,
                kind=kind,
                started_at=now,
                time_limit_s=time_limit_s,
                elapsed_s=0.0,
                pass_mark=pass_mark,
                cbm=cbm,
                items=json.dumps(data),
            )
        )
        return new_id(result)


class AttemptSession:
    """What a practice quiz and a mock exam share: the stored attempt, grading, saving, scoring."""

    kind = "quiz"

    def __init__(self, svc: StudyService, attempt_id: int) -> None:
        self.svc = svc
        self.attempt_id = attempt_id
        with svc.read() as session:
            row = session.execute(select(ATTEMPT).where(ATTEMPT.c.id == attempt_id)).first()
            if row is None:
                raise ValueError(f"no quiz or exam with id {attempt_id}")
            answers = session.execute(
                select(ANSWER.c.position, ANSWER.c.score, ANSWER.c.confidence, ANSWER.c.response).where(
                    ANSWER.c.attempt_id == attempt_id
                )
            ).all()
        self.row = row
        self.items: list[_Item] = []
        for entry in json.loads(row.items):
            pack = svc.packs.get(entry["pack"])
            question = pack.question(entry["question"]) if pack else None
            if question is not None:  # a question removed from its pack since is left out
                self.items.append(_Item(entry["pack"], question, Presentation.from_dict(entry["shown"])))
        self.answers: dict[int, tuple[float, int | None, Any]] = {
            a.position: (a.score, a.confidence, json.loads(a.response) if a.response else None) for a in answers
        }
        """Position -> (score, confidence, response) of every answer saved (the last one given)."""
        self.closed = row.finished_at is not None
        """True once submitted: nothing more can be answered or changed."""

    @property
    def total(self) -> int:
        """Number of questions."""
        return len(self.items)

    @property
    def cbm(self) -> bool:
        """Whether this attempt is marked with certainty-based marking."""
        return bool(self.row.cbm)

    @property
    def answered(self) -> int:
        """Number of questions answered so far."""
        return len(self.answers)

    def _position(self) -> int | None:
        return next((i for i in range(len(self.items)) if i not in self.answers), None)

    def current(self) -> QuizItem | None:
        """The next unanswered question, or ``None`` when all are answered."""
        pos = self._position()
        if pos is None:
            return None
        item = self.items[pos]
        return QuizItem(pos, len(self.items), item.pack_id, item.question, item.shown)

    def _grade(self, item: _Item, response: Any, rating: int | None) -> Graded:
        question = item.question
        if is_self_rated(question):
            if rating not in (1, 2, 3, 4):
                raise ValueError("rate a flip card 1 (again) to 4 (easy)")
            score = 0.0 if rating == 1 else 1.0
            return Graded(score, score >= FULL, question.back, "", rating)
        if response is None:  # "I don't know": nothing entered, no credit
            return Graded(0.0, False, expected_answer(question), "", None)
        result = grade(question, response)
        return Graded(result.score, result.correct, result.expected, result.feedback, response)

    def _save(
        self, pos: int, item: _Item, graded: Graded, confidence: int | None, elapsed: float | None = None
    ) -> None:
        """Store the answer at ``pos``. An answer given again replaces the first (only an exam allows
        that, until it is submitted): the last one is graded, and the mistake the first one put in the
        bank is taken out again."""
        now = self.svc.clock()
        learner, qid = self.svc.learner_id, item.question.id
        values = {
            "response": json.dumps(graded.given, default=str),
            "score": graded.score,
            "confidence": confidence,
            "answered_at": now,
        }
        with write_session(self.svc.engine) as session:
            if pos in self.answers:
                here = (ANSWER.c.attempt_id == self.attempt_id, ANSWER.c.position == pos)
                before = session.execute(select(ANSWER.c.answered_at).where(*here)).scalar_one()
                mistakes.withdraw(learner, item.pack_id, qid, self.kind, before, session=session)
                session.execute(update(ANSWER).where(*here).values(**values))
            else:
                row = {"attempt_id": self.attempt_id, "position": pos, "pack_id": item.pack_id, "question_id": qid}
                session.execute(insert(ANSWER).values(**row, **values))
            if elapsed is not None:
                session.execute(update(ATTEMPT).where(ATTEMPT.c.id == self.attempt_id).values(elapsed_s=elapsed))
            if graded.correct:
                self.svc.clear_mistakes(session, item.pack_id, qid)
            else:
                self.svc.record_mistake(session, item.pack_id, qid, graded.given, self.kind, now)
        self.answers[pos] = (graded.score, confidence, graded.given)

    def open_position(self, position: int | None = None) -> int:
        """``position`` if it is an unanswered question (default: the first unanswered one)."""
        pos = self._position() if position is None else position
        if pos is None:
            raise ValueError("every question has been answered")
        if not 0 <= pos < len(self.items) or pos in self.answers:
            raise ValueError(f"question {pos + 1} is already answered or does not exist")
        return pos

    def result(self) -> ExamResult:
        """The score of what was answered (unanswered questions count 0)."""
        by_topic: dict[str, TopicResult] = {}
        wrong: list[WrongAnswer] = []
        total = 0.0
        cbm_total = 0.0
        for pos, item in enumerate(self.items):
            score, confidence, given = self.answers.get(pos, (0.0, None, None))
            total += score
            if pos in self.answers:
                cbm_total += cbm_mark(score, confidence)
            topic = by_topic.setdefault(item.question.topic, TopicResult(0.0, 0))
            topic.score += score
            topic.max += 1
            if score < FULL:
                q = item.question
                wrong.append(
                    WrongAnswer(
                        item.pack_id,
                        q.id,
                        prompt_text(q),
                        given,
                        expected_answer(q),
                        score,
                        q.explanation,
                        q.caveat,
                        source_text(self.svc.pack(item.pack_id), q),
                        describe_response(q, given),
                    )
                )
        n = len(self.items)
        percent = 100.0 * total / n if n else 0.0
        pass_mark = self.row.pass_mark if self.row.pass_mark is not None else 0.0
        cbm = bool(self.row.cbm)
        return ExamResult(
            attempt_id=self.attempt_id,
            score=total,
            max_score=n,
            percent=percent,
            passed=percent >= pass_mark,
            pass_mark=pass_mark,
            answered=len(self.answers),
            by_topic=by_topic,
            wrong=wrong,
            cbm_score=cbm_total if cbm else None,
            cbm_average=(cbm_total / n if n else 0.0) if cbm else None,
        )

    def finish(self) -> ExamResult:
        """Close the attempt and store its score; the result with a review of every wrong answer."""
        result = self.result()
        self.closed = True
        with write_session(self.svc.engine) as session:
            session.execute(
                update(ATTEMPT)
                .where(ATTEMPT.c.id == self.attempt_id, ATTEMPT.c.finished_at.is_(None))
                .values(
                    finished_at=self.svc.clock(),
                    score=result.score,
                    max_score=result.max_score,
                    cbm_score=result.cbm_score,
                    passed=result.passed,
                )
            )
        return result
