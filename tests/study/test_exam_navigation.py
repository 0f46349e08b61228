"""A mock exam as a Moodle quiz attempt (issue 13 item 6): change answers, flag, jump, settings."""

from __future__ import annotations

from datetime import UTC

import pytest

from studyvm.study import mistakes
from studyvm.study.quiz import QuizRequest, start_quiz_run
from studyvm.study.quiz_setup import SetupError, parse_setup, setup_choices
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


def _mcq_exam(service, **kw):
    return service.start_exam(minutes=30, pass_mark=50, n=1, qtype="mcq", clock=FakeClock(), **kw)


def test_a_changed_answer_is_the_one_graded_and_the_first_mistake_is_withdrawn(service) -> None:
    exam = _mcq_exam(service)
    exam.submit(1, position=0)  # wrong
    with service.read() as session:
        assert [m[1] for m in mistakes.open_mistakes(service.learner_id, session=session)] == ["mcq-1"]
    exam.submit(0, position=0)  # changed to the right option before submitting
    assert exam.answered == 1 and exam.answers[0][0] == 1.0
    result = exam.finish()
    assert (result.score, result.answered, result.passed, result.wrong) == (1.0, 1, True, [])
    with service.read() as session:
        assert mistakes.open_mistakes(service.learner_id, session=session) == []
    assert service.stats().exams[-1]["score"] == 1.0


def test_right_then_wrong_records_the_wrong_one(service) -> None:
    exam = _mcq_exam(service)
    exam.submit(0, position=0)
    exam.submit(1, position=0)
    result = exam.finish()
    assert result.score == 0.0 and [w.question_id for w in result.wrong] == ["mcq-1"]
    assert result.wrong[0].given == 1


def test_certainty_can_be_changed_alone_until_submit(service) -> None:
    exam = _mcq_exam(service, cbm=True)
    exam.submit(0, confidence=1, position=0)
    exam.set_confidence(0, 3)
    assert exam.answers[0][:2] == (1.0, 3)
    with pytest.raises(ValueError, match="certainty"):
        exam.set_confidence(0, 7)
    result = exam.finish()
    assert result.cbm_score == 3
    with pytest.raises(ValueError, match="submitted"):
        exam.submit(1, position=0)
    with pytest.raises(ValueError, match="submitted"):
        exam.set_confidence(0, 1)


def test_a_practice_quiz_answer_stays_final(service) -> None:
    quiz = service.start_quiz(n=1, qtype="mcq")
    quiz.submit(1, position=0)
    with pytest.raises(ValueError, match="already answered"):
        quiz.submit(0, position=0)


def test_flags_and_overview_survive_a_resume(settings, clock) -> None:
    packs = {"virt": make_pack()}
    exam_clock = FakeClock()
    with StudyService(settings, packs=packs, clock=clock, tz=UTC, seed=5) as svc:
        exam = svc.start_exam(minutes=10, n=4, clock=exam_clock)
        exam.submit(None, rating=3, position=1)  # "nothing entered" (a flip card: knew it)
        assert exam.flag(2) is True and exam.flag(3) is True and exam.flag(3) is False
        assert [e.mark for e in exam.overview()] == ["·", "✔", "⚑", "·"]
        with pytest.raises(ValueError, match="no question 9"):
            exam.item(8)
    with StudyService(settings, packs=packs, clock=clock, tz=UTC) as svc:
        attempt = svc.unfinished_exam()
        assert attempt is not None
        resumed = svc.resume_exam(attempt, clock=exam_clock)
        assert resumed.flagged == {2}
        assert [e.state for e in resumed.overview()] == [
            "unanswered",
            "answered",
            "unanswered, flagged",
            "unanswered",
        ]
        assert resumed.item(3).index == 3 and resumed.saved_answer(0) is None
        assert resumed.saved_answer(1)


