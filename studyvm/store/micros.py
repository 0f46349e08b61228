"""Datetimes as integer microseconds since the Unix epoch (UTC), exact both ways.

How SQLite stores ``review_log.reviewed_at`` (8 bytes instead of 26 of text). Kept apart from the
ORM models so the raw-SQL answer path (:mod:`studyvm.store.hotpath`) can use it without them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def micros_of(moment: datetime) -> int:
    """Microseconds since the epoch of a datetime (a naive one is taken to be UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICRO


def from_micros(micros: int) -> datetime:
    """Inverse of :func:`micros_of`: an aware UTC datetime."""
    return _EPOCH + timedelta(microseconds=micros)
