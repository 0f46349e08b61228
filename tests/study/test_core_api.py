"""The application API the shells share: preview, undo of suspend and bury, unbury, review and quiz runs."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from studyvm.packs.questions import row
from studyvm.store.models import QUEUE_BURIED, QUEUE_NEW, CardState
from studyvm.study.overview import stats_view, suggest
from studyvm.study.quiz import QuizRequest, start_quiz_run
from studyvm.study.review import ReviewSession
from studyvm.study.service import StudyService

CARD = CardState.__table__


def _queue(svc, qid: str) -> int:
    with svc.read() as s:
        return s.execute(select(CARD.c.queue).where(CARD.c.question_id == qid)).scalar_one()


def test_preview_grades_without_recording(service) -> None:
    card = service.next_card()
    while card.question.type != "mcq":
        service.bury(card)
        card = service.next_card()
    verdict = service.preview(card, 0)
    assert verdict.correct is True and verdict.score == 1.0 and verdict.expected
    assert service.preview(card, None).notes == ["(not answered)"]
    assert service.preview(card, "not a number").correct is False
    with service.read() as s:
        assert s.execute(select(CARD.c.reps).where(CARD.c.question_id == "mcq-1")).scalar_one() == 0


def test_undo_takes_back_a_suspension_and_a_burial(service) -> None:
    first = service.next_card()
    service.suspend(first)
    second = service.next_card()
    service.bury(second)
    assert _queue(service, second.question_id) == QUEUE_BURIED
    undone = service.undo_action()
    assert (undone.kind, undone.question_id) == ("bury", second.question_id)
    assert _queue(service, second.question_id) == QUEUE_NEW
    assert service.undo() == ("virt", first.question_id)  # the suspension, newest second
    assert _queue(service, first.question_id) == QUEUE_NEW
    assert service.undo() is None


def test_unbury_one_card(service) -> None:
    card = service.next_card()
    assert service.bury(card)
    assert service.next_card().question_id != card.question_id
    assert service.unbury(card) and not service.unbury(card)
    assert service.next_card().question_id == card.question_id


def test_review_session_counts_limits_and_undoes(service) -> None:
    run = ReviewSession(service, limit=2)
    shown = run.first()
    assert shown is not None and "0/2 this session" in shown.status
    run.grade(shown, None)
    nxt = run.rate_and_next(shown, 3)
    assert run.done == 1 and nxt is not None and nxt.question.id != shown.question.id
    buried_next = run.bury_and_next(nxt)
    back = run.undo()  # the burial: the very card shown before
    assert back is nxt and run.done == 1
    again = run.undo()  # the rating
    assert again.question.id == shown.question.id and run.done == 0
    assert buried_next is not None


def test_retention_by_week_counts_review_state_answers(settings, pack, clock) -> None:
    flip = pack.model_copy(update={"questions": [q for q in pack.questions if q.type == "flip"]})
    with StudyService(settings, packs={"virt": flip}, clock=clock, tz=UTC, fuzz=False) as svc:
        assert svc.retention_by_week() == []
        for rating in (3, 3, 3, 1, 3):  # learning steps first, then review-state answers
            card = svc.card("virt", "flip-1")
            svc.answer(card, rating=rating)
            clock.advance(days=3)
        weekly = svc.retention_by_week()
        assert weekly and all(0.0 <= r <= 1.0 for r in weekly)
        assert stats_view(svc).retention_by_week == weekly


def test_quiz_run_gives_feedback_and_the_core_result(service) -> None:
    run = start_quiz_run(service, QuizRequest(n=2, qtype="mcq"))
    assert [c.question.id for c in run.questions] == ["mcq-1"] and run.deadline is None
    feedback = run.answer(0, 0, None)  # option 0 in pack order is the right one
    assert feedback is not None and feedback.correct
    result = run.finish()
    assert result.percent == 100 and result.wrong == []


def test_exam_run_saves_silently_and_names_the_given_answer(service) -> None:
    run = start_quiz_run(service, QuizRequest(exam=True, n=1, qtype="true_false", minutes=5, cbm=True))
    assert run.exam and run.cbm and run.deadline == 300
    assert run.answer(0, True, 3) is None  # wrong, sure: no feedback in an exam
    result = run.finish()
    assert result.wrong[0].given_text == "True" and result.cbm_average == -6.0


def test_suggestion_follows_the_counts() -> None:
    assert suggest(3, 5)[1] == "review" and "3 due" in suggest(3, 5)[0]
    assert suggest(0, 5)[1] == "review" and suggest(0, 0)[1] == "quiz"
    assert suggest(9, 9, known=False) == ("start a practice quiz (z)", "quiz")


def test_resume_reopens_the_unfinished_exam_where_it_stopped(service) -> None:
    first = start_quiz_run(service, QuizRequest(exam=True, n=3, minutes=10, cbm=True))
    q = first.questions[0].question
    assert first.answer(0, 3 if q.type == "flip" else row(q).probe(q), 1) is None  # an exam says nothing yet
    again = start_quiz_run(service, QuizRequest(resume=True))  # no exam asked for: the open one comes back
    assert again.exam and again.cbm and again.first_index == 1
    assert again.session.attempt_id == first.session.attempt_id
    assert [c.question.id for c in again.questions] == [c.question.id for c in first.questions]
    again.finish()
    fresh = start_quiz_run(service, QuizRequest(resume=True, n=2))  # nothing left to resume: a quiz
    assert not fresh.exam and fresh.session.attempt_id != first.session.attempt_id
