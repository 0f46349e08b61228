"""Typed answers never swallow the app's keys, and the learner's rating key is what is stored.

Newcomer review B1 (CBM on a typed question stuck on "How sure are you?"), M4 (the text box
swallows shortcuts; a `d` graded as a wrong number) and M12 (the rating key overridden).
"""

from __future__ import annotations

from sqlalchemy import text
from textual.widgets import Input

from studyvm.tui.app import make_app
from studyvm.tui.widgets.card import QuestionCard

from .test_review import last_ratings, reviews_in_store, settle


async def review_at(pilot, app, question_id: str):
    """The review screen once every card before ``question_id`` is revealed and rated Good."""
    await settle(pilot, app)
    screen = app.screen
    while screen.card.question.id != question_id:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
    return screen


def footer(screen) -> set[str]:
    """The descriptions the footer shows now."""
    return {b.binding.description for b in screen.active_bindings.values() if b.binding.show}


def attempt_answers(backend) -> list[tuple[str, str, int | None]]:
    """(question id, stored response, confidence) of every saved quiz/exam answer."""
    with backend.service().read() as session:
        rows = session.execute(text("select question_id, response, confidence from attempt_answer order by id"))
        return [tuple(r) for r in rows]


async def test_cbm_exam_typed_answer_then_certainty_key(settings, backend):
    # B1: `quiz --exam --cbm --type short`: type, Enter, 3 -> saved with certainty 3, input untouched
    app = make_app(settings, screen="exam", backend=backend, pack="tuitest", n=1, minutes=5, cbm=True, qtype="short")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert screen.question_card.question.id == "d.short"
        await pilot.press("d", "o", "m", "0", "enter")
        await pilot.pause()
        assert "How sure" in str(screen.query_one("#quiz-confidence").render())
        assert not isinstance(app.focused, Input)  # focus left the box
        await pilot.press("3")
        await settle(pilot, app)
        assert attempt_answers(backend) == [("d.short", '"dom0"', 3)]  # the 3 was a certainty, not text
        await pilot.press("y")  # the summary: submit and finish
        await settle(pilot, app)
        assert screen.finished and screen.result.cbm_score == 3


async def test_a_letter_in_a_number_box_is_text_and_is_sent_back_not_graded(settings, backend):
    # M4: `d` on a numerical card is typed into the box; Enter says it is not a number, grades nothing
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_at(pilot, app, "e.num")
        before = reviews_in_store(backend)
        await pilot.press("d")
        assert screen.query_one(Input).value == "d"  # text, not Show me
        await pilot.press("enter")
        await settle(pilot, app)
        card = screen.query_one(QuestionCard)
        assert not card.answered  # not graded as a wrong answer
        assert any("not a number" in n.message for n in app._notifications)
        await pilot.press("backspace", "4", "enter")
        await settle(pilot, app)
        assert card.answered and "Correct" in str(card.query_one("#card-verdict").render())
        assert reviews_in_store(backend) == before


async def test_escape_leaves_the_box_and_the_footer_says_so(settings, backend):
    # M4: the toast says "u undoes" while a typed card has focus: Esc, then u really undoes
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_at(pilot, app, "d.short")
        assert isinstance(app.focused, Input)
        assert any("Leave box" in d for d in footer(screen))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.focused, Input) and app.screen is screen  # still reviewing
        await pilot.press("s")  # suspend the short-answer card
        await settle(pilot, app)
        assert screen.card.question.id == "e.num"
        with backend.service().read() as session:
            queue = session.execute(text("select queue from card_state where question_id = 'd.short'")).scalar()
        assert queue < 0  # suspended
        await pilot.press("escape", "u")  # leave the number box, undo the suspension
        await settle(pilot, app)
        assert screen.card.question.id == "d.short"


async def test_a_right_answer_can_be_rated_again(settings, backend):
    # M12 (b): right mcq answer, then 1 -> Again is stored, not Good
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_at(pilot, app, "b.mcq")
        order = screen.query_one(QuestionCard).area.order
        await pilot.press(str(order.index(0) + 1))
        await settle(pilot, app)
        assert screen.suggested == 3
        assert "[3 Good " in str(screen.query_one("#review-status").render())  # marked, with its interval
        await pilot.press("1")
        await settle(pilot, app)
        assert last_ratings(backend, 1) == [1]


async def test_show_answer_then_good_is_stored_as_good_and_space_keeps_the_suggestion(settings, backend):
    # M12 (a): Space on an unanswered mcq, then 3 -> Good stored; Space/Enter records the suggestion
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await review_at(pilot, app, "b.mcq")
        await pilot.press("space")  # not known
        await settle(pilot, app)
        assert screen.suggested == 1
        assert "Keep Again" in footer(screen)
        await pilot.press("3")
        await settle(pilot, app)
        assert last_ratings(backend, 1) == [3]
        assert screen.card.question.id == "c.tf"
        await pilot.press("2")  # False: wrong
        await settle(pilot, app)
        await pilot.press("enter")  # keeps the suggested Again
        await settle(pilot, app)
        assert last_ratings(backend, 1) == [1]
