"""Pack text is shown literally: markup, actions and links in a pack do nothing."""

from __future__ import annotations

from textual.widgets import DataTable

from studyvm.tui.app import make_app

from .conftest import INJECTION
from .helpers import settle


def shown(widget) -> str:
    """The text a widget renders, and a check that it carries no styling or actions from markup."""
    content = widget.render()
    assert not any(
        "@click" in str(span.style) or "link" in str(span.style) for span in getattr(content, "spans", [])
    ), content
    return str(content)


async def test_markup_in_prompt_and_answer_is_literal_and_inert(settings, backend):
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        prompt = screen.query_one("#card-prompt")
        assert shown(prompt) == INJECTION
        assert "TUI [red]test[/red] pack" in shown(screen.query_one("#card-meta"))
        for x in range(0, 40, 3):  # click along the prompt, where "[@click=app.quit]" would be
            await pilot.click("#card-prompt", offset=(x, 0))
        await pilot.pause()
        assert app.is_running and app.screen is screen
        await pilot.press("space")
        await settle(pilot, app)
        back = screen.query_one("#card-feedback")
        assert shown(back).startswith("[@click=app.quit]back[/] stays literal")
        await pilot.click("#card-feedback", offset=(3, 0))
        await pilot.pause()
        assert app.is_running and app.screen is screen


async def test_pack_title_with_markup_is_literal_on_dashboard_and_packs(settings, backend):
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        cell = app.screen.query_one(DataTable).get_cell_at((0, 3))
        assert cell.plain == "TUI [red]test[/red] pack"
        assert not cell.spans
        await pilot.press("p")
        await settle(pilot, app)
        assert shown(app.screen.query_one("#packs-detail")).startswith("TUI [red]test[/red] pack")
