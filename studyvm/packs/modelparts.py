"""The building blocks of the pack model: the strict base class, ids, sources and answer parts.

Split from :mod:`studyvm.packs.model` (which re-exports every name here) to keep each file short;
import them from :mod:`studyvm.packs.model` as before.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from studyvm.textsafe import inert_data

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
"""Ids are lower-case, start with a letter or digit, and use only ``. _ -`` as separators."""

CLOZE_GAP = re.compile(r"\{\{(.+?)\}\}")
"""A cloze gap: ``{{answer}}`` or ``{{answer|alternative|...}}``."""

Text = Annotated[str, Field(min_length=1)]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=200)]


class StrictModel(BaseModel):
    """Base class: unknown keys are errors, so a typo in a pack file is reported, not ignored.

    Every string is made inert as it is validated (:func:`studyvm.textsafe.inert`: control
    characters such as ESC become visible text), whichever source built the model (a pack file,
    an importer, the generator), and numbers must be finite (``.inf``, ``.nan`` or GIFT's
    ``1e999`` are refused with a message rather than stored as an answer nobody can give).
    """

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _inert_text(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {inert_data(key): inert_data(value) for key, value in data.items()}
        return data


class SourceRef(StrictModel):
    """Where a fact comes from: a note of the pack's ``sources`` and a section of it."""

    note: Id
    """Id of an entry in the pack's ``sources``."""
    section: str = ""
    """Heading or part of the note the fact is taken from."""


class Source(StrictModel):
    """A document a pack is built from."""

    id: Id
    title: Text
    file: str = ""
    """File name of the note, if it ships beside the pack or is known."""
    url: str = ""
    author: str = ""


class Option(StrictModel):
    """An answer option of an ``mcq`` or ``multi`` question."""

    text: Text
    correct: bool = False
    """Shorthand for ``weight: 100`` (mcq) or a positive share of the credit (multi)."""
    weight: float | None = Field(default=None, ge=-100, le=100)
    """Credit in percent (GIFT style); negative weights penalise a wrong choice in ``multi``."""
    feedback: str = ""

    def credit(self) -> float:
        """The effective weight in percent: ``weight`` if set, else 100 or 0 from ``correct``."""
        if self.weight is not None:
            return self.weight
        return 100.0 if self.correct else 0.0


class ShortAnswer(StrictModel):
    """An accepted answer of a ``short`` question, with its credit."""

    text: Text
    weight: float = Field(default=100, ge=0, le=100)
    feedback: str = ""


class NumericAnswer(StrictModel):
    """An accepted numeric answer: ``value`` ± ``tolerance``, or the range ``min``..``max``."""

    value: float | None = None
    tolerance: float = Field(default=0, ge=0)
    min: float | None = None
    max: float | None = None
    weight: float = Field(default=100, ge=0, le=100)
    feedback: str = ""

    @model_validator(mode="after")
    def _value_or_range(self) -> NumericAnswer:
        has_range = self.min is not None or self.max is not None
        if self.value is None and not has_range:
            raise ValueError("give either 'value' (with optional 'tolerance') or 'min' and 'max'")
        if has_range and (self.min is None or self.max is None):
            raise ValueError("a range needs both 'min' and 'max'")
        if has_range and self.min > self.max:  # type: ignore[operator]
            raise ValueError("'min' is greater than 'max'")
        return self

    def bounds(self) -> tuple[float, float]:
        """The closed interval of accepted values."""
        if self.value is None:
            return (float(self.min), float(self.max))  # type: ignore[arg-type]
        return (self.value - self.tolerance, self.value + self.tolerance)


class Pair(StrictModel):
    """One pair of a ``matching`` question."""

    left: Text
    right: Text
