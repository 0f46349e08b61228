"""``studyvm study``, ``quiz``, ``stats`` and ``report``: the study engine from the command line.

Without ``--plain``, ``study`` and ``quiz`` open the terminal app on the matching screen;
with it they run line by line on stdin/stdout (see :mod:`studyvm.study.plain`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

MAX_EXAM_MINUTES = 24 * 60
"""Longest mock exam ``--minutes`` accepts (a day); ``inf`` and ``1e308`` are refused."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"studyvm: error: {message}", err=True)
    return typer.Exit(1)


def _given_learner(ctx: typer.Context) -> str | None:
    """The learner named with ``--learner`` or ``STUDYVM_LEARNER``, if any (not the OS default)."""
    import os

    from studyvm.config import ENV_LEARNER

    return ctx.find_root().params.get("learner") or os.environ.get(ENV_LEARNER) or None


@contextmanager
def _service(ctx: typer.Context, as_learner: bool = True) -> Iterator[Any]:
    """An open study service for the command's settings; database and study errors become messages
    (no SQL, no password) and exit 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from studyvm.cli.boundary import os_message
    from studyvm.store.classdb import ClassDBError
    from studyvm.store.engine import SchemaError
    from studyvm.store.urls import describe_db_error
    from studyvm.study.openfail import open_failure
    from studyvm.study.service import StudyError, StudyService

    settings = ctx.obj
    url = settings.database_url
    try:
        svc = StudyService(settings)
    except StudyError as exc:
        raise _fail(str(exc)) from None
    try:
        svc.open(as_learner=as_learner)
    except SchemaError as exc:
        raise _fail(str(exc)) from None
    except (SQLAlchemyError, OSError, ValueError) as exc:
        why = os_message(exc) if isinstance(exc, OSError) else describe_db_error(exc, url)
        raise _fail(str(open_failure(exc, settings, why))) from None
    given = _given_learner(ctx)
    if as_learner and given and given != svc.settings.learner:
        svc.close()
        raise _fail(
            f"--learner '{given}' is not the database role '{svc.settings.learner}': on PostgreSQL you "
            "study as the role you connect as (leave out --learner and STUDYVM_LEARNER)"
        )
    try:
        yield svc
    except (StudyError, ClassDBError) as exc:
        raise _fail(str(exc)) from None
    except SQLAlchemyError as exc:
        raise _fail(f"database error: {describe_db_error(exc, url)}") from None
    finally:
        svc.close()


def study(
    ctx: typer.Context,
    plain: bool = typer.Option(False, "--plain", help="Line by line on stdin/stdout instead of the app."),
    pack: str | None = typer.Option(None, "--pack", help="Only this pack."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="End after N answers."),
) -> None:
    """Review due cards (FSRS spaced repetition), then new ones within the daily limit."""
    settings = ctx.obj
    if not plain:
        from studyvm.cli.tui_cmds import open_app

        open_app(settings, screen="review", pack=pack, limit=limit)
        return
    from studyvm.study.plain import PlainIO, run_review

    with _service(ctx) as svc:
        if pack is not None:
            svc.pack(pack)
        run_review(svc, PlainIO(), pack_id=pack, limit=limit)


QUIZ_HELP = {
    "n": "Number of questions (default: [quiz] questions, 10; with --exam [quiz] exam_questions, 20).",
    "minutes": "Exam time limit in minutes (default: [quiz] exam_minutes, 30).",
    "pass_mark": "Exam pass mark in percent (default: [quiz] pass_mark, 70).",
    "cbm": "Certainty-based marking: rate your confidence 1-3 (default: [quiz] cbm, off).",
}
"""Help of the options whose defaults come from the settings file's ``[quiz]`` table (the built-in
values are :class:`studyvm.study.quizdefaults.QuizDefaults`'; a test keeps the two in step, since
importing the study core here would slow every command's start)."""


