"""The statistics' reads on SQLite, in plain SQL on the review path's DB-API connection.

The same figures as the SQLAlchemy queries of :mod:`studyvm.study.stats` (which a database server
still runs), without building statements or processing results row by row: on a small history the
statements cost more to build than to run, on a large one each card's last-review time cost more
to turn into a datetime than to read. Every function here reads only.

``card_state``'s times are integer microseconds since the epoch (migration 0007), so the SQL below
turns them into Julian days and local dates arithmetically.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from studyvm.store import hotpath
from studyvm.store.states import QUEUE_NEW, QUEUE_SCHEDULED, STATE_NEW

_POW: dict[int, bool] = {}
"""id(connection) -> whether its SQLite has ``pow`` (built with the math functions)."""


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: every read inside sees the same state of the database."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


def _julian(column: str) -> str:
    """SQL: ``column`` (a ``card_state`` time, integer microseconds) as a Julian day number."""
    return f"({column} / 86400000000.0 + 2440587.5)"


def _local_date(column: str, offset_s: int) -> str:
    """SQL: the ``YYYY-MM-DD`` local date of a ``card_state`` time, ``offset_s`` east of UTC."""
    return f"date({column} / 1000000, 'unixepoch', '{offset_s:+d} seconds')"


def _naive_text(now: datetime) -> str:
    """``now`` as naive UTC ISO text, for SQLite's ``julianday`` (a naive ``now`` is taken as UTC)."""
    return (now.replace(tzinfo=None) - (now.utcoffset() or timedelta(0))).isoformat(" ")


