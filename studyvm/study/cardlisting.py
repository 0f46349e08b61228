"""The browser's listing of every stored card, kept between searches and updated in place.

Reading 100,000 cards and making what a search needs of them costs about 110 ms, so the listing
is kept on the service. A change made by this service (an answer, a suspension, a burial, a
forget, an undo) re-reads only the cards it changed, at the next search; after a change made by
any other connection (another session, another process) every card is read again and compared,
and only the rows that differ are put in place (a pack sync starts a new listing).

Telling the two apart on SQLite, where ``PRAGMA data_version`` moves on a connection whenever *another*
connection commits: the service writes cards on two connections of its own, the review path's
(answers) and its card writer (every other card action, :meth:`ServiceBase.card_writer`). A commit
on either moves the other's version only; a commit by anyone else moves both. The service asks
for both versions (:meth:`ServiceBase.change_stamp`) right after each of its own card writes
(:meth:`Listing.changed_here`), so between two readings at most one of its own connections has
committed: both versions moved means someone else committed, and every card is read again at the
next search. At a search, nothing of its own has committed since the last reading, so any movement
means the same.
On a database server nothing is kept (each search reads every card).
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

from studyvm.store import cardlist
from studyvm.study.cardselect import Columns
from studyvm.study.cardtexts import FIELDS, PackTexts, pack_texts

if TYPE_CHECKING:
    from studyvm.study.servicebase import ServiceBase

CACHE = "browse_rows"
"""The listing's key in ``svc.caches``."""
KEYED_MOST = 1000
"""More cards changed by this service than this: reading every card (and comparing) is cheaper than
reading them by key."""
PATCH_MOST = 200
"""More changed cards than this: their groups are made again rather than moved one by one."""


FEW_ROWS = 8
"""Rows asked for under one in this many of a listing's: taken one by one rather than from whole columns."""


_PACK, _QID = itemgetter(0), itemgetter(1)


def _positions(
    rows: list[tuple], runs: list[tuple[str, int]], packs: dict[str, PackTexts], firsts: list[int | None] | None = None
) -> list[int | None]:
    """The position of each row's question in its pack (``None``: not in it); ``runs``: the rows as
    (pack id, how many) runs. Cards are stored in the order their pack listed them when they were
    first synced, so a run is usually a slice of its pack's ids: that is checked in C (one list
    comparison), and only a run that is not is looked up id by id. ``firsts``, if given, receives per
    run the position of its first row when the run is such a slice, else ``None``."""
    out: list[int | None] = []
    at = 0
    for pack_id, count in runs:
        chunk = rows[at : at + count]
        at += count
        texts = packs.get(pack_id)
        if texts is None:
            out += [None] * count
            first = None
        else:
            qids = list(map(_QID, chunk))
            ids = texts.index.ids
            first = texts.index.position(qids[0])
            if first is not None and ids[first : first + count] == qids:
                out += range(first, first + count)
            else:
                first = None
                out += map(texts.index.positions().get, qids)
        if firsts is not None:
            firsts.append(first)
    return out


def _sort_value(sort: str, row: tuple) -> Any:
    """What ``sort`` orders a row by, for the sorts that look at the card's state (``None`` for the
    ones that look at the question, which a card action never changes)."""
    if sort == "due":
        return row[2]
    if sort == "ivl":
        return round(row[3] or 0.0, 2)
    if sort == "lapses":
        return cardlist.lapses_of(row[4])
    if sort == "reps":
        return cardlist.reps_of(row[4])
    if sort == "rating":
        return cardlist.rating_of(row[4])
    return None


