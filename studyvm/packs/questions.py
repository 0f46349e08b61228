"""The question-type table: one row per type, everything each layer needs to know about it.

py65's opcode table applied to questions. A row is created here for every class of the
:data:`~studyvm.packs.model.Question` union, with what the pack layer knows (the model, the
exporters' mapping); the study layer fills in its behaviour with decorators when its modules
load — :mod:`studyvm.study.grading` registers ``grade``, ``probe`` and ``describe``,
:mod:`studyvm.study.presentation` registers ``present``, ``display``, ``parse`` and the hint.
Code that used to compare ``question.type`` with string literals asks the row instead:
``row(question).grade(question, response)``. ``tests/packs/test_question_types.py`` checks
every row is complete.

To add a question type: its pydantic class in :mod:`studyvm.packs.model` (and in the
``Question`` union), its row's data below, its functions in ``grading.py`` and
``presentation.py`` (decorated with :func:`register`), and its answer widget in
``studyvm/tui/widgets/answers.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studyvm.packs.model import QUESTION_CLASSES

NEEDS_PICK: Any = object()
"""``QuestionType.no_answer`` of a type that cannot be submitted empty: the learner must pick."""


@dataclass
class QuestionType:
    """One question type: its model, the exporters' mapping, and the behaviour the study layer registers."""

    name: str
    """As spelled in pack files (``mcq``, ``true_false``…)."""
    model: type
    """The pydantic class of its questions."""
    anki_self_graded: bool = False
    """The Anki export makes a Basic card whose back shows the right answer; the learner grades it."""
    gift_missing_word: bool = False
    """The GIFT export may write it as a missing-word question (answer block inside the prompt)."""
    no_answer: Any = NEEDS_PICK
    """What "nothing entered" is submitted as (it scores 0), or :data:`NEEDS_PICK`."""
    hint: str = ""
    """One-line help on how to answer by typing (plain mode, the CLI)."""
    grade: Callable[[Any, Any], Any] | None = None
    """``(question, response) -> Grade``; ``None`` for a self-rated type (``flip``)."""
    probe: Callable[[Any], Any] | None = None
    """``question -> a response`` whose grade names the right answer (see ``expected_answer``)."""
    describe: Callable[[Any, Any], str] | None = None
    """``(question, response) -> the response in words`` (option texts, not indexes)."""
    present: Callable[[Any, Any], Any] | None = None
    """``(question, rng) -> Presentation``: the display order of one showing."""
    display: Callable[[Any, Any], list[str]] | None = None
    """``(question, presentation) -> numbered lines`` under the prompt."""
    parse: Callable[[Any, Any, str], Any] | None = None
    """``(question, presentation, typed line) -> response``; ``None`` for a self-rated type."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Anything else a later layer registers."""

    @property
    def self_rated(self) -> bool:
        """The learner grades it themselves (no grader)."""
        return self.grade is None

    @property
    def needs_pick(self) -> bool:
        """It cannot be submitted with nothing entered."""
        return self.no_answer is NEEDS_PICK


_DATA: dict[str, dict[str, Any]] = {
    "flip": {},
    "mcq": {"anki_self_graded": True, "gift_missing_word": True},
    "multi": {"anki_self_graded": True, "gift_missing_word": True, "no_answer": []},
    "true_false": {"anki_self_graded": True, "gift_missing_word": True},
    "short": {"gift_missing_word": True, "no_answer": ""},
    "numerical": {"anki_self_graded": True, "gift_missing_word": True, "no_answer": float("nan")},
    "cloze": {"no_answer": []},
    "matching": {"anki_self_graded": True, "gift_missing_word": True, "no_answer": {}},
    "ordering": {"anki_self_graded": True},
}

TYPES: dict[str, QuestionType] = {
    name: QuestionType(name, cls, **_DATA[name]) for name, cls in QUESTION_CLASSES.items()
}
"""Type name -> its row, in the order of the ``Question`` union."""

SLOTS = ("probe", "describe", "present", "display")
"""Behaviour every row must have once the study layer is loaded (``grade``/``parse`` too, unless self-rated)."""


def row(question: Any) -> QuestionType:
    """The row of ``question``'s type."""
    return TYPES[question.type]


def names(**flags: bool) -> tuple[str, ...]:
    """Type names whose row has every given flag, e.g. ``names(anki_self_graded=True)``."""
    return tuple(name for name, t in TYPES.items() if all(getattr(t, k) == v for k, v in flags.items()))


def register(name: str, slot: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: make the function ``slot`` (``grade``, ``parse``…) of type ``name``."""
    if not hasattr(TYPES[name], slot):
        raise AttributeError(f"question types have no {slot!r}")

    def put(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(TYPES[name], slot, fn)
        return fn

    return put
