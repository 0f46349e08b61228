"""Practice quizzes, mock exams (fake clock, partial credit, CBM, resume) and the mistake bank."""

from __future__ import annotations

from datetime import UTC

import pytest

from studyvm.study.service import StudyError, StudyService
from studyvm.study.sessions import TimeUp, cbm_mark

from .helpers import FakeClock, make_pack

RIGHT = {
    "mcq-1": 0,
    "multi-1": [0, 1],
    "tf-1": False,
    "short-1": "lidt",
    "num-1": 4,
    "cloze-1": "hypercalls",
    "match-1": {"Binary translation": "Full", "Hypercalls": "Para"},
    "order-1": [0, 1, 2, 3],
}
WRONG = {
    "mcq-1": 1,
    "multi-1": [0],
    "tf-1": True,
    "short-1": "lgdt",
    "num-1": 2,
    "cloze-1": "traps",
    "match-1": {},
    "order-1": [3, 2, 1, 0],
}


def _submit(session, item, answers, **kw):
    if item.question.type == "flip":
        return session.submit(rating=3 if answers is RIGHT else 1, **kw)
    return session.submit(answers[item.question_id], **kw)


def test_quiz_filters_and_instant_feedback(service) -> None:
    quiz = service.start_quiz(n=10, topic="trap")
    ids = set()
    while (item := quiz.current()) is not None:
        ids.add(item.question_id)
        out = _submit(quiz, item, RIGHT)
        assert out.correct and out.score == 1.0 and out.expected
    assert ids == {"mcq-1", "tf-1", "short-1", "num-1"}
    result = quiz.finish()
    assert (result.score, result.max_score, result.wrong) == (4.0, 4, [])
    assert [it.question.id for it in service.start_quiz(n=5, qtype="cloze").items] == ["cloze-1"]
    assert service.start_quiz(n=3).total == 3
    with pytest.raises(StudyError):
        service.start_quiz(tag="nothing-has-this")


def test_mistake_bank_asks_wrong_answers_again(service) -> None:
    quiz = service.start_quiz(n=9)
    while (item := quiz.current()) is not None:
        _submit(quiz, item, WRONG if item.question_id in ("mcq-1", "short-1") else RIGHT)
    quiz.finish()
    again = service.start_quiz(n=10, mistakes=True)
    assert {it.question.id for it in again.items} == {"mcq-1", "short-1"}
    while (item := again.current()) is not None:
        _submit(again, item, RIGHT if item.question_id == "mcq-1" else WRONG)
    assert [it.question.id for it in service.start_quiz(mistakes=True).items] == ["short-1"]


def test_weak_areas_first(service) -> None:
    quiz = service.start_quiz(n=9)
    while (item := quiz.current()) is not None:
        _submit(quiz, item, WRONG if item.question_id == "order-1" else RIGHT)
    for _ in range(3):
        card = service.next_card()
        service.answer(card, rating=4) if card.question.type == "flip" else service.answer(
            card, RIGHT[card.question_id]
        )
    weak = service.start_quiz(n=9, weak_first=True)
    assert weak.items[0].question.id == "order-1"  # most mistakes among the unseen
    assert {it.question.id for it in weak.items[-3:]} == {"flip-1", "mcq-1", "multi-1"}  # best recalled last


def test_exam_timing_with_a_fake_clock(service) -> None:
    clock = FakeClock()
    exam = service.start_exam(minutes=10, pass_mark=50, n=9, clock=clock)
    assert exam.remaining_seconds() == 600
    for _ in range(3):
        item = exam.current()
        assert _submit(exam, item, RIGHT) == item.question_id  # no feedback: just the id
        clock.advance(minutes=2)
    assert exam.remaining_seconds() == 240
    clock.advance(minutes=5)
    assert exam.time_up and exam.current() is None
    with pytest.raises(TimeUp):
        exam.submit(0)
    result = exam.finish()
    # 8 of the pack's 9: its flip card stays out of exams (newcomer M6)
    assert (result.answered, result.score, result.max_score, result.timed_out) == (3, 3.0, 8, True)
    assert not result.passed and len(result.wrong) == 5
    assert sum(t.max for t in result.by_topic.values()) == 8
    assert service.stats().exams[-1]["score"] == 3.0


