"""The browser's search over whole columns: a query tree becomes a set of row numbers.

Testing 100,000 cards one by one against the tree costs 100–200 ms; most terms look at a
field with few distinct values (topic, type, pack, tags, lapses, reps, interval, the state
flags), so each distinct value is tested once (by the term's own ``matches``, on a stand-in
card) and its rows taken whole; only words and phrases are tested row by row, as a plain
substring test on the lower-cased text (what :class:`~studyvm.study.search.Term` does for them).
``not``/``and``/``or`` become set operations. Headless; used by :mod:`studyvm.study.browse`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, cast

from studyvm.store.models import QUEUE_BURIED, QUEUE_SCHEDULED
from studyvm.study.search import And, Node, Not, Or, Searchable, Term, split_prop

GROUPED: dict[str, Callable[[Sequence[tuple], Sequence[Any]], list[Any]]] = {
    "topic": lambda rows, entries: [e[0].topic if e else None for e in entries],
    "type": lambda rows, entries: [e[0].type if e else None for e in entries],
    "tag": lambda rows, entries: [e[0].tags if e else None for e in entries],
    "pack": lambda rows, entries: [r[0] for r in rows],
    "lapses": lambda rows, entries: [r[7] for r in rows],
    "reps": lambda rows, entries: [r[6] for r in rows],
    "ivl": lambda rows, entries: [round(r[4] or 0.0, 2) for r in rows],
    "state": lambda rows, entries: [(r[2], r[5] == QUEUE_SCHEDULED, r[8], r[5] == QUEUE_BURIED, r[9]) for r in rows],
}
"""Per field: its value in each listing row (given the rows and their (listed, text) entries)."""
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

    def __init__(self, rows: Sequence[tuple], entries: Sequence[Any]) -> None:
        self.rows, self.entries = rows, entries  # the listing's own lists: a changed row is seen here
        self.universe = frozenset(i for i, e in enumerate(entries) if e is not None)
        """Every row still in a pack (what an empty query matches)."""
        self._groups: dict[str, dict[Any, list[int]]] = {}

    def groups(self, field: str) -> dict[Any, list[int]]:
        """Distinct value of ``field`` -> its rows."""
        known = self._groups.get(field)
        if known is None:
            entries = self.entries
            grouped: defaultdict[Any, list[int]] = defaultdict(list)
            for i, value in enumerate(GROUPED[field](self.rows, entries)):
                if entries[i] is not None:
                    grouped[value].append(i)
            known = self._groups[field] = dict(grouped)
        return known

    def moved(self, i: int, old: tuple, new: tuple) -> None:
        """Row ``i`` changed from ``old`` to ``new`` (its card's state; its question is the same):
        move it between the groups made so far."""
        entry = self.entries[i]
        if entry is None:  # never in a group
            return
        for field, groups in self._groups.items():
            was, now = GROUPED[field]((old,), (entry,))[0], GROUPED[field]((new,), (entry,))[0]
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
            out = columns.universe
            for sub in node.nodes:
                out = out & walk(sub)
                if not out:
                    break
            return out
        assert isinstance(node, Or)
        found: set[int] = set()
        for sub in node.nodes:
            found |= walk(sub)
        return frozenset(found)

    return walk(tree)


def _term(node: Term, columns: Columns, due_by: Any, flags: Callable[..., frozenset[str]]) -> frozenset[int]:
    rows, entries = columns.rows, columns.entries
    if not node.field:  # a word or phrase: Term.matches is `value.lower() in text`
        value = node.value.lower()
        return frozenset(i for i in columns.universe if value in entries[i][1])
    field = split_prop(node.value)[0] if node.field == "prop" else node.field
    if field == "is":
        out: list[int] = []
        for (state, scheduled, suspended, buried, leech), members in columns.groups("state").items():
            due_rows = [i for i in members if rows[i][3] is not None and rows[i][3] <= due_by] if scheduled else []
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
