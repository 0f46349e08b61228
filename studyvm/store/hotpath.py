"""The review hot path on SQLite, in plain SQL on one DB-API connection: no ORM, no statement building.

Choosing a card and recording an answer happen hundreds of times in a sitting; through SQLAlchemy
each statement cost more to prepare than to run. These functions take the service's own sqlite3
connection (held for the life of the service, in autocommit mode: every write is one explicit
``BEGIN IMMEDIATE`` … ``COMMIT``), run statements that SQLite caches once compiled, and write
exactly what the SQLAlchemy tables would: the times of ``card_state`` and ``review_log`` as integer
microseconds (:mod:`studyvm.store.micros`), other datetimes as naive UTC text in SQLAlchemy's
format, booleans as 0/1. The same WAL journal and ``synchronous`` setting apply (the connection comes from
the engine, whose connect hook sets them), so an answer is as durable as before.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from studyvm.store.micros import from_micros, micros_of
from studyvm.store.revision import SCHEMA_HEAD
from studyvm.store.states import QUEUE_BURIED, QUEUE_NEW, QUEUE_SCHEDULED, STATE_NEW

_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
CARD_COLUMNS = (
    "id, pack_id, question_id, queue, state, step, stability, difficulty, due, last_review, reps, "
    "lapses, suspended, leech, removed, buried_until, last_rating"
)
"""The ``card_state`` columns :func:`card` returns, in order."""


def stamp_of(moment: datetime) -> int:
    """A datetime as ``card_state`` stores its times: integer microseconds since the epoch (0007)."""
    return micros_of(moment)


def to_stamp(moment: datetime | None) -> int | None:
    """:func:`stamp_of`, ``None`` kept."""
    return None if moment is None else micros_of(moment)


def from_stamp(value: int | None) -> datetime | None:
    """A stored ``card_state`` time back to an aware UTC datetime."""
    return None if value is None else from_micros(value)


def _as_text(moment: datetime) -> str:
    """A datetime as the naive UTC text SQLAlchemy writes (``mistake.at`` is still text)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(_FORMAT)


