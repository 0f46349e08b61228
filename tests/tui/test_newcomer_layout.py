"""Layout at 80x24 and in the lab (newcomer review m11, p3): what a learner sees, as text."""

from __future__ import annotations

from studyvm.tui.app import make_app

from .helpers import settle
from .test_newcomer_answers import screen_text


async def test_dashboard_at_80x24_keeps_the_hint_whole_and_the_footer_without_back(settings, backend):
    # m11: the hint wrapped so `n` sat alone; the footer lost its last keys; p3: "card(s)"
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "Next: learn 9 new cards — press n" in text
        assert "(s)" not in text
        footer = text.splitlines()[-1]
        assert "esc Back" not in footer and "b Browse" in footer  # Esc on the dashboard asks to quit


async def test_mastery_names_keep_their_words_and_never_wrap(settings, backend):
    # m11: topics read `hardware-as…`, `cloud-and-m…` with the bar taking half the width
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        bars = app.screen.query_one("#dash-mastery")
        bars.set_bars([("cloud-and-migration", 0.5, "5 of 10"), ("para", 0.0, "0 of 3")], width=20)
        await settle(pilot, app)
        rows = str(bars.render()).splitlines()
        assert len(rows) == 2 and rows[0].startswith("cloud-and-mig")  # was "cloud-an…": the bar gives way


async def test_the_lab_shows_every_mode_on_a_tall_terminal(settings, backend):
    # m11: the mode checklist was 3 rows tall even at 120x40
    app = make_app(settings, screen="lab", backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        modes = app.screen.query_one("#lab-controls SelectionList")
        assert modes.size.height >= modes.option_count


async def test_a_screenshot_says_where_it_went_without_a_downloads_folder(settings, backend, tmp_path, monkeypatch):
    # m19: "Failed to save screenshot" on a machine without ~/Downloads, not saying where it tried
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    settings.home.mkdir(parents=True, exist_ok=True)
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        saved = app.deliver_screenshot()
        await settle(pilot, app)
        assert saved is not None and saved.startswith(str(settings.home)) and saved.endswith(".svg")
        assert any(f"saved to {saved}" in n.message for n in app._notifications)


async def test_a_failed_screenshot_names_the_folder_and_the_reason(settings, backend, tmp_path, monkeypatch):
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(app, "save_screenshot", refuse)
        assert app.deliver_screenshot(path=str(tmp_path)) is None
        await settle(pilot, app)
        assert any(f"in {tmp_path}: Permission denied" in n.message for n in app._notifications)


async def test_the_palette_lists_studyvm_commands_not_a_tables_cursor_keys(settings, backend):
    # p2: the palette listed `DataTable: Cursor up / key up`, `DataTable: Home` among the app's commands
    from studyvm.tui.commands import StudyVMCommands

    app = make_app(settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.focused is not None and type(app.focused).__name__ == "DataTable"
        titles = [title for title, _callback, _help in StudyVMCommands(app.screen)._entries()]
        assert "Dashboard: Review" in titles
        assert not [t for t in titles if t.startswith("DataTable")]


def contrast(fg, bg) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour) -> float:
        def channel(value: int) -> float:
            v = value / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)

    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def test_headings_and_the_next_hint_are_readable_on_the_light_theme(settings, backend):
    # p9: orange headings (1.5:1) and the green hint (1.8:1) on light grey
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        app.theme = "textual-light"
        await settle(pilot, app)
        for selector in (".section-title", "#dash-next"):
            widget = app.screen.query(selector).first()
            assert contrast(widget.styles.color, widget.background_colors[1]) >= 3, selector  # bold text, WCAG AA


async def test_at_60_columns_the_review_header_keeps_type_and_state(settings, backend):
    # m11: "at 60 columns the review header line is truncated and loses the card type and state"
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot, app)
        header = next(line for line in screen_text(app).splitlines() if "flip" in line)
        assert header.strip().startswith("flip · new · safety")
