"""Problems found in a pack, as ``path:line:col: severity: message`` lines.

Also turns pydantic's validation errors into such lines, using the positions recorded while
reading the YAML, so that every schema problem points at the line a person has to fix.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from studyvm.packs.yamlsafe import Path_, Positions
from studyvm.textsafe import inert, inert_name
from studyvm.wording import plural

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place in one file."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        # the path and the message may quote a hostile file name or YAML key: shown inert
        place = f"{self.line}:{self.col}:" if self.line > 0 else ""  # line 0: about the path itself
        return f"{inert_name(self.path)}:{place} {self.severity}: {inert(self.message)}"


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """True when any diagnostic is an error (warnings alone do not fail a pack)."""
    return any(d.severity == "error" for d in diagnostics)


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[Path_, Any]:
    """Map a pydantic ``loc`` onto the data, dropping union tags such as ``'mcq'``.

    Returns the path of keys/indexes that exist in the data and the last value reached.
    """
    path: list[str | int] = []
    node: Any = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part not in node and part == node.get("type"):
            continue  # a discriminated union's tag, not a key of the data
        if (
            isinstance(node, dict)
            and isinstance(part, str)
            and part in node
            or isinstance(node, list)
            and isinstance(part, int)
            and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]  # type: ignore[index]  # a str only for a dict, an int only for a list
        elif isinstance(node, dict) and isinstance(part, str):
            path.append(part)  # a missing or unknown key: keep it for the message
            node = None
    return tuple(path), node


NUMBER_ERRORS = frozenset({"float_parsing", "int_parsing", "float_type", "int_type", "decimal_parsing"})
"""pydantic error types that mean "this should have been a number"."""


_BOUNDS = {
    "less_than_equal": ("at most", "le"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "greater_than": ("more than", "gt"),
}


def _shown(value: Any) -> str:
    """A wrong value as an author would name it: ``'maybe'``, ``42``, ``a list``, ``an empty value``."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:39] + "…")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _describe(err: Any, path: Path_, allowed: list[str] | None) -> str:
    kind = err["type"]
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    msg = str(err.get("msg", "invalid value"))
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "extra_forbidden":
        hint = ""
        if allowed:
            close = difflib.get_close_matches(field, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown field '{field}'{hint}"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"unknown question type {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "missing field 'type' (flip, mcq, multi, true_false, short, numerical, cloze, matching, ordering)"
    if kind == "string_pattern_mismatch" and err.get("input") == "":
        return f"'{field}' must not be empty"
    if kind == "string_pattern_mismatch":
        return f"'{field}' must use only lower-case letters, digits, '.', '_' and '-'"
    if kind == "string_too_short":
        return f"'{field}' must not be empty"
    if kind == "too_short":
        ctx = err.get("ctx", {})
        least = plural(ctx.get("min_length", 1), "entry", "entries")
        return f"'{field}' needs at least {least}, found {ctx.get('actual_length', 0)}"
    if kind in NUMBER_ERRORS:
        return f"'{field}' must be a number, not {err.get('input')!r}"
    given = _shown(err.get("input"))
    if kind in ("bool_parsing", "bool_type"):
        return f"'{field}' must be true or false, not {given}"
    if kind == "string_type":
        return f"'{field}' must be text, not {given}"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"'{field}' must be a list, not {given}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        whose = f"'{field}'" if field else "this entry"
        if path and isinstance(path[-1], int):
            whose = f"each entry of '{field}'"
        return f"{whose} must be a mapping of fields (key: value lines), not {given}"
    if kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        return f"'{field}' must be {word} {_shown(err.get('ctx', {}).get(key))}, not {given}"
    if kind == "literal_error":
        return f"'{field}' must be {err.get('ctx', {}).get('expected')}, not {given}"
    if msg.startswith("Input should be "):  # pydantic's wording, in an author's words
        return f"'{field}' must be {msg[len('Input should be ') :]}" if field else f"must be {msg[16:]}"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    elif msg.startswith("Assertion failed, "):
        msg = msg[len("Assertion failed, ") :]
    return f"{field}: {msg}" if field and kind != "value_error" else msg


def from_validation_error(
    exc: ValidationError,
    data: Any,
    positions: Positions,
    file_path: str,
    base: Path_ = (),
    allowed_fields: dict[str, list[str]] | None = None,
) -> list[Diagnostic]:
    """Diagnostics for every error in ``exc``, located in the file via ``positions``.

    ``data`` is what was validated and ``base`` its path within the file; ``allowed_fields``
    maps a question type to its field names, for "did you mean" hints.
    """
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        path, _ = _data_path(tuple(err["loc"]), data)
        if err["type"].startswith("union_tag") and isinstance(data, dict) and "type" in data:
            path = (*path, "type")
        allowed = None
        if allowed_fields and isinstance(data, dict):
            allowed = allowed_fields.get(str(data.get("type")))
        if err["type"] == "missing" and path:
            line, col = positions.locate(base + path[:-1])
        else:  # a bad value is pointed at where it is written; an unknown key at the key
            line, col = positions.locate(base + path, value=err["type"] != "extra_forbidden")
        out.append(Diagnostic(file_path, line, col, "error", _describe(err, path, allowed)))
    return out
