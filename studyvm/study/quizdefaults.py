"""The starting values of a practice quiz and a mock exam: the ``[quiz]`` table of the settings file
(``questions``, ``exam_questions``, ``exam_minutes``, ``pass_mark``, ``cbm``), else the built-in ones.

The setup form, ``studyvm quiz`` and a run started with no values at all (the command palette) read
them here, so they cannot drift apart. Kept apart from :mod:`studyvm.study.quiz` and
:mod:`studyvm.study.quiz_setup` so that both can use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from studyvm.config import Settings
from studyvm.settings_check import QUIZ_CHECKS, read_settings

QUIZ_SIZE = 10
"""Questions in a practice quiz when none is chosen."""
EXAM_SIZE = 20
"""Questions in a mock exam when none is chosen."""
EXAM_MINUTES = 30.0
"""A mock exam's time limit (minutes) when none is chosen."""
PASS_MARK = 70.0
"""An exam's pass mark (percent) when none is chosen."""


def quiz_defaults(settings: Settings) -> dict[str, object]:
    """The usable values of the ``[quiz]`` table (wrong ones are left out: ``config check`` reports them)."""
    data, _problems = read_settings(settings.settings_file)
    table = data.get("quiz")
    if not isinstance(table, dict):
        return {}
    return {key: value for key, value in table.items() if key in QUIZ_CHECKS and QUIZ_CHECKS[key](value)}


@dataclass(frozen=True)
class QuizDefaults:
    """The starting values of a quiz or an exam: the ``[quiz]`` table's, else the built-in ones."""

    questions: int = QUIZ_SIZE
    """Questions in a practice quiz."""
    exam_questions: int = EXAM_SIZE
    """Questions in a mock exam."""
    exam_minutes: float = EXAM_MINUTES
    """A mock exam's time limit."""
    pass_mark: float = PASS_MARK
    """A mock exam's pass mark, in percent."""
    cbm: bool = False
    """Certainty-based marking in mock exams."""

    def count(self, exam: bool) -> int:
        """How many questions a quiz (or, with ``exam``, an exam) has when none is asked for."""
        return self.exam_questions if exam else self.questions


def read_defaults(settings: Settings) -> QuizDefaults:
    """The defaults the setup form and ``studyvm quiz`` start from (a wrong value keeps its built-in one)."""
    table = quiz_defaults(settings)
    built_in = QuizDefaults()

    def number(key: str) -> float:
        value = table.get(key)
        # bool is an int to Python; QUIZ_CHECKS already refused it, this keeps mypy and readers sure
        return float(value) if isinstance(value, int | float) else float(getattr(built_in, key))

    return QuizDefaults(
        questions=int(number("questions")),
        exam_questions=int(number("exam_questions")),
        exam_minutes=number("exam_minutes"),
        pass_mark=number("pass_mark"),
        cbm=bool(table.get("cbm", built_in.cbm)),
    )
