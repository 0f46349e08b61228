"""The review session's edges a newcomer tripped on (first-week review: m1, m3, m4).

m1: the time spent on a card is recorded with the rating (a review is saved when it is rated,
as in Anki). m3: a session that stops at its ``--limit`` says what is still waiting and drops
the rating keys from the footer. m4: remapped keys keep their place in the footer, Ctrl+T keeps
a comment on the theme line and never appends to a broken file, and ``config keys`` lists ids.
"""

from __future__ import annotations

from sqlalchemy import text
from typer.testing import CliRunner

from studyvm.cli import app as cli_app
from studyvm.store.micros import from_micros
from studyvm.study.scheduling import interval_text
from studyvm.tui.app import make_app
from studyvm.tui.prefs import save_theme

from .helpers import settle


def footer_keys(screen) -> list[str]:
    """The descriptions the footer shows, in order."""
    return [b.binding.description for b in screen.active_bindings.values() if b.binding.show]


async def test_a_session_stopped_by_its_limit_says_what_is_still_waiting(settings, backend):
    # m3: `study --limit 2` ended with "Nothing is due now" while cards were waiting
    app = make_app(settings, screen="review", backend=backend, pack="tuitest", limit=2)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        for rating in ("1", "3"):
            await pilot.press("space")
            await settle(pilot, app)
            await pilot.press(rating)
            await settle(pilot, app)
        screen = app.screen
        assert screen.card is None
        shown = str(screen.query_one("#review-summary").render())
        assert "Nothing is due" not in shown
        assert "Session limit reached" in shown and "7 new" in shown
        assert "1 Again, 1 Good" in shown
        assert {"Again", "Hard", "Good", "Easy", "Show", "Suspend", "Bury"}.isdisjoint(footer_keys(screen))
        assert "Undo" in footer_keys(screen)


async def test_remapped_keys_keep_their_place_in_the_footer(settings, backend):
    # m4: after `"review.good" = "3,g"` the footer read `space Show  2 Hard … 1 Again  3 Good`
    settings.settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings.settings_file.write_text('[keys]\n"review.good" = "3,g"\n"review.again" = "1,a"\n', encoding="utf-8")
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot, app)
        keys = footer_keys(app.screen)
        assert keys.index("Show") < keys.index("Again") < keys.index("Hard") < keys.index("Good") < keys.index("Undo")
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("a")  # the remapped key still rates Again
        await settle(pilot, app)
        with backend.service().read() as session:
            assert session.execute(text("select rating from review_log")).scalars().all() == [1]


async def test_time_on_a_card_is_recorded_with_its_rating(settings, backend):
    # m1: duration_ms was NULL in every review_log row
    app = make_app(settings, screen="review", backend=backend, pack="tuitest", limit=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
    with backend.service().read() as session:
        durations = session.execute(text("select duration_ms from review_log")).scalars().all()
    assert len(durations) == 1 and durations[0] is not None and 0 <= durations[0] <= 60_000


def test_the_theme_switch_keeps_a_comment_and_leaves_a_broken_file_alone(tmp_path):
    # m4: Ctrl+T dropped the inline comment, and appended a [tui] table to a broken file
    path = tmp_path / "settings.toml"
    path.write_text('[tui]\ntheme = "textual-dark"      # Ctrl+T switches\n', encoding="utf-8")
    save_theme(path, "textual-light")
    assert path.read_text(encoding="utf-8") == '[tui]\ntheme = "textual-light"  # Ctrl+T switches\n'
    path.write_text("[tui\n", encoding="utf-8")
    try:
        save_theme(path, "textual-light")
    except ValueError as exc:
        assert "not valid TOML" in str(exc)
    else:
        raise AssertionError("a broken file was written to")
    assert path.read_text(encoding="utf-8") == "[tui\n"


def test_config_keys_lists_every_binding_id(tmp_path):
    # m4: "the README ends its id list with … and nothing prints the full list"
    result = CliRunner().invoke(cli_app, ["--home", str(tmp_path), "config", "keys"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[-1] for line in result.output.splitlines()}
    assert lines["review.good"] == "3" and lines["dashboard.review"] == "r" and lines["quiz.finish"] == "f"


async def test_the_rating_keys_show_the_interval_each_would_give(settings, backend):
    # m20: Anki shows "<1m · 6m · 10m · 4d" on its buttons; the footer showed no intervals
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("space")
        await settle(pilot, app)
        status = str(app.screen.query_one("#review-status").render())
        assert "1 Again 1m" in status and "2 Hard 6m" in status and "[3 Good 10m]" in status
        assert "4 Easy 8d" in status
        await pilot.press("4")
        await settle(pilot, app)
    with backend.service().read() as session:
        due = session.execute(text("select due from card_state where question_id = 'a.flip'")).scalar_one()
    assert str(from_micros(due)).startswith("2026-03-10 09:00")  # FIXED_NOW + the 8 days shown on the Easy key


def test_interval_text_reads_like_ankis_buttons():
    assert [interval_text(s) for s in (30, 600, 3 * 3600, 4 * 86400, 45 * 86400, 800 * 86400)] == [
        "<1m",
        "10m",
        "3h",
        "4d",
        "1.5mo",
        "2.2y",
    ]


async def test_undo_says_what_it_took_back(settings, backend):
    # p1: suspend and bury showed a toast, undo showed none
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        await pilot.press("u")
        await settle(pilot, app)
        assert any(n.message == "Undone: the rating of a.flip." for n in app._notifications)
