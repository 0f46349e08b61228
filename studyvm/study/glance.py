"""The dashboard's first figures read straight from a SQLite home, before the study service is loaded.

Opening the study service imports SQLAlchemy and the ORM tables (most of the time between the
first paint and the figures). When the learner's home database is already set up and in step with
the loaded packs, the due and new counts, the streak and today's reviews are a handful of indexed
reads, done here with :mod:`sqlite3` alone. Whenever that is not so (no database yet, a database
server, packs not synced, a burial to lift, an older schema), :func:`glance` returns ``None`` and
the caller opens the service, which does all of that first.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, tzinfo
from typing import Any

from studyvm.config import Settings
from studyvm.store import hotpath
from studyvm.study.limits import Allowance, DailyLimits
from studyvm.study.scheduling import day_of


def streak(days_with_reviews: set[int], today: int) -> int:
    """Consecutive days with reviews ending today, or ending yesterday if today has none yet."""
    day = today if today in days_with_reviews else today - 1
    count = 0
    while day in days_with_reviews:
        count += 1
        day -= 1
    return count


Glance = tuple[dict[str, tuple[int, int]], int, int]
"""(pack id -> (due now, new available today), streak in days, reviews today)."""


def glance(
    settings: Settings, packs: dict[str, list[str]], now: datetime, tz: tzinfo, limits: DailyLimits
) -> Glance | None:
    """(pack id -> (due now, new available today), streak, reviews today) or ``None`` (ask the service).

    ``packs``: pack id -> its question ids, in order, for every loaded pack.
    """
    if settings.db_url:
        return None
    path = settings.home / "studyvm.sqlite3"
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return read_glance(conn, settings.learner, packs, now, tz, limits)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def read_glance(
    conn: sqlite3.Connection,
    learner_name: str,
    packs: dict[str, list[str]],
    now: datetime,
    tz: tzinfo,
    limits: DailyLimits,
) -> Glance | None:
    """:func:`glance` over an open connection (the caller owns it; SQLite errors are the caller's)."""
    if not hotpath.schema_current(conn):  # an older schema stores other types: the service migrates it
        return None
    learner = hotpath.learner_named(conn, learner_name)
    at = hotpath.stamp_of(now)
    if learner is None or hotpath.burial_over(conn, learner, at):
        return None
    if any(hotpath.synced_hash(conn, learner, pid) != hotpath.ids_fingerprint(ids) for pid, ids in packs.items()):
        return None
    today = day_of(now, tz)
    allowed = Allowance(limits, hotpath.done_on(conn, learner, today), tuple(packs))
    new = hotpath.new_counts(conn, learner)
    counts = {
        pid: (hotpath.due_count(conn, learner, pid, at), min(allowed.new_left(pid), new.get(pid, 0))) for pid in packs
    }
    return counts, *hotpath.streak_and_reviews(conn, learner, today)


def glance_for(settings: Settings, catalog_packs: dict, **service_options: Any) -> Glance | None:
    """:func:`glance` over a catalog's packs (pack id -> Pack), with the clock, time zone and daily
    new-card limit a :class:`~studyvm.study.service.StudyService` made with ``service_options`` would use."""
    from studyvm.study.prefs import load_study_prefs
    from studyvm.study.scheduling import local_tz, now_utc

    try:
        prefs = load_study_prefs(
            settings,
            service_options.get("retention"),
            service_options.get("new_per_day"),
            service_options.get("reviews_per_day"),
        )
    except ValueError:
        return None  # the service reports it
    ids = {pid: pack.index.ids for pid, pack in catalog_packs.items()}
    clock = service_options.get("clock") or now_utc
    return glance(settings, ids, clock(), service_options.get("tz") or local_tz(), prefs.limits)
