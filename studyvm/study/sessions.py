"""Practice quizzes and timed mock exams, each answer saved as given before ``submit`` returns.

A quiz gives instant feedback and takes one answer per question. An exam gives none until
:meth:`ExamSession.finish` and works like a Moodle quiz attempt: questions in any order, an
answer (and its certainty) may be changed until the exam is submitted, questions can be flagged
for review, and :meth:`ExamSession.overview` is the navigation panel's data. It has a time limit
measured on the wall clock with an injectable clock, a pass mark, partial credit and optional
certainty-based marking. The stored attempt and the scoring are in :mod:`studyvm.study.attempt`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from studyvm.store.engine import write_session
from studyvm.study.attempt import (
    ATTEMPT,
    AttemptSession,
    QuizItem,
    TimeUp,
    cbm_mark,
    create_attempt,
)
from studyvm.study.grading import describe_response, is_self_rated
from studyvm.study.views import AnswerOutcome, ExamResult, source_text

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

__all__ = [
    "AttemptSession",
    "ExamSession",
    "NavEntry",
    "QuizItem",
    "QuizSession",
    "TimeUp",
    "cbm_mark",
    "create_attempt",
]


class QuizSession(AttemptSession):
    """A practice quiz: one question at a time, instant feedback after each answer."""

    kind = "quiz"

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
        graded = self._grade(item, response, rating)
        self._save(pos, item, graded, confidence)
        question = item.question
        return AnswerOutcome(
            pack_id=item.pack_id,
            question_id=question.id,
            rating=None,
            score=graded.score,
            correct=graded.correct,
            expected=graded.expected,
            feedback=graded.feedback,
            explanation=question.explanation,
            caveat=question.caveat,
            source=source_text(self.svc.pack(item.pack_id), question),
        )


@dataclass(frozen=True)
class NavEntry:
    """One question in an exam's navigation panel (Moodle's quiz navigation)."""

    index: int
    """0-based position; the learner sees ``index + 1``."""
    answered: bool
    flagged: bool
    confidence: int | None = None
    """The certainty given with the answer (CBM exams)."""

    @property
    def state(self) -> str:
        """``answered``, ``unanswered``, with ``, flagged`` when flagged."""
        return ("answered" if self.answered else "unanswered") + (", flagged" if self.flagged else "")

    @property
    def mark(self) -> str:
        """A short marker: ✔ answered, · unanswered, ⚑ flagged (over either)."""
        return "⚑" if self.flagged else ("✔" if self.answered else "·")


class ExamSession(AttemptSession):
    """A timed mock exam: answers saved as given (and changeable), no feedback until :meth:`finish`."""

    kind = "exam"

    def __init__(self, svc: StudyService, attempt_id: int, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(svc, attempt_id)
        self.clock = clock or svc.clock
        self.time_limit_s = float(self.row.time_limit_s or 0)
        self.started_at: datetime = self.row.started_at
        """When the attempt began: the clock is wall-clock time from here, as in Moodle."""
        stored = json.loads(self.row.items)
        self.flagged: set[int] = {pos for pos, entry in enumerate(stored) if entry.get("flagged")}
        """Positions flagged for review; kept with the attempt, so a resumed exam keeps them."""
        self.note: str | None = None
        """Said once when the exam starts: why it has fewer questions than asked (set by ``start_exam``)."""

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

    def item(self, position: int) -> QuizItem:
        """Question ``position`` (any, answered or not): where the navigation panel jumps to."""
        if not 0 <= position < len(self.items):
            raise ValueError(f"there is no question {position + 1}: the exam has {len(self.items)}")
        it = self.items[position]
        return QuizItem(position, len(self.items), it.pack_id, it.question, it.shown)

    def _open_for_change(self, position: int | None) -> int:
        if self.closed:
            raise ValueError("the exam has been submitted: answers can no longer change")
        if position is None:
            return self.open_position()
        self.item(position)  # checks the range
        return position

    def submit(
        self,
        response: Any = None,
        rating: int | None = None,
        confidence: int | None = None,
        position: int | None = None,
        at_time_up: bool = False,
    ) -> str:
        """Save the answer to :meth:`current` or to question ``position``; no feedback; the question id.

        Questions may be answered in any order, and answered again until the exam is submitted
        (as in Moodle): the last answer and its certainty are the ones graded. :class:`TimeUp` if
        late. ``at_time_up=True`` saves what the learner had entered when the time ran out (Moodle
        submits an open attempt as it stands) for the question on screen.
        """
        if self.time_up and not at_time_up:
            raise TimeUp("time is up: this answer was not counted")
        pos = self._open_for_change(position)
        item = self.items[pos]
        self._save(pos, item, self._grade(item, response, rating), confidence, elapsed=self.elapsed_seconds())
        return item.question.id

    def set_confidence(self, position: int, confidence: int) -> None:
        """Change only the certainty of an answer already given (CBM), keeping the answer."""
        if confidence not in (1, 2, 3):
            raise ValueError("certainty is 1 (low), 2 (medium) or 3 (high)")
        if position not in self.answers:
            raise ValueError(f"question {position + 1} has no answer yet")
        if self.time_up:
            raise TimeUp("time is up: the certainty was not changed")
        pos = self._open_for_change(position)
        item = self.items[pos]
        given = self.answers[pos][2]
        response, rating = (None, given) if is_self_rated(item.question) else (given, None)
        self._save(pos, item, self._grade(item, response, rating), confidence, elapsed=self.elapsed_seconds())

    def flag(self, position: int, on: bool | None = None) -> bool:
        """Flag question ``position`` for review (``on`` None toggles); whether it is flagged now."""
        self.item(position)  # checks the range
        now_on = (position not in self.flagged) if on is None else on
        self.flagged = (self.flagged | {position}) if now_on else (self.flagged - {position})
        stored = json.loads(self.row.items)
        for pos, entry in enumerate(stored):
            entry["flagged"] = pos in self.flagged
        with write_session(self.svc.engine) as session:
            session.execute(update(ATTEMPT).where(ATTEMPT.c.id == self.attempt_id).values(items=json.dumps(stored)))
        return now_on

    def overview(self) -> list[NavEntry]:
        """Every question's state, in order: the navigation panel."""
        return [
            NavEntry(pos, pos in self.answers, pos in self.flagged, self.answers.get(pos, (0.0, None, None))[1])
            for pos in range(len(self.items))
        ]

    def saved_answer(self, position: int) -> str | None:
        """The answer saved for question ``position``, as the learner would read it; ``None`` if none."""
        if position not in self.answers:
            return None
        question = self.items[position].question
        given = self.answers[position][2]
        if is_self_rated(question):
            return {1: "did not know it", 2: "hardly knew it", 3: "knew it", 4: "knew it easily"}.get(given, "")
        return describe_response(question, given) or "(nothing entered)"

    def result(self) -> ExamResult:
        """The score, with ``timed_out`` when the time ran out before every answer."""
        result = super().result()
        result.timed_out = self.time_up and result.answered < result.max_score
        return result
