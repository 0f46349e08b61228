"""Every auto-graded type answered in place on the review screen, right, then rated."""

from __future__ import annotations

from textual.widgets import Select

from studyvm.tui.app import make_app

from .helpers import reviews_in_store, settle


async def answer_right(pilot, card) -> None:
    """Give the right answer to ``card`` with keys, as a learner would."""
    q, area = card.question, card.area
    if q.type == "flip":
        await pilot.press("space")
    elif q.type == "mcq":
        await pilot.press(str(area.order.index(0) + 1))
    elif q.type == "true_false":
        await pilot.press("1" if q.answer else "2")
    elif q.type == "short":
        await pilot.press(*"dom0", "enter")
    elif q.type == "numerical":
        await pilot.press("4", "enter")
    elif q.type == "cloze":
        await pilot.press(*"VT-x", "enter", *"AMD-V", "enter")
    elif q.type == "multi":
        for index in sorted(q.correct_indexes()):
            await pilot.press(str(area.order.index(index) + 1))
        await pilot.press("c")
    elif q.type == "matching":
        for n, pair in enumerate(q.pairs):
            area.query_one(f"#match{n}", Select).value = pair.right
        await pilot.press("c")
    elif q.type == "ordering":
        for item in q.items:  # each item keeps the number it was first shown with
            await pilot.press(str(area.pool.index(item) + 1))


async def test_every_type_is_answered_in_place(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest", limit=9)
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        while screen.card is not None:
            card = screen.question_card
            await answer_right(pilot, card)
            await settle(pilot, app)
            verdict = str(card.query_one("#card-verdict").render())
            expected = "Answer:" if card.question.type == "flip" else "Correct"
            assert expected in verdict, (card.question.type, verdict)
            seen.append(card.question.type)
            await pilot.press("3")
            await settle(pilot, app)
    assert seen == ["flip", "mcq", "true_false", "short", "numerical", "cloze", "multi", "matching", "ordering"]
    assert reviews_in_store(backend) == 9
