"""The study service's review path on SQLite: one held connection, the in-memory queue, plain SQL.

:class:`ReviewPath` answers the two calls made for every card (:meth:`ReviewPath.next` and
:meth:`ReviewPath.answer`) without building a statement or an ORM session. It owns a connection of
its own taken from the engine's pool (same pragmas: WAL, ``synchronous=NORMAL``, foreign keys, busy
timeout). Every change to cards made elsewhere, whether through the engine (suspend, bury, undo,
a pack sync) or by another process, is a commit on another connection, which moves SQLite's
``data_version`` as this connection sees it; the queue is then rebuilt before the next card is
chosen. The service also drops the queue itself after those calls (:meth:`ReviewPath.invalidate`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine

from studyvm.store import hotpath
from studyvm.study import card_writes, daytotals
from studyvm.study import cards as repo
from studyvm.study.limits import Allowance
from studyvm.study.queue import DueQueue
from studyvm.study.scheduling import CardFields, Scheduled

HORIZON = timedelta(hours=1)
"""How far past ``now`` (plus the learn-ahead window) the queue holds scheduled cards; it is rebuilt
when the clock gets that far."""


def _row(r: tuple) -> repo.CardRow:
    """A :class:`~studyvm.study.cards.CardRow` from :data:`studyvm.store.hotpath.CARD_COLUMNS`."""
    (
        card_id,
        pack_id,
        qid,
        queue,
        state,
        step,
        stability,
        difficulty,
        due,
        last,
        reps,
        lapses,
        suspended,
        leech,
        removed,
        buried,
        last_rating,
    ) = r
    fields = CardFields(
        state, step, stability, difficulty, hotpath.from_stamp(due), hotpath.from_stamp(last), reps, lapses
    )
    return repo.CardRow(
        id=card_id,
        pack_id=pack_id,
        question_id=qid,
        queue=queue,
        fields=fields,
        suspended=bool(suspended),
        leech=bool(leech),
        removed=bool(removed),
        buried_until=hotpath.from_stamp(buried),
        last_rating=last_rating,
    )


class ReviewPath:
    """Next card and answer for one learner on a SQLite engine."""

    def __init__(self, engine: Engine, learner: int, exclude: tuple[str, ...], new_limit: int) -> None:
        self._pooled = engine.raw_connection()
        self.conn: sqlite3.Connection = cast(sqlite3.Connection, self._pooled.driver_connection)
        """The sqlite3 connection (autocommit; transactions are explicit)."""
        self.learner = learner
        self.exclude = exclude
        self.new_limit = max(1, new_limit)
        self.queue: DueQueue | None = None
        self._version = -1
        self._counted = -1
        """``data_version`` when today's counts were last read (see :meth:`counted_elsewhere`)."""
        self._new: tuple[int, dict[str, int]] | None = None
        """(``data_version``, pack id -> new cards waiting): read once, then kept up to date by :meth:`answer`."""
        self._days: tuple[int, int, int, int] | None = None
        """(``data_version``, day, streak, reviews that day) (see :meth:`today`), kept up to date by :meth:`answer`."""

    def poll(self) -> int:
        """SQLite's ``data_version`` now (one read per call of the service, shared by what it checks)."""
        return hotpath.data_version(self.conn)

    def close(self) -> None:
        """Give the connection back."""
        self._pooled.close()

    def invalidate(self) -> None:
        """Forget the queue (cards changed elsewhere); the next call rebuilds it."""
        self.queue = None

    def fresh(self, now: datetime, pack: str | None, version: int | None = None, ahead: Any = None) -> DueQueue:
        """The queue for ``pack`` (``None``: every pack), rebuilt first if cards changed elsewhere, the
        pack is another one or ``now`` nears its horizon (``version``: :meth:`poll`, if just read;
        ``ahead``: the column value of ``now`` + the learn-ahead window, if already made)."""
        if version is None:
            version = self.poll()
        queue = self.queue
        if (
            queue is None
            or version != self._version
            or queue.pack != pack
            or (hotpath.stamp_of(now + repo.LEARN_AHEAD) if ahead is None else ahead) > queue.horizon
        ):
            queue = self.queue = self._build(now, pack, version)
            self._version = version
        return queue

    def new_counts(self, version: int) -> dict[str, int]:
        """Pack id -> new cards waiting (a read of the index only when another connection committed)."""
        if self._new is None or self._new[0] != version:
            self._new = (version, hotpath.new_counts(self.conn, self.learner))
        return self._new[1]

    def _build(self, now: datetime, pack: str | None, version: int) -> DueQueue:
        horizon = hotpath.stamp_of(now + repo.LEARN_AHEAD + HORIZON)
        conn, learner, exclude = self.conn, self.learner, self.exclude
        scheduled = hotpath.scheduled(conn, learner, horizon, pack, exclude)
        counts = {p: n for p, n in self.new_counts(version).items() if p not in exclude}

        def resolve(ids: list[int]) -> dict[int, tuple[str, str, int]]:
            return hotpath.card_meta(conn, ids)

        def refill(pid: str) -> list[tuple[int, int, str]]:
            return hotpath.new_cards(conn, learner, pid, self.new_limit)

        return DueQueue(horizon, pack, scheduled, counts, resolve, refill)  # details read when needed

    def next(
        self, now: datetime, pack: str | None, allowed: Allowance, version: int | None = None
    ) -> tuple[tuple[str, int, str, int], tuple[int, int]] | None:
        """((pack id, card id, question id, state), (due, new) counts) of the next card within the
        daily limits ``allowed``, or ``None`` (``version``: :meth:`poll`, if just read)."""
        at, ahead = hotpath.stamp_of(now), hotpath.stamp_of(now + repo.LEARN_AHEAD)
        queue = self.fresh(now, pack, version, ahead)
        new_left, reviews_left = allowed.new_left(pack), allowed.reviews_left(pack)
        picked = queue.next(
            at,
            ahead,
            new_left > 0,
            reviews_left > 0,
            no_new=allowed.blocked("new"),
            no_reviews=allowed.blocked("reviews"),
        )
        if picked is None:
            return None
        # Learning steps go on past the review limit, so allow a little over it.
        return picked, queue.counts(at, reviews_left + 100, new_left, allowed.new_left)

    def counts_by_pack(self, now: datetime, packs: list[str]) -> dict[str, tuple[int, int]]:
        """Pack id -> (cards due by ``now``, new cards waiting), daily limits aside: index-only counts."""
        at = hotpath.stamp_of(now)
        new = self.new_counts(self.poll())
        return {p: (hotpath.due_count(self.conn, self.learner, p, at), new.get(p, 0)) for p in packs}

    def new_day(self, now: datetime, day: int) -> dict[str, tuple[int, int]]:
        """Start a day: put back the cards whose burial is over; pack id -> (new cards, reviews) done
        on ``day``."""
        at = hotpath.stamp_of(now)
        # Most days nothing is buried: a read then spares a write transaction (and its lock).
        if hotpath.burial_over(self.conn, self.learner, at):
            with hotpath.write(self.conn):
                hotpath.unbury(self.conn, self.learner, at)
            self.invalidate()
            self._new = None
        return self.done_on(day)

    def done_on(self, day: int, version: int | None = None) -> dict[str, tuple[int, int]]:
        """Pack id -> (new cards introduced, review cards reviewed) on ``day``, read now."""
        self._counted = self.poll() if version is None else version
        return hotpath.done_on(self.conn, self.learner, day)

    def stamp(self) -> tuple[int, int]:
        """(commits by other connections, changes made by this one): moves with any change to the database."""
        return hotpath.data_version(self.conn), self.conn.total_changes

    def counted_elsewhere(self, version: int | None = None) -> bool:
        """Whether another connection (another session, an undo) has committed since the day's counts
        were read: they are read again then (``version``: :meth:`poll`, if just read)."""
        return (self.poll() if version is None else version) != self._counted

    def today(self, day: int) -> tuple[int, int]:
        """(streak in days, reviews on ``day``): read again only when another connection has committed
        (this one's answers are added as they are recorded)."""
        version = self.poll()
        kept = self._days
        if kept is None or kept[0] != version or kept[1] != day:
            streak, reviews = hotpath.streak_and_reviews(self.conn, self.learner, day)
            kept = self._days = (version, day, streak, reviews)
        return kept[2], kept[3]

    def _counted_today(self, day: int) -> None:
        """Add one answer of this connection to the kept streak and reviews of ``day``."""
        kept = self._days
        if kept is not None and kept[1] == day:
            _version, _day, streak, reviews = kept
            self._days = (kept[0], day, streak + (reviews == 0), reviews + 1)

    def answer(
        self,
        pack_id: str,
        qid: str,
        decide: Callable[[repo.CardRow], Scheduled],
        log: dict[str, Any],
        mistake: tuple[str, str | None] | None,
    ) -> tuple[repo.CardRow, Scheduled, int] | None:
        """Record an answer in one transaction: the card's new state (``decide(card)``), the review
        log row (``log``: rating, now, day, score, response, duration_ms), the day's totals and the
        mistake bank (``mistake``: ``None`` clears it, else (origin, response JSON) records one).

        (card before, outcome, log id); ``None`` (nothing written) when the card is unknown.
        """
        conn, learner = self.conn, self.learner
        with hotpath.write(conn):
            found = hotpath.card(conn, learner, pack_id, qid)
            if found is None:
                return None
            card = _row(found)
            done = decide(card)
            values = card_writes.answer_values(card, done.fields, done.became_leech, log["rating"])
            hotpath.update_card(conn, card.id, values)
            log_id = hotpath.insert_review(
                conn,
                card_writes.log_values(
                    learner,
                    card,
                    log["rating"],
                    log["now"],
                    log["day"],
                    log["score"],
                    log["response"],
                    log["duration_ms"],
                ),
            )
            hotpath.count_day(conn, learner, log["day"], daytotals.day_counts(card.fields.state, log["rating"]))
            hotpath.count_pack_day(conn, learner, log["day"], pack_id, daytotals.pack_day_counts(card.fields.state))
            if mistake is None:
                hotpath.clear_mistakes(conn, learner, pack_id, qid)
            else:
                hotpath.record_mistake(conn, learner, pack_id, qid, log["now"], mistake[0], mistake[1])
        self._counted_today(log["day"])
        if card.queue == repo.QUEUE_NEW and self._new is not None and self._new[1].get(pack_id):
            self._new[1][pack_id] -= 1
        if self.queue is not None:
            self.queue.answered(
                pack_id,
                card.id,
                qid,
                (card.fields.state, hotpath.to_stamp(card.fields.due)),
                (done.fields.state, hotpath.to_stamp(done.fields.due), values["queue"] == repo.QUEUE_SCHEDULED),
            )
        return card, done, log_id
