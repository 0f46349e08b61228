"""The browser's search over whole columns: a query tree becomes a set of row numbers.

Testing 100,000 cards one by one against the tree costs 100–200 ms; most terms look at a
field with few distinct values (topic, type, pack, tags, lapses, reps, interval, the state
flags), so each distinct value is tested once (by the term's own ``matches``, on a stand-in
card) and its rows taken whole (the card's state and counts are grouped once, by the one integer
that packs them). Words and phrases are a plain substring test on the lower-cased text (what
:class:`~studyvm.study.search.Term` does for them): searched in the pack index's one stored text
when the listing can, else row by row; in an ``and`` they come last, the rarest first, and once few
rows are left they are tested on those alone. ``not``/``and``/``or`` become set operations.
Headless; used by :mod:`studyvm.study.browse`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cached_property
from operator import itemgetter
from typing import Any, cast

from studyvm.store import cardlist
from studyvm.store.models import QUEUE_BURIED, QUEUE_SCHEDULED
from studyvm.study.search import And, Node, Not, Or, Searchable, Term, split_prop

ROW_KEYS: dict[str, Callable[[tuple], Any]] = {
    "pack": itemgetter(0),
    "ivl": lambda r: round(r[3] or 0.0, 2),
    "code": itemgetter(4),
}
"""Per field read from a listing row (the card's state): its value in a row."""
FROM_CODE: dict[str, Callable[[int], Any]] = {
    "state": lambda code: code & ((1 << cardlist.FLAG_BITS) - 1),  # state, queue, suspended, leech
    "lapses": cardlist.lapses_of,
    "reps": cardlist.reps_of,
}
"""Per field packed in a row's code (:func:`studyvm.store.cardlist.unpack`): its value in a code. Their
groups are made by merging the groups of whole codes (one pass over the rows for all of them)."""
QUESTION_FIELDS = {"topic": "topic", "type": "type", "tag": "tags"}
"""Per field of the question: its listing column (:meth:`~studyvm.study.cardlisting.Listing.column`)."""
ATTRIBUTE = {"topic": "topic", "type": "type", "tag": "tags", "pack": "pack_id", "lapses": "lapses", "reps": "reps"}


class _StandIn:
    """A card with only the one attribute a term looks at."""

    raw_ivl: float

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    @property
    def ivl(self) -> float:
        """As the browser's cards: days to 0.01."""
        return self.raw_ivl

    def card(self) -> Searchable:
        """This stand-in where a term expects a card (it has the one attribute the term reads)."""
        return cast(Searchable, self)


class Columns:
    """Groups of a listing's rows by field value, made on first use and kept with the listing."""

    def __init__(
        self,
        rows: Sequence[tuple],
        pos: Sequence[int | None],
        column: Callable[[str], list[Any]],
        containing: Callable[[str, frozenset[int] | None], frozenset[int]] | None = None,
        occurrences: Callable[[str], int] | None = None,
    ) -> None:
        self.rows = rows  # the listing's own list: a changed row is seen here
        self.column = column
        """A listing column by name (``topic``, ``text``…): ``None`` in a row no longer in its pack."""
        self.containing = containing
        """The rows (of all, or of the given ones) whose search text holds a (lower-case) string, if the
        listing can find them without the text column (:meth:`~studyvm.study.cardlisting.Listing.containing`)."""
        self.occurrences = occurrences
        """A cheap guess at how many rows hold a string (the rarest word of a query is looked for first)."""
        self._pos = pos
        self.whole = None not in pos
        """Whether every row's question is still in its pack (the usual case)."""
        self._groups: dict[str, dict[Any, list[int]]] = {}

    @cached_property
    def universe(self) -> frozenset[int]:
        """Every row still in a pack (what an empty query matches), made when a query needs it."""
        if self.whole:
            return frozenset(range(len(self._pos)))
        return frozenset(i for i, p in enumerate(self._pos) if p is not None)

    def groups(self, field: str) -> dict[Any, list[int]]:
        """Distinct value of ``field`` -> its rows (only rows still in a pack)."""
        known = self._groups.get(field)
        if known is None:
            if field in FROM_CODE:
                return self._from_code(field)
            if field in ROW_KEYS:
                values: list[Any] = list(map(ROW_KEYS[field], self.rows))
            else:
                values = self.column(QUESTION_FIELDS[field])
            grouped: defaultdict[Any, list[int]] = defaultdict(list)
            if self.whole:
                for i, value in enumerate(values):
                    grouped[value].append(i)
            else:
                universe = self.universe
                for i, value in enumerate(values):
                    if i in universe:
                        grouped[value].append(i)
            known = self._groups[field] = dict(grouped)
        return known

    def _from_code(self, field: str) -> dict[Any, list[int]]:
        """The groups of a field packed in the code: the groups of whole codes, merged."""
        key = FROM_CODE[field]
        merged: dict[Any, list[int]] = {}
        for code, members in self.groups("code").items():
            value = key(code)
            found = merged.get(value)
            if found is None:
                merged[value] = list(members)  # a copy: the code's group moves on its own
            else:
                found += members
        # Back in row order (sorted runs merged): a search then reads the rows in memory order,
        # at half the cost of jumping about (is:due, warm: 12 -> 4 ms at 100,000 cards).
        for members in merged.values():
            members.sort()
        self._groups[field] = merged
        return merged

    def moved(self, i: int, old: tuple, new: tuple) -> None:
        """Row ``i`` changed from ``old`` to ``new`` (its card's state; its question is the same):
        move it between the groups made so far."""
        if not self.whole and i not in self.universe:  # never in a group
            return
        for field, groups in self._groups.items():
            if field in FROM_CODE:
                was, now = FROM_CODE[field](old[4]), FROM_CODE[field](new[4])
            elif field in ROW_KEYS:
                was, now = ROW_KEYS[field](old), ROW_KEYS[field](new)
            else:  # a field of the question: unchanged
                continue
            if was != now:
                members = groups[was]
                members.remove(i)
                if not members:
                    del groups[was]
                groups.setdefault(now, []).append(i)


def select(tree: Node, columns: Columns, due_by: Any, flags: Callable[..., frozenset[str]]) -> frozenset[int]:
    """The rows ``tree`` matches; a card is due when its raw ``due`` is at most ``due_by``;
    ``flags(state, due, suspended, buried, leech)`` makes a card's flag set."""
    cache: dict[Term, frozenset[int]] = {}

    def term(node: Term) -> frozenset[int]:
        if node not in cache:
            cache[node] = _term(node, columns, due_by, flags)
        return cache[node]

    def walk(node: Node) -> frozenset[int]:
        if isinstance(node, Term):
            return term(node)
        if isinstance(node, Not):
            return columns.universe - walk(node.node)
        if isinstance(node, And):
            return every(node.nodes)
        assert isinstance(node, Or)
        found: set[int] = set()
        for sub in node.nodes:
            found |= walk(sub)
        return frozenset(found)

    def every(nodes: tuple[Node, ...]) -> frozenset[int]:
        # Words last, the rarest first: once few rows are left, a word is tested on those alone.
        # The same rows as intersecting every part in order (intersection does not care).
        words = [n for n in nodes if _is_word(n)] if columns.containing is not None else []
        if len(words) > 1 and columns.occurrences is not None:
            guess = columns.occurrences
            words.sort(key=lambda n: guess(cast(Term, n).value.lower()))
        out: frozenset[int] | None = None
        for sub in [n for n in nodes if not _is_word(n)] + words if words else list(nodes):
            if out is not None and not out:
                break
            if out is not None and words and _is_word(sub) and len(out) * FEW_CANDIDATES < len(columns.rows):
                assert columns.containing is not None
                out = columns.containing(cast(Term, sub).value.lower(), out)
                continue
            found = walk(sub)
            out = found if out is None else out & found
        return columns.universe if out is None else out

    return walk(tree)


FEW_CANDIDATES = 8
"""Rows left under one in this many: a word of an ``and`` is tested on them alone."""


def _is_word(node: Node) -> bool:
    """Whether ``node`` is a word or phrase (a term with no field)."""
    return isinstance(node, Term) and not node.field


def _term(node: Term, columns: Columns, due_by: Any, flags: Callable[..., frozenset[str]]) -> frozenset[int]:
    rows = columns.rows
    if not node.field:  # a word or phrase: Term.matches is `value.lower() in text`
        value = node.value.lower()
        if columns.containing is not None:
            return columns.containing(value, None)
        texts = columns.column("text")
        return frozenset(i for i in columns.universe if value in texts[i])
    field = split_prop(node.value)[0] if node.field == "prop" else node.field
    if field == "is":
        out: list[int] = []
        for flag_bits, members in columns.groups("state").items():
            state, queue, suspended, leech = cardlist.unpack(flag_bits)[:4]
            scheduled, buried = queue == QUEUE_SCHEDULED, queue == QUEUE_BURIED
            due_rows = [i for i in members if (when := rows[i][2]) is not None and when <= due_by] if scheduled else []
            due_set = set(due_rows)
            not_due = [i for i in members if i not in due_set] if due_rows else members
            for due, part in ((True, due_rows), (False, not_due)):
                if part and node.matches(_StandIn(flags=flags(state, due, suspended, buried, leech)).card()):
                    out += part
        return frozenset(out)
    out = []
    for value, members in columns.groups(field).items():
        stand_in = _StandIn(raw_ivl=value) if field == "ivl" else _StandIn(**{ATTRIBUTE[field]: value})
        if node.matches(stand_in.card()):
            out += members
    return frozenset(out)
