"""FSRS scheduling: the bridge between stored card rows and the ``fsrs`` package.

The fsrs package does every scheduling decision (learning and relearning steps, stability,
difficulty, intervals, fuzz); this module only converts a stored card to an ``fsrs.Card`` and
back, and adds what fsrs leaves to the application: lapses, leeches and the calendar day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

import fsrs

from studyvm.store.states import STATE_NEW

DEFAULT_RETENTION = 0.9
"""Desired retention: the probability of recall at which a review is scheduled."""
LEECH_LAPSES = 8
"""Lapses after which a card is tagged a leech and suspended (Anki's default)."""
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RATINGS_BY_NAME = {name.lower(): value for value, name in RATING_NAMES.items()}


def make_scheduler(retention: float = DEFAULT_RETENTION, fuzz: bool = True) -> fsrs.Scheduler:
    """An fsrs scheduler with the desired retention; ``fuzz=False`` makes intervals exact."""
    if not 0.5 <= retention < 1:
        raise ValueError("desired retention must be between 0.5 and 0.99")
    return fsrs.Scheduler(desired_retention=retention, enable_fuzzing=fuzz)


def now_utc() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def local_tz() -> tzinfo:
    """The machine's local time zone (for calendar days, limits and burying)."""
    return datetime.now().astimezone().tzinfo or UTC


def day_of(moment: datetime, tz: tzinfo) -> int:
    """The local calendar day of ``moment`` as a proleptic ordinal (comparable, SQL friendly)."""
    return moment.astimezone(tz).date().toordinal()


def start_of_next_day(moment: datetime, tz: tzinfo) -> datetime:
    """Local midnight after ``moment``, in UTC: when buried cards come back."""
    local = moment.astimezone(tz)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
    return midnight.astimezone(UTC)


@dataclass
class CardFields:
    """The scheduling fields of a stored card (a subset of ``card_state``)."""

    state: int = STATE_NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def to_fsrs(self, card_id: int, now: datetime) -> fsrs.Card:
        """The fsrs card for these fields; a new card is fsrs's fresh Learning card."""
        if self.state == STATE_NEW:
            return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0, due=now)
        return fsrs.Card(
            card_id=card_id,
            state=fsrs.State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-able dict (for the review log's undo snapshot)."""
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardFields:
        """Inverse of :meth:`as_dict`."""
        due = data.get("due")
        last = data.get("last_review")
        return cls(
            state=data["state"],
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=datetime.fromisoformat(due) if due else None,
            last_review=datetime.fromisoformat(last) if last else None,
            reps=data.get("reps", 0),
            lapses=data.get("lapses", 0),
        )


@dataclass
class Scheduled:
    """The outcome of one review: the new fields and whether the card just became a leech."""

    fields: CardFields
    became_leech: bool


def schedule(scheduler: fsrs.Scheduler, before: CardFields, rating: int, now: datetime, card_id: int = 1) -> Scheduled:
    """Apply ``rating`` (1..4) at ``now`` to a card; fsrs decides, we count lapses."""
    if now.tzinfo is None:
        raise ValueError("review times must be timezone-aware")
    card, _log = scheduler.review_card(before.to_fsrs(card_id, now), fsrs.Rating(rating), review_datetime=now)
    lapse = rating == 1 and before.state == fsrs.State.Review.value
    lapses = before.lapses + (1 if lapse else 0)
    after = CardFields(
        state=card.state.value,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=before.reps + 1,
        lapses=lapses,
    )
    # Like Anki: a leech at the threshold, and again every half threshold after it.
    leech = lapse and lapses >= LEECH_LAPSES and (lapses - LEECH_LAPSES) % (LEECH_LAPSES // 2) == 0
    return Scheduled(after, leech)


def retrievability(scheduler: fsrs.Scheduler, stability: float | None, elapsed_days: float | None) -> float:
    """fsrs's probability of recall after ``elapsed_days`` (whole days, as fsrs counts)."""
    if stability is None or elapsed_days is None or stability <= 0:
        return 0.0
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * max(0, int(elapsed_days)) / stability) ** decay


def interval_text(seconds: float) -> str:
    """A next-review interval as Anki shows it on its buttons: ``<1m``, ``10m``, ``3h``, ``4d``, ``1.5mo``, ``2y``."""
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".rstrip("0").rstrip(".") + "mo"
    return f"{days / 365:.1f}".rstrip("0").rstrip(".") + "y"
