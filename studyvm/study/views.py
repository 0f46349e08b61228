"""Plain data returned by the study service: what a screen or a script needs, no ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # not imported at run time: it would load the pack model (pydantic) on the app's launch path
    from studyvm.study.presentation import Presentation

STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}


@dataclass
class DueCount:
    """Cards of one pack waiting now: ``due`` reviews/learning steps and ``new`` cards (after limits)."""

    pack_id: str
    due: int
    new: int


@dataclass
class CardView:
    """One card to review: the pack's question, how it is shown, and where the learner stands."""

    pack_id: str
    question: Any
    """The pydantic question from the pack (``FlipQuestion``, ``McqQuestion``, …)."""
    presentation: Presentation
    """Display order of options/items; pass typed text through ``parse_response`` with it."""
    state: str
    """``new``, ``learning``, ``review`` or ``relearning``."""
    due: int
    """Cards due now in this session's scope (this card included), capped near the daily review limit."""
    new: int
    """New cards still available today in this session's scope (at most the daily new-card limit left)."""
    shown_at: datetime
    card_id: int = 0
    """Internal row id."""

    @property
    def question_id(self) -> str:
        """The question's stable id."""
        return self.question.id


@dataclass(frozen=True)
class Undone:
    """What :meth:`studyvm.study.service.StudyService.undo_action` took back."""

    kind: str
    """``answer``, ``suspend`` or ``bury``."""
    pack_id: str
    question_id: str


@dataclass
class AnswerOutcome:
    """The result of one committed answer (review, quiz question)."""

    pack_id: str
    question_id: str
    rating: int | None
    """fsrs rating 1..4 (reviews; ``None`` in a quiz)."""
    score: float | None
    """0..1 for auto-graded answers; ``None`` for a self-rated flip card in a review."""
    correct: bool | None
    expected: str
    """The right answer in words (a flip card's back)."""
    feedback: str = ""
    explanation: str = ""
    caveat: str = ""
    source: str = ""
    """``title — section`` of the pack source the fact comes from, or empty."""
    next_due: datetime | None = None
    leech: bool = False
    """True when this answer made the card a leech (tagged and suspended)."""

    @property
    def rating_name(self) -> str:
        """``Again``/``Hard``/``Good``/``Easy`` or empty."""
        from studyvm.study.scheduling import RATING_NAMES

        return RATING_NAMES.get(self.rating or 0, "")


@dataclass
class TopicResult:
    """Score on one topic in an exam."""

    score: float
    max: int

    @property
    def percent(self) -> float:
        """Score as a percentage of the maximum."""
        return 100.0 * self.score / self.max if self.max else 0.0


@dataclass
class WrongAnswer:
    """A question answered wrongly (or partly) in an exam, for the review at the end."""

    pack_id: str
    question_id: str
    prompt: str
    given: Any
    """The response as saved (option indexes, texts…); ``given_text`` says it in words."""
    expected: str
    score: float
    explanation: str = ""
    caveat: str = ""
    source: str = ""
    given_text: str = ""


@dataclass
class ExamResult:
    """The score of a finished exam."""

    attempt_id: int
    score: float
    """Sum of per-question scores (partial credit)."""
    max_score: int
    percent: float
    passed: bool
    pass_mark: float
    answered: int
    by_topic: dict[str, TopicResult] = field(default_factory=dict)
    wrong: list[WrongAnswer] = field(default_factory=list)
    cbm_score: float | None = None
    """Sum of certainty-based marks (+1/+2/+3 right, 0/−2/−6 wrong) when CBM was on."""
    cbm_average: float | None = None
    timed_out: bool = False


def source_text(pack: Any, question: Any) -> str:
    """``Title — section`` for a question's source reference, or empty."""
    ref = getattr(question, "source", None)
    if ref is None:
        return ""
    title = next((s.title for s in pack.meta.sources if s.id == ref.note), ref.note)
    return f"{title} — {ref.section}" if ref.section else title