class Listing:
    """Every stored card (:func:`studyvm.store.cardlist.listed_cards`) with what a search needs of
    each, and the order of all of them under each sort asked for so far: a search takes its
    matches in that order as row numbers, so only the page shown becomes objects."""

    __slots__ = (
        "rows",
        "pos",
        "orders",
        "last",
        "columns",
        "stamp",
        "dirty",
        "_where",
        "_packs",
        "_columns",
        "_runs",
        "_firsts",
    )

    def __init__(self, svc: ServiceBase, rows: list[tuple], stamp: Any) -> None:
        self.rows = rows
        runs = [(pack_id, len(list(run))) for pack_id, run in groupby(map(_PACK, rows))]
        self._runs = runs
        """The rows as runs of one pack's cards: (pack id, how many); rows never move in a listing."""
        self._packs: dict[str, PackTexts] = {}
        for pack_id in {pack_id for pack_id, _ in runs}:
            pack = svc.packs.get(pack_id)
            if pack is not None:
                self._packs[pack_id] = pack_texts(svc, pack)
        self._firsts: list[int | None] = []
        """Per run, the position of its first row when its rows are a slice of the pack's questions."""
        self.pos = _positions(rows, runs, self._packs, self._firsts)
        """Per row, its question's position in its pack, or None for a question no longer in it."""
        self._columns: dict[str, list[Any]] = {}
        self.orders: dict[tuple[str, bool], list[int]] = {}
        self.columns: Columns | None = None
        """The rows grouped by field value (:mod:`studyvm.study.cardselect`), made at the first search."""
        self.last: tuple[tuple, list[int]] | None = None
        """The last search (query, sort, reverse, due key) and its matching rows, for its next pages."""
        self.stamp = stamp
        """The service's :meth:`~ServiceBase.change_stamp` when the rows were last known to be current."""
        self.dirty: set[tuple[str, str]] = set()
        """Cards this service changed since: read again at the next search."""
        self._where: dict[tuple[str, str], int] | None = None

    def column(self, name: str) -> list[Any]:
        """One of :data:`FIELDS` for every row (``None`` for a question no longer in its pack), made
        on first use: a search by state never reads the texts."""
        known = self._columns.get(name)
        if known is None:
            known, at = [], 0
            for pack_id, count in self._runs:  # run by run: one pack's values each
                part = self.pos[at : at + count]
                at += count
                texts = self._packs.get(pack_id)
                if texts is None:
                    known += [None] * count
                else:
                    values = texts.values(name)
                    known += [values[p] if p is not None else None for p in part]
            self._columns[name] = known
        return known

    def containing(self, value: str, among: frozenset[int] | None = None) -> frozenset[int]:
        """The rows whose question's search text holds ``value`` (lower-case), as a word search asks:
        found pack by pack in the stored texts (:meth:`PackTexts.containing`), no column made; or
        those of ``among`` (rows still in their packs), each tested alone."""
        if among is not None:
            rows, pos, packs = self.rows, self.pos, self._packs
            return frozenset(i for i in among if value in packs[rows[i][0]].one("text", cast(int, pos[i])))
        out: list[int] = []
        found: dict[str, list[int]] = {}
        at = 0
        for (pack_id, count), first in zip(self._runs, self._firsts, strict=True):
            texts = self._packs.get(pack_id)
            if texts is not None:
                hits = found.get(pack_id)
                if hits is None:
                    hits = found[pack_id] = texts.containing(value)
                if first is not None:  # rows at .. at + count hold positions first .. first + count
                    part = hits[bisect_left(hits, first) : bisect_left(hits, first + count)]
                    out += [p - first + at for p in part]
                elif hits:
                    chosen = set(hits)
                    out += [i for i in range(at, at + count) if self.pos[i] in chosen]
            at += count
        return frozenset(out)

    def occurrences(self, value: str) -> int:
        """A cheap guess at how many rows a word search for ``value`` finds (:meth:`PackTexts.occurrences`)."""
        return sum(texts.occurrences(value) for texts in self._packs.values())

    def fields_of(self, chosen: list[int]) -> list[list[Any]]:
        """:data:`FIELDS` of the rows ``chosen`` (each still in its pack), one list per field: from whole
        columns for many rows, one by one for a page (no column made for it)."""
        if len(chosen) * FEW_ROWS >= len(self.rows):
            return [[column[i] for i in chosen] for column in map(self.column, FIELDS)]
        rows, packs = self.rows, self._packs
        where = [(packs[rows[i][0]], self.pos[i]) for i in chosen]
        return [[texts.one(name, p) for texts, p in where if p is not None] for name in FIELDS]

    def order(self, sort: str, reverse: bool) -> list[int]:
        """Row numbers of every card in the order of :func:`studyvm.study.browse.sort_cards`
        (worked out once per sort, and again only when a changed card moved in it)."""
        known = self.orders.get((sort, reverse))
        if known is None:
            known = self.orders[(sort, reverse)] = self.sorted_rows(list(range(len(self.rows))), sort, reverse)
        return known

    def sorted_rows(self, chosen: list[int], sort: str, reverse: bool) -> list[int]:
        """``chosen`` (row numbers, ascending) in the order of :meth:`order`: the same relative order
        as there (two stable sorts from row order), without sorting every row for a few matches."""
        rows = self.rows
        # a key per row chosen (a few) or a column of every row (many: a list lookup is cheaper)
        few = len(chosen) * 4 < len(rows)
        qids: Any = {i: rows[i][1] for i in chosen} if few else [r[1] for r in rows]
        out = sorted(chosen, key=qids.__getitem__, reverse=reverse)
        if sort == "due":
            # the raw values sort as the dates they stand for (integer microseconds on SQLite, naive UTC
            # datetimes on PostgreSQL), as the due test compares them (cardlist.due_key)
            dues: Any = {i: rows[i][2] for i in chosen} if few else [r[2] for r in rows]
            dated = [i for i in out if dues[i] is not None]
            undated = [i for i in out if dues[i] is None]
            dated.sort(key=dues.__getitem__, reverse=reverse)
            return undated + dated if reverse else dated + undated
        if sort in ("ivl", "lapses", "reps", "rating"):
            column: list[Any] = [_sort_value(sort, r) for r in rows]
        elif sort == "topic":
            column = [t if t is not None else "" for t in self.column("topic")]
        else:
            column = [p.lower() if p is not None else "" for p in self.column("prompt")]
        out.sort(key=column.__getitem__, reverse=reverse)
        return out

    def changed_here(self, svc: ServiceBase, keys: Iterable[tuple[str, str]]) -> None:
        """Note that this service has just changed ``keys`` (one commit on one of its connections);
        when someone else has committed too, every card is read again at the next search."""
        stamp = svc.change_stamp()
        old = self.stamp
        if stamp is None or old is None or (stamp[0] != old[0] and stamp[1] != old[1]):
            self.stamp = None
            return
        self.stamp = stamp
        self.dirty.update(keys)

    def refresh(self, svc: ServiceBase) -> bool:
        """Read again the cards this service changed and put them in place; False when so many
        changed that reading every card is cheaper (:meth:`reread`)."""
        keys, self.dirty = self.dirty, set()
        if not keys:
            return True
        if len(keys) > KEYED_MOST:
            return False
        if self._where is None:
            self._where = {(r[0], r[1]): i for i, r in enumerate(self.rows)}
        with svc.read() as session:
            fresh = cardlist.listed_cards(svc.learner_id, session=session, keys=sorted(keys))
        where, changes = self._where, []
        for row in fresh:
            i = where.get((row[0], row[1]))
            if i is None:  # a card not listed before (only a pack sync adds cards, and it re-reads)
                return False
            changes.append((i, row))
        self._put(changes)
        return True

    def reread(self, rows: list[tuple], stamp: Any) -> bool:
        """Take ``rows``, every card read again, keeping what a search built for the cards that did
        not change (their texts, groups and sort orders); False when the cards themselves differ (a
        pack sync added or removed some), and a new listing is needed."""
        old = self.rows
        if len(rows) != len(old):
            return False
        changes = [(i, row) for i, (was, row) in enumerate(zip(old, rows, strict=True)) if was != row]
        for i, row in changes:
            if row[0] != old[i][0] or row[1] != old[i][1]:
                return False
        self._put(changes)
        self.stamp, self.dirty = stamp, set()
        return True

    def _put(self, changes: list[tuple[int, tuple]]) -> None:
        """Put changed rows in place: their groups and the sorts they moved in follow (past
        :data:`PATCH_MOST` changes the groups are made again at the next search)."""
        rows = self.rows
        if len(changes) > PATCH_MOST:
            self.columns = None
        for i, row in changes:
            old, rows[i] = rows[i], row
            if self.columns is not None:
                self.columns.moved(i, old, row)
            for sort, reverse in list(self.orders):
                if _sort_value(sort, old) != _sort_value(sort, row):
                    del self.orders[(sort, reverse)]
        if changes:
            self.last = None


