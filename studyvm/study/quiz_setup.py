"""Setting up a practice quiz or a mock exam before it starts: defaults, choices, checked values.

The app's setup form (``z`` and ``e`` on the dashboard) and ``studyvm quiz`` ask for the same
things: how many questions, which pack and topic, and for an exam the time limit, the pass mark
and certainty-based marking. Defaults come from the ``[quiz]`` table of the settings file
(``questions``, ``exam_questions``, ``exam_minutes``, ``pass_mark``, ``cbm``), else the built-in
values: :func:`~studyvm.study.quizdefaults.read_defaults` is the one place both read them, and
:func:`resolve_options` gives the command line's unset options those values. :func:`parse_setup`
turns the form's text into a :class:`~studyvm.study.quiz.QuizRequest`, or raises
:class:`SetupError` naming the bad field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studyvm.config import Settings
from studyvm.errors import StudyVMError
from studyvm.settings_check import MAX_MINUTES, MAX_QUESTIONS
from studyvm.study.quiz import QuizRequest
from studyvm.study.quizdefaults import EXAM_MINUTES, PASS_MARK, read_defaults

if TYPE_CHECKING:
    from studyvm.study.service import StudyService


class SetupError(StudyVMError, ValueError):
    """A value of the setup form that cannot be used; ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass
class SetupChoices:
    """What the form offers: the defaults and the packs and topics to choose from."""

    exam: bool
    questions: int
    minutes: float = EXAM_MINUTES
    pass_mark: float = PASS_MARK
    cbm: bool = False
    packs: list[tuple[str, str]] = field(default_factory=list)
    """(pack id, title) of every loaded pack."""
    topics: list[str] = field(default_factory=list)
    """Every topic of the loaded packs, sorted."""
    drawable: dict[tuple[str | None, str | None], int] = field(default_factory=dict)
    """For an exam: (pack or ``None``, topic or ``None``) -> how many questions it can draw there
    (auto-graded ones: flip cards stay out of exams; see :func:`studyvm.study.selection.pool_sizes`)."""


@dataclass(frozen=True)
class QuizOptions:
    """The values a quiz or exam starts with once the defaults have filled what was left unset."""

    n: int
    minutes: float
    pass_mark: float
    cbm: bool


def resolve_options(
    settings: Settings,
    exam: bool,
    *,
    n: int | None = None,
    minutes: float | None = None,
    pass_mark: float | None = None,
    cbm: bool | None = None,
) -> QuizOptions:
    """``studyvm quiz``'s options: each one given wins, each ``None`` takes :func:`read_defaults`' value
    (``exam`` picks between ``questions`` and ``exam_questions``)."""
    defaults = read_defaults(settings)
    return QuizOptions(
        n=n if n is not None else defaults.count(exam),
        minutes=minutes if minutes is not None else defaults.exam_minutes,
        pass_mark=pass_mark if pass_mark is not None else defaults.pass_mark,
        cbm=cbm if cbm is not None else defaults.cbm,
    )


def setup_choices(service: StudyService, exam: bool) -> SetupChoices:
    """Defaults from the settings file, and the packs and topics of ``service``."""
    from studyvm.study.selection import pool_sizes  # sqlalchemy and the store: only once a form opens

    defaults = read_defaults(service.settings)
    packs = sorted(service.packs.values(), key=lambda p: p.id)
    return SetupChoices(
        exam=exam,
        questions=defaults.count(exam),
        minutes=defaults.exam_minutes,
        pass_mark=defaults.pass_mark,
        cbm=defaults.cbm,
        packs=[(p.id, p.meta.title) for p in packs],
        topics=sorted({q.topic for p in packs for q in p.questions if q.topic}),
        drawable=pool_sizes(service) if exam else {},
    )


def _number(field_name: str, text: str, what: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise SetupError(field_name, f"{what}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise SetupError(field_name, f"{what}: {text.strip()!r} is not a number")
    return value


def parse_setup(
    exam: bool,
    *,
    questions: str,
    minutes: str = "",
    pass_mark: str = "",
    pack: str | None = None,
    topic: str | None = None,
    cbm: bool = False,
) -> QuizRequest:
    """The request the form describes; :class:`SetupError` naming the first bad field."""
    count = _number("questions", questions, "Number of questions")
    if count != int(count) or not 1 <= count <= MAX_QUESTIONS:
        raise SetupError("questions", f"Number of questions must be a whole number from 1 to {MAX_QUESTIONS}")
    request = QuizRequest(pack=pack or None, n=int(count), exam=exam, topic=topic or None)
    if not exam:
        return request
    limit = _number("minutes", minutes, "Time limit")
    if not 0 < limit <= MAX_MINUTES:
        raise SetupError("minutes", f"Time limit must be above 0 and at most {MAX_MINUTES:.0f} minutes")
    mark = _number("pass_mark", pass_mark, "Pass mark")
    if not 0 <= mark <= 100:
        raise SetupError("pass_mark", "Pass mark must be a percentage from 0 to 100")
    request.minutes, request.pass_mark, request.cbm = limit, mark, cbm
    return request


def exam_size(choices: SetupChoices, request: QuizRequest) -> int:
    """How many questions the exam ``request`` describes can have: the number asked, or fewer when
    its pack and topic have fewer auto-graded questions; :class:`SetupError` when they have none."""
    from studyvm.study.selection import SELF_GRADED_LEFT_OUT

    if not choices.exam:
        return request.n or choices.questions
    available = choices.drawable.get((request.pack, request.topic), 0)
    if not available:
        named = (("pack", request.pack), ("topic", request.topic))
        where = " and ".join(f"{what} {name!r}" for what, name in named if name)
        raise SetupError(
            "topic" if request.topic else "pack",
            f"No auto-graded question in {where or 'the loaded packs'}: {SELF_GRADED_LEFT_OUT}. "
            "Choose another pack or topic, or practise flip cards in a quiz (z).",
        )
    return min(request.n or choices.questions, available)