def schema_current(conn: sqlite3.Connection) -> bool:
    """Whether the database is at the revision this version writes (:data:`SCHEMA_HEAD`): the
    statements here assume its column types."""
    try:
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table: never migrated
        return False
    return found is not None and found[0] == SCHEMA_HEAD


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's counter of commits made by *other* connections (this one's own do not move it)."""
    return conn.execute("PRAGMA data_version").fetchone()[0]


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: ``BEGIN IMMEDIATE``, ``COMMIT`` on success, ``ROLLBACK`` on error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def scheduled(
    conn: sqlite3.Connection, learner: int, until: int, pack_id: str | None = None, exclude: Sequence[str] = ()
) -> list[tuple[int, int]]:
    """(due, id) of every scheduled card due by ``until`` (stored values, see :func:`stamp_of`), by
    due time then id: of one pack, or of all but ``exclude``. Read from an index alone (unless
    ``exclude``)."""
    sql = "SELECT due, id FROM card_state WHERE learner_id = ? AND queue = ? AND due <= ?"
    args: list = [learner, QUEUE_SCHEDULED, until]
    if pack_id is not None:
        sql += " AND pack_id = ?"
        args.append(pack_id)
    elif exclude:
        sql += f" AND pack_id NOT IN ({', '.join('?' * len(exclude))})"
        args += list(exclude)
    return conn.execute(sql + " ORDER BY due, id", args).fetchall()


def card_meta(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str, int]]:
    """Card id -> (pack id, question id, state)."""
    out: dict[int, tuple[str, str, int]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for card_id, pack, qid, state in conn.execute(
            f"SELECT id, pack_id, question_id, state FROM card_state WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            out[card_id] = (pack, qid, state)
    return out


def due_count(conn: sqlite3.Connection, learner: int, pack_id: str, now: int) -> int:
    """Scheduled cards of a pack due by ``now`` (an index-only count)."""
    return conn.execute(
        "SELECT count(*) FROM card_state WHERE learner_id = ? AND pack_id = ? AND queue = ? AND due <= ?",
        (learner, pack_id, QUEUE_SCHEDULED, now),
    ).fetchone()[0]


def new_cards(conn: sqlite3.Connection, learner: int, pack_id: str, limit: int) -> list[tuple]:
    """(position, id, question id) of the first ``limit`` new cards of a pack, in pack order."""
    return conn.execute(
        "SELECT position, id, question_id FROM card_state "
        "WHERE learner_id = ? AND queue = ? AND pack_id = ? ORDER BY position, id LIMIT ?",
        (learner, QUEUE_NEW, pack_id, limit),
    ).fetchall()


def new_counts(conn: sqlite3.Connection, learner: int) -> dict[str, int]:
    """Pack id -> new cards waiting."""
    return dict(
        conn.execute(
            "SELECT pack_id, count(*) FROM card_state WHERE learner_id = ? AND queue = ? GROUP BY pack_id",
            (learner, QUEUE_NEW),
        ).fetchall()
    )


def card(conn: sqlite3.Connection, learner: int, pack_id: str, question_id: str) -> tuple | None:
    """The stored card (columns :data:`CARD_COLUMNS`), or ``None``."""
    return conn.execute(
        f"SELECT {CARD_COLUMNS} FROM card_state WHERE learner_id = ? AND pack_id = ? AND question_id = ?",
        (learner, pack_id, question_id),
    ).fetchone()


def update_card(conn: sqlite3.Connection, card_id: int, values: dict) -> None:
    """Store a card's new scheduling fields and flags (``values``: state, step, stability, difficulty,
    due, last_review, reps, lapses, leech, suspended, queue, last_rating)."""
    conn.execute(
        "UPDATE card_state SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?, "
        "reps = ?, lapses = ?, leech = ?, suspended = ?, buried_until = NULL, queue = ?, last_rating = ? WHERE id = ?",
        (
            values["state"],
            values["step"],
            values["stability"],
            values["difficulty"],
            to_stamp(values["due"]),
            to_stamp(values["last_review"]),
            values["reps"],
            values["lapses"],
            int(values["leech"]),
            int(values["suspended"]),
            values["queue"],
            values["last_rating"],
            card_id,
        ),
    )


def insert_review(conn: sqlite3.Connection, row: dict) -> int:
    """Append to the review log; the new row's id."""
    cur = conn.execute(
        "INSERT INTO review_log (learner_id, card_id, rating, reviewed_at, review_day, "
        "duration_ms, state_before, score, response, prev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row["learner_id"],
            row["card_id"],
            row["rating"],
            micros_of(row["reviewed_at"]),
            row["review_day"],
            row["duration_ms"],
            row["state_before"],
            row["score"],
            row["response"],
            row["prev"],
        ),
    )
    return cur.lastrowid or 0  # always set after an INSERT


def count_day(conn: sqlite3.Connection, learner: int, day: int, counts: tuple[int, int, int, int]) -> None:
    """Add (reviews, new cards, review cards, lapses) to the learner's totals for ``day``."""
    conn.execute(
        "INSERT INTO review_day_stats (learner_id, review_day, reviews, new_cards, review_cards, lapses) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (learner_id, review_day) DO UPDATE SET "
        "reviews = reviews + excluded.reviews, new_cards = new_cards + excluded.new_cards, "
        "review_cards = review_cards + excluded.review_cards, lapses = lapses + excluded.lapses",
        (learner, day, *counts),
    )


def count_pack_day(conn: sqlite3.Connection, learner: int, day: int, pack_id: str, counts: tuple[int, int]) -> None:
    """Add (new cards, review cards) to the learner's totals for ``pack_id`` on ``day``."""
    conn.execute(
        "INSERT INTO pack_day_stats (learner_id, review_day, pack_id, new_cards, review_cards) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (learner_id, review_day, pack_id) DO UPDATE SET "
        "new_cards = new_cards + excluded.new_cards, review_cards = review_cards + excluded.review_cards",
        (learner, day, pack_id, *counts),
    )


