"""The mock exam's Moodle parts in the app (issue 13 item 6, newcomer M6 and m8): change an answer,
jump with the navigation panel, change only the certainty, and the setup forms for ``e`` and ``z``."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select

from studyvm.tui.app import make_app
from studyvm.tui.screens.confirm import Confirm
from studyvm.tui.screens.exam import ExamScreen
from studyvm.tui.screens.exam_nav import NavPanel
from studyvm.tui.screens.quiz import QuizScreen
from studyvm.tui.screens.quiz_setup import QuizSetup

from .test_exam import leave_box
from .test_keys_and_ratings import attempt_answers
from .test_quiz import right_digit
from .test_review import settle


def wrong_digit(card) -> str:
    """A key of a wrong option of a true/false card."""
    return "2" if right_digit(card) == "1" else "1"


async def go_to(pilot, app, number: int) -> None:
    """g, the question's number, Enter."""
    await leave_box(pilot, app)
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(app.screen, NavPanel)
    await pilot.press(*str(number), "enter")
    await settle(pilot, app)


async def test_jump_change_an_answer_and_the_last_one_is_graded(settings, backend):
    app = make_app(settings, screen="exam", backend=backend, pack="tuitest", n=2, minutes=10, topic="theory")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        tf = [c.question.id for c in exam.run.questions].index("c.tf")
        await go_to(pilot, app, tf + 1)
        assert exam.index == tf and exam.question_card.question.id == "c.tf"  # the jump landed on it
        await pilot.press(wrong_digit(exam.question_card))
        await settle(pilot, app)
        assert exam.index != tf  # on to the other, unanswered question
        await go_to(pilot, app, tf + 1)
        hint = str(exam.query_one("#quiz-confidence").render())
        assert "Saved answer: False" in hint and "answer again to change it" in hint
        await pilot.press(right_digit(exam.question_card))  # changed before submitting
        await settle(pilot, app)
        assert [(q, r) for q, r, _c in attempt_answers(backend)] == [("c.tf", "true")]  # one row: the last answer
        await leave_box(pilot, app)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "1 question unanswered" in app.screen.question
        await pilot.press("y")
        await settle(pilot, app)
        assert exam.finished and exam.result.score == 1.0 and exam.result.answered == 1


async def test_the_panel_shows_states_and_escape_stays(settings, backend):
    app = make_app(settings, screen="exam", backend=backend, pack="tuitest", n=3, minutes=10, topic="theory")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        exam = app.screen
        await leave_box(pilot, app)
        await pilot.press("m")  # flag the first
        await settle(pilot, app)
        assert exam.flagged == {0} and "[1⚑]" in str(exam.query_one("#quiz-nav").render())
        await pilot.press("g")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, NavPanel) and [e.state for e in panel.entries][0] == "unanswered, flagged"
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is exam and exam.index == 0
        await pilot.press("p")  # already the first: stays
        await settle(pilot, app)
        assert exam.index == 0


async def test_y_changes_only_the_certainty_until_submit(settings, backend):
    app = make_app(
        settings, screen="exam", backend=backend, pack="tuitest", n=1, minutes=5, cbm=True, qtype="true_false"
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        exam = app.screen
        await pilot.press(right_digit(exam.question_card), "1")  # the answer, then certainty low
        await settle(pilot, app)
        assert isinstance(app.screen, Confirm)  # every question answered: the summary
        await pilot.press("n")  # go back
        await settle(pilot, app)
        assert "certainty low" in str(exam.query_one("#quiz-confidence").render())
        await pilot.press("y", "3")
        await settle(pilot, app)
        assert attempt_answers(backend) == [("c.tf", "true", 3)]
        await pilot.press("f", "y")
        await settle(pilot, app)
        assert exam.finished and exam.result.cbm_score == 3


async def exam_form(pilot, app) -> QuizSetup:
    """``e`` on the dashboard: the exam's settings form."""
    await settle(pilot, app)
    await pilot.press("e")
    await settle(pilot, app)
    assert isinstance(app.screen, QuizSetup)
    return app.screen


async def test_exam_settings_form_reaches_the_started_exam(settings, backend):
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(100, 34)) as pilot:
        form = await exam_form(pilot, app)
        assert isinstance(form, QuizSetup) and form.query_one("#setup-questions", Input).value == "20"
        form.query_one("#setup-questions", Input).value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form  # a bad value: a message, nothing starts
        assert "from 1 to 500" in str(form.query_one("#setup-error").render())
        form.query_one("#setup-questions", Input).value = "2"
        form.query_one("#setup-minutes", Input).value = "7"
        form.query_one("#setup-pass-mark", Input).value = "55"
        form.query_one("#setup-topic", Select).value = "theory"
        form.query_one("#setup-cbm", Checkbox).value = True
        form.query_one("#setup-questions", Input).focus()
        await pilot.press("enter")
        await settle(pilot, app)
        exam = app.screen
        assert isinstance(exam, ExamScreen) and exam.run is not None
        row = exam.run.session.row
        assert (exam.run.deadline, row.pass_mark, bool(row.cbm), exam.run.cbm) == (420, 55, True, True)
        assert {c.question.topic for c in exam.run.questions} == {"theory"} and len(exam.run.questions) == 2


async def test_practice_quiz_form_on_z(settings, backend):
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot, app)
        await pilot.press("z")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, QuizSetup) and not form.query("#setup-minutes")  # no clock for practice
        form.query_one("#setup-topic", Select).value = "theory"
        await pilot.press("enter")
        await settle(pilot, app)
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and not quiz.exam
        assert {c.question.topic for c in quiz.run.questions} == {"theory"}
        await pilot.press("escape")  # nothing answered yet: leaving asks first
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        await pilot.press("z")
        await settle(pilot, app)
        await pilot.press("escape")  # the form cancelled: nothing starts
        await settle(pilot, app)
        assert not isinstance(app.screen, QuizScreen | QuizSetup)


async def test_an_exam_card_promises_no_answer_and_no_show_me(settings, backend):
    # newcomer M6: the exam's hint read "Space shows the answer." and the header "d: Show me"
    app = make_app(settings, screen="exam", backend=backend, pack="tuitest", n=1, minutes=5, qtype="mcq")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        card = app.screen.question_card
        assert card.question.demo  # this question has a demo: a quiz would offer Show me
        hint, meta = str(card.query_one("#card-hint").render()), str(card.query_one("#card-meta").render())
        assert "Space shows the answer" not in hint and "change until you submit" in hint
        assert "Show me" not in meta


async def test_the_exam_form_refuses_a_topic_of_flip_cards_only(settings, backend):
    # newcomer M6: an exam leaves flip cards out; a topic with nothing else says so on the form
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(100, 34)) as pilot:
        form = await exam_form(pilot, app)
        form.query_one("#setup-topic", Select).value = "safety"  # the fixture's one flip card
        form.query_one("#setup-questions", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and app.focused is form.query_one("#setup-topic", Select)
        assert "No auto-graded question in pack 'tuitest' and topic 'safety'" in str(
            form.query_one("#setup-error").render()
        )
        form.query_one("#setup-topic", Select).value = "theory"  # three auto-graded questions
        form.query_one("#setup-questions", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and form.query_one("#setup-questions", Input).value == "3"
        await pilot.press("enter")  # the exam of 3 the form offered
        await settle(pilot, app)
        assert isinstance(app.screen, ExamScreen) and len(app.screen.run.questions) == 3
