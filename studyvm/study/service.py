"""The study service: the one facade the CLI, the plain mode and the terminal app call.

Headless (never imports textual); plain data in and out (see :mod:`studyvm.study.views`).
Every method that records something has committed it before it returns, so a crash at any
instant loses nothing the learner saw confirmed. A walk through the API, with the review,
quiz and exam loops, is in ``docs/study-api.md``; shells drive reviews through
:class:`studyvm.study.review.ReviewSession` and quizzes through :mod:`studyvm.study.quiz`.
Requests that cannot be honoured raise :class:`StudyError` with a message for people; a
service may be used from one thread at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from studyvm.store import repo as store_repo
from studyvm.store.engine import write_session
from studyvm.store.models import STATE_NEW, STATE_REVIEW
from studyvm.study import card_writes
from studyvm.study import cards as repo
from studyvm.study.card_actions import CardActions
from studyvm.study.grading import expected_answer, grade, is_self_rated, suggested_rating
from studyvm.study.limits import Allowance
from studyvm.study.presentation import present
from studyvm.study.scheduling import Scheduled, day_of, schedule
from studyvm.study.servicebase import StudyError
from studyvm.study.views import STATE_NAMES, AnswerOutcome, CardView, DueCount, Feedback, source_text

if TYPE_CHECKING:
    from studyvm.study.report import Report
    from studyvm.study.sessions import ExamSession, QuizSession
    from studyvm.study.stats import Stats

__all__ = ["RETENTION_WEEKS", "StudyError", "StudyService"]

RETENTION_WEEKS = 12
"""Weeks of retention shown per week on the statistics screen."""


class StudyService(CardActions):
    """Reviews, quizzes, exams and statistics for one learner, on one database."""

    # -- reviews -------------------------------------------------------------------------------
    def next_card(self, pack_id: str | None = None) -> CardView | None:
        """The next card to review (due first, then new within the daily limit), or ``None``."""
        if pack_id is not None:
            self.pack(pack_id)
        now = self.clock()
        fast = self._review_path()
        version = None if fast is None else fast.poll()  # one read of it serves the limits and the queue
        allowed = self._limits(now, version)
        if fast is not None:
            found = fast.next(now, pack_id, allowed, version)
            if found is None:
                return None
            (pid, card_id, qid, state), counts = found
            return self._shown(pid, card_id, qid, state, counts, now)
        with self.read() as session:
            row = repo.next_card(
                self.learner_id,
                now,
                session=session,
                pack_id=pack_id,
                allow_new=allowed.new_left(pack_id) > 0,
                allow_reviews=allowed.reviews_left(pack_id) > 0,
                exclude_packs=self._missing,
                no_new=allowed.blocked("new"),
                no_reviews=allowed.blocked("reviews"),
            )
            if row is None:
                return None
            return self._view(session, row, now, pack_id, allowed)

    def _view(
        self, session: Session, row: repo.CardRow, now: datetime, pack_id: str | None, allowed: Allowance
    ) -> CardView:
        # Learning steps go on past the review limit, so allow a little over it.
        counts = repo.capped_counts(
            self.learner_id,
            now,
            allowed.reviews_left(pack_id) + 100,
            allowed.new_left(pack_id),
            session=session,
            pack_id=pack_id,
            exclude_packs=self._missing,
        )
        return self._shown(row.pack_id, row.id, row.question_id, row.fields.state, counts, now)

    def _shown(
        self, pack_id: str, card_id: int, qid: str, state: int, counts: tuple[int, int], now: datetime
    ) -> CardView:
        question = self.pack(pack_id).question(qid)
        return CardView(
            pack_id=pack_id,
            question=question,
            presentation=present(question, self.rng),
            state=STATE_NAMES.get(state, "review"),
            due=counts[0],
            new=counts[1],
            shown_at=now,
            card_id=card_id,
        )

    def card(self, pack_id: str, question_id: str) -> CardView:
        """A view of one given card, due or not (e.g. to show again the card an undo put back)."""
        if self.pack(pack_id).question(question_id) is None:
            raise StudyError(f"no question '{question_id}' in pack '{pack_id}'")
        now = self.clock()
        allowed = self._limits(now)
        with self.read() as session:
            row = repo.get_card(self.learner_id, pack_id, question_id, session=session)
            if row is None:
                raise StudyError(f"no card for {pack_id}/{question_id}")
            return self._view(session, row, now, pack_id, allowed)

    def due_counts(self) -> dict[str, DueCount]:
        """Every loaded pack -> cards due now and new cards available today (within its limits)."""
        now = self.clock()
        allowed = self._limits(now)
        fast = self._review_path()
        if fast is not None:  # index-only counts, and the new ones kept between calls
            counts = fast.counts_by_pack(now, list(self.packs))
        else:
            with self.read() as session:
                counts = repo.due_counts(self.learner_id, now, session=session)
        return {
            pid: DueCount(pid, counts.get(pid, (0, 0))[0], min(allowed.new_left(pid), counts.get(pid, (0, 0))[1]))
            for pid in self.packs
        }

    def answer(
        self, card: CardView, response: Any = None, rating: int | None = None, duration_ms: int | None = None
    ) -> AnswerOutcome:
        """Grade and record an answer, committed before returning.

        A flip card needs ``rating`` (1 Again … 4 Easy). Other types take a ``response`` (see
        :mod:`studyvm.study.grading`). The learner's ``rating`` is final, as in Anki: a lucky
        guess may be rated Again and a near miss Good. Without one, the suggested rating is
        recorded (:func:`~studyvm.study.grading.suggested_rating`: right -> Good, partly right
        -> Hard, wrong -> Again); a ``rating`` alone (no response) is the learner's own verdict.
        """
        question = card.question
        score: float | None = None
        correct: bool | None = None
        feedback = ""
        expected = expected_answer(question)
        if response is not None and not is_self_rated(question):
            result = grade(question, response)
            score, correct, feedback, expected = result.score, result.correct, result.feedback, result.expected
            if rating is None:
                rating = suggested_rating(result.score)
        if rating not in (1, 2, 3, 4):
            raise StudyError("a rating must be 1 (again), 2 (hard), 3 (good) or 4 (easy)")
        now = self.clock()
        day = day_of(now, self.tz)
        right = (rating >= 2) if correct is None else correct  # a self-rated card is wrong when rated Again
        fast = self._review_path()
        if fast is not None:
            log = {
                "rating": rating,
                "now": now,
                "day": day,
                "score": score,
                "response": response,
                "duration_ms": duration_ms,
            }
            mistake = None if right else ("review", None if response is None else json.dumps(response, default=str))

            def decide(row: repo.CardRow) -> Scheduled:
                return schedule(self.scheduler, row.fields, rating, now, card_id=row.id)

            recorded = fast.answer(card.pack_id, question.id, decide, log, mistake)
            if recorded is None:
                raise StudyError(f"no card for {card.pack_id}/{question.id}")
            row, done, log_id = recorded
        else:
            with write_session(self.engine) as session:
                found = repo.get_card(self.learner_id, card.pack_id, question.id, session=session)
                if found is None:
                    raise StudyError(f"no card for {card.pack_id}/{question.id}")
                row = found
                done = schedule(self.scheduler, row.fields, rating, now, card_id=row.id)
                log_id = card_writes.record_review(
                    self.learner_id,
                    row,
                    done.fields,
                    rating,
                    now,
                    day,
                    session=session,
                    leech=done.became_leech,
                    score=score,
                    response=response,
                    duration_ms=duration_ms,
                )
                if right:
                    self.clear_mistakes(session, card.pack_id, question.id)
                else:
                    self.record_mistake(session, card.pack_id, question.id, response, "review", now)
        self._changed((card.pack_id, question.id), queue=False)  # before the siblings' own commit
        for sibling in self._bury_siblings(card.pack_id, question):
            self._undo.append(("sibling", 0, (card.pack_id, sibling)))  # undone with the answer
        self._undo.append(("answer", log_id, (card.pack_id, question.id)))
        if self._today is not None and self._today[0] == day:  # counted in the database too
            before = row.fields.state
            self._today[1].count(card.pack_id, before == STATE_NEW, before == STATE_REVIEW)
        return AnswerOutcome(
            pack_id=card.pack_id,
            question_id=question.id,
            rating=rating,
            score=score,
            correct=correct,
            expected=expected,
            feedback=feedback,
            explanation=question.explanation,
            caveat=question.caveat,
            source=source_text(self.pack(card.pack_id), question),
            next_due=done.fields.due,
            leech=done.became_leech,
        )

    def next_dues(self, card: CardView) -> dict[int, datetime]:
        """Rating (1..4) -> when the card would next be due with that rating (nothing is written).

        The rating keys show these as intervals, as Anki's buttons do.
        """
        now = self.clock()
        with self.read() as session:
            row = repo.get_card(self.learner_id, card.pack_id, card.question.id, session=session)
        if row is None:
            return {}
        dues = {r: schedule(self.scheduler, row.fields, r, now, card_id=row.id).fields.due for r in (1, 2, 3, 4)}
        return {r: due for r, due in dues.items() if due is not None}

    def preview(self, card: CardView, response: Any) -> Feedback:
        """The verdict on ``response`` without recording anything (``None``: nothing entered)."""
        from studyvm.study.review import preview

        question = card.question
        return preview(question, response, source_text(self.pack(card.pack_id), question), card.presentation)

    # -- quizzes and exams ---------------------------------------------------------------------
    def _pick(self, n: int, **filters: Any) -> list[tuple[str, Any, Any]]:
        """``filters`` as :func:`studyvm.study.selection.choose` takes them (``graded_only`` for an exam)."""
        from studyvm.study.selection import choose, no_match

        picked = choose(self, self.rng, n=n, **filters)
        if not picked:
            empty_bank = " (the mistake bank is empty)" if filters.get("mistakes") else ""
            raise StudyError(no_match(self, **filters) + empty_bank)
        return [(p, q, present(q, self.rng)) for p, q in picked]

    def start_quiz(
        self,
        n: int = 10,
        *,
        pack_id: str | None = None,
        topic: str | None = None,
        tag: str | None = None,
        qtype: str | None = None,
        weak_first: bool = False,
        mistakes: bool = False,
    ) -> QuizSession:
        """A practice quiz of up to ``n`` questions (shuffled options, instant feedback)."""
        from studyvm.study.sessions import QuizSession, create_attempt

        items = self._pick(
            n, pack_id=pack_id, topic=topic, tag=tag, qtype=qtype, weak_first=weak_first, mistakes=mistakes
        )
        return QuizSession(self, create_attempt(self, "quiz", items, self.clock()))

    def start_exam(
        self,
        minutes: float = 30,
        pass_mark: float = 70,
        cbm: bool = False,
        *,
        n: int = 20,
        clock: Callable[[], datetime] | None = None,
        pack_id: str | None = None,
        topic: str | None = None,
        tag: str | None = None,
        qtype: str | None = None,
        weak_first: bool = False,
        mistakes: bool = False,
    ) -> ExamSession:
        """A timed mock exam (``pass_mark`` in percent; ``clock`` for tests) of auto-graded questions
        only: flip cards stay in reviews and quizzes (see :mod:`studyvm.study.selection`)."""
        from studyvm.study.selection import shortfall
        from studyvm.study.sessions import ExamSession, create_attempt

        filters = {"pack_id": pack_id, "topic": topic, "tag": tag, "qtype": qtype}
        items = self._pick(n, weak_first=weak_first, mistakes=mistakes, graded_only=True, **filters)
        now = (clock or self.clock)()
        attempt = create_attempt(
            self, "exam", items, now, time_limit_s=round(minutes * 60), pass_mark=pass_mark, cbm=cbm
        )
        exam = ExamSession(self, attempt, clock=clock)
        exam.note = None if mistakes else shortfall(self, n, len(items), **filters)
        return exam

    def unfinished_exam(self) -> int | None:
        """The id of the latest exam never finished (left, closed or cut short by a crash), or ``None``."""
        with self.read() as session:
            return store_repo.unfinished_exam(self.learner_id, session=session)

    def resume_exam(self, attempt_id: int, clock: Callable[[], datetime] | None = None) -> ExamSession:
        """Reopen an unfinished exam: the same attempt, its clock still running from when it began."""
        from studyvm.study.sessions import ExamSession

        exam = ExamSession(self, attempt_id, clock=clock)
        if exam.row.learner_id != self.learner_id or exam.row.kind != "exam":
            raise StudyError(f"exam {attempt_id} is not one of {self.settings.learner}'s")
        return exam

    # -- progress ------------------------------------------------------------------------------
    def stats(self) -> Stats:
        """Progress figures (:class:`studyvm.study.stats.Stats`)."""
        conn = self.plain_sqlite()
        if conn is not None:
            from studyvm.study import statslite

            return statslite.compute_stats(self, conn)
        from studyvm.study.stats import compute_stats

        with self.read() as session:
            return compute_stats(self, session)

    def today(self) -> tuple[int, int]:
        """(streak in days, reviews today): what the dashboard shows of the learner's history."""
        today = day_of(self.clock(), self.tz)
        fast = self._review_path()
        if fast is not None:
            return fast.today(today)
        from studyvm.study.glance import streak
        from studyvm.study.stats import days_reviewed

        with self.read() as session:
            days = days_reviewed(session, self.learner_id)
        return streak(set(days), today), days.get(today, 0)

    def report(self, pack_id: str | None = None) -> Report:
        """The instructor's class report over every learner (:class:`studyvm.study.report.Report`)."""
        from studyvm.study.report import compute_report

        with self.read() as session:
            return compute_report(self, session, pack_id=pack_id)

    def retention_by_week(self, weeks: int = RETENTION_WEEKS) -> list[float]:
        """Share of review-state answers not rated Again, per week of the last ``weeks``, oldest first."""
        today = day_of(self.clock(), self.tz)
        with self.read() as session:
            return store_repo.retention_by_week(self.learner_id, today, weeks, session=session)
