"""The tables: learners and their progress, keyed by (pack id, question id), never content.

A question's text lives only in its pack file; these tables hold what a learner *did*: the
FSRS state of each card, every review, every quiz or exam attempt and answer, and the mistake
bank. The alembic migrations in :mod:`studyvm.store.migrations` create exactly these tables;
``tests/store/test_migrations.py`` checks that the two never drift apart.

Datetimes are stored as naive UTC (the same text in SQLite, ``timestamp`` in PostgreSQL) and
always come back as aware UTC datetimes, because fsrs refuses naive ones. The times of the two big
tables, the review log and the card states, are integers in SQLite instead (:class:`UTCMicros`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from studyvm.store.micros import from_micros, micros_of
from studyvm.store.states import (  # noqa: F401  (re-exported: the tables' own vocabulary)
    QUEUE_BURIED,
    QUEUE_NEW,
    QUEUE_REMOVED,
    QUEUE_SCHEDULED,
    QUEUE_SUSPENDED,
    STATE_LEARNING,
    STATE_NEW,
    STATE_RELEARNING,
    STATE_REVIEW,
)


class UTCDateTime(TypeDecorator):
    """A datetime stored as naive UTC and returned as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        """Aware -> naive UTC; a naive value is taken to be UTC already."""
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        """Naive UTC -> aware UTC."""
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class UTCMicros(TypeDecorator):
    """A UTC datetime stored compactly: integer microseconds since the epoch in SQLite (8 bytes
    instead of 26 of text), ``timestamp`` in PostgreSQL as :class:`UTCDateTime`; aware UTC back."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        """BIGINT in SQLite, the plain ``timestamp`` elsewhere."""
        return dialect.type_descriptor(BigInteger() if dialect.name == "sqlite" else DateTime())

    def process_bind_param(self, value: datetime | None, dialect) -> object:
        """Aware or naive-UTC datetime -> microseconds (SQLite) or naive UTC."""
        if value is None:
            return None
        if dialect.name == "sqlite":
            return micros_of(value)
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value

    def process_result_value(self, value: object, dialect) -> datetime | None:
        """Back to an aware UTC datetime."""
        if value is None:
            return None
        if isinstance(value, int):
            return from_micros(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def utc_col(nullable: bool = True, index: bool = False) -> Column:
    """A column of :class:`UTCDateTime`."""
    return Column(UTCDateTime(), nullable=nullable, index=index)


def micros_col() -> Column:
    """A nullable column of :class:`UTCMicros`."""
    return Column(UTCMicros(), nullable=True)


def _learner_fk() -> Column:
    return Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)


class Learner(SQLModel, table=True):
    """Someone whose progress is kept; one shared database can serve a whole class."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(sa_column=utc_col(nullable=False))


