"""The pack model: pydantic classes for packs, questions of every type and comparison tables.

These classes are the single definition of the pack format. The loader validates YAML into
them, the JSON Schema printed by ``studyvm pack schema`` is generated from them, and every
other part of StudyVM (study engine, importers, exporters, TUI) reads questions through them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
"""Ids are lower-case, start with a letter or digit, and use only ``. _ -`` as separators."""

CLOZE_GAP = re.compile(r"\{\{(.+?)\}\}")
"""A cloze gap: ``{{answer}}`` or ``{{answer|alternative|...}}``."""

Text = Annotated[str, Field(min_length=1)]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=200)]


class StrictModel(BaseModel):
    """Base class: unknown keys are errors, so a typo in a pack file is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)


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


class QuestionBase(StrictModel):
    """Fields every question has, whatever its type."""

    id: Id
    """Stable id, unique in its pack; progress is keyed by it, so keep it when rewording."""
    prompt: Text
    explanation: str = ""
    topic: str = "general"
    tags: list[str] = Field(default_factory=list)
    source: SourceRef | None = None
    caveat: str = ""
    """Where the sources disagree, or the usual exam answer is incomplete or wrong."""
    demo: Id | None = None
    """Id of a simulator scenario that demonstrates the answer."""
    generated_from: str | None = Field(default=None, exclude=False)
    """For questions generated from a table: the table id (set by the generator)."""

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, tags: list[str]) -> list[str]:
        cleaned = [t.strip() for t in tags]
        if any(not t for t in cleaned):
            raise ValueError("tags must not be empty")
        return cleaned


class FlipQuestion(QuestionBase):
    """A self-graded card: the learner recalls ``back`` and rates themselves."""

    type: Literal["flip"]
    back: Text


