"""The mock exam as Moodle users expect it (newcomer M6): wall clock, typed text kept, PASS/FAIL, resume offer."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input

from studyvm.tui.app import make_app
from studyvm.tui.backend import Backend
from studyvm.tui.screens.confirm import Confirm
from studyvm.tui.screens.quiz import QuizScreen
from studyvm.tui.screens.quiz_setup import QuizSetup

from .conftest import FIXED_NOW, fixture_catalog
from .test_review import settle


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self):
        return self.now


async def test_text_typed_but_not_submitted_is_kept_at_time_up_and_pass_fail_shown(settings, tmp_path):
    clock = Clock()
    backend = Backend(settings, catalog=fixture_catalog(tmp_path / "packs"), clock=clock, fuzz=False, seed=7)
    app = make_app(settings, screen="exam", backend=backend, pack="tuitest", n=1, minutes=2, qtype="short")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        await pilot.press(*"dom0")  # typed, never submitted
        clock.now += timedelta(minutes=3)
        await pilot.pause(0.4)
        await settle(pilot, app)
        assert screen.finished and screen.result.answered == 1 and screen.result.score == 1.0
        headline = str(screen.query_one("#result-score").render())
        assert "PASS (pass mark 70%)" in headline and "time ran out" not in headline


async def test_the_clock_runs_while_away_and_e_offers_to_resume(settings, tmp_path):
    clock = Clock()
    backend = Backend(settings, catalog=fixture_catalog(tmp_path / "packs"), clock=clock, fuzz=False, seed=7)
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, QuizSetup)  # the exam's settings first
        await pilot.press("enter")  # the defaults: 20 questions, more than the pack's 8 auto-graded ones
        await settle(pilot, app)
        assert isinstance(app.screen, QuizSetup)  # the form says so and offers 8
        assert "Only 8 auto-graded questions can be drawn" in str(app.screen.query_one("#setup-error").render())
        await pilot.press("enter")
        await settle(pilot, app)
        first = app.screen
        assert isinstance(first, QuizScreen) and first.exam
        await pilot.press("escape", "y")  # leave it (confirmed)
        await settle(pilot, app)
        clock.now += timedelta(minutes=12)  # away for twelve minutes
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, Confirm) and "18:00 left" in app.screen.question
        await pilot.press("enter")  # the focused answer resumes
        await settle(pilot, app)
        resumed = app.screen
        assert isinstance(resumed, QuizScreen) and resumed.run.session.attempt_id == first.run.session.attempt_id
        assert int(resumed.run.remaining()) == 18 * 60


async def leave_box(pilot, app) -> None:
    """Esc out of a text box, so letters are keys (in a box they are text)."""
    if isinstance(app.focused, Input):
        await pilot.press("escape")
        await pilot.pause()


async def test_skip_flag_and_the_summary_before_submitting(settings, backend):
    # newcomer M6: n did nothing on an unanswered question; no flags, no overview of what is left
    app = make_app(settings, screen="exam", backend=backend, pack="tuitest", n=2, minutes=10, topic="para")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        exam = app.screen
        assert exam.index == 0
        await leave_box(pilot, app)
        await pilot.press("n")  # skip question 1
        await settle(pilot, app)
        assert exam.index == 1
        await leave_box(pilot, app)
        await pilot.press("m")  # flag question 2
        await pilot.pause()
        assert exam.flagged == {1} and "⚑ flagged" in str(exam.query_one("#quiz-progress").render())
        card = exam.question_card
        if card.question.type == "mcq":
            await pilot.press("1")
        else:
            card.area.query_one(Input).focus()
            await pilot.press(*"dom0", "enter")
        await settle(pilot, app)
        assert 1 in exam.run.session.answers and 0 not in exam.run.session.answers
        assert exam.index == 0  # back round to the one skipped
        await leave_box(pilot, app)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "1 question unanswered: it scores nothing (1)" in app.screen.question
        assert "Flagged for review: 2" in app.screen.question
        await pilot.press("y")
        await settle(pilot, app)
        assert exam.finished and exam.result.answered == 1


def exam_app(settings, tmp_path, clock, **options):
    """An exam over the fixture pack whose clock the test moves (one question, two minutes, unless told)."""
    backend = Backend(settings, catalog=fixture_catalog(tmp_path / "packs"), clock=clock, fuzz=False, seed=7)
    return make_app(settings, screen="exam", backend=backend, pack="tuitest", **{"n": 1, "minutes": 2, **options})


async def test_a_gap_filled_but_not_submitted_counts_even_with_the_panel_open_at_time_up(settings, tmp_path):
    # newcomer M6: "Denali" typed into a gap showed "Your answer: (none)" after the time ran out
    clock = Clock()
    app = exam_app(settings, tmp_path, clock, qtype="cloze")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        exam = app.screen
        await pilot.press(*"VT-x")  # the first gap, never submitted
        await leave_box(pilot, app)
        await pilot.press("g")  # the navigation panel is open when the time runs out
        await pilot.pause()
        clock.now += timedelta(minutes=3)
        await pilot.pause(0.4)
        await settle(pilot, app)
        assert app.screen is exam and exam.finished  # the panel closed: the results are on screen
        assert exam.result.answered == 1 and exam.result.score == 0.5
        assert exam.result.wrong[0].given_text.startswith("VT-x")


async def test_pass_or_fail_shows_even_with_a_pass_mark_of_zero(settings, tmp_path):
    # M6 asks for PASS/FAIL against the pass mark; a pass mark of 0 hid it
    app = exam_app(settings, tmp_path, Clock(), qtype="short", pass_mark=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await leave_box(pilot, app)
        await pilot.press("f", "y")
        await settle(pilot, app)
        headline = str(app.screen.query_one("#result-score").render())
        assert "PASS (pass mark 0%)" in headline


async def test_a_multi_card_in_an_exam_promises_no_answer(settings, tmp_path):
    # M6: the exam's hint said Space shows the answer; on a multi card it still did
    app = exam_app(settings, tmp_path, Clock(), qtype="multi")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        hint = str(app.screen.question_card.query_one("#card-hint").render())
        assert "shows the answer" not in hint and "Space or c saves" in hint


async def test_an_exam_from_the_command_line_says_why_it_is_short_or_cannot_start(settings, tmp_path):
    # `studyvm quiz --exam --n 20` over a pack of 8 auto-graded questions and one flip card
    short = exam_app(settings, tmp_path / "a", Clock(), n=20)
    async with short.run_test(size=(100, 30)) as pilot:
        await settle(pilot, short)
        assert len(short.screen.run.questions) == 8
        notes = [n.message for n in short._notifications]
        assert any(m.startswith("Only 8 auto-graded questions can be drawn, so the exam has 8, not 20") for m in notes)
    flips = exam_app(settings, tmp_path / "b", Clock(), qtype="flip")
    async with flips.run_test(size=(100, 30)) as pilot:
        await settle(pilot, flips)
        shown = str(flips.screen.query_one("#quiz-progress").render())
        assert shown.startswith("Could not start: no auto-graded question in pack tuitest matches")
