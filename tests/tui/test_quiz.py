"""Quiz and mock exam: answering, CBM confidence, the countdown ending the exam, the end screen."""

from __future__ import annotations

from datetime import timedelta

from studyvm.tui.app import make_app
from studyvm.tui.screens.quiz import QuizScreen, clock_text
from studyvm.tui.screens.results import ResultView
from studyvm.tui.widgets.card import QuestionCard

from .conftest import FIXED_NOW
from .helpers import settle
from .test_exam import leave_box


def right_digit(card: QuestionCard) -> str:
    """The key of the right option of an mcq or true/false card as shown."""
    q = card.question
    right = (
        0
        if q.type == "true_false" and q.answer
        else 1
        if q.type == "true_false"
        else q.options.index(next(o for o in q.options if o.credit() >= 100))
    )
    return str(card.area.order.index(right) + 1)


async def test_practice_quiz_gives_feedback_and_ends_with_breakdown(settings, backend):
    app = make_app(settings, screen="quiz", backend=backend, pack="tuitest", n=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert len(screen.run.questions) == 3
        for _ in range(3):
            card = screen.question_card
            if card.question.type in ("mcq", "true_false"):
                await pilot.press(right_digit(card))
            elif card.question.type == "flip":
                await pilot.press("space")
                await pilot.press("3")
            else:
                await pilot.press("space")  # not known
            await settle(pilot, app)
            assert screen.question_card.answered
            await pilot.press("n")
            await settle(pilot, app)
        assert screen.finished
        result = screen.result
        assert result.max_score == 3
        assert sum(t.max for t in result.by_topic.values()) == 3
        assert screen.query_one(ResultView)


async def test_exam_asks_confidence_and_countdown_ends_it(settings, backend):
    app = make_app(settings, screen="exam", backend=backend, pack="tuitest", n=4, minutes=1, cbm=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert screen.exam and screen.run.cbm
        assert "01:00" in str(screen.query_one("#quiz-clock").render())
        while screen.question_card.question.type in ("matching", "ordering"):  # Space cannot answer these empty
            await leave_box(pilot, app)
            await pilot.press("n")
            await settle(pilot, app)
        card, start = screen.question_card, screen.index
        if card.question.type in ("mcq", "true_false"):
            await pilot.press(right_digit(card))
        else:
            await leave_box(pilot, app)
            await pilot.press("space")  # nothing entered
        await pilot.pause()
        assert "How sure" in str(screen.query_one("#quiz-confidence").render())
        await pilot.press("3")
        await settle(pilot, app)
        assert screen.index != start  # on to the next unanswered question
        assert screen.run.session.answered == 1
        screen.run.session.clock = lambda: FIXED_NOW + timedelta(minutes=2)  # time passes
        await pilot.pause(0.5)
        await settle(pilot, app)
        assert screen.finished
        assert screen.result.timed_out
        assert screen.result.max_score == 4
        assert len(screen.result.wrong) >= 3  # three never answered


def test_clock_text():
    assert clock_text(61) == "⏱ 01:01"
    assert clock_text(-3) == "⏱ 00:00"


async def test_command_line_selection_reaches_the_engine(settings, backend):
    # what `studyvm quiz --exam --topic theory --pass-mark 50 --type true_false` passes
    options = {"topic": "theory", "tag": None, "qtype": "true_false", "weak": False, "mistakes": False}
    app = make_app(
        settings,
        screen="exam",
        backend=backend,
        pack="tuitest",
        n=5,
        minutes=5,
        pass_mark=50,
        cbm=False,
        resume=False,
        **options,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert [c.question.id for c in screen.run.questions] == ["c.tf"]
        await pilot.press(right_digit(screen.question_card))
        await settle(pilot, app)
        assert "Every question is answered" in app.screen.question  # the summary before submitting
        await pilot.press("y")
        await settle(pilot, app)
        assert screen.finished and screen.result.passed and screen.result.percent == 100
