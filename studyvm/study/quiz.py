"""A quiz or a mock exam as a shell runs it, over :mod:`studyvm.study.sessions`.

:class:`QuizRequest` is what ``studyvm quiz`` and the app's quiz screen ask for;
:func:`start_quiz_run` turns it into a :class:`QuizRun` that hands out
:class:`~studyvm.study.views.ShownCard` objects and :class:`~studyvm.study.views.Feedback`, and
ends with the session's :class:`~studyvm.study.views.ExamResult`. Methods may run in worker
threads: they take ``lock`` around every use of the service.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studyvm.packs.questions import TYPES, names, row
from studyvm.study.grading import NotGradable, is_self_rated
from studyvm.study.quizdefaults import read_defaults
from studyvm.study.sessions import ExamSession, NavEntry, QuizSession, TimeUp
from studyvm.study.verdict import explain
from studyvm.study.views import ExamResult, Feedback, ShownCard
from studyvm.wording import plural

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

NO_ANSWER: dict[str, Any] = {name: t.no_answer for name, t in TYPES.items() if not t.needs_pick}
"""What "nothing entered" is submitted as, per type (it scores 0); other types need a pick."""
NEEDS_PICK = names(needs_pick=True, self_rated=False)
"""Auto-graded types that cannot be submitted empty: the learner must pick something."""
SELECTION = ("topic", "tag", "qtype", "weak", "mistakes", "pass_mark", "resume")
"""Options of ``studyvm quiz`` passed through to the study service."""


@dataclass
class QuizRequest:
    """What to ask: ``studyvm quiz``'s options."""

    pack: str | None = None
    n: int | None = None
    """Questions (default: the [quiz] table, else :mod:`studyvm.study.quizdefaults`)."""
    exam: bool = False
    minutes: float | None = None
    """An exam's time limit (default :data:`~studyvm.study.quizdefaults.EXAM_MINUTES`)."""
    cbm: bool | None = None
    """Certainty-based marking (exams only)."""
    topic: str | None = None
    tag: str | None = None
    qtype: str | None = None
    weak: bool = False
    """Weakest questions first."""
    mistakes: bool = False
    """Only questions from the mistake bank."""
    pass_mark: float | None = None
    resume: bool = False
    """Reopen the latest unfinished exam instead, if there is one."""