@dataclass
class Feedback:
    """The verdict on one answer, ready to show (a preview before rating, or a quiz answer's)."""

    correct: bool | None
    """``None`` for a self-graded (flip) card."""
    score: float = 0.0
    """Credit 0..1."""
    expected: str = ""
    """The right answer, as text."""
    explanation: str = ""
    caveat: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    """Feedback attached to the options or answers the learner chose."""
    lines: list[str] = field(default_factory=list)
    """What happened, part by part: marked options, "your answer", partial credit worked out
    (:func:`studyvm.study.verdict.explain`); when present it includes the notes and the answer."""

    @classmethod
    def of(cls, outcome: AnswerOutcome) -> Feedback:
        """The feedback of a committed answer."""
        return cls(
            correct=outcome.correct,
            score=float(outcome.score or 0.0),
            expected=outcome.expected,
            explanation=outcome.explanation,
            caveat=outcome.caveat,
            source=outcome.source,
            notes=[outcome.feedback] if outcome.feedback else [],
        )


@dataclass
class ShownCard:
    """A question on screen with the text around it (a review card or a quiz item)."""

    question: Any
    meta: str
    """Small line above the prompt: pack, topic, type, state."""
    status: str
    """Status bar text: counts of due and new cards."""
    presentation: Presentation | None = None
    """The service's display order (options, items, matching choices)."""
    ref: CardView | None = None
    """The service's own card (reviews only)."""
    pack_id: str = ""


@dataclass
class SessionSummary:
    """How a review session ended: what was done, and what is still waiting."""

    reviewed: int
    ratings: dict[int, int]
    """Rating (1 Again … 4 Easy) -> how many cards got it in this session."""
    seconds: float
    limit_reached: bool
    """The session stopped at its ``--limit``, not because nothing was left."""
    due: int = 0
    new: int = 0
    """Cards still waiting now (due, and new within today's limit)."""

    def lines(self) -> list[str]:
        """Two lines for people: the session, then what is left (never "nothing is due" when it is not)."""
        names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
        counts = ", ".join(f"{n} {names[r]}" for r, n in sorted(self.ratings.items()) if n)
        took = "under a minute" if self.seconds < 60 else f"about {round(self.seconds / 60)} min"
        first = f"Done: {self.reviewed} reviewed" + (f" in {took} ({counts})" if self.reviewed else "")
        waiting = self.due + self.new
        if self.limit_reached and waiting:
            second = (
                f"Session limit reached. Still waiting: {self.due} due, {self.new} new — "
                "start another session (r on the dashboard) to go on."
            )
        elif waiting:
            second = f"Still waiting: {self.due} due, {self.new} new."
        else:
            second = "Nothing is due now. Come back later, or start a quiz."
        return [first + ".", second]


@dataclass
class TopicMastery:
    """How well one topic is known: ``mastered`` of ``questions`` (``mastery`` is the share, 0..1)."""

    topic: str
    mastery: float
    questions: int = 0
    mastered: int = 0
    seen: int = 0
    """Questions answered at least once (in a review, a quiz or an exam)."""

    @property
    def label(self) -> str:
        """``3 of 12`` — the figure shown beside the bar."""
        return f"{self.mastered} of {self.questions}"


@dataclass
class PackSummary:
    """One pack as the dashboard and the packs screen list it."""

    id: str
    title: str
    origin: str
    location: str
    questions: int
    topics: list[str]
    due: int = 0
    new: int = 0
    description: str = ""
    version: str = ""
    demos: int = 0
    """Questions that have a simulator demo."""
    limits: str = ""
    """The pack's daily limits in words (``20 new and 200 reviews a day (every pack's)``)."""


@dataclass
class FailedPack:
    """A pack folder that did not load, with its ``path:line:col: error: message`` lines."""

    location: str
    messages: list[str]


@dataclass
class Dashboard:
    """Everything the dashboard shows."""

    packs: list[PackSummary]
    failed: list[FailedPack]
    mastery: list[TopicMastery] = field(default_factory=list)
    streak: int = 0
    reviews_today: int = 0
    due_now: int = 0
    suggestion: str = ""
    suggested_screen: str = "review"
    engine_note: str = ""
    """Why figures are missing, when the study engine could not be reached."""


@dataclass
class StatsData:
    """Everything the statistics screen draws."""

    today: date
    reviews_total: int
    reviews_today: int
    due_now: int
    streak: int
    retention: float | None
    heatmap: dict[date, int]
    forecast: list[int]
    """Cards due on each of the next days, today first."""
    mastery: list[TopicMastery]
    exams: list[tuple[str, float]]
    """(date, percent) of every finished exam, oldest first."""
    retention_by_week: list[float] = field(default_factory=list)
    """Share of review-state answers not rated Again, per week, oldest first (weeks with reviews)."""
