"""The review queue in memory: which card comes next, and how many are due, without a query per card.

Built from two reads (the scheduled cards due before a horizon a little ahead of now, and the first
new cards of each pack), then kept up to date as answers are recorded, as Anki's queue builder
does. It gives the same cards in the same order as the SQL it replaces
(``studyvm.study.cards.next_card`` and ``capped_counts``): due cards by due time (ties by card id),
learning cards only once the day's review limit is reached, then new cards in pack order, then
learning cards due within :data:`studyvm.study.cards.LEARN_AHEAD`.

Anything else that changes cards (undo, suspend, bury, a pack sync, another process) makes the
owner throw the queue away and build a new one.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Callable
from datetime import datetime

STATE_REVIEW = 2
_LAST = 1 << 62
"""Larger than any card id: ``(moment, _LAST)`` sorts after every entry due at ``moment``."""

Entry = tuple[datetime, int, str, int]
"""A scheduled card: (due, card id, question id, fsrs state)."""
NewEntry = tuple[int, int, str]
"""A new card: (position in its pack, card id, question id)."""


class DueQueue:
    """The scheduled cards due by :attr:`horizon` and the first new cards of each pack.

    ``scheduled``: (due, card id, pack id, question id, state) sorted by (due, id);
    ``new_counts``: pack id -> new cards waiting; ``refill(pack)``: the pack's first new cards as
    (position, card id, question id), in order.
    """

    def __init__(
        self,
        horizon: datetime,
        scheduled: list[tuple[datetime, int, str, str, int]],
        new_counts: dict[str, int],
        refill: Callable[[str], list[NewEntry]],
    ) -> None:
        self.horizon = horizon
        """Cards due after this are not held: the owner rebuilds the queue before ``now`` gets near it."""
        self._learn: dict[str, list[Entry]] = {}
        self._review: dict[str, list[Entry]] = {}
        for due, card_id, pack, qid, state in scheduled:  # already sorted by (due, id)
            self._lists(pack, state).append((due, card_id, qid, state))
        self._new: dict[str, list[NewEntry]] = {}
        """Pack -> its first new cards, last one first (taken from the end); read by ``refill``."""
        self._new_counts = {p: n for p, n in new_counts.items() if n}
        self._refill = refill

    def _lists(self, pack: str, state: int) -> list[Entry]:
        table = self._review if state == STATE_REVIEW else self._learn
        found = table.get(pack)
        if found is None:
            found = table[pack] = []
        return found

    @staticmethod
    def _packs(table: dict, pack: str | None) -> list:
        if pack is None:
            return list(table.values())
        found = table.get(pack)
        return [found] if found else []

    def _first_due(self, until: datetime, pack: str | None, reviews: bool) -> tuple[str, Entry] | None:
        best: tuple[str, Entry] | None = None
        tables = (self._learn, self._review) if reviews else (self._learn,)
        for table in tables:
            for pid, entries in table.items() if pack is None else [(pack, table.get(pack))]:
                if entries and entries[0][0] <= until and (best is None or entries[0][:2] < best[1][:2]):
                    best = (pid, entries[0])
        return best

    def next(
        self, now: datetime, ahead: datetime, pack: str | None, allow_new: bool, allow_reviews: bool
    ) -> tuple[str, int, str, int] | None:
        """(pack id, card id, question id, state) of the card to show, or ``None``."""
        found = self._first_due(now, pack, allow_reviews)
        if found is not None:
            pid, (_due, card_id, qid, state) = found
            return pid, card_id, qid, state
        if allow_new:
            for pid in sorted(self._new_counts) if pack is None else [pack]:
                if not self._new_counts.get(pid):
                    continue
                entries = self._new.get(pid)
                if not entries:
                    entries = self._new[pid] = list(reversed(self._refill(pid)))
                if entries:
                    _position, card_id, qid = entries[-1]
                    return pid, card_id, qid, 0
        found = self._first_due(ahead, pack, False)
        if found is not None:
            pid, (_due, card_id, qid, state) = found
            return pid, card_id, qid, state
        return None

    def counts(self, now: datetime, pack: str | None, due_cap: int, new_cap: int) -> tuple[int, int]:
        """(cards due by ``now``, new cards), each at most its cap."""
        key = (now, _LAST)
        due = sum(
            bisect_right(entries, key) for table in (self._learn, self._review) for entries in self._packs(table, pack)
        )
        new = sum(self._new_counts.values()) if pack is None else self._new_counts.get(pack, 0)
        return min(max(0, due_cap), due), min(max(0, new_cap), new)

    def answered(
        self,
        pack: str,
        card_id: int,
        qid: str,
        before: tuple[int, datetime | None],
        after: tuple[int, datetime | None, bool],
    ) -> None:
        """Move a card after an answer: ``before`` is its (state, due), ``after`` its (state, due,
        still in the scheduled queue)."""
        state, due = before
        if state == 0:
            entries = self._new.get(pack) or []
            self._new[pack] = [e for e in entries if e[1] != card_id]
            if self._new_counts.get(pack):
                self._new_counts[pack] -= 1
        elif due is not None:
            entries = self._lists(pack, state)
            at = bisect_right(entries, (due, card_id, qid, state)) - 1
            if at >= 0 and entries[at][1] == card_id:
                del entries[at]
            else:  # not where its due time says: look for it
                entries[:] = [e for e in entries if e[1] != card_id]
        state, due, scheduled = after
        if scheduled and due is not None and due <= self.horizon:
            insort(self._lists(pack, state), (due, card_id, qid, state))
