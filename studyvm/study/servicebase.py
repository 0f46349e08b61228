"""The state every part of the study service shares: settings, the database, the packs, today's limits.

:class:`ServiceBase` opens the database and the packs and knows the learner's daily limits; the
card actions (:mod:`studyvm.study.card_actions`) and :class:`studyvm.study.service.StudyService`
build on it. Shells use :class:`~studyvm.study.service.StudyService`, never this class alone.
"""

from __future__ import annotations

import logging
import random
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Self, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from studyvm.config import Settings
from studyvm.errors import StudyVMError
from studyvm.store import hotpath
from studyvm.store.classdb import session_role
from studyvm.store.engine import open_database, write_session, writer
from studyvm.study import card_writes, daytotals
from studyvm.study import sync as packsync
from studyvm.study.limits import Allowance
from studyvm.study.prefs import load_study_prefs
from studyvm.study.scheduling import day_of, local_tz, make_scheduler, now_utc
from studyvm.study.views import CardView

if TYPE_CHECKING:
    from studyvm.study.fastpath import ReviewPath

logger = logging.getLogger("studyvm.study.service")


class StudyError(StudyVMError):
    """A request the service cannot honour (unknown pack, bad rating…); the message is for people."""


class ServiceBase:
    """One learner on one database: lifecycle, packs, read sessions and the daily limits."""

    def __init__(
        self,
        settings: Settings,
        *,
        packs: dict[str, Any] | None = None,
        engine: Engine | None = None,
        clock: Callable[[], datetime] = now_utc,
        tz: tzinfo | None = None,
        retention: float | None = None,
        fuzz: bool = True,
        new_per_day: int | None = None,
        reviews_per_day: int | None = None,
        seed: int | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.tz = tz or local_tz()
        try:
            prefs = load_study_prefs(settings, retention, new_per_day, reviews_per_day)
        except ValueError as exc:
            raise StudyError(f"{settings.settings_file}: error: [study] {exc}") from None
        self.scheduler = make_scheduler(prefs.retention, fuzz)
        self.limits = prefs.limits
        """Daily limits per pack and over all packs (:mod:`studyvm.study.limits`)."""
        self.rng = random.Random(seed)
        self._packs = packs
        self._engine = engine
        self.learner_id = 0
        self._undo: list[tuple[str, int, tuple[str, str]]] = []
        """What :meth:`undo` takes back, newest last: (kind, review log id or 0, card key)."""
        self.caches: dict[str, dict[str, Any]] = {}
        """Per-pack figures derived from the loaded packs (see :mod:`studyvm.study.stats`)."""
        self._missing: tuple[str, ...] = ()
        self._today: tuple[int, Allowance] | None = None
        """(local day, what the limits still allow that day) (see :meth:`_limits`)."""
        self._reader: Engine | None = None
        self._fast: ReviewPath | None = None
        self._card_conn: Connection | None = None
        """The SQLite connection of :meth:`card_writer`, held for the life of the service."""
        """The in-memory queue and plain-SQL answers, on SQLite (see :mod:`studyvm.study.fastpath`)."""

    # -- lifecycle -----------------------------------------------------------------------------
    def open(self, as_learner: bool = True) -> Self:
        """Open (and migrate) the database, register the learner and sync every pack.

        ``as_learner=False`` only opens the database: for the class report, so an instructor
        reading it is not registered as a learner. On PostgreSQL the learner is the database
        role connected (``current_user``), whatever ``settings.learner`` says; on SQLite it is
        ``settings.learner``.
        """
        if self._engine is None:
            if not self.settings.db_url:
                self.settings.ensure_home()
            self._engine = open_database(self.settings.database_url)
            logger.debug("database opened (%s)", self._engine.dialect.name)
        if as_learner:
            role = session_role(self._engine)  # on PostgreSQL the learner is the database role
            if role is not None and role != self.settings.learner:
                self.settings = replace(self.settings, learner=role)
            with write_session(self._engine) as session:
                self.learner_id = packsync.learner_id(self.settings.learner, self.clock(), session=session)
            self.sync()
        return self

    def close(self) -> None:
        """Release the database connections."""
        if self._fast is not None:
            self._fast.close()
            self._fast = None
        if self._card_conn is not None:
            self._card_conn.close()
            self._card_conn = None
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        """The open engine (after :meth:`open`)."""
        if self._engine is None:
            raise StudyError("the study service is not open")
        return self._engine

    @property
    def packs(self) -> dict[str, Any]:
        """Pack id -> Pack, loaded from the catalog on first use."""
        if self._packs is None:
            from studyvm.packs.catalog import load_catalog

            self._packs = dict(load_catalog(self.settings).packs)
        return self._packs

    def pack(self, pack_id: str) -> Any:
        """The pack with ``pack_id``; :class:`StudyError` naming the known ones otherwise."""
        found = self.packs.get(pack_id)
        if found is None:
            known = ", ".join(sorted(self.packs)) or "none"
            raise StudyError(f"no pack with id '{pack_id}' (known: {known})")
        return found

    def sync(self) -> None:
        """Bring stored cards in line with the loaded packs (cheap when nothing changed)."""
        with write_session(self.engine) as session:
            for pack in self.packs.values():
                packsync.sync_pack(self.learner_id, pack.id, pack.index.ids, session=session)
            stored = packsync.stored_packs(self.learner_id, session=session)
        self._missing = tuple(sorted(p for p in stored if p not in self.packs))
        self._today = None  # the packs may have changed: count again
        self.caches.pop("browse_rows", None)  # cards may have come or gone: the browser reads them again
        if self._missing:
            logger.info("progress kept for packs not loaded now: %s", ", ".join(self._missing))
        if self._fast is not None:  # made again with the packs now missing
            self._fast.close()
            self._fast = None

    def _changed(self, *keys: tuple[str, str], queue: bool = True) -> None:
        """This service has just changed the cards ``keys`` (called right after each commit that
        changes cards, before the next one): the browser's listing re-reads them at its next search
        (:mod:`studyvm.study.cardlisting`), and unless ``queue`` is False (an answer keeps the queue
        up to date itself) the in-memory queue is built again when next needed."""
        if "browse_rows" in self.caches:
            from studyvm.study.cardlisting import changed_here

            changed_here(self, keys)
        if queue and self._fast is not None:
            self._fast.invalidate()

    @contextmanager
    def card_writer(self) -> Iterator[Session]:
        """A write transaction for a card action (suspend, bury, forget, undo…), committed on
        success. On SQLite it runs on a connection the service keeps for these alone, so the
        browser's listing can tell this service's commits from everyone else's
        (:mod:`studyvm.study.cardlisting`); call :meth:`_changed` after it."""
        if self.engine.dialect.name != "sqlite":
            with write_session(self.engine) as session:
                yield session
            return
        if self._card_conn is None:
            self._card_conn = writer(self.engine).connect()
        with Session(self._card_conn, expire_on_commit=False) as session, session.begin():
            yield session

    def _review_path(self) -> ReviewPath | None:
        """The SQLite review path (``None`` on a database server, where each card is a query)."""
        if self._fast is None and self.engine.dialect.name == "sqlite":
            from studyvm.study.fastpath import ReviewPath

            self._fast = ReviewPath(self.engine, self.learner_id, self._missing, self.limits.most_new())
        return self._fast

    def change_stamp(self) -> tuple[int, int] | None:
        """SQLite's ``data_version`` on the review path's connection and on the card writer's
        (:meth:`card_writer`), read at one moment: a commit by either of them moves only the other's,
        a commit by anyone else moves both (see :mod:`studyvm.study.cardlisting`). ``None`` on a
        database server, where the browser keeps nothing."""
        fast = self._review_path()
        if fast is None:
            return None
        if self._card_conn is None:
            self._card_conn = writer(self.engine).connect()
        card_conn = cast(sqlite3.Connection, self._card_conn.connection.driver_connection)
        while True:  # the two readings with no commit between them: the first one, read again, agrees
            first = hotpath.data_version(fast.conn)
            second = hotpath.data_version(card_conn)
            if hotpath.data_version(fast.conn) == first:
                return first, second

    def plain_sqlite(self) -> sqlite3.Connection | None:
        """The review path's own SQLite connection, for reads in plain SQL (the statistics); ``None`` on
        a database server. Used from the thread using the service, like every call."""
        fast = self._review_path()
        return None if fast is None else fast.conn

    def read(self) -> Session:
        """A read-only session (callers use it as a context manager).

        On a database server it runs in autocommit: no BEGIN/ROLLBACK round trips around reads.
        """
        if self._reader is None:
            sqlite = self.engine.dialect.name == "sqlite"
            self._reader = self.engine if sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        return Session(self._reader)

    def _limits(self, now: datetime, version: int | None = None) -> Allowance:
        """What the daily limits still allow, per pack. Counted from the database, so another
        session of the learner counts too: on SQLite again whenever another connection has committed
        (this service's own answers are added by :meth:`answer`), on a server at every call. A new
        day also puts buried cards back. ``version``: the review path's ``poll()``, if just read."""
        day = day_of(now, self.tz)
        fast = self._review_path()
        today = self._today
        same_day = today is not None and today[0] == day
        if today is not None and same_day and fast is not None and not fast.counted_elsewhere(version):
            return today[1]  # nothing changed but this service's own answers, counted as they came
        if fast is not None:
            done = fast.done_on(day, version) if same_day else fast.new_day(now, day)
        else:
            if not same_day:
                with write_session(self.engine) as writer:
                    card_writes.unbury(self.learner_id, now, session=writer)
            with self.read() as session:
                done = daytotals.done_today(self.learner_id, day, session=session)
        self._today = (day, Allowance(self.limits, done, tuple(self.packs)))
        return self._today[1]


def card_key(card: CardView | tuple[str, str]) -> tuple[str, str]:
    """(pack id, question id) of a card given as a view or as that pair."""
    if isinstance(card, CardView):
        return card.pack_id, card.question_id
    return card
