"""Checking ``settings.toml``: every problem becomes a warning that names its key, never silence.

The file has these tables: ``[study]`` (``desired_retention``, ``new_per_day``,
``reviews_per_day``), ``[limits]`` (every pack's ``new_per_day`` and ``reviews_per_day``, and one
pack's own under ``[limits.packs.ID]``), ``[tui]`` (``theme``), ``[keys]`` (binding id =
comma-separated keys) and ``[quiz]`` (the quiz and exam setup form's defaults, :data:`QUIZ_KEYS`).
:func:`check_settings` reports a file that is not TOML (with its line and column), unknown tables
and keys (with "did you mean"), values of the wrong type or out of range, and, given what the
terminal app knows (:class:`TuiFacts`: its themes, its bindings and a key-name test), unknown
binding ids, key names no terminal sends, two bindings of one screen on one key, and a missing
theme. :func:`usable_study_values` is the ``[study]`` table without values of the wrong type, so
such a value is reported and its default used, never silently coerced (``true`` as 1, 2.7 as 2).

The same checks run in the command line (a warning on stderr), in the app (a notification) and in
``studyvm config check``. This module never imports textual: the app passes its facts in.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyvm.textsafe import inert, inert_name

STUDY_KEYS = {
    "desired_retention": "a number from 0.5 to 0.99 (the recall FSRS aims for)",
    "new_per_day": "a whole number, 0 or more (new cards a day)",
    "reviews_per_day": "a whole number, 0 or more (reviews a day)",
}
"""Keys of ``[study]`` and what each takes."""
TUI_KEYS = {"theme": "the name of a theme (ctrl+p, then 'theme', lists them)"}
"""Keys of ``[tui]`` and what each takes."""
LIMIT_KEYS = {
    "new_per_day": "a whole number, 0 or more (new cards a day in each pack)",
    "reviews_per_day": "a whole number, 0 or more (reviews a day in each pack)",
}
"""Keys of ``[limits]`` and of each ``[limits.packs.ID]``, and what each takes."""
TABLES = ("study", "limits", "tui", "keys", "quiz")
"""The tables the file may have."""
GLOBAL_SCOPES = ("app", "nav")
"""Binding scopes active on every screen (the app's and the common navigation bindings)."""


@dataclass(frozen=True)
class BindingFact:
    """A binding the app has: its id, the screen it belongs to and its default keys."""

    id: str
    scope: str
    """The screen (or ``app`` / ``nav`` for bindings active everywhere)."""
    keys: tuple[str, ...]


@dataclass
class TuiFacts:
    """What the terminal app knows and the core does not: themes, bindings, valid key names."""

    themes: set[str]
    bindings: dict[str, BindingFact]
    valid_key: Callable[[str], bool]
    """True for a key name a terminal can send (``r``, ``ctrl+q``, ``f5``...)."""


@dataclass(frozen=True)
class SettingsProblem:
    """One problem in the settings file, naming its key (``study.new_per_day``, ``keys.app.quit``)."""

    path: str
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.key}: " if self.key else ""
        return f"{inert_name(self.path)}: warning: {inert(where + self.message)}"


@dataclass
class _Report:
    path: str
    problems: list[SettingsProblem] = field(default_factory=list)

    def add(self, key: str, message: str) -> None:
        self.problems.append(SettingsProblem(self.path, key, message))


def read_settings(path: Path) -> tuple[dict[str, Any], list[SettingsProblem]]:
    """The file's tables (empty when missing or broken) and the problem reading it, if any."""
    report = _Report(str(path))
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8")), []
    except FileNotFoundError:
        return {}, []
    except IsADirectoryError:
        report.add("", "is a folder, not a settings file; defaults are used")
    except UnicodeDecodeError as exc:
        report.add("", f"is not UTF-8 text (byte {exc.start}); defaults are used")
    except tomllib.TOMLDecodeError as exc:
        report.add("", f"is not valid TOML: {exc}; the whole file is ignored and defaults are used")
    except OSError as exc:
        report.add("", f"cannot be read: {exc.strerror or exc}; defaults are used")
    return {}, report.problems


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_STUDY_TYPES = {"desired_retention": _is_number, "new_per_day": _is_whole, "reviews_per_day": _is_whole}
_STUDY_RANGES = {
    "desired_retention": lambda v: math.isfinite(v) and 0.5 <= v < 1,
    "new_per_day": lambda v: v >= 0,
    "reviews_per_day": lambda v: v >= 0,
}


