"""The review totals kept with the log, in the same transaction as each answer: per learner and day
(``review_day_stats``: statistics, heatmap, streak, retention) and per learner, day and pack
(``pack_day_stats``: the daily limits). Each function takes ``*, session`` or a session first;
the SQLite review path writes the same rows in plain SQL (:mod:`studyvm.store.hotpath`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from studyvm.store.models import STATE_NEW, STATE_REVIEW, PackDayStats, ReviewDayStats
from studyvm.store.repo import table_of

DAY = table_of(ReviewDayStats)
PACK_DAY = table_of(PackDayStats)

_DAY_COUNTS = ("reviews", "new_cards", "review_cards", "lapses")
_PACK_DAY_COUNTS = ("new_cards", "review_cards")


@lru_cache(maxsize=8)
def _bump_day(dialect: str, per_pack: bool = False) -> Insert:
    """``INSERT … ON CONFLICT DO UPDATE`` adding to one learner-day row (``per_pack``: one
    learner-day-pack row of ``pack_day_stats``), on SQLite and PostgreSQL."""
    table, counts = (PACK_DAY, _PACK_DAY_COUNTS) if per_pack else (DAY, _DAY_COUNTS)
    key: dict[str, BindParameter[Any]] = {"learner_id": bindparam("b_learner"), "review_day": bindparam("b_day")}
    if per_pack:
        key["pack_id"] = bindparam("b_pack")
    values = {**key, **{k: bindparam(f"b_{k}") for k in counts}}
    index = [table.c[k] for k in key]
    if dialect == "sqlite":
        lite = sqlite.insert(table).values(values)
        return lite.on_conflict_do_update(index_elements=index, set_={k: table.c[k] + lite.excluded[k] for k in counts})
    pg = postgresql.insert(table).values(values)
    return pg.on_conflict_do_update(index_elements=index, set_={k: table.c[k] + pg.excluded[k] for k in counts})


def count_day(session: Session, learner: int, day: int, state_before: int, rating: int, sign: int) -> None:
    """Add (``sign`` 1) or remove (-1) one review in the learner's day totals."""
    counts = day_counts(state_before, rating, sign)
    session.execute(
        _bump_day(session.get_bind().dialect.name),
        {
            "b_learner": learner,
            "b_day": day,
            **{f"b_{k}": n for k, n in zip(_DAY_COUNTS, counts, strict=True)},
        },
    )


def count_pack_day(session: Session, learner: int, day: int, pack_id: str, state_before: int, sign: int) -> None:
    """Add (``sign`` 1) or remove (-1) one review in the learner's day totals for one pack."""
    new, review = pack_day_counts(state_before, sign)
    session.execute(
        _bump_day(session.get_bind().dialect.name, True),
        {"b_learner": learner, "b_day": day, "b_pack": pack_id, "b_new_cards": new, "b_review_cards": review},
    )


def pack_day_counts(state_before: int, sign: int = 1) -> tuple[int, int]:
    """What one review adds to (``sign`` 1) or removes from (-1) a pack's day: (new cards, review cards)."""
    return sign * (state_before == STATE_NEW), sign * (state_before == STATE_REVIEW)


def day_counts(state_before: int, rating: int, sign: int = 1) -> tuple[int, int, int, int]:
    """What one review adds (``sign`` 1) to or removes (-1) from a day's (reviews, new cards, review
    cards, lapses)."""
    review = state_before == STATE_REVIEW
    return sign, sign * (state_before == STATE_NEW), sign * review, sign * (review and rating == 1)


def done_today(learner: int, day: int, *, session: Session) -> dict[str, tuple[int, int]]:
    """Pack id -> (new cards introduced, review-state cards reviewed) on local day ``day``."""
    rows = session.execute(
        select(PACK_DAY.c.pack_id, PACK_DAY.c.new_cards, PACK_DAY.c.review_cards).where(
            PACK_DAY.c.learner_id == learner, PACK_DAY.c.review_day == day
        )
    ).all()
    return {pack: (new, review) for pack, new, review in rows}