def has_pow(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has ``pow`` (asked once per connection)."""
    found = _POW.get(id(conn))
    if found is None:
        try:
            conn.execute("SELECT pow(2.0, 3.0)").fetchone()
            found = True
        except sqlite3.OperationalError:  # no such function
            found = False
        _POW[id(conn)] = found
    return found


def day_rows(conn: sqlite3.Connection, learner: int) -> list[tuple[int, int, int, int]]:
    """(local day, reviews, review-state cards, lapses) of every day in the learner's totals."""
    return conn.execute(
        "SELECT review_day, reviews, review_cards, lapses FROM review_day_stats WHERE learner_id = ?", (learner,)
    ).fetchall()


def card_counts(conn: sqlite3.Connection, learner: int, now: datetime) -> tuple[int, int]:
    """(scheduled cards due by ``now``, new cards), over every pack of the learner (index-only counts)."""
    due = conn.execute(
        "SELECT count(*) FROM card_state WHERE learner_id = ? AND queue = ? AND due <= ?",
        (learner, QUEUE_SCHEDULED, hotpath.stamp_of(now)),
    ).fetchone()[0]
    new = conn.execute(
        "SELECT count(*) FROM card_state WHERE learner_id = ? AND queue = ?", (learner, QUEUE_NEW)
    ).fetchone()[0]
    return due, new


def _recall(now: datetime, factor: float, decay: float) -> tuple[str, list[object]]:
    """SQL and its parameters: fsrs retrievability now of a card (whole days since its last review)."""
    days = f"(julianday(?) - {_julian('last_review')})"
    return f"pow(1 + ? * max(0, CAST({days} AS INTEGER)) / stability, ?)", [factor, _naive_text(now), decay]


_REVIEWED = "learner_id = ? AND pack_id = ? AND state <> ? AND removed = 0"


def mastered_marks(
    conn: sqlite3.Connection, learner: int, pack_id: str, now: datetime, fsrs: tuple[float, float, float]
) -> list[tuple[int, int]]:
    """(position, 1 if mastered else 0) of every reviewed card of a pack with a last rating: its last
    rating not Again and its retrievability now at least the retention (``fsrs``: factor, decay,
    retention). Needs :func:`has_pow`."""
    factor, decay, retention = fsrs
    recall, args = _recall(now, factor, decay)
    return conn.execute(
        f"SELECT position, last_rating > 1 AND coalesce({recall} >= ?, 0) FROM card_state "
        f"WHERE {_REVIEWED} AND last_rating IS NOT NULL",
        [*args, retention, learner, pack_id, STATE_NEW],
    ).fetchall()


def review_details(
    conn: sqlite3.Connection,
    learner: int,
    pack_id: str,
    now: datetime,
    fsrs: tuple[float, float] | None,
    question_ids: Sequence[str] | None = None,
) -> list[tuple[int, int | None, object, float | None, float | None, float | None]]:
    """(position, last rating, last review (column value), retrievability now, stability, days since the
    last review) of the reviewed cards of a pack (``question_ids``: of those questions only). With
    ``fsrs`` (factor, decay; needs :func:`has_pow`) SQL works out the retrievability, and the last two are
    ``None``; without, the retrievability is ``None``."""
    naive = _naive_text(now)
    where, params = _REVIEWED, [learner, pack_id, STATE_NEW]
    if question_ids is not None:
        where += f" AND question_id IN ({', '.join('?' * len(question_ids))})"
        params += list(question_ids)
    if fsrs is None:
        days = f"julianday(?) - {_julian('last_review')}"
        sql = f"SELECT position, last_rating, last_review, NULL, stability, {days} FROM card_state WHERE {where}"
        return conn.execute(sql, [naive, *params]).fetchall()
    recall, args = _recall(now, *fsrs)
    sql = f"SELECT position, last_rating, last_review, {recall}, NULL, NULL FROM card_state WHERE {where}"
    return conn.execute(sql, [*args, *params]).fetchall()


def last_attempt_answers(conn: sqlite3.Connection, learner: int) -> dict[tuple[str, str], tuple[float, datetime]]:
    """(pack, question) -> (score, time) of the learner's latest quiz or exam answer to it."""
    rows = conn.execute(
        "SELECT pack_id, question_id, score, answered_at FROM attempt_answer WHERE id IN ("
        "SELECT max(a.id) FROM attempt_answer a JOIN attempt t ON t.id = a.attempt_id "
        "WHERE t.learner_id = ? GROUP BY a.pack_id, a.question_id)",
        (learner,),
    ).fetchall()
    return {(p, q): (float(score or 0.0), _utc(at)) for p, q, score, at in rows}


def finished_exams(conn: sqlite3.Connection, learner: int) -> list[tuple[int, datetime, float, int, bool, object]]:
    """(id, finished at, score, max score, passed, CBM score) of the learner's finished exams, oldest first."""
    rows = conn.execute(
        "SELECT id, finished_at, score, max_score, passed, cbm_score FROM attempt "
        "WHERE learner_id = ? AND kind = 'exam' AND finished_at IS NOT NULL ORDER BY finished_at",
        (learner,),
    ).fetchall()
    return [(i, _utc(at), score, top, bool(passed), cbm) for i, at, score, top, passed, cbm in rows]


def due_by_date(
    conn: sqlite3.Connection, learner: int, horizon: datetime, offset_s: int, now: datetime
) -> dict[str, int]:
    """Local date (``YYYY-MM-DD``, ``offset_s`` from UTC) -> scheduled cards falling due before ``horizon``."""
    day = _local_date("due", offset_s)
    return dict(
        conn.execute(
            f"SELECT {day}, count(*) FROM card_state WHERE learner_id = ? AND queue = ? AND due < ? GROUP BY {day}",
            (learner, QUEUE_SCHEDULED, hotpath.stamp_of(horizon)),
        ).fetchall()
    )


def card_time(value: object) -> datetime | None:
    """A ``card_state`` time as read here, as an aware UTC datetime."""
    return None if value is None else hotpath.from_stamp(value)  # type: ignore[arg-type]


def _utc(value: str | datetime) -> datetime:
    """A time SQLAlchemy stored as naive UTC text, as an aware datetime."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def chunks(ids: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """``ids`` a statement's worth at a time (SQLite caps the parameters of one statement)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
