"""Daily limits per pack, as Anki's deck options: new cards a day and reviews a day.

Every pack has its own limits: ``[limits]`` in the settings file gives every pack's
(``new_per_day``, ``reviews_per_day``), ``[limits.packs.ID]`` one pack's own. ``[study]``'s
``new_per_day`` and ``reviews_per_day`` (and the service's arguments of those names) cap all packs
together, as a parent deck caps its children in Anki, and stand in for ``[limits]`` when it is
missing, so a file written before per-pack limits keeps meaning what it did.

What was done today is counted in the database (``pack_day_stats``), never in one process: two
sessions of one learner share one count. As in Anki, a limit is checked when a card is drawn and
an answer is always recorded, so a new card already on screen in a second session when the first
uses the day's last one still counts: the day ends at most one new card over per extra session
(``tests/study/test_limits_race.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

NEW_PER_DAY = 20
REVIEWS_PER_DAY = 200


@dataclass(frozen=True)
class PackLimits:
    """One pack's daily limits."""

    new_per_day: int = NEW_PER_DAY
    reviews_per_day: int = REVIEWS_PER_DAY


@dataclass(frozen=True)
class DailyLimits:
    """Every pack's limits, one pack's overrides, and the caps over all packs together."""

    default: PackLimits = PackLimits()
    packs: dict[str, PackLimits] = field(default_factory=dict)
    """Pack id -> its own limits (where set)."""
    total_new: int | None = None
    """New cards a day over all packs together (``None``: no cap but each pack's own)."""
    total_reviews: int | None = None

    def of(self, pack_id: str) -> PackLimits:
        """The limits of one pack."""
        return self.packs.get(pack_id, self.default)

    def most_new(self) -> int:
        """The largest new-card limit of any pack (how many new cards a pack's queue reads at once)."""
        return max([self.default.new_per_day, *(p.new_per_day for p in self.packs.values())])


def resolve(
    study: dict[str, int], limits: dict[str, object], new_per_day: int | None, reviews_per_day: int | None
) -> DailyLimits:
    """:class:`DailyLimits` from the usable ``[study]`` and ``[limits]`` values and the service's
    arguments (which win over ``[study]``)."""
    total_new = new_per_day if new_per_day is not None else study.get("new_per_day")
    total_reviews = reviews_per_day if reviews_per_day is not None else study.get("reviews_per_day")
    default = PackLimits(
        _whole(limits.get("new_per_day"), total_new, NEW_PER_DAY),
        _whole(limits.get("reviews_per_day"), total_reviews, REVIEWS_PER_DAY),
    )
    packs: dict[str, PackLimits] = {}
    own = limits.get("packs")
    for pack_id, table in own.items() if isinstance(own, dict) else ():
        if isinstance(table, dict):
            packs[str(pack_id)] = PackLimits(
                _whole(table.get("new_per_day"), default.new_per_day, NEW_PER_DAY),
                _whole(table.get("reviews_per_day"), default.reviews_per_day, REVIEWS_PER_DAY),
            )
    return DailyLimits(default, packs, total_new, total_reviews)


def describe(limits: DailyLimits, pack_id: str) -> str:
    """One pack's limits in words, e.g. ``20 new and 200 reviews a day (every pack's)``."""
    own = limits.of(pack_id)
    text = f"{own.new_per_day} new and {own.reviews_per_day} reviews a day"
    text += " (this pack's own)" if pack_id in limits.packs else " (every pack's)"
    totals = ((limits.total_new, "new"), (limits.total_reviews, "reviews"))
    caps = [f"{n} {what}" for n, what in totals if n is not None]
    return text + (f"; all packs together at most {' and '.join(caps)}" if caps else "")