def test_exam_partial_credit_pass_mark_and_wrong_answer_review(service) -> None:
    exam = service.start_exam(minutes=30, pass_mark=60, n=9, clock=FakeClock())
    while (item := exam.current()) is not None:
        partial = {"multi-1": [0], "cloze-1": "nope", "order-1": [1, 2, 3, 0]}
        if item.question_id in partial:
            exam.submit(partial[item.question_id])
        else:
            _submit(exam, item, RIGHT)
    result = exam.finish()
    assert result.score == pytest.approx(5 + 0.5 + 0 + 2 / 3)  # five right: the flip card is not drawn
    assert result.passed and result.percent == pytest.approx(100 * result.score / 8)
    wrong = {w.question_id: w for w in result.wrong}
    assert set(wrong) == {"multi-1", "cloze-1", "order-1"}
    assert wrong["cloze-1"].expected.endswith("hypercalls.") and wrong["multi-1"].given == [0]
    assert wrong["multi-1"].given_text == "VT-x"
    assert result.by_topic["hardware"].max == 2


def test_certainty_based_marking() -> None:
    assert [cbm_mark(1.0, c) for c in (1, 2, 3)] == [1, 2, 3]
    assert [cbm_mark(0.0, c) for c in (1, 2, 3)] == [0, -2, -6]
    assert cbm_mark(0.5, 3) == pytest.approx(-1.5) and cbm_mark(1.0, None) == 1


def test_exam_with_cbm(service) -> None:
    exam = service.start_exam(minutes=30, pass_mark=50, cbm=True, n=3, qtype="mcq", clock=FakeClock())
    exam.submit(0, confidence=3)
    result = exam.finish()
    assert result.cbm_score == 3 and result.cbm_average == 3


def test_crashed_exam_resumes_on_the_wall_clock_or_is_scored(settings, clock) -> None:
    packs = {"virt": make_pack()}
    exam_clock = FakeClock()
    with StudyService(settings, packs=packs, clock=clock, tz=UTC, seed=5) as svc:
        exam = svc.start_exam(minutes=10, n=9, clock=exam_clock)
        order = [it.question.id for it in exam.items]
        shown = [it.shown for it in exam.items]
        for _ in range(2):
            exam_clock.advance(minutes=1)
            _submit(exam, exam.current(), RIGHT)
        # the process dies here: no finish()
    exam_clock.advance(minutes=3)  # away for three minutes: the clock kept running (Moodle's rule)
    with StudyService(settings, packs=packs, clock=clock, tz=UTC) as svc:
        attempt = svc.unfinished_exam()
        assert attempt is not None
        resumed = svc.resume_exam(attempt, clock=exam_clock)
        assert [it.question.id for it in resumed.items] == order and [it.shown for it in resumed.items] == shown
        third = resumed.current()
        assert resumed.remaining_seconds() == 300 and third.index == 2
        exam_clock.advance(minutes=5)
        assert resumed.current() is None and resumed.time_up
        with pytest.raises(TimeUp):
            _submit(resumed, third, RIGHT)
        _submit(resumed, third, RIGHT, at_time_up=True)  # what was typed at time-up is kept
        assert resumed.answered == 3
        result = resumed.finish()
        assert result.answered == 3 and result.score == 3.0 and result.timed_out
        assert svc.unfinished_exam() is None
    settings.learner = "mallory"
    with StudyService(settings, packs=packs, clock=clock, tz=UTC) as svc, pytest.raises(StudyError):
        svc.resume_exam(attempt)