def listing_of(svc: ServiceBase) -> Listing:
    """Every stored card, current: kept from the last search when only this service changed cards
    since (those re-read); otherwise every card is read again, and what did not change is kept."""
    stamp = svc.change_stamp()
    cached = svc.caches.get(CACHE)
    listing: Listing | None = cached["listing"] if stamp is not None and cached is not None else None
    if listing is not None and listing.stamp == stamp and listing.refresh(svc):
        return listing
    return _read_all(svc, listing, stamp)


def _read_all(svc: ServiceBase, listing: Listing | None, stamp: Any) -> Listing:
    """Every card read again: put in ``listing`` where only some changed, else a new listing.

    Reading makes some 100,000 objects, and the first time a session does it the collector would also
    walk everything the start left it (a full collection: 20-40 ms at 100,000 cards). So it waits, and
    a listing that is kept (on SQLite) is then frozen with whatever else is alive, as a loaded pack
    is (:mod:`studyvm.packs.gcpause`); on a database server, where each search reads again, nothing
    is frozen.
    """
    if not gc.isenabled():
        return _read_rows(svc, listing, stamp)
    gc.disable()
    try:
        return _read_rows(svc, listing, stamp)
    finally:
        if stamp is not None:
            gc.freeze()
        gc.enable()


def _read_rows(svc: ServiceBase, listing: Listing | None, stamp: Any) -> Listing:
    with svc.read() as session:
        rows = cardlist.listed_cards(svc.learner_id, session=session)
    if listing is not None and listing.reread(rows, stamp):
        return listing
    listing = Listing(svc, rows, stamp)
    if stamp is not None:
        svc.caches[CACHE] = {"listing": listing}
    else:
        svc.caches.pop(CACHE, None)
    return listing


def changed_here(svc: ServiceBase, keys: Iterable[tuple[str, str]]) -> None:
    """This service changed the cards ``keys``: the kept listing re-reads them at the next search
    (or every card, when another connection has committed meanwhile)."""
    cached = svc.caches.get(CACHE)
    if cached is not None:
        cached["listing"].changed_here(svc, keys)
