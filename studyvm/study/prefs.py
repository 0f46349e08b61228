"""Study preferences: the ``[study]`` and ``[limits]`` tables of the user's settings file.

``desired_retention`` (default 0.9), ``new_per_day`` (20) and ``reviews_per_day`` (200); explicit
arguments (tests, the TUI) win over the file. The daily limits per pack are resolved by
:mod:`studyvm.study.limits`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studyvm.config import Settings
from studyvm.study.limits import NEW_PER_DAY, REVIEWS_PER_DAY, DailyLimits, resolve
from studyvm.study.scheduling import DEFAULT_RETENTION


@dataclass
class StudyPrefs:
    """Resolved study preferences."""

    retention: float = DEFAULT_RETENTION
    new_per_day: int = NEW_PER_DAY
    reviews_per_day: int = REVIEWS_PER_DAY
    limits: DailyLimits = field(default_factory=DailyLimits)
    """The daily limits of every pack (see :mod:`studyvm.study.limits`)."""


def _tables(settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    """The valid values of the ``[study]`` table of the settings file, and its ``[limits]`` table (a
    broken file, a wrong type or an out-of-range value counts as missing:
    :mod:`studyvm.settings_check` reports it)."""
    if not settings.settings_file.exists():  # most starts: no file, so no checker to import (about 3 ms)
        return {}, {}
    from studyvm.settings_check import read_settings, usable_study_values

    data, _problems = read_settings(settings.settings_file)  # reported by the CLI and the app
    limits = data.get("limits")
    return usable_study_values(data), limits if isinstance(limits, dict) else {}


def load_study_prefs(
    settings: Settings,
    retention: float | None = None,
    new_per_day: int | None = None,
    reviews_per_day: int | None = None,
) -> StudyPrefs:
    """Arguments, else the settings file, else defaults; ``ValueError`` naming a bad value."""
    table, limits = _tables(settings)
    try:
        prefs = StudyPrefs(
            retention=float(retention if retention is not None else table.get("desired_retention", DEFAULT_RETENTION)),
            new_per_day=int(new_per_day if new_per_day is not None else table.get("new_per_day", NEW_PER_DAY)),
            reviews_per_day=int(
                reviews_per_day if reviews_per_day is not None else table.get("reviews_per_day", REVIEWS_PER_DAY)
            ),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a value is not a number: {exc}") from None
    if not 0.5 <= prefs.retention < 1:
        raise ValueError("desired retention must be between 0.5 and 0.99")
    if prefs.new_per_day < 0 or prefs.reviews_per_day < 0:
        raise ValueError("daily limits cannot be negative")
    prefs.limits = resolve(table, limits, new_per_day, reviews_per_day)
    return prefs
