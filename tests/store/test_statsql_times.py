"""The statistics' plain SQL reads ``card_state`` times in the form the column holds them: SQLAlchemy's
text, or integer microseconds (what :func:`studyvm.store.hotpath.text_of` gives once the column is
an integer); both forms give the same days since a review and the same local due dates."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from studyvm.store import hotpath, statsql
from studyvm.store.micros import micros_of

NOW = datetime(2026, 6, 1, 12, 0, 30, 250_000, tzinfo=UTC)
TIMES = [
    NOW - timedelta(days=3, hours=5, microseconds=17),
    NOW - timedelta(minutes=1),
    NOW + timedelta(days=2, hours=13),
    datetime(2026, 5, 31, 23, 59, 59, 998_000, tzinfo=UTC),  # (SQLite rounds text times to the millisecond)
    datetime(2026, 6, 1, tzinfo=UTC),
]


def _as_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@pytest.mark.parametrize("offset_s", [0, -5 * 3600, 9 * 3600 + 1800])
def test_text_and_integer_times_read_alike(monkeypatch: pytest.MonkeyPatch, offset_s: int) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (at)")
    read: dict[str, list[tuple]] = {}
    for form, store in (("text", _as_text), ("micros", micros_of)):
        monkeypatch.setattr(hotpath, "text_of", store)
        db.execute("DELETE FROM t")
        db.executemany("INSERT INTO t VALUES (?)", [(store(m),) for m in TIMES])
        julian, local = statsql._julian("at", NOW), statsql._local_date("at", offset_s, NOW)
        read[form] = db.execute(f"SELECT {julian}, {local} FROM t ORDER BY rowid").fetchall()
    for (jd_text, day_text), (jd_int, day_int), moment in zip(read["text"], read["micros"], TIMES, strict=True):
        assert jd_int == pytest.approx(jd_text, abs=1e-8)  # well under a millisecond
        expected = (moment + timedelta(seconds=offset_s)).date().isoformat()
        assert day_text == day_int == expected
