"""Answer widgets a newcomer found hard to use (review of the first week: M10, M11, m5, m6).

Pilot tests that assert on what is on screen and on what is recorded: ticked boxes read [x]
without colour, the focused matching row is marked, long feedback scrolls with PgUp/PgDn at
once, ordering numbers stay fixed, and Space on a multi card checks instead of toggling.
"""

from __future__ import annotations

from textual.widgets import SelectionList

from studyvm.tui.app import make_app
from studyvm.tui.widgets.card import QuestionCard

from .helpers import settle


def one_question(settings, backend, qtype: str):
    """The app on a one-question practice quiz of type ``qtype`` from the fixture pack."""
    return make_app(settings, screen="quiz", backend=backend, pack="tuitest", n=1, qtype=qtype)


def screen_text(app) -> str:
    """The characters on screen now, line by line (colours dropped, as a monochrome terminal shows them)."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(segment.text for segment in strip) for strip in update.strips)


async def test_ticked_and_unticked_boxes_differ_without_colour(settings, backend):
    # M10: every box showed ▐X▌, told apart by colour only
    app = one_question(settings, backend, "multi")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        text = screen_text(app)
        assert "[x] 2. ESXi" in text
        assert "[ ] 1. Xen" in text and "[ ] 3. Notepad" in text
        assert "X" not in text.split("Xen")[0].split("\n")[-1]  # no ▐X▌ box before option 1


async def test_the_focused_matching_row_is_marked_and_the_first_tab_reaches_a_list(settings, backend):
    # M10: focus in matching was one grey level; the first Tab visibly focused nothing
    app = one_question(settings, backend, "matching")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.focused, QuestionCard)  # Space reveals, the keys work
        await pilot.press("tab")
        await settle(pilot, app)
        assert app.focused.id == "match0"
        first, second = app.screen.query(".match-left")
        assert "reverse" in str(first.styles.text_style)  # not a colour: inverse video
        assert "reverse" not in str(second.styles.text_style)


async def test_long_feedback_scrolls_with_page_keys_right_after_the_verdict(settings, backend):
    # M11: at 80x24 the caveat was cut off and PgUp/PgDn/End did nothing until Tab
    app = one_question(settings, backend, "mcq")
    async with app.run_test(size=(80, 12)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")  # a wrong option: the longest verdict
        await settle(pilot, app)
        card = app.screen.question_card
        assert card.answered and card.max_scroll_y > 0
        assert app.focused is card
        await pilot.press("home")
        await settle(pilot, app)
        assert card.scroll_y == 0
        await pilot.press("pagedown")
        await settle(pilot, app)
        assert card.scroll_y > 0


async def test_page_keys_scroll_the_card_whatever_has_focus(settings, backend):
    # M11: "the feedback pane scrolls with PgUp/PgDn whatever has focus"
    app = one_question(settings, backend, "mcq")
    async with app.run_test(size=(80, 12)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        card = app.screen.question_card
        card.scroll_home(animate=False)
        app.screen.set_focus(None)
        await settle(pilot, app)
        await pilot.press("pagedown")
        await settle(pilot, app)
        assert card.scroll_y > 0


async def test_ordering_numbers_stay_fixed_after_each_pick(settings, backend):
    # m5: after a pick the list renumbered, so a plan read off the first screen picked wrong items
    app = make_app(settings, screen="review", backend=backend, pack="tuitest", limit=9)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        while screen.card.question.type != "ordering":
            await pilot.press("space")
            await settle(pilot, app)
            await pilot.press("3")
            await settle(pilot, app)
        area = screen.question_card.area
        shown = list(area.pool)
        plan = [shown.index(item) + 1 for item in ("VMware Workstation", "Xen", "Intel VT-x")]
        await pilot.press(str(plan[0]))
        await settle(pilot, app)
        text = screen_text(app)
        for number, item in enumerate(shown, start=1):
            if number != plan[0]:
                assert f"{number}. {item}" in text  # the same number as before the pick
        await pilot.press(str(plan[0]))  # an item already placed: nothing happens
        await pilot.press(str(plan[1]), str(plan[2]))
        await settle(pilot, app)
        card = screen.question_card
        assert card.answered and "Correct" in str(card.query_one("#card-verdict").render())
        assert not card.query_one("#pool").display  # p7: no empty list box left behind


async def test_space_in_the_multi_list_checks_instead_of_toggling(settings, backend):
    # m6: after Tab into the options, Space ticked the highlighted option instead of checking
    app = one_question(settings, backend, "multi")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("1", "2")
        app.screen.query_one(SelectionList).focus()
        await settle(pilot, app)
        await pilot.press("space")
        await settle(pilot, app)
        card = app.screen.question_card
        assert card.answered
        assert "Correct" in str(card.query_one("#card-verdict").render())  # Xen and ESXi, still both ticked
