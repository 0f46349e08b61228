"""Verdicts on screen show what happened (newcomer M3): marks replace the option list."""

from __future__ import annotations

from studyvm.tui.app import make_app
from studyvm.tui.widgets.card import QuestionCard

from .test_keys_and_ratings import review_at
from .test_review import settle


def shown(card: QuestionCard, widget_id: str) -> str:
    return str(card.query_one(f"#{widget_id}").render())


async def test_a_wrong_mcq_pick_is_marked_and_the_right_option_shown(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await review_at(pilot, app, "b.mcq")
        card = screen.query_one(QuestionCard)
        wrong_key = str(card.area.order.index(1) + 1)  # "Full virtualization"
        await pilot.press(wrong_key)
        await settle(pilot, app)
        text = shown(card, "card-feedback")
        assert f"✘ {wrong_key}. Full virtualization  — your answer" in text
        assert "Para-virtualization  — right answer, not chosen" in text and "○" in text
        assert shown(card, "card-verdict") == "✘ Not right"
        assert not card.area.display  # the list with its cursor highlight is gone


async def test_a_partly_right_multi_in_a_quiz_is_explained(settings, backend):
    app = make_app(settings, screen="quiz", backend=backend, pack="tuitest", n=1, qtype="multi")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        card = app.screen.question_card
        await pilot.press("1", "c")  # Xen only: 1 of 2 right options
        await settle(pilot, app)
        assert shown(card, "card-verdict") == "◐ Partially correct (50%)"
        text = shown(card, "card-feedback")
        assert "✔ [x] 1. Xen  — your answer, right" in text and "1 of 2 right options: 50%" in text


async def test_escape_on_the_dashboard_asks_before_quitting(settings, backend):
    # newcomer M5: Esc on the dashboard closed StudyVM at once
    from studyvm.tui.screens.confirm import Confirm
    from studyvm.tui.screens.dashboard import DashboardScreen

    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")  # the focused answer is the safe one
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and app.return_code is None
        await pilot.press("escape", "y")
        await pilot.pause()
        assert app.return_code == 0


async def test_leaving_an_exam_and_submitting_with_unanswered_questions_ask_first(settings, backend):
    # newcomer M5: Esc left an exam at once; f ended it with 9 of 10 unanswered
    from studyvm.tui.screens.confirm import Confirm
    from studyvm.tui.screens.quiz import QuizScreen

    app = make_app(settings, screen="exam", backend=backend, pack="tuitest", n=3, minutes=10, qtype="true_false")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        exam = app.screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "Leave the exam?" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is exam
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "1 question unanswered" in app.screen.question
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is exam and not exam.finished
        await pilot.press("f", "y")
        await settle(pilot, app)
        assert isinstance(app.screen, QuizScreen) and exam.finished and exam.result.answered == 0


async def test_show_me_before_answering_counts_as_looking_at_the_answer(settings, backend):
    # newcomer m13 / issue item 9: d before answering reveals the card as not known
    from studyvm.tui.screens.lab import LabScreen

    from .test_review import last_ratings

    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await review_at(pilot, app, "b.mcq")
        await pilot.press("d")
        await settle(pilot, app)
        assert isinstance(app.screen, LabScreen)
        assert screen.question_card.answered and screen.suggested == 1  # revealed, Again suggested
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("enter")  # keeps Again
        await settle(pilot, app)
        assert last_ratings(backend, 1) == [1]
        await pilot.press("d")  # c.tf has no demo: it says so
        await pilot.pause()
        assert any("no simulator demo" in n.message for n in app._notifications)
