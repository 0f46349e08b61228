"""The review queue in memory: which card comes next, and how many are due, without a query per card.

Built from one read of an index (the due time and id of every scheduled card due before a horizon
a little ahead of now), then kept up to date as answers are recorded, as Anki's queue builder does.
A card's pack, question and fsrs state are read when it comes up (``resolve``), and new cards a
pack at a time (``refill``). It gives the same cards in the same order as the SQL it replaces
(``studyvm.study.cards.next_card`` and ``capped_counts``): due cards by due time (ties by card id),
learning cards only once the day's review limit is reached, then new cards in pack order, then
learning cards due within :data:`studyvm.study.cards.LEARN_AHEAD`.

Times are the database's own values (integer microseconds since the epoch, migration 0007), which
sort as the times do: building the queue parses nothing.

Anything else that changes cards (undo, suspend, bury, a pack sync, another process) makes the
owner throw the queue away and build a new one.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Callable

STATE_REVIEW = 2
_LAST = 1 << 62
"""Larger than any card id: ``(moment, _LAST)`` sorts after every entry due at ``moment``."""
_BATCH = 64
"""Cards whose details are read at once: one query serves this many cards shown (and the search
past review cards when only learning ones may come)."""

Meta = tuple[str, str, int]
"""A card's (pack id, question id, fsrs state)."""
NewEntry = tuple[int, int, str]
"""A new card: (position in its pack, card id, question id)."""


class DueQueue:
    """The scheduled cards due by :attr:`horizon` (of one pack, or of all) and the new cards.

    ``scheduled``: (due, card id) sorted; ``new_counts``: pack id -> new cards waiting;
    ``resolve(ids)``: card id -> :data:`Meta` for those ids; ``refill(pack)``: the pack's first new
    cards as :data:`NewEntry`, in order.
    """

    def __init__(
        self,
        horizon: int,
        pack: str | None,
        scheduled: list[tuple[int, int]],
        new_counts: dict[str, int],
        resolve: Callable[[list[int]], dict[int, Meta]],
        refill: Callable[[str], list[NewEntry]],
    ) -> None:
        self.horizon = horizon
        """Cards due after this are not held: the owner rebuilds the queue before ``now`` gets near it."""
        self.pack = pack
        """The pack this queue serves (``None``: every pack)."""
        self._due = scheduled
        self._meta: dict[int, Meta] = {}
        self._new: dict[str, list[NewEntry]] = {}
        """Pack -> its first new cards, last one first (taken from the end)."""
        self._new_counts = {p: n for p, n in new_counts.items() if n and (pack is None or p == pack)}
        self._resolve = resolve
        self._refill = refill

    def _meta_of(self, start: int, stop: int) -> None:
        missing = [card_id for _due, card_id in self._due[start:stop] if card_id not in self._meta]
        if missing:
            self._meta.update(self._resolve(missing))

    def _first(
        self, until: int, learning_only: bool, start: int = 0, no_reviews: frozenset[str] = frozenset()
    ) -> tuple[int, int] | None:
        """(index, card id) of the first entry due by ``until`` (a learning one if ``learning_only``, or
        if its pack is in ``no_reviews``)."""
        end = bisect_right(self._due, (until, _LAST))
        for at in range(start, end):
            card_id = self._due[at][1]
            if card_id not in self._meta:
                self._meta_of(at, min(end, at + _BATCH))
            pack, _qid, state = self._meta[card_id]
            if state != STATE_REVIEW or not (learning_only or pack in no_reviews):
                return at, card_id
        return None

    def next(
        self,
        now: int,
        ahead: int,
        allow_new: bool,
        allow_reviews: bool,
        no_new: frozenset[str] = frozenset(),
        no_reviews: frozenset[str] = frozenset(),
    ) -> tuple[str, int, str, int] | None:
        """(pack id, card id, question id, state) of the card to show, or ``None``; the packs in
        ``no_new`` and ``no_reviews`` have reached their daily limit of new cards or of reviews."""
        found = self._first(now, not allow_reviews, no_reviews=no_reviews)
        if found is None and allow_new:
            for pid in sorted(self._new_counts):
                if not self._new_counts[pid] or pid in no_new:
                    continue
                entries = self._new.get(pid)
                if not entries:
                    entries = self._new[pid] = list(reversed(self._refill(pid)))
                if entries:
                    _position, card_id, qid = entries[-1]
                    return pid, card_id, qid, 0
        if found is None:
            found = self._first(ahead, True)
        if found is None:
            return None
        card_id = found[1]
        pack, qid, state = self._meta[card_id]
        return pack, card_id, qid, state

    def counts(
        self, now: int, due_cap: int, new_cap: int, pack_cap: Callable[[str], int] | None = None
    ) -> tuple[int, int]:
        """(cards due by ``now``, new cards), each at most its cap (``pack_cap(pack)``: new cards a
        pack may still show)."""
        due = bisect_right(self._due, (now, _LAST))
        new = sum(n if pack_cap is None else min(n, pack_cap(p)) for p, n in self._new_counts.items())
        return min(max(0, due_cap), due), min(max(0, new_cap), new)

    def _drop_new(self, pack: str, card_id: int) -> None:
        """Take a new card out of its pack's list."""
        entries = self._new.get(pack) or []
        self._new[pack] = [e for e in entries if e[1] != card_id]
        if self._new_counts.get(pack):
            self._new_counts[pack] -= 1

    def _drop_due(self, due: int, card_id: int) -> None:
        """Take a card out of the due list (found by its due time, else by a search)."""
        at = bisect_right(self._due, (due, card_id)) - 1
        if at >= 0 and self._due[at][1] == card_id:
            del self._due[at]
        else:  # not where its due time says: look for it
            self._due = [e for e in self._due if e[1] != card_id]

    def answered(
        self, pack: str, card_id: int, qid: str, before: tuple[int, int | None], after: tuple[int, int | None, bool]
    ) -> None:
        """Move a card after an answer: ``before`` is its (state, due), ``after`` its (state, due, still
        in the scheduled queue)."""
        state, due = before
        if state == 0:
            self._drop_new(pack, card_id)
        elif due is not None:
            self._drop_due(due, card_id)
        state, due, scheduled = after
        self._meta[card_id] = (pack, qid, state)
        if scheduled and due is not None and due <= self.horizon and (self.pack is None or pack == self.pack):
            insort(self._due, (due, card_id))