class McqQuestion(QuestionBase):
    """One fully correct option; others may carry partial credit."""

    type: Literal["mcq"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True

    @model_validator(mode="after")
    def _exactly_one_correct(self) -> McqQuestion:
        full = [o for o in self.options if o.credit() >= 100]
        if len(full) != 1:
            raise ValueError(f"an mcq needs exactly one fully correct option, found {len(full)}")
        return self


class MultiQuestion(QuestionBase):
    """Several correct options; credit is shared among them, wrong picks may cost."""

    type: Literal["multi"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True

    @model_validator(mode="after")
    def _at_least_one_correct(self) -> MultiQuestion:
        if not any(o.credit() > 0 for o in self.options):
            raise ValueError("a multi question needs at least one correct option")
        return self

    def correct_indexes(self) -> set[int]:
        """Indexes of the options that give positive credit."""
        return {i for i, o in enumerate(self.options) if o.credit() > 0}


class TrueFalseQuestion(QuestionBase):
    """A statement that is true or false."""

    type: Literal["true_false"]
    answer: bool
    feedback_true: str = ""
    """Shown to a learner who answered *true*."""
    feedback_false: str = ""
    """Shown to a learner who answered *false*."""


class ShortQuestion(QuestionBase):
    """A typed answer; any of ``answers`` is accepted (graded leniently)."""

    type: Literal["short"]
    answers: list[ShortAnswer] = Field(min_length=1)

    @field_validator("answers", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str | int | float) else v for v in value]
        return value


class NumericalQuestion(QuestionBase):
    """A number, accepted within a tolerance or a range."""

    type: Literal["numerical"]
    answers: list[NumericAnswer] = Field(min_length=1)
    unit: str = ""


class ClozeQuestion(QuestionBase):
    """A sentence with gaps written ``{{answer}}`` or ``{{answer|alternative}}`` in the prompt."""

    type: Literal["cloze"]

    @model_validator(mode="after")
    def _has_gaps(self) -> ClozeQuestion:
        gaps = CLOZE_GAP.findall(self.prompt)
        if not gaps:
            raise ValueError("a cloze prompt needs at least one gap written {{answer}}")
        for gap in gaps:
            if any(not alt.strip() for alt in gap.split("|")):
                raise ValueError(f"empty answer in cloze gap {{{{{gap}}}}}")
        return self

    def gaps(self) -> list[list[str]]:
        """The accepted answers of each gap, in order."""
        return [[a.strip() for a in g.split("|")] for g in CLOZE_GAP.findall(self.prompt)]

    def masked_prompt(self, mark: str = "____") -> str:
        """The prompt with every gap replaced by ``mark``."""
        return CLOZE_GAP.sub(mark, self.prompt)


class MatchingQuestion(QuestionBase):
    """Match each left item to its right item; ``distractors`` are extra right items."""

    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_lefts(self) -> MatchingQuestion:
        lefts = [p.left for p in self.pairs]
        if len(set(lefts)) != len(lefts):
            raise ValueError("matching items on the left must be distinct")
        return self


class OrderingQuestion(QuestionBase):
    """Put ``items`` (listed here in the correct order) in order."""

    type: Literal["ordering"]
    items: list[Text] = Field(min_length=2)

    @model_validator(mode="after")
    def _distinct(self) -> OrderingQuestion:
        if len(set(self.items)) != len(self.items):
            raise ValueError("ordering items must be distinct")
        return self


Question = Annotated[
    FlipQuestion
    | McqQuestion
    | MultiQuestion
    | TrueFalseQuestion
    | ShortQuestion
    | NumericalQuestion
    | ClozeQuestion
    | MatchingQuestion
    | OrderingQuestion,
    Field(discriminator="type"),
]
"""Any question; the ``type`` field selects the class."""

QUESTION_ADAPTER: TypeAdapter[Any] = TypeAdapter(Question)
"""Validates one question from plain data: the loader and every importer share it."""

QUESTION_CLASSES: dict[str, type[QuestionBase]] = {
    get_args(cls.model_fields["type"].annotation)[0]: cls for cls in get_args(get_args(Question)[0])
}
"""Type name -> question class, derived from the ``Question`` union (the one list of types)."""

QUESTION_TYPES = tuple(QUESTION_CLASSES)
"""Every question type, spelled as in pack files and in the JSON export."""


class TableRow(StrictModel):
    """One aspect of a comparison table and its cell for every column."""

    aspect: Text
    cells: list[Text]
    caveat: str = ""
    demo: Id | None = None


class ComparisonTable(StrictModel):
    """Rows are aspects, columns are approaches; questions are generated from the cells."""

    id: Id
    title: Text
    columns: list[Text] = Field(min_length=2)
    rows: list[TableRow] = Field(min_length=1)
    topic: str = "general"
    tags: list[str] = Field(default_factory=list)
    source: SourceRef | None = None
    caveat: str = ""
    """Applies to every question generated from the table."""
    generate: list[Literal["flip", "mcq", "matching", "true_false"]] = Field(
        default_factory=lambda: ["flip", "mcq", "matching", "true_false"]
    )
    """Which kinds of question to generate."""


class PackMeta(StrictModel):
    """The contents of ``pack.yaml``."""

    id: Id
    title: Text
    version: Text = "1.0.0"
    authors: list[Text] = Field(default_factory=list)
    licence: str = ""
    description: str = ""
    sources: list[Source] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class QuestionFile(StrictModel):
    """One YAML file of a pack: questions and/or comparison tables."""

    questions: list[Question] = Field(default_factory=list)
    tables: list[ComparisonTable] = Field(default_factory=list)


class Pack(BaseModel):
    """A resolved pack: metadata, authored questions, tables and generated questions."""

    model_config = ConfigDict(extra="forbid")

    meta: PackMeta
    questions: list[Question]
    """Every question, authored then generated, in a stable order."""
    tables: list[ComparisonTable] = Field(default_factory=list)
    location: str = ""
    """Folder or file the pack was loaded from."""
    origin: Literal["builtin", "user", "extra", "file"] = "file"
    _qindex: dict[str, Any] | None = PrivateAttr(default=None)

    @property
    def id(self) -> str:
        """The pack id."""
        return self.meta.id

    def question(self, question_id: str) -> Question | None:
        """The question with ``question_id``, or ``None``."""
        return self._index().get(question_id)

    def _index(self) -> dict[str, Question]:
        if self._qindex is None:
            self._qindex = {q.id: q for q in self.questions}
        return self._qindex

    def topics(self) -> list[str]:
        """Topics in first-seen order."""
        return list(dict.fromkeys(q.topic for q in self.questions))

    def export_dict(self) -> dict[str, Any]:
        """The JSON export: pack metadata and every question, generated ones included."""
        return {
            "format": "studyvm-pack/1",
            **self.meta.model_dump(mode="json"),
            "tables": [t.model_dump(mode="json") for t in self.tables],
            "questions": [q.model_dump(mode="json") for q in self.questions],
        }
