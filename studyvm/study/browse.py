"""The card browser's core: find cards with a search query, show one card's history, act on cards.

Shared by ``studyvm cards`` and the terminal app's Browse screen. :func:`find_cards` parses
the query first (a :class:`~studyvm.study.search.SearchError` costs no database work), reads
every card of the learner in one query (kept, and updated in place when this service changes cards:
:mod:`studyvm.study.cardlisting`) and evaluates the search
over whole columns (:mod:`studyvm.study.cardselect`); :func:`search_cards` builds objects only
for the page a screen shows. Headless: no Textual; the SQL is in
:mod:`studyvm.store.cardlist`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from studyvm.packs.gcpause import gc_paused
from studyvm.store import cardlist
from studyvm.store.models import QUEUE_BURIED, QUEUE_SCHEDULED, STATE_LEARNING, STATE_NEW, STATE_RELEARNING
from studyvm.study.cardlisting import Listing, listing_of
from studyvm.study.cardselect import Columns, select
from studyvm.study.grading import describe_response
from studyvm.study.scheduling import RATING_NAMES
from studyvm.study.search import parse
from studyvm.study.views import STATE_NAMES

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

ACTIONS = ("suspend", "unsuspend", "bury", "unbury", "forget")
SORTS = ("due", "ivl", "lapses", "reps", "rating", "question", "topic")


@dataclass(slots=True)
class CardInfo:
    """One card in the browser: what the table shows and what a search looks at."""

    pack_id: str
    question_id: str
    prompt: str
    """The prompt on one line, for the table."""
    topic: str
    type: str
    state: str
    """``new``, ``learning``, ``review`` or ``relearning``."""
    due: datetime | None
    ivl: float
    """Days from the last review to the due date (0 for a new card)."""
    lapses: int
    reps: int
    last_rating: int | None
    tags: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    """Which of ``due new learn review suspended buried leech`` hold now."""
    text: str = field(default="", repr=False)
    """Prompt and answers, lower-cased (what words and phrases search)."""

    @property
    def last_rating_name(self) -> str:
        """``Again`` … ``Easy``, or empty if never reviewed."""
        return RATING_NAMES.get(self.last_rating or 0, "")

    def as_json(self) -> dict[str, Any]:
        """A JSON-able dict (without the search text)."""
        data = asdict(self)
        data.pop("text")
        data["due"] = self.due.isoformat() if self.due else None
        data["tags"], data["flags"] = list(self.tags), sorted(self.flags)
        data["last_rating"] = self.last_rating_name or None
        return data


@dataclass
class HistoryEntry:
    """One review of a card, in words."""

    when: datetime
    rating: str
    state_before: str
    score: float | None
    answer: str
    """What was answered, as the learner would recognise it (empty for a flip card)."""
    seconds: float | None


def _flags(state: int, due: bool, suspended: bool, buried: bool, leech: bool) -> frozenset[str]:
    flags = {"new" if state == STATE_NEW else "learn" if state in (STATE_LEARNING, STATE_RELEARNING) else "review"}
    for name, on in (("due", due), ("suspended", suspended), ("buried", buried), ("leech", leech)):
        if on:
            flags.add(name)
    return frozenset(flags)


@dataclass
class SearchPage:
    """One page of a search: how many cards match in all, and those of the page in sort order."""

    total: int
    cards: list[CardInfo]
    offset: int = 0
    """Where the page starts among all matches."""

    @property
    def more(self) -> bool:
        """Whether matches follow this page."""
        return self.offset + len(self.cards) < self.total


def find_cards(svc: StudyService, query: str, sort: str = "due", reverse: bool = False) -> list[CardInfo]:
    """Every card of the learner matching ``query`` (see :mod:`studyvm.study.search`), sorted by ``sort``.

    For a screen, :func:`search_cards` returns one page and the count without building the rest.
    """
    return search_cards(svc, query, sort, reverse).cards


def search_cards(
    svc: StudyService, query: str, sort: str = "due", reverse: bool = False, offset: int = 0, limit: int | None = None
) -> SearchPage:
    """The cards matching ``query`` from ``offset`` (``limit`` of them, or all), and how many match.

    Matching works on whole columns of plain rows (:mod:`studyvm.study.cardselect`), the matches
    are taken in the sort's order (cached per listing), and only the page becomes
    :class:`CardInfo`; asking for the next page of the same search reuses its matches.
    """
    tree = parse(query)
    if sort not in SORTS:
        raise ValueError(f"unknown sort '{sort}' (known: {', '.join(SORTS)})")
    if offset < 0 or (limit is not None and limit < 0):
        raise ValueError("offset and limit must not be negative")
    now = svc.clock()
    listing = listing_of(svc)
    due_by = cardlist.due_key(now, svc.engine.dialect.name == "sqlite")
    asked = (query, sort, reverse, due_by)
    if listing.last is not None and listing.last[0] == asked:
        matched = listing.last[1]
    else:
        if listing.columns is None:
            parts = (listing.column, listing.containing, listing.occurrences)
            listing.columns = Columns(listing.rows, listing.pos, *parts)
        rows = select(tree, listing.columns, due_by, _flags)
        if (sort, reverse) in listing.orders or len(rows) * FEW_MATCHES >= len(listing.rows):
            matched = [i for i in listing.order(sort, reverse) if i in rows]
        else:  # a few matches and no order kept yet: sort only them (the same order)
            matched = listing.sorted_rows(sorted(rows), sort, reverse)
        listing.last = (asked, matched)
    chosen = matched[offset:] if limit is None else matched[offset : offset + limit]
    cards = _cards(listing, chosen, due_by)
    return SearchPage(total=len(matched), cards=cards, offset=offset)


def _cards(listing: Listing, chosen: list[int], due_by: Any) -> list[CardInfo]:
    """The :class:`CardInfo` of each row in ``chosen`` (all 100,000 for ``cards search``: kept cheap)."""
    if len(chosen) < GC_PAUSE_FROM:
        return _make_cards(listing, chosen, due_by)
    # Every object made here is kept by the caller: the collector would walk the growing list (and
    # the listing) again and again for nothing, two thirds of the time at 100,000 cards
    # (studyvm.packs.gcpause says more).
    return gc_paused(_make_cards)(listing, chosen, due_by)


FEW_MATCHES = 4
"""Matches fewer than one card in this many: sorted alone rather than in the order of every card."""
GC_PAUSE_FROM = 5000
"""Cards from which :func:`_cards` pauses the cyclic collector."""


def _make_cards(listing: Listing, chosen: list[int], due_by: Any) -> list[CardInfo]:
    rows = listing.rows
    decoded: dict[int, tuple] = {}  # a few thousand distinct codes: each worked out once
    out = []
    for i, topic, qtype, tags, prompt, text in zip(chosen, *listing.fields_of(chosen), strict=True):
        pack_id, qid, due, raw_ivl, code = rows[i]
        known = decoded.get(code)
        if known is None:
            known = decoded[code] = _decoded(code)
        state, last_rating, lapses, reps, scheduled, flags_due, flags = known
        if scheduled and due is not None and due <= due_by:
            flags = flags_due
        out.append(  # positional, in field order
            CardInfo(
                pack_id,
                qid,
                prompt,
                topic,
                qtype,
                state,
                cardlist.as_utc(due),
                round(raw_ivl or 0.0, 2),
                lapses,
                reps,
                last_rating,
                tags,
                flags,
                text,
            )
        )
    return out


@functools.cache  # a few dozen distinct ones
def _flag_set(state: int, due: bool, suspended: bool, buried: bool, leech: bool) -> frozenset[str]:
    return _flags(state, due, suspended, buried, leech)


def _decoded(code: int) -> tuple[str, int | None, int, int, bool, frozenset[str], frozenset[str]]:
    """What a card's code (:func:`studyvm.store.cardlist.unpack`) gives a :class:`CardInfo`: its state's
    name, last rating, lapses, reps, whether it is scheduled, and its flags when due and when not."""
    state, queue, suspended, leech, last_rating, lapses, reps = cardlist.unpack(code)
    buried, scheduled = queue == QUEUE_BURIED, queue == QUEUE_SCHEDULED
    due, not_due = (_flag_set(state, on, suspended, buried, leech) for on in (True, False))
    return STATE_NAMES.get(state, "review"), last_rating, lapses, reps, scheduled, due, not_due


def sort_cards(cards: list[CardInfo], sort: str, reverse: bool = False) -> list[CardInfo]:
    """``cards`` by ``sort`` (one of :data:`SORTS`), then by question id; cards with no due date last.

    Two stable sorts on plain attributes (question id, then the column) instead of one on a key
    tuple: the same order, a third of the time for 100,000 cards.
    """
    if sort == "question":
        return sorted(cards, key=lambda c: (c.prompt.lower(), c.question_id), reverse=reverse)
    if sort == "rating":
        return sorted(cards, key=lambda c: (c.last_rating or 0, c.question_id), reverse=reverse)
    out = sorted(cards, key=attrgetter("question_id"), reverse=reverse)
    if sort != "due":
        out.sort(key=attrgetter(sort), reverse=reverse)
        return out
    dated = [c for c in out if c.due is not None]
    undated = [c for c in out if c.due is None]
    dated.sort(key=attrgetter("due"), reverse=reverse)
    return undated + dated if reverse else dated + undated


def history(svc: StudyService, pack_id: str, question_id: str) -> list[HistoryEntry]:
    """Every review of one card, oldest first."""
    question = svc.pack(pack_id).question(question_id)
    with svc.read() as session:
        rows = cardlist.review_history(svc.learner_id, pack_id, question_id, session=session)
    entries = []
    for r in rows:
        given = json.loads(r.response) if r.response else None
        answer = describe_response(question, given) if given is not None and question is not None else ""
        entries.append(
            HistoryEntry(
                when=r.reviewed_at,
                rating=RATING_NAMES.get(r.rating, str(r.rating)),
                state_before=STATE_NAMES.get(r.state_before, "?"),
                score=r.score,
                answer=answer,
                seconds=r.duration_ms / 1000 if r.duration_ms else None,
            )
        )
    return entries


def act(svc: StudyService, action: str, cards: list[CardInfo] | list[tuple[str, str]]) -> int:
    """Apply ``action`` (one of :data:`ACTIONS`) to ``cards``; how many cards it changed."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action '{action}' (known: {', '.join(ACTIONS)})")
    keys = [(c.pack_id, c.question_id) if isinstance(c, CardInfo) else c for c in cards]
    changed = 0
    for key in keys:
        if action == "suspend":
            changed += svc.suspend(key)
        elif action == "unsuspend":
            changed += svc.suspend(key, suspended=False)
        elif action == "bury":
            changed += svc.bury(key)
        elif action == "unbury":
            changed += svc.unbury(key)
        else:
            changed += svc.forget(key)
    return changed