def test_quiz_run_jumps_changes_and_flags(service) -> None:
    run = start_quiz_run(service, QuizRequest(exam=True, n=3, qtype="mcq", cbm=True))
    assert run.exam and run.cbm and len(run.questions) == 1  # one mcq in the pack
    run.answer(0, 1, 2)
    run.answer(0, 0, 2)  # changed
    assert run.set_confidence(0, 3)
    assert run.flag(0) and run.flagged() == [0]
    assert run.overview()[0].answered and run.overview()[0].confidence == 3
    assert run.saved_answer(0)
    result = run.finish()
    assert result.score == 1.0 and result.cbm_score == 3
    assert not run.set_confidence(0, 1)


def test_a_wrong_answer_changed_to_another_wrong_one_is_one_mistake(service) -> None:
    exam = _mcq_exam(service)
    exam.submit(1, position=0)
    exam.submit(2, position=0)
    with service.read() as session:
        assert mistakes.mistake_counts(service.learner_id, session=session) == {("virt", "mcq-1"): 1}


def test_a_pass_mark_of_zero_is_kept(service) -> None:
    # `0 or 70` made a chosen pass mark of 0 into 70
    run = start_quiz_run(service, QuizRequest(exam=True, n=1, pass_mark=0))
    assert run.session.row.pass_mark == 0 and run.finish().passed


def test_setup_values_are_checked_with_a_message_naming_the_field() -> None:
    request = parse_setup(True, questions=" 12 ", minutes="7,5", pass_mark="55", pack="virt", topic="", cbm=True)
    assert (request.n, request.minutes, request.pass_mark, request.cbm, request.pack, request.topic) == (
        12,
        7.5,
        55,
        True,
        "virt",
        None,
    )
    practice = parse_setup(False, questions="5", minutes="nonsense")  # a quiz has no clock: not read
    assert (practice.exam, practice.n, practice.minutes) == (False, 5, None)
    for fields, name, words in [
        ({"questions": "abc"}, "questions", "'abc' is not a number"),
        ({"questions": "2.5"}, "questions", "whole number"),
        ({"questions": "0"}, "questions", "from 1 to 500"),
        ({"minutes": "0"}, "minutes", "above 0"),
        ({"minutes": "inf"}, "minutes", "not a number"),
        ({"pass_mark": "101"}, "pass_mark", "from 0 to 100"),
    ]:
        values = {"questions": "3", "minutes": "10", "pass_mark": "70", **fields}
        with pytest.raises(SetupError, match=words) as caught:
            parse_setup(True, **values)
        assert caught.value.field == name


def test_setup_defaults_come_from_the_settings_file(service, settings) -> None:
    assert (setup_choices(service, True).questions, setup_choices(service, False).questions) == (20, 10)
    settings.settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings.settings_file.write_text(
        "[quiz]\nquestions = 4\nexam_questions = 6\nexam_minutes = 12.5\npass_mark = 60\ncbm = true\n"
        "[study]\nnew_per_day = 20\n",
        encoding="utf-8",
    )
    exam = setup_choices(service, True)
    assert (exam.questions, exam.minutes, exam.pass_mark, exam.cbm) == (6, 12.5, 60, True)
    assert setup_choices(service, False).questions == 4
    assert exam.packs == [("virt", "Test pack")] and "trap" in exam.topics
    settings.settings_file.write_text('[quiz]\nexam_questions = "many"\npass_mark = 900\n', encoding="utf-8")
    bad = setup_choices(service, True)
    assert (bad.questions, bad.pass_mark) == (20, 70)  # wrong values: the defaults (config check reports them)


def test_at_time_up_a_change_being_typed_replaces_the_saved_answer(service) -> None:
    clock = FakeClock()
    run = start_quiz_run(service, QuizRequest(exam=True, n=1, qtype="short", minutes=1))
    run.session.clock = clock  # the exam's own clock, moved by the test
    run.answer(0, "lgdt", None)  # wrong
    clock.advance(minutes=2)
    assert run.remaining() == 0
    assert not run.save_at_time_up(0, None, None)  # nothing typed: the saved answer stays
    assert run.session.answers[0][0] == 0.0
    assert run.save_at_time_up(0, "lidt", None)  # the change on screen when time ran out
    assert run.finish().score == 1.0