def quiz(
    ctx: typer.Context,
    plain: bool = typer.Option(False, "--plain", help="Line by line on stdin/stdout instead of the app."),
    n: int | None = typer.Option(None, "--n", "-n", min=1, help=QUIZ_HELP["n"]),
    pack: str | None = typer.Option(None, "--pack", help="Only this pack."),
    topic: str | None = typer.Option(None, "--topic", help="Only this topic."),
    tag: str | None = typer.Option(None, "--tag", help="Only questions with this tag."),
    qtype: str | None = typer.Option(None, "--type", help="Only this question type (mcq, short, …)."),
    weak: bool = typer.Option(False, "--weak", help="Weak areas first: lowest recall, most mistakes."),
    mistakes: bool = typer.Option(False, "--mistakes", help="Ask the questions of the mistake bank again."),
    exam: bool = typer.Option(False, "--exam", help="A timed mock exam: feedback only at the end."),
    minutes: float | None = typer.Option(None, "--minutes", min=0.1, max=MAX_EXAM_MINUTES, help=QUIZ_HELP["minutes"]),
    pass_mark: float | None = typer.Option(None, "--pass-mark", min=0, max=100, help=QUIZ_HELP["pass_mark"]),
    cbm: bool | None = typer.Option(None, "--cbm/--no-cbm", help=QUIZ_HELP["cbm"], show_default=False),
    resume: bool = typer.Option(False, "--resume", help="Resume an exam cut short (or score it if time is up)."),
) -> None:
    """A practice quiz with instant feedback, or with --exam a timed mock exam.

    Unset options take the [quiz] table of settings.toml (as the app's setup form does), else the
    built-in defaults; options given here win.
    """
    from studyvm.study.quiz_setup import resolve_options

    settings = ctx.obj
    # --resume starts an exam when none is open, so it takes the exam's defaults too
    chosen = resolve_options(settings, exam or resume, n=n, minutes=minutes, pass_mark=pass_mark, cbm=cbm)
    n, minutes, pass_mark, cbm = chosen.n, chosen.minutes, chosen.pass_mark, chosen.cbm
    selection = {"n": n, "pack": pack, "topic": topic, "tag": tag, "qtype": qtype, "weak": weak, "mistakes": mistakes}
    if not plain:
        from studyvm.cli.tui_cmds import open_app

        if exam or resume:
            open_app(settings, screen="exam", minutes=minutes, pass_mark=pass_mark, cbm=cbm, resume=resume, **selection)
        else:
            open_app(settings, screen="quiz", **selection)
        return
    from studyvm.study.plain import PlainIO, run_quiz
    from studyvm.study.plain_exam import run_exam

    io = PlainIO()
    with _service(ctx) as svc:
        kwargs = {
            "n": n,
            "pack_id": pack,
            "topic": topic,
            "tag": tag,
            "qtype": qtype,
            "weak_first": weak,
            "mistakes": mistakes,
        }
        if resume:
            attempt = svc.unfinished_exam()
            if attempt is None:
                raise _fail("there is no unfinished exam to resume")
            run_exam(svc.resume_exam(attempt), io)
        elif exam:
            run_exam(svc.start_exam(minutes=minutes, pass_mark=pass_mark, cbm=cbm, **kwargs), io)
        else:
            run_quiz(svc.start_quiz(**kwargs), io)


def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Your progress: reviews, due cards, mastery by topic, streak, forecast, exam scores."""
    import json

    from studyvm.study.stats import format_stats

    with _service(ctx) as svc:
        figures = svc.stats()
    if as_json:
        typer.echo(json.dumps(figures.as_json(), indent=2))
    else:
        typer.echo(format_stats(figures))


def report(
    ctx: typer.Context,
    pack: str | None = typer.Option(None, "--pack", help="Only this pack."),
    items: bool = typer.Option(
        False, "--items", help="Item analysis: attempts, facility and discrimination index per question."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
) -> None:
    """For instructors: every learner's progress and the hardest questions, or with --items an item analysis.

    On a class database (``studyvm class init``) only members of the instructor role may run it;
    on SQLite it covers the local history.
    """
    import json

    with _service(ctx, as_learner=False) as svc:
        if pack is not None:
            svc.pack(pack)
        if items:
            from studyvm.study.itemstats import format_item_report, item_report

            data = item_report(svc, pack)
            text = format_item_report(data)
        else:
            from studyvm.study.report import format_report

            data = svc.report(pack_id=pack)
            text = format_report(data)
    typer.echo(json.dumps(data.as_json(), indent=2) if as_json else text)


def register(app: typer.Typer) -> None:
    """Add ``study``, ``quiz``, ``stats`` and ``report`` to the root app."""
    app.command("study")(study)
    app.command("quiz")(quiz)
    app.command("stats")(stats)
    app.command("report")(report)
