"""A mock exam in plain mode works as the app's does (issue 13): move between questions, change an
answer, flag, a summary and a confirmation before submitting, ``:quit`` leaves it open. Each test
drives plain mode with a scripted stdin and checks the attempt as stored."""

from __future__ import annotations

import io

from studyvm.study.plain import PlainIO
from studyvm.study.plain_exam import EXAM_COMMANDS, run_exam

from .helpers import FakeClock

TYPED = {"tf-1": ("2", "1"), "short-1": ("LIDT", "nope"), "num-1": ("4", "5")}
"""Question -> (right line, wrong line) as a learner types them (mcq-1: by its shuffled numbers)."""


def _lines(item) -> tuple[str, str]:
    """The (right, wrong) line for one drawn question."""
    if item.question.id == "mcq-1":  # option 0 is right, option 1 wrong; shown in a shuffled order
        return str(item.shown.order.index(0) + 1), str(item.shown.order.index(1) + 1)
    return TYPED[item.question.id]


def _exam(service, clock=None, cbm=False):
    """An exam of three questions of topic 'trap'; the (right, wrong) lines for each, in order."""
    exam = service.start_exam(minutes=10, n=3, topic="trap", cbm=cbm, clock=clock or FakeClock())
    lines = [_lines(item) for item in exam.items]
    return exam, [right for right, _ in lines], [wrong for _, wrong in lines]


def _play(exam, lines: list[str]) -> tuple[object, str]:
    out = io.StringIO()
    result = run_exam(exam, PlainIO(io.StringIO("".join(line + "\n" for line in lines)), out))
    return result, out.getvalue()


def _stored(service, exam):
    """The attempt as a fresh reader sees it: position -> response, and the flags."""
    again = service.resume_exam(exam.attempt_id)
    return {pos: given for pos, (_s, _c, given) in again.answers.items()}, again.flagged, again.closed


def test_skip_go_back_change_flag_then_summary_and_a_confirmed_submit(service) -> None:
    exam, right, wrong = _exam(service)
    ids = [item.question.id for item in exam.items]
    lines = [
        "",  # question 1 left unanswered: on to 2
        ":flag",  # flag question 2
        wrong[1],  # answer 2 wrongly: on to 3
        right[2],  # answer 3: on to 1, the only one left
        ":prev",  # question 1 has none before it: it stays
        ":goto 2",
        right[1],  # change 2's answer: on to 1
        ":summary",
        ":submit",
        "",  # Enter goes back: nothing submitted
        right[0],  # answer 1: all answered, so the summary and the question come
        "y",
    ]
    result, out = _play(exam, lines)
    assert "question 1 left unanswered" in out and "question 2 flagged for review" in out
    assert "this is the first question" in out  # :prev on question 1
    assert "recorded: " + ids[1] + " answered (changed)" in out
    assert "  question 2: answered, flagged" in out
    assert "1 question unanswered: it scores nothing (1). Flagged for review: 2." in out  # the first :submit
    assert "not submitted" in out
    assert "Every question is answered. Submit all and finish the exam?" in out
    assert result is not None and result.score == 3.0 and "PASSED" in out
    answers, flagged, closed = _stored(service, exam)
    assert closed and flagged == {1} and len(answers) == 3
    assert exam.answers[1][0] == 1.0  # the changed answer is the one graded


def test_quit_leaves_the_exam_open_and_resuming_carries_on(service) -> None:
    clock = FakeClock()
    exam, right, _wrong = _exam(service, clock)
    result, out = _play(exam, [right[0], ":flag", ":quit"])
    assert result is None and "exam left unfinished: 1 answer saved" in out and "score:" not in out
    answers, flagged, closed = _stored(service, exam)
    assert not closed and list(answers) == [0] and flagged == {1}
    clock.advance(minutes=4)  # the clock ran while away
    again = service.resume_exam(service.unfinished_exam(), clock=clock)
    result, out = _play(again, [":summary", ":goto 1", ":goto 9", ":submit", "y"])
    assert "question 2 of 3 · flagged — 6:00 left" in out  # resumes at the first unanswered
    assert "saved answer: " in out and "there is no question 9: the exam has questions 1 to 3" in out
    assert result.answered == 1 and result.score == 1.0 and service.unfinished_exam() is None


def test_cbm_certainty_changes_alone_and_help_lists_every_command(service) -> None:
    exam, right, _wrong = _exam(service, cbm=True)
    lines = [right[0], "1", ":prev", ":sure 7", ":goto x", ":sure 3", ":help", ":bogus", ":submit", "y"]
    result, out = _play(exam, lines)
    assert "type :sure 1 (low), :sure 2 (medium) or :sure 3 (high)" in out
    assert "type :goto and a question number, for example :goto 3" in out
    assert "certainty of question 1: high" in out
    assert all(out.count(command) >= 2 for command in EXAM_COMMANDS)  # :help, and again after :bogus
    assert "not understood: ':bogus'" in out
    assert exam.answers[0][1] == 3 and result.cbm_score == 3.0


def test_end_of_input_submits_what_was_answered_and_a_late_answer_is_not_counted(service) -> None:
    clock = FakeClock()
    exam, right, _wrong = _exam(service, clock)
    result, out = _play(exam, [right[0]])  # then the input ends
    assert result.answered == 1 and service.unfinished_exam() is None
    exam, right, _wrong = _exam(service, clock)
    lines = iter([right[0], "late"])

    class Late(io.StringIO):
        """The second answer arrives after the time limit."""

        def readline(self, *_args: object) -> str:
            line = next(lines, "")
            if line == "late":
                clock.advance(minutes=11)
                line = right[1]
            return line + "\n" if line else ""

    out_buffer = io.StringIO()
    result = run_exam(exam, PlainIO(Late(), out_buffer))
    assert "time is up: this answer was not counted" in out_buffer.getvalue()
    assert result.answered == 1 and result.timed_out


def test_a_flip_card_in_an_exam_started_before_they_were_left_out_is_still_answered(service, pack) -> None:
    from studyvm.study.presentation import Presentation
    from studyvm.study.sessions import ExamSession, create_attempt

    clock = FakeClock()
    flip = pack.question("flip-1")
    attempt = create_attempt(
        service, "exam", [(pack.id, flip, Presentation())], clock(), time_limit_s=600, pass_mark=50
    )
    exam = ExamSession(service, attempt, clock=clock)
    result, out = _play(exam, ["", "3", "y"])  # show the back, "knew it", submit
    assert "answer: Virtual Machine Control Structure" in out and "recorded: flip-1 answered" in out
    assert result.score == 1.0 and exam.answers[0][2] == 3