def _whole(value: object, fallback: int | None, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return default if fallback is None else fallback


Done = dict[str, tuple[int, int]]
"""Pack id -> (new cards introduced, review-state cards reviewed) today."""


class Allowance:
    """What the limits still allow today, given what was done (:data:`Done`) in ``packs``.

    Worked out once when made (it is made for every card shown, so it is kept cheap).
    """

    __slots__ = ("limits", "done", "packs", "_left", "_total", "_blocked")

    def __init__(self, limits: DailyLimits, done: Done, packs: tuple[str, ...]) -> None:
        self.limits = limits
        self.done = done
        self.packs = packs
        new_done = reviews_done = 0
        for new, reviewed in done.values():
            new_done += new
            reviews_done += reviewed
        total_new = None if limits.total_new is None else max(0, limits.total_new - new_done)
        total_reviews = None if limits.total_reviews is None else max(0, limits.total_reviews - reviews_done)
        self._total = (total_new, total_reviews)
        self._left: tuple[dict[str, int], dict[str, int]] = ({}, {})
        for pack_id in packs:
            self._pack(pack_id)
        self._blocked: dict[int, frozenset[str]] = {}

    def _pack(self, pack_id: str) -> tuple[int, int]:
        """(new, reviews) a pack has left by its own limits."""
        own = self.limits.packs.get(pack_id, self.limits.default)
        new, reviewed = self.done.get(pack_id, (0, 0))
        left = (max(0, own.new_per_day - new), max(0, own.reviews_per_day - reviewed))
        self._left[0][pack_id], self._left[1][pack_id] = left
        return left

    def _get(self, pack_id: str | None, kind: int) -> int:
        if pack_id is None:
            own = sum(self._left[kind].values())
        else:
            found = self._left[kind].get(pack_id)
            own = self._pack(pack_id)[kind] if found is None else found
        total = self._total[kind]
        return own if total is None or own < total else total

    def new_left(self, pack_id: str | None = None) -> int:
        """New cards still allowed today in one pack (``None``: in all packs together)."""
        return self._get(pack_id, 0)

    def reviews_left(self, pack_id: str | None = None) -> int:
        """Reviews still allowed today in one pack (``None``: in all packs together)."""
        return self._get(pack_id, 1)

    def count(self, pack_id: str, new: bool, review: bool) -> None:
        """Count one answer of this service (another session's is seen when the counts are read again)."""
        before = self.done.get(pack_id, (0, 0))
        self.done[pack_id] = (before[0] + new, before[1] + review)
        left = self._pack(pack_id)
        total_new, total_reviews = self._total
        self._total = (
            None if total_new is None else max(0, total_new - new),
            None if total_reviews is None else max(0, total_reviews - review),
        )
        if 0 in left or 0 in self._total:  # a limit reached: which packs are blocked changes
            self._blocked.clear()

    def blocked(self, kind: str) -> frozenset[str]:
        """The packs with no ``kind`` (``"new"`` or ``"reviews"``) left today."""
        index = 0 if kind == "new" else 1
        found = self._blocked.get(index)
        if found is None:
            if self._total[index] == 0:
                found = frozenset(self.packs)
            else:
                found = frozenset(p for p, left in self._left[index].items() if not left)
            self._blocked[index] = found
        return found


def _header(pack_id: str | None) -> str:
    return "[limits]" if pack_id is None else f'[limits.packs."{pack_id}"]'


def _is_header(line: str, pack_id: str | None) -> bool:
    """Whether ``line`` opens the table of ``pack_id``'s limits (``None``: ``[limits]``), quoted or not."""
    bare = line.split("#", 1)[0].replace(" ", "").replace("\t", "")
    if pack_id is None:
        return bare == "[limits]"
    return bare in (f'[limits.packs."{pack_id}"]', f"[limits.packs.{pack_id}]", f"[limits.packs.'{pack_id}']")


def with_limits(text: str, pack_id: str | None, values: dict[str, int]) -> str:
    """The settings file ``text`` with ``values`` (``new_per_day``, ``reviews_per_day``) set in
    ``[limits]`` (``pack_id`` ``None``) or ``[limits.packs."ID"]``; the rest of the file, comments
    included, is kept as written. A :class:`ValueError` when the result would not be the same
    settings with those values (a table written inline, say): then the file must be edited by hand."""
    import tomllib

    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _is_header(line, pack_id)), None)
    if start is None:
        lines += ([""] if lines and lines[-1].strip() else []) + [_header(pack_id)]
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    for key, value in values.items():
        at = next((i for i in range(start + 1, end) if lines[i].split("=", 1)[0].strip() == key), None)
        if at is None:
            lines.insert(start + 1, f"{key} = {value}")
            end += 1
        else:
            lines[at] = f"{key} = {value}"
    result = "\n".join(lines) + "\n"
    try:
        data = tomllib.loads(result)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the settings file could not be updated safely ({exc}); edit it by hand") from None
    table = data.get("limits", {})
    if pack_id is not None:
        table = table.get("packs", {}).get(pack_id, {})
    if any(table.get(key) != value for key, value in values.items()):
        raise ValueError("the settings file could not be updated safely; edit it by hand")
    return result