class CardState(SQLModel, table=True):
    """The FSRS state of one question for one learner; its times are :class:`UTCMicros` (integers in
    SQLite, so the queue's index holds 8 bytes a card for ``due`` instead of 26)."""

    __tablename__ = "card_state"
    __table_args__ = (
        UniqueConstraint("learner_id", "pack_id", "question_id", name="uq_card_state_key"),
        Index("ix_card_state_queue", "learner_id", "queue", "due"),
        Index("ix_card_state_pack_queue", "learner_id", "pack_id", "queue", "due"),
        Index("ix_card_state_new", "learner_id", "queue", "pack_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    pack_id: str = Field(max_length=200)
    question_id: str = Field(max_length=200)
    position: int = 0
    """Order of the question in its pack, for showing new cards in pack order."""
    queue: int = QUEUE_NEW
    state: int = STATE_NEW
    """0 new, else fsrs ``State`` (1 learning, 2 review, 3 relearning)."""
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = Field(default=None, sa_column=micros_col())
    last_review: datetime | None = Field(default=None, sa_column=micros_col())
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    leech: bool = False
    removed: bool = False
    buried_until: datetime | None = Field(default=None, sa_column=micros_col())
    last_rating: int | None = None
    """The rating of the last answer since the card was new (``None`` for a new or forgotten card):
    kept with every answer, so the browser and mastery never look for it in the log."""


class ReviewLog(SQLModel, table=True):
    """One answer in a review session; ``prev`` (JSON of the card before) makes it undoable."""

    __tablename__ = "review_log"
    # One narrow index, for a card's history; totals per day live in ``review_day_stats``.
    __table_args__ = (Index("ix_review_log_card_id", "card_id"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    card_id: int
    """The ``card_state`` row reviewed, which names the pack and question (its history is read by this id)."""
    rating: int
    """fsrs ``Rating``: 1 Again, 2 Hard, 3 Good, 4 Easy."""
    reviewed_at: datetime = Field(sa_column=Column(UTCMicros(), nullable=False))
    """In SQLite, integer microseconds since the epoch (:class:`UTCMicros`): a third of the text."""
    review_day: int
    """The learner's local calendar day of the review (proleptic ordinal), for heatmap and limits."""
    duration_ms: int | None = None
    state_before: int = STATE_NEW
    score: float | None = None
    """Grade 0..1 of an auto-graded answer; ``None`` for a self-rated flip card."""
    response: str | None = Field(default=None, sa_column=Column(Text))
    """The answer given, as JSON, for auto-graded questions."""
    prev: str | None = Field(default=None, sa_column=Column(Text))
    """JSON of the card state before this review, so it can be undone."""


class PackSync(SQLModel, table=True):
    """A fingerprint of the question ids last synced for a learner, so unchanged packs cost nothing."""

    __tablename__ = "pack_sync"

    learner_id: int = Field(sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True))
    pack_id: str = Field(max_length=200, primary_key=True)
    ids_hash: str = Field(max_length=64)


class Mistake(SQLModel, table=True):
    """The mistake bank: every wrong answer, kept; ``cleared`` once answered right again."""

    __table_args__ = (Index("ix_mistake_learner", "learner_id", "cleared", "pack_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    pack_id: str = Field(max_length=200)
    question_id: str = Field(max_length=200)
    at: datetime = Field(sa_column=utc_col(nullable=False))
    origin: str = Field(max_length=20)
    """``review``, ``quiz`` or ``exam``."""
    response: str | None = Field(default=None, sa_column=Column(Text))
    cleared: bool = False


class Attempt(SQLModel, table=True):
    """A practice quiz or a mock exam: its questions (in order, with their display order) and result."""

    __table_args__ = (Index("ix_attempt_learner", "learner_id", "kind", "finished_at"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    kind: str = Field(max_length=10)
    """``quiz`` or ``exam``."""
    started_at: datetime = Field(sa_column=utc_col(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=utc_col())
    time_limit_s: int | None = None
    elapsed_s: float = 0
    """Exam time used up to the last saved answer (a resumed exam goes on from here)."""
    pass_mark: float | None = None
    cbm: bool = False
    items: str = Field(sa_column=Column(Text, nullable=False))
    """JSON list of ``{pack, question, shown}``: which questions, in which order and option order."""
    score: float | None = None
    max_score: int | None = None
    cbm_score: float | None = None
    passed: bool | None = None


class AttemptAnswer(SQLModel, table=True):
    """One answer in a quiz or exam, saved as given."""

    __tablename__ = "attempt_answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position", name="uq_attempt_answer_position"),
        Index("ix_attempt_answer_question", "pack_id", "question_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(sa_column=Column(Integer, ForeignKey("attempt.id", ondelete="CASCADE"), nullable=False))
    position: int
    pack_id: str = Field(max_length=200)
    question_id: str = Field(max_length=200)
    response: str | None = Field(default=None, sa_column=Column(Text))
    score: float
    confidence: int | None = None
    """CBM certainty 1 (low) .. 3 (high)."""
    answered_at: datetime = Field(sa_column=utc_col(nullable=False))


class ReviewDayStats(SQLModel, table=True):
    """Reviews of one learner on one local day: kept with the log (same transaction), so totals,
    the heatmap, streaks, retention and daily limits never scan the log."""

    __tablename__ = "review_day_stats"

    learner_id: int = Field(sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True))
    review_day: int = Field(primary_key=True)
    reviews: int = 0
    new_cards: int = 0
    """Reviews of cards that were new (the daily new-card limit counts these)."""
    review_cards: int = 0
    """Reviews of cards in the Review state (the daily review limit and retention count these)."""
    lapses: int = 0
    """Review-state cards rated Again."""


class PackDayStats(SQLModel, table=True):
    """New cards introduced and review cards reviewed by one learner in one pack on one local day,
    kept with the log like :class:`ReviewDayStats`: the per-pack daily limits are counted here, so
    every session of the learner sees the same counts."""

    __tablename__ = "pack_day_stats"

    learner_id: int = Field(sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True))
    review_day: int = Field(primary_key=True)
    pack_id: str = Field(max_length=200, primary_key=True)
    new_cards: int = 0
    review_cards: int = 0


class ClassRole(SQLModel, table=True):
    """The database roles of a class database (PostgreSQL, made by ``studyvm class init``).

    Two rows, ``kind`` ``student`` and ``instructor``, naming the group roles whose members are
    the learners and the instructors. Empty on SQLite and on a shared database that was never
    set up as a class, where there is no access control beyond the database's own.
    """

    __tablename__ = "class_role"

    kind: str = Field(max_length=20, primary_key=True)
    role: str = Field(max_length=63)
