"""Practice quizzes and timed mock exams, each answer saved as given before ``submit`` returns.

A quiz gives instant feedback. An exam gives none until :meth:`ExamSession.finish`, has a time
limit measured with an injectable clock, a pass mark, partial credit and optional
certainty-based marking (Moodle's CBM: confidence 1/2/3 scores +1/+2/+3 when right and
0/−2/−6 when wrong; a partly right answer gets the same share of each). Questions and their
display order are stored with the attempt, so an exam cut short by a crash resumes exactly
where it stopped, with the time used so far, or is scored on what was answered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from studyvm.store.engine import write_session
from studyvm.store.models import Attempt, AttemptAnswer
from studyvm.store.repo import table_of
from studyvm.study.grading import FULL, describe_response, expected_answer, grade, is_self_rated
from studyvm.study.presentation import Presentation, prompt_text
from studyvm.study.views import AnswerOutcome, ExamResult, TopicResult, WrongAnswer, source_text

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
        return result.inserted_primary_key[0]


class QuizSession:
    """A practice quiz: one question at a time, instant feedback after each answer."""

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

    def _grade(self, item: _Item, response: Any, rating: int | None):
        question = item.question
        if is_self_rated(question):
            if rating not in (1, 2, 3, 4):
                raise ValueError("rate a flip card 1 (again) to 4 (easy)")
            score = 0.0 if rating == 1 else 1.0
            return score, score >= FULL, question.back, "", rating
        if response is None:  # "I don't know": nothing entered, no credit
            return 0.0, False, expected_answer(question), "", None
        result = grade(question, response)
        return result.score, result.correct, result.expected, result.feedback, response

    def _save(
        self,
        pos: int,
        item: _Item,
        score: float,
        correct: bool,
        given: Any,
        confidence: int | None,
        elapsed: float | None = None,
    ) -> None:
        now = self.svc.clock()
        with write_session(self.svc.engine) as session:
            session.execute(
                insert(ANSWER).values(
                    attempt_id=self.attempt_id,
                    position=pos,
                    pack_id=item.pack_id,
                    question_id=item.question.id,
                    response=json.dumps(given, default=str),
                    score=score,
                    confidence=confidence,
                    answered_at=now,
                )
            )
            if elapsed is not None:
                session.execute(update(ATTEMPT).where(ATTEMPT.c.id == self.attempt_id).values(elapsed_s=elapsed))
            if correct:
                self.svc.clear_mistakes(session, item.pack_id, item.question.id)
            else:
                self.svc.record_mistake(session, item.pack_id, item.question.id, given, self.kind, now)
        self.answers[pos] = (score, confidence, given)

    def open_position(self, position: int | None = None) -> int:
        """``position`` if it is an unanswered question (default: the first unanswered one)."""
        pos = self._position() if position is None else position
        if pos is None:
            raise ValueError("every question has been answered")
        if not 0 <= pos < len(self.items) or pos in self.answers:
            raise ValueError(f"question {pos + 1} is already answered or does not exist")
        return pos

    def submit(
        self,
        response: Any = None,
        rating: int | None = None,
        confidence: int | None = None,
        position: int | None = None,
    ) -> AnswerOutcome:
        """Grade and save the answer to :meth:`current` (or to unanswered question ``position``).

        ``response`` as for :func:`studyvm.study.grading.grade`; a flip card takes ``rating``
        1..4 instead (1 counts as wrong). Feedback comes back at once.
        """
        pos = self.open_position(position)
        item = self.items[pos]
        score, correct, expected, feedback, given = self._grade(item, response, rating)
        self._save(pos, item, score, correct, given, confidence)
        question = item.question
        return AnswerOutcome(
            pack_id=item.pack_id,
            question_id=question.id,
            rating=None,
            score=score,
            correct=correct,
            expected=expected,
            feedback=feedback,
            explanation=question.explanation,
            caveat=question.caveat,
            source=source_text(self.svc.pack(item.pack_id), question),
        )

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


class ExamSession(QuizSession):
    """A timed mock exam: answers saved as given, no feedback until :meth:`finish`."""

    kind = "exam"

    def __init__(self, svc: StudyService, attempt_id: int, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(svc, attempt_id)
        self.clock = clock or svc.clock
        self.time_limit_s = float(self.row.time_limit_s or 0)
        self.started_at: datetime = self.row.started_at
        """When the attempt began: the clock is wall-clock time from here, as in Moodle."""

    def elapsed_seconds(self) -> float:
        """Wall-clock time since the exam began: it keeps running while the learner is away or the app is closed."""
        return max(0.0, (self.clock() - self.started_at).total_seconds())

    def remaining_seconds(self) -> float:
        """Seconds left (0 when time is up)."""
        return max(0.0, self.time_limit_s - self.elapsed_seconds())

    @property
    def time_up(self) -> bool:
        """True once the time limit is reached."""
        return self.remaining_seconds() <= 0

    def current(self) -> QuizItem | None:
        """The next unanswered question; ``None`` when all are answered or time is up."""
        return None if self.time_up else super().current()

    def submit(
        self,
        response: Any = None,
        rating: int | None = None,
        confidence: int | None = None,
        position: int | None = None,
        at_time_up: bool = False,
    ) -> str:
        """Save the answer to :meth:`current` or to unanswered question ``position`` (questions may
        be answered in any order, as in Moodle); no feedback; the question id. :class:`TimeUp` if late.

        ``at_time_up=True`` saves what the learner had entered when the time ran out (Moodle
        submits an open attempt as it stands), once, for the question on screen.
        """
        if self.time_up and not at_time_up:
            raise TimeUp("time is up: this answer was not counted")
        pos = self.open_position(position)
        item = self.items[pos]
        score, correct, _expected, _feedback, given = self._grade(item, response, rating)
        self._save(pos, item, score, correct, given, confidence, elapsed=self.elapsed_seconds())
        return item.question.id

    def result(self) -> ExamResult:
        """The score, with ``timed_out`` when the time ran out before every answer."""
        result = super().result()
        result.timed_out = self.time_up and result.answered < result.max_score
        return result
