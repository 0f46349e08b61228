"""The statistics' plain SQL reads ``card_state`` times (integer microseconds since migration 0007) as
the dates they stand for: the Julian day and the local date it computes agree with Python's own
arithmetic, in several time zones and at the edges of a day."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from studyvm.store import statsql
from studyvm.store.micros import micros_of

NOW = datetime(2026, 6, 1, 12, 0, 30, 250_000, tzinfo=UTC)
TIMES = [
    NOW - timedelta(days=3, hours=5, microseconds=17),
    NOW - timedelta(minutes=1),
    NOW + timedelta(days=2, hours=13),
    datetime(2026, 5, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2026, 6, 1, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 0, tzinfo=UTC),  # before the epoch: negative microseconds
]
JULIAN_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""1970-01-01 00:00 UTC is Julian day 2440587.5."""


@pytest.mark.parametrize("offset_s", [0, -5 * 3600, 9 * 3600 + 1800])
def test_integer_times_read_as_their_dates(offset_s: int) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (at INTEGER)")
    db.executemany("INSERT INTO t VALUES (?)", [(micros_of(m),) for m in TIMES])
    julian, local = statsql._julian("at"), statsql._local_date("at", offset_s)
    rows = db.execute(f"SELECT {julian}, {local} FROM t ORDER BY rowid").fetchall()
    for (jd, day), moment in zip(rows, TIMES, strict=True):
        expected_jd = 2440587.5 + (moment - JULIAN_EPOCH) / timedelta(days=1)
        assert jd == pytest.approx(expected_jd, abs=1e-8)  # well under a millisecond
        assert day == (moment + timedelta(seconds=offset_s)).date().isoformat()
