"""Datetimes as integer microseconds since the Unix epoch (UTC), exact both ways.

How SQLite stores ``review_log.reviewed_at`` and ``card_state``'s times (8 bytes instead of 26 of
text). Kept apart from the ORM models so the raw-SQL answer path (:mod:`studyvm.store.hotpath`) can
use it without them. The two SQL helpers convert a column in place, for the migrations.
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


def sqlite_text_to_micros(column: str) -> str:
    """SQLite SQL: the text SQLAlchemy writes in ``column`` ('YYYY-MM-DD HH:MM:SS.ffffff', the
    fraction optional) as integer microseconds."""
    return (
        f"CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr(substr({column}, 21) || '000000', 1, 6) AS INTEGER)"
    )


def sqlite_micros_to_text(column: str) -> str:
    """SQLite SQL: integer microseconds in ``column`` back to SQLAlchemy's text, fraction always there."""
    fraction = f"(({column} % 1000000 + 1000000) % 1000000)"  # floored: a time before 1970 too
    return (
        f"strftime('%Y-%m-%d %H:%M:%S', ({column} - {fraction}) / 1000000, 'unixepoch') || printf('.%06d', {fraction})"
    )
