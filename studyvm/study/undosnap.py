"""The undo snapshot kept with every answer (``review_log.prev``), in a compact form.

Every review-log row carries the card as it was before the answer, so an answer can be undone.
With a million answers the snapshot was most of the database (286 bytes as a JSON object with
ISO timestamps), so it is written as a JSON array of positional values, times as integer
microseconds since the Unix epoch (UTC): about 90 bytes, exact (floats round-trip through JSON,
microseconds are the datetimes' own resolution). Snapshots written before, JSON objects, are
still read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studyvm.store.micros import from_micros, micros_of
from studyvm.study.scheduling import CardFields

FORMAT = 1
"""The first item of a compact snapshot, so a later layout can be told apart."""


@dataclass(frozen=True)
class Snapshot:
    """A card before an answer, as an undo restores it."""

    fields: CardFields
    suspended: bool
    leech: bool
    buried_until: datetime | None
    last_rating: int | None
    has_last_rating: bool
    """False for an object snapshot written before ``card_state.last_rating`` existed (0005)."""


def _micros(when: datetime | None) -> int | None:
    return None if when is None else micros_of(when)


def _time(micros: int | None) -> datetime | None:
    return None if micros is None else from_micros(micros)


def encode(
    fields: CardFields, suspended: bool, leech: bool, buried_until: datetime | None, last_rating: int | None
) -> str:
    """The compact snapshot text of a card."""
    return json.dumps(
        [
            FORMAT,
            fields.state,
            fields.step,
            fields.stability,
            fields.difficulty,
            _micros(fields.due),
            _micros(fields.last_review),
            fields.reps,
            fields.lapses,
            int(suspended) | int(leech) << 1,
            _micros(buried_until),
            last_rating,
        ],
        separators=(",", ":"),
    )


def decode(text: str) -> Snapshot:
    """A snapshot from its text, compact or the older JSON object."""
    data: Any = json.loads(text)
    if isinstance(data, dict):
        buried = data.get("buried_until")
        return Snapshot(
            fields=CardFields.from_dict(data),
            suspended=bool(data["suspended"]),
            leech=bool(data["leech"]),
            buried_until=datetime.fromisoformat(buried) if buried else None,
            last_rating=data.get("last_rating"),
            has_last_rating="last_rating" in data,
        )
    if not isinstance(data, list) or len(data) != 12 or data[0] != FORMAT:
        raise ValueError(f"unknown undo snapshot: {text[:40]!r}")
    _, state, step, stability, difficulty, due, last, reps, lapses, flags, buried_us, last_rating = data
    return Snapshot(
        fields=CardFields(
            state=state,
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=_time(due),
            last_review=_time(last),
            reps=reps,
            lapses=lapses,
        ),
        suspended=bool(flags & 1),
        leech=bool(flags & 2),
        buried_until=_time(buried_us),
        last_rating=last_rating,
        has_last_rating=True,
    )
