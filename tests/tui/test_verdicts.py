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
