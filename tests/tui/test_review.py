"""Review screen: answering in place, rating, undo, suspend, bury — checked against the store."""

from __future__ import annotations

from studyvm.tui.app import make_app
from studyvm.tui.screens.review import ReviewScreen
from studyvm.tui.widgets.card import QuestionCard

from .helpers import reviews_in_store, settle

__all__ = ["reviews_in_store", "settle"]  # other test modules still import them from here


async def test_flip_card_space_then_rating_stores_a_review(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.card.question.id == "a.flip"
        await pilot.press("space")
        await settle(pilot, app)
        assert screen.query_one(QuestionCard).answered
        await pilot.press("3")
        await settle(pilot, app)
        assert screen.card.question.id == "b.mcq"
        assert reviews_in_store(backend) == 1


def last_ratings(backend, n: int = 5) -> list[int]:
    """The most recent ratings stored, newest first."""
    from sqlalchemy import text

    with backend.service().read() as session:
        rows = session.execute(text("select rating from review_log order by id desc limit :n"), {"n": n})
        return [r[0] for r in rows]


async def open_review(pilot, app):
    await settle(pilot, app)
    return app.screen


async def test_mcq_answered_by_digit_shows_verdict_then_rates(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("space", "3")  # the flip card
        await settle(pilot, app)
        assert screen.card.question.id == "b.mcq"
        order = screen.query_one(QuestionCard).area.order
        await pilot.press(str(order.index(0) + 1))  # the right option, wherever it is shown
        await settle(pilot, app)
        card = screen.query_one(QuestionCard)
        assert card.answered
        assert "Correct" in str(card.query_one("#card-verdict").render())
        assert "Drivers alone" in str(card.query_one("#card-caveat").render())
        assert "A note" in str(card.query_one("#card-source").render())
        await pilot.press("4")
        await settle(pilot, app)
        assert last_ratings(backend, 2) == [4, 3]
        assert screen.card.question.id == "c.tf"


async def test_space_on_unanswered_auto_graded_card_suggests_again_but_the_key_decides(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("space", "3")
        await settle(pilot, app)
        await pilot.press("space")  # mcq, nothing chosen
        await settle(pilot, app)
        assert "Not right" in str(screen.query_one("#card-verdict").render())
        assert screen.suggested == 1  # not known: Again is preselected
        await pilot.press("4")  # but the learner's key is the rating (Anki's rule)
        await settle(pilot, app)
        assert last_ratings(backend, 1) == [4]


async def test_undo_suspend_and_bury(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("space", "3")
        await settle(pilot, app)
        assert reviews_in_store(backend) == 1
        await pilot.press("u")
        await settle(pilot, app)
        assert reviews_in_store(backend) == 0
        assert screen.card.question.id == "a.flip"
        await pilot.press("s")  # suspend the flip card
        await settle(pilot, app)
        assert screen.card.question.id == "b.mcq"
        await pilot.press("b")  # bury the mcq
        await settle(pilot, app)
        assert screen.card.question.id == "c.tf"
        due = backend.service().due_counts()["tuitest"]
        assert due.new == 7  # nine cards, one suspended and one buried
        await pilot.press("u")  # unbury
        await settle(pilot, app)
        assert screen.card.question.id == "b.mcq"
        await pilot.press("u")  # unsuspend
        await settle(pilot, app)
        assert screen.card.question.id == "a.flip"
        assert backend.service().due_counts()["tuitest"].new == 9


async def test_typed_answer_in_place(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest", limit=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        for _ in range(3):  # flip, mcq, true/false: reveal and rate Good
            await pilot.press("space")
            await settle(pilot, app)
            await pilot.press("3")
            await settle(pilot, app)
        assert screen.card.question.id == "d.short"
        await pilot.press("d", "o", "m", "0", "enter")  # typed into the input, not taken as keys
        await settle(pilot, app)
        assert "Correct" in str(screen.query_one("#card-verdict").render())
        await pilot.press("3")
        await settle(pilot, app)
        assert screen.card is None  # the limit of 4 is reached
        assert reviews_in_store(backend) == 4