def clear_mistakes(conn: sqlite3.Connection, learner: int, pack_id: str, question_id: str) -> None:
    """Mark the open mistakes on a question as cleared."""
    conn.execute(
        "UPDATE mistake SET cleared = 1 WHERE learner_id = ? AND cleared = 0 AND pack_id = ? AND question_id = ?",
        (learner, pack_id, question_id),
    )


def record_mistake(
    conn: sqlite3.Connection,
    learner: int,
    pack_id: str,
    question_id: str,
    at: datetime,
    origin: str,
    response: str | None,
) -> None:
    """Keep a wrong answer in the mistake bank."""
    conn.execute(
        "INSERT INTO mistake (learner_id, pack_id, question_id, at, origin, response, cleared) "
        "VALUES (?, ?, ?, ?, ?, ?, 0)",
        (learner, pack_id, question_id, _as_text(at), origin, response),
    )


def ids_fingerprint(question_ids: list[str]) -> str:
    """A hash of the ordered question ids of a pack (``pack_sync.ids_hash``)."""
    return hashlib.sha256("\n".join(question_ids).encode()).hexdigest()


def learner_named(conn: sqlite3.Connection, name: str) -> int | None:
    """The id of learner ``name``, if registered."""
    found = conn.execute("SELECT id FROM learner WHERE name = ?", (name,)).fetchone()
    return None if found is None else found[0]


def synced_hash(conn: sqlite3.Connection, learner: int, pack_id: str) -> str | None:
    """The fingerprint of the question ids last synced for a pack."""
    found = conn.execute(
        "SELECT ids_hash FROM pack_sync WHERE learner_id = ? AND pack_id = ?", (learner, pack_id)
    ).fetchone()
    return None if found is None else found[0]


def burial_over(conn: sqlite3.Connection, learner: int, now: int) -> bool:
    """Whether a buried card is due back (the service puts it back before counting)."""
    return (
        conn.execute(
            "SELECT 1 FROM card_state WHERE learner_id = ? AND queue = ? AND buried_until <= ? LIMIT 1",
            (learner, QUEUE_BURIED, now),
        ).fetchone()
        is not None
    )


def unbury(conn: sqlite3.Connection, learner: int, now: int) -> int:
    """Put back the cards whose burial is over (in the caller's transaction); how many."""
    return conn.execute(
        "UPDATE card_state SET queue = CASE WHEN state = ? THEN ? ELSE ? END, buried_until = NULL "
        "WHERE learner_id = ? AND queue = ? AND buried_until <= ?",
        (STATE_NEW, QUEUE_NEW, QUEUE_SCHEDULED, learner, QUEUE_BURIED, now),
    ).rowcount


def done_on(conn: sqlite3.Connection, learner: int, day: int) -> dict[str, tuple[int, int]]:
    """Pack id -> (new cards introduced, review-state cards reviewed) on local day ``day``."""
    rows = conn.execute(
        "SELECT pack_id, new_cards, review_cards FROM pack_day_stats WHERE learner_id = ? AND review_day = ?",
        (learner, day),
    ).fetchall()
    return {pack: (new, review) for pack, new, review in rows}


def streak_and_reviews(conn: sqlite3.Connection, learner: int, today: int) -> tuple[int, int]:
    """(consecutive days with reviews ending ``today``, or yesterday if ``today`` has none yet; reviews
    on ``today``), reading the day totals back from ``today`` only as far as the streak goes."""
    rows = conn.execute(
        "SELECT review_day, reviews FROM review_day_stats WHERE learner_id = ? AND review_day <= ? AND reviews > 0 "
        "ORDER BY review_day DESC",
        (learner, today),
    )
    reviews = streak = 0
    expected = today
    try:
        for day, count in rows:
            if day == today:
                reviews = count
            elif expected == today:  # none today yet: the streak may end yesterday
                expected = today - 1
            if day != expected:
                break
            streak += 1
            expected -= 1
    finally:
        rows.close()  # an unfinished read must not hold its snapshot
    return streak, reviews
