"""The pack model: pydantic classes for packs, questions of every type and comparison tables.

These classes are the single definition of the pack format. The loader validates YAML into
them, the JSON Schema printed by ``studyvm pack schema`` is generated from them, and every
other part of StudyVM (study engine, importers, exporters, TUI) reads questions through them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, field_validator, model_validator

from studyvm.packs.modelparts import (
    CLOZE_GAP,
    ID_PATTERN,
    Id,
    NumericAnswer,
    Option,
    Pair,
    ShortAnswer,
    Source,
    SourceRef,
    StrictModel,
    Text,
)

if TYPE_CHECKING:
    from studyvm.packs.packindex import PackHead, QuestionIndex

__all__ = [
    "CLOZE_GAP",
    "ClozeQuestion",
    "ComparisonTable",
    "DEFAULT_GENERATED",
    "FlipQuestion",
    "GeneratedKind",
    "ID_PATTERN",
    "Id",
    "MatchingQuestion",
    "McqQuestion",
    "MultiQuestion",
    "NumericAnswer",
    "NumericalQuestion",
    "Option",
    "OrderingQuestion",
    "Pack",
    "PackMeta",
    "Pair",
    "QUESTION_ADAPTER",
    "QUESTION_CLASSES",
    "QUESTION_TYPES",
    "Question",
    "QuestionBase",
    "QuestionFile",
    "ShortAnswer",
    "ShortQuestion",
    "Source",
    "SourceRef",
    "StrictModel",
    "TableRow",
    "Text",
    "TrueFalseQuestion",
    "curriculum_order",
]
"""The pack model's names, those of :mod:`studyvm.packs.modelparts` included (re-exported here)."""


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
    """A single choice: one fully correct option (or several, each worth full credit, as Moodle
    allows); others may carry partial credit."""

    type: Literal["mcq"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True

    @model_validator(mode="after")
    def _one_correct(self) -> McqQuestion:
        if not any(o.credit() >= 100 for o in self.options):
            raise ValueError("an mcq needs a fully correct option (weight 100 or correct: true), found 0")
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
    why: str = ""
    """The mechanism or number behind the row: the explanation of every question it generates."""
    contested: bool = False
    """The row's cells are wrong or unsourced (its caveat says so): no graded item is generated."""


GeneratedKind = Literal["flip", "flip_reverse", "mcq", "matching", "true_false"]
"""A kind of question a comparison table can generate."""
DEFAULT_GENERATED: tuple[GeneratedKind, ...] = ("flip", "mcq", "matching", "true_false")


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
    generate: list[GeneratedKind] = Field(default_factory=lambda: list(DEFAULT_GENERATED))
    """Which kinds of question to generate (see content/README.md for what each kind yields)."""
    contested: bool = False
    """Every cell is wrong or unsourced (the caveat says so): only self-graded flips are generated."""


class PackMeta(StrictModel):
    """The contents of ``pack.yaml``."""

    id: Id
    title: Text
    version: Text = "1.0.0"
    authors: list[Text] = Field(default_factory=list)
    licence: str = ""
    description: str = ""
    sources: list[Source] = Field(default_factory=list)
    curriculum: list[Text] = Field(default_factory=list)
    """Stages in teaching order, each a topic or a tag: new cards are introduced stage by stage."""

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class QuestionFile(StrictModel):
    """One YAML file of a pack: questions and/or comparison tables."""

    questions: list[Question] = Field(default_factory=list)
    tables: list[ComparisonTable] = Field(default_factory=list)


def curriculum_order(questions: list[Any], curriculum: list[str]) -> list[Any]:
    """``questions`` stage by stage of ``curriculum``, keeping their order within a stage.

    A question belongs to the first stage that names its topic or one of its tags; questions in
    no stage come after every stage. An empty curriculum keeps the order as it is.
    """
    stages: dict[str, int] = {}
    for position, name in enumerate(curriculum):
        stages.setdefault(name, position)
    last = len(curriculum)

    def stage_of(question: Any) -> int:
        return min((stages[n] for n in (question.topic, *question.tags) if n in stages), default=last)

    return sorted(questions, key=stage_of)


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
    _columns: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _teaching_order(self) -> Pack:
        """Put the questions in the pack's curriculum order, so new cards arrive in it."""
        if self.meta.curriculum:
            self.questions = curriculum_order(self.questions, self.meta.curriculum)
        return self

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

    @property
    def head(self) -> PackHead:
        """Id, title, version and description (as :attr:`studyvm.packs.packindex.LazyPack.head`)."""
        from studyvm.packs.packindex import PackHead

        return PackHead.of(self.meta)

    @property
    def index(self) -> QuestionIndex:
        """Id, topic, tags, type and demo of every question: what listing and scheduling read."""
        if self._columns is None:
            from studyvm.packs.packindex import QuestionIndex

            self._columns = QuestionIndex.of(self.questions)
        return self._columns

    def topics(self) -> list[str]:
        """Topics in first-seen order."""
        return self.index.topic_names()

    def export_dict(self) -> dict[str, Any]:
        """The JSON export: pack metadata and every question, generated ones included."""
        from studyvm.packs.packindex import export_body

        return export_body(self.meta, self.tables, self.questions)