def usable_study_values(data: dict[str, Any]) -> dict[str, Any]:
    """The ``[study]`` values of ``data`` that have the right type; the others take their default.

    A value of the right type but out of range is kept: the study service refuses it with a message.
    """
    table = data.get("study")
    if not isinstance(table, dict):
        return {}
    return {key: value for key, value in table.items() if key in _STUDY_TYPES and _STUDY_TYPES[key](value)}


MAX_QUESTIONS = 500
MAX_MINUTES = 600.0
QUIZ_KEYS = {
    "questions": "a whole number from 1 to 500 (questions in a practice quiz)",
    "exam_questions": "a whole number from 1 to 500 (questions in a mock exam)",
    "exam_minutes": "a number of minutes above 0, at most 600 (a mock exam's time limit)",
    "pass_mark": "a percentage from 0 to 100 (a mock exam's pass mark)",
    "cbm": "true or false (certainty-based marking in mock exams)",
}
"""Keys of the settings file's ``[quiz]`` table and what each takes."""


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_QUESTIONS


def _minutes(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 < value <= MAX_MINUTES
    )


def _percent(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100


QUIZ_CHECKS = {
    "questions": _whole,
    "exam_questions": _whole,
    "exam_minutes": _minutes,
    "pass_mark": _percent,
    "cbm": lambda v: isinstance(v, bool),
}
"""A test per ``[quiz]`` key: a value that fails it is reported and its default used."""


def _toml(value: Any) -> str:
    """``value`` spelled as in the TOML file (``true``, not Python's ``True``)."""
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_settings(path: Path, tui: TuiFacts | None = None) -> list[SettingsProblem]:
    """Every problem in the settings file at ``path``; the TUI's checks only when ``tui`` is given."""
    data, problems = read_settings(path)
    report = _Report(str(path), problems)
    for table, value in data.items():
        if table not in TABLES:
            report.add(table, f"unknown table [{table}]{_did_you_mean(table, TABLES)}; it is ignored")
        elif not isinstance(value, dict):
            report.add(table, f"must be a table ([{table}]), not a single value; it is ignored")
    _check_study(data.get("study"), report)
    _check_limits(data.get("limits"), report)
    _check_quiz(data.get("quiz"), report)
    _check_tui(data.get("tui"), report, tui)
    _check_keys(data.get("keys"), report, tui)
    return report.problems


def _check_study(table: Any, report: _Report) -> None:
    if not isinstance(table, dict):
        return
    for key, value in table.items():
        if key not in STUDY_KEYS:
            report.add(f"study.{key}", f"unknown key{_did_you_mean(key, STUDY_KEYS)}; it is ignored")
        elif not _STUDY_TYPES[key](value):
            report.add(f"study.{key}", f"{_toml(value)} is not {STUDY_KEYS[key]}; the default is used")
        elif not _STUDY_RANGES[key](value):
            report.add(f"study.{key}", f"{_toml(value)} is out of range: it must be {STUDY_KEYS[key]}")


def _check_limits(table: Any, report: _Report) -> None:
    if not isinstance(table, dict):
        return
    packs = table.get("packs")
    if "packs" in table and not isinstance(packs, dict):
        report.add("limits.packs", "must be a table of packs ([limits.packs.ID]); it is ignored")
    for pack_id, own in packs.items() if isinstance(packs, dict) else ():
        if isinstance(own, dict):
            _check_limit_values(own, f"limits.packs.{pack_id}", report)
        else:
            report.add(f"limits.packs.{pack_id}", "must be a table ([limits.packs.ID]) of limits; it is ignored")
    _check_limit_values({k: v for k, v in table.items() if k != "packs"}, "limits", report)


def _check_limit_values(table: dict[str, Any], prefix: str, report: _Report) -> None:
    for key, value in table.items():
        if key not in LIMIT_KEYS:
            report.add(f"{prefix}.{key}", f"unknown key{_did_you_mean(key, [*LIMIT_KEYS, 'packs'])}; it is ignored")
        elif not _is_whole(value) or value < 0:
            report.add(f"{prefix}.{key}", f"{_toml(value)} is not {LIMIT_KEYS[key]}; the default is used")


def _check_quiz(table: Any, report: _Report) -> None:
    if not isinstance(table, dict):
        return
    for key, value in table.items():
        if key not in QUIZ_KEYS:
            report.add(f"quiz.{key}", f"unknown key{_did_you_mean(key, QUIZ_KEYS)}; it is ignored")
        elif not QUIZ_CHECKS[key](value):
            report.add(f"quiz.{key}", f"{_toml(value)} is not {QUIZ_KEYS[key]}; the default is used")


def _check_tui(table: Any, report: _Report, tui: TuiFacts | None) -> None:
    if not isinstance(table, dict):
        return
    for key, value in table.items():
        if key not in TUI_KEYS:
            report.add(f"tui.{key}", f"unknown key{_did_you_mean(key, TUI_KEYS)}; it is ignored")
        elif not isinstance(value, str):
            report.add("tui.theme", f"{_toml(value)} is not a theme name; the default theme is used")
        elif tui is not None and value not in tui.themes:
            report.add(
                "tui.theme", f"no theme called {value!r}{_did_you_mean(value, tui.themes)}; the default theme is used"
            )


def _split_keys(value: Any) -> list[str] | None:
    """The keys of one ``[keys]`` value (a comma-separated string or a list), or None if malformed."""
    if isinstance(value, str):
        return [k.strip() for k in value.split(",")]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return [k.strip() for k in value]
    return None


def _check_keys(table: Any, report: _Report, tui: TuiFacts | None) -> None:
    if not isinstance(table, dict):
        return
    chosen: dict[str, list[str]] = {}
    for binding_id, value in table.items():
        name = f"keys.{binding_id}"
        keys = _split_keys(value)
        if keys is None:
            report.add(name, 'must be a key or a list of keys, e.g. "r" or ["r", "enter"]')
            continue
        if tui is not None and binding_id not in tui.bindings:
            report.add(name, f"no binding has this id{_did_you_mean(binding_id, tui.bindings)}; it is ignored")
            continue
        bad = [k for k in keys if not k or (tui is not None and not tui.valid_key(k))]
        if bad:
            shown = ", ".join(repr(k) for k in bad)
            report.add(
                name,
                f"{shown} {'is not a key name' if len(bad) == 1 else 'are not key names'} "
                "(examples: r, ctrl+q, f5, enter, space); that key will never fire",
            )
        chosen[binding_id] = [k for k in keys if k]
    if tui is not None:
        _check_clashes(chosen, report, tui)


def _check_clashes(chosen: dict[str, list[str]], report: _Report, tui: TuiFacts) -> None:
    """Two bindings active on one screen with one key: only one of them would ever run."""
    effective = {b.id: chosen.get(b.id, list(b.keys)) for b in tui.bindings.values()}
    for binding_id in chosen:
        mine = tui.bindings[binding_id]
        for other in tui.bindings.values():
            if other.id == binding_id:
                continue
            same_screen = (
                other.scope == mine.scope or GLOBAL_SCOPES.__contains__(other.scope) or (mine.scope in GLOBAL_SCOPES)
            )
            shared = set(effective[binding_id]) & set(effective[other.id])
            if same_screen and shared and (other.id not in chosen or binding_id < other.id):
                where = "every screen" if {mine.scope, other.scope} & set(GLOBAL_SCOPES) else f"the {mine.scope} screen"
                report.add(
                    f"keys.{binding_id}",
                    f"{', '.join(sorted(shared))} is also the key of {other.id} on {where}; only one of them will run",
                )
