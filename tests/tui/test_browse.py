"""The Browse screen: search, sort, history, unsuspend from the browser, study a card now (newcomer M8)."""

from __future__ import annotations

from textual.widgets import DataTable

from studyvm.tui.app import make_app
from studyvm.tui.screens.browse import BrowseScreen
from studyvm.tui.screens.confirm import Confirm
from studyvm.tui.screens.review import ReviewScreen

from .test_review import settle


def flags_of(backend, question_id: str) -> frozenset[str]:
    """The card's flags as the core sees them (straight from the store)."""
    return next(c for c in backend.find_cards("") if c.question_id == question_id).flags


async def test_search_unsuspend_history_forget_and_study_now(settings, backend):
    svc = backend.service()
    svc.answer(svc.next_card("tuitest"), rating=3)  # a.flip
    svc.suspend(("tuitest", "b.mcq"))
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("b")  # from the dashboard
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BrowseScreen) and len(screen.cards) == 9
        await pilot.press("slash", *"is:suspended", "enter")
        await settle(pilot, app)
        assert [c.question_id for c in screen.cards] == ["b.mcq"]
        await pilot.press("s")  # unsuspend from the browser
        await settle(pilot, app)
        assert "suspended" not in flags_of(backend, "b.mcq")
        assert screen.cards == []  # it no longer matches is:suspended
        await pilot.press("slash", "ctrl+u", *"-is:new", "enter")
        await settle(pilot, app)
        assert [c.question_id for c in screen.cards] == ["a.flip"]
        assert "Good  (was new)" in str(screen.query_one("#browse-detail").render())
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot, app)
        assert "new" in flags_of(backend, "a.flip") and screen.cards == []
        await pilot.press("slash", "ctrl+u", *"type:short", "enter")
        await settle(pilot, app)
        await pilot.press("r")  # study this card now, though it is new and not next
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewScreen) and app.screen.card.question.id == "d.short"


async def test_sorting_by_header_and_a_bad_query(settings, backend):
    svc = backend.service()
    for _ in range(3):
        svc.answer(svc.next_card("tuitest"), rating=1)  # three cards, each lapsed once... rated Again
    app = make_app(settings, screen="browse", backend=backend, query="-is:new")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert len(screen.cards) == 3
        table = screen.query_one(DataTable)
        screen.on_data_table_header_selected(DataTable.HeaderSelected(table, table.ordered_columns[6].key, 6, None))
        await settle(pilot, app)
        prompts = [c.prompt.lower() for c in screen.cards]
        assert screen.sort == "question" and prompts == sorted(prompts)
        screen.on_data_table_header_selected(DataTable.HeaderSelected(table, table.ordered_columns[6].key, 6, None))
        await settle(pilot, app)
        assert screen.reverse and [c.prompt.lower() for c in screen.cards] == sorted(prompts, reverse=True)
        await pilot.press("slash", "ctrl+u", *"is:nonsense", "enter")
        await settle(pilot, app)
        assert "is:nonsense: expected one of" in str(screen.query_one("#browse-status").render())


async def test_the_table_loads_a_page_at_a_time(settings, backend, monkeypatch):
    from studyvm.tui.screens import browse as browse_screen

    monkeypatch.setattr(browse_screen, "PAGE", 4)
    svc = backend.service()
    svc.suspend(("tuitest", "b.mcq"))
    whole = [c.question_id for c in backend.find_cards("", "question")]
    assert len(whole) == 9
    app = make_app(settings, screen="browse", backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        screen.sort = "question"
        screen.search()
        await settle(pilot, app)
        status = screen.query_one("#browse-status")
        assert len(screen.cards) == 4 and screen.total == 9
        assert str(status.render()).startswith("9 cards (4 loaded, more below)")
        await pilot.press("ctrl+end")  # to the last row loaded: the next page comes
        await settle(pilot, app)
        assert len(screen.cards) == 8
        await pilot.press("ctrl+end")
        await settle(pilot, app)
        assert [c.question_id for c in screen.cards] == whole  # the sort order runs on across pages
        assert screen.query_one(DataTable).row_count == 9 and str(status.render()).startswith("9 cards ·")
        await pilot.press("ctrl+end")  # nothing more to load
        await settle(pilot, app)
        assert len(screen.cards) == 9
        screen.query_one(DataTable).move_cursor(row=6)
        await pilot.press("s")  # an action searches again with as many rows as were loaded
        await settle(pilot, app)
        assert len(screen.cards) == 9 and screen.selected().question_id == whole[6]
