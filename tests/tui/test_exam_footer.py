"""Every exam key stays readable in the footer at 80x24 (issue 13: "m Flag" was cut short), and
the footer calls Space what it does in an exam: it saves, it shows no answer."""

from __future__ import annotations

from studyvm.tui.app import make_app
from studyvm.tui.screens.confirm import Confirm

from .helpers import settle
from .test_newcomer_answers import screen_text
from .test_quiz import right_digit

EXAM_KEYS = ["esc Back", "space Save", "n Next", "f Finish", "p Prev", "g Go to", "m Flag", "^q Quit"]


def footer_line(app) -> str:
    """The bottom line of the screen, as a monochrome terminal shows it."""
    return screen_text(app).splitlines()[-1]


def shown_labels(app) -> list[str]:
    """``key Label`` of each binding the exam screen shows in its footer now."""
    return [
        f"{app.get_key_display(active.binding)} {active.binding.description}"
        for active in app.screen.active_bindings.values()
        if active.binding.show and active.enabled
    ]


async def test_every_exam_key_is_whole_in_the_footer_at_80x24(settings, backend):
    app = make_app(
        settings, screen="exam", backend=backend, pack="tuitest", n=1, minutes=10, cbm=True, qtype="true_false"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        footer = footer_line(app)
        assert all(label in footer for label in EXAM_KEYS), footer
        assert all(label in footer for label in shown_labels(app)), footer
        assert "Show" not in footer and "c Check" not in footer  # Space shows no answer in an exam
        exam = app.screen
        await pilot.press(right_digit(exam.question_card), "3")  # answered, certainty high
        await settle(pilot, app)
        assert isinstance(app.screen, Confirm)  # every question answered: submit?
        await pilot.press("n")  # go back to it
        await settle(pilot, app)
        footer = footer_line(app)
        assert all(label in footer for label in [*EXAM_KEYS, "y Sure"]), footer  # y changes the certainty
        assert all(label in footer for label in shown_labels(app)), footer
        assert "Saved answer: True (certainty high)" in screen_text(app)


async def test_every_practice_quiz_key_is_whole_in_the_footer_at_80x24(settings, backend):
    app = make_app(settings, screen="quiz", backend=backend, pack="tuitest", n=1, qtype="mcq")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        footer = footer_line(app)
        assert "d Show me" in footer and "^p palette" in footer  # the mcq has a demo
        assert all(label in footer for label in shown_labels(app)), footer