class QuizRun:
    """A quiz or an exam in progress, over a :class:`QuizSession` / :class:`ExamSession`."""

    def __init__(
        self,
        session: QuizSession | ExamSession,
        exam: bool,
        cbm: bool,
        lock: AbstractContextManager[Any] | None = None,
    ) -> None:
        self.session = session
        """The service's session object."""
        self.exam = exam
        self.cbm = cbm
        """Ask for confidence with each answer (certainty-based marking)."""
        self.lock = lock if lock is not None else threading.RLock()
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
        self.deadline = session.time_limit_s if isinstance(session, ExamSession) and exam else None
        """Seconds allowed, or ``None`` for an untimed quiz."""
        self.first_index = len(session.answers)
        """Where to start: a resumed exam skips the questions already answered."""
        self.note = session.note if isinstance(session, ExamSession) else None
        """Why a new exam has fewer questions than asked (flip cards are left out), to say once."""

    def remaining(self) -> float | None:
        """Seconds left in an exam (``None`` for a quiz)."""
        session = self.session
        return session.remaining_seconds() if self.exam and isinstance(session, ExamSession) else None

    def answer(self, index: int, value: Any, confidence: int | None) -> Feedback | None:
        """Save the answer to question ``index``; the verdict for a quiz, ``None`` for an exam.

        ``value`` ``None`` means nothing entered (it scores 0); a flip card's ``value`` is its
        self-rating 1..4. In an exam an answer already given is replaced (the last one counts).
        """
        question = self.questions[index].question
        rating = None
        if is_self_rated(question):
            rating = value if value in (1, 2, 3, 4) else 1
            value = None
        elif value is None and not row(question).needs_pick:
            value = row(question).no_answer  # a pick type stays None: not answered (Show me before a pick)
        session = self.session
        with self.lock:
            if isinstance(session, ExamSession):
                if not session.closed and not session.time_up:
                    session.submit(value, rating=rating, confidence=confidence, position=index)
                return None
            if session.current() is None or index in session.answers:
                return None  # already answered
            outcome = session.submit(value, rating=rating, confidence=confidence, position=index)
        feedback = Feedback.of(outcome)
        feedback.lines = explain(question, value, self.questions[index].presentation)
        return feedback

    def exam_session(self) -> ExamSession | None:
        """The exam behind this run (``None`` for a practice quiz)."""
        return self.session if isinstance(self.session, ExamSession) else None

    def overview(self) -> list[NavEntry]:
        """Every question's state for the navigation panel (a quiz: answered or not, never flagged)."""
        exam = self.exam_session()
        if exam is not None:
            with self.lock:
                return exam.overview()
        answers = self.session.answers
        return [NavEntry(i, i in answers, False) for i in range(len(self.questions))]

    def flag(self, index: int) -> bool:
        """Toggle the review flag of exam question ``index``; whether it is flagged now."""
        exam = self.exam_session()
        if exam is None:
            return False
        with self.lock:
            return exam.flag(index)

    def flagged(self) -> list[int]:
        """Positions flagged for review, in order."""
        exam = self.exam_session()
        return sorted(exam.flagged) if exam is not None else []

    def saved_answer(self, index: int) -> str | None:
        """What is saved for exam question ``index``, in words (``None``: nothing yet, or a quiz)."""
        exam = self.exam_session()
        return exam.saved_answer(index) if exam is not None else None

    def set_confidence(self, index: int, confidence: int) -> bool:
        """Change only the certainty of an exam answer already given; False if it cannot change now."""
        exam = self.exam_session()
        if exam is None:
            return False
        with self.lock:
            try:
                exam.set_confidence(index, confidence)
            except (TimeUp, ValueError):
                return False
        return True

    def unanswered(self) -> list[int]:
        """Positions not answered yet, in order."""
        answers = self.session.answers
        return [i for i in range(len(self.questions)) if i not in answers]

    def progress_text(self, index: int) -> str:
        """``Exam: question 3 of 10 · ⚑ flagged · 2 flagged, 4 unanswered`` for question ``index``."""
        text = f"{'Exam' if self.exam else 'Quiz'}: question {index + 1} of {len(self.questions)}"
        if self.exam:
            flagged = self.flagged()
            text += " · ⚑ flagged" if index in flagged else ""
            text += f" · {len(flagged)} flagged, {len(self.unanswered())} unanswered"
        return text

    def nav_text(self, index: int) -> str:
        """One line in the manner of Moodle's quiz navigation: ``1✔ 2· [3⚑] 4·`` (current in brackets)."""
        cells = [f"{e.index + 1}{e.mark}" for e in self.overview()]
        return " ".join(f"[{cell}]" if i == index else cell for i, cell in enumerate(cells))

    def submit_question(self) -> str:
        """The summary asked before submitting: what is unanswered and what is flagged."""
        kind = "exam" if self.exam else "quiz"
        left = self.unanswered()
        if left:
            text = (
                f"Submit all and finish the {kind}? {plural(len(left), 'question')} unanswered: "
                f"{'it scores' if len(left) == 1 else 'they score'} nothing "
                f"({', '.join(str(i + 1) for i in left)})."
            )
        else:
            text = f"Every question is answered. Submit all and finish the {kind}? Answers can no longer change after."
        flagged = self.flagged()
        if flagged:
            text += f" Flagged for review: {', '.join(str(i + 1) for i in flagged)}."
        return text

    def save_at_time_up(self, index: int, value: Any, confidence: int | None) -> bool:
        """Keep what was entered in question ``index`` when the exam's time ran out; True if saved.

        Something entered over a saved answer (the learner was changing it) replaces it, as any
        change before the end would; nothing entered keeps the saved answer."""
        question = self.questions[index].question
        session = self.exam_session()
        if session is None or value is None or is_self_rated(question):
            return False
        with self.lock:
            try:
                session.submit(value, confidence=confidence, position=index, at_time_up=True)
            except NotGradable:
                return False
        return True

    def finish(self) -> ExamResult:
        """Close the attempt; its score, per-topic marks and a walk through each wrong answer."""
        with self.lock:
            return self.session.finish()


def start_quiz_run(
    service: StudyService, request: QuizRequest, lock: AbstractContextManager[Any] | None = None
) -> QuizRun:
    """Start what ``request`` asks for (``resume`` reopens an unfinished exam when there is one)."""
    lock = lock if lock is not None else threading.RLock()
    pick: dict[str, Any] = {
        "pack_id": request.pack,
        "topic": request.topic,
        "tag": request.tag,
        "qtype": request.qtype,
        "weak_first": bool(request.weak),
        "mistakes": bool(request.mistakes),
    }
    defaults = read_defaults(service.settings)  # [quiz], as the setup form and `studyvm quiz` use it
    exam, cbm = request.exam, (request.cbm if request.cbm is not None else defaults.cbm)
    with lock:
        unfinished = service.unfinished_exam() if request.resume else None
        session: QuizSession | ExamSession
        if unfinished is not None:
            session = service.resume_exam(unfinished)
            exam, cbm = True, session.cbm
        elif exam:
            session = service.start_exam(
                minutes=request.minutes if request.minutes is not None else defaults.exam_minutes,
                pass_mark=request.pass_mark if request.pass_mark is not None else defaults.pass_mark,
                cbm=bool(cbm),
                n=request.n or defaults.exam_questions,
                **pick,
            )
        else:
            session = service.start_quiz(request.n or defaults.questions, **pick)
    return QuizRun(session, exam, bool(cbm) and exam, lock)
