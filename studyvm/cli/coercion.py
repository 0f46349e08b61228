"""Plain conversion of command-line values, so that starting ``studyvm`` does not import pydantic.

typer converts each parameter through a pydantic ``TypeAdapter`` it builds the first time the
parameter is processed, and it processes every parameter of the commands on the command line,
given or not: about 60 ms of pydantic imports on every launch (``studyvm sim list`` included).
StudyVM's options are plain ``str``, ``int``, ``float``, ``bool`` and ``Path`` values (or
optional ones, or lists of them); :class:`PlainGroup` gives those a small converter of its own
and leaves any other parameter (ranges, path checks, choices, custom parsers) to typer.

If a typer release renames the hook this relies on, nothing is installed and typer's own
conversion runs as before: slower, never wrong.
"""

from __future__ import annotations

import types
from enum import Enum
from pathlib import Path
from typing import Any, Union, cast, get_args, get_origin

import typer
from typer.core import TyperGroup

_CONVERT: dict[type, tuple[Any, str]] = {
    str: (str, "text"),
    int: (int, "integer"),
    float: (float, "number"),
    Path: (Path, "path"),
}
_PATH_DEFAULTS = {
    "exists": False,
    "file_okay": True,
    "dir_okay": True,
    "writable": False,
    "readable": True,
    "resolve_path": False,
    "allow_dash": False,
    "path_type": None,
}


class PlainValue:
    """Converts one parameter's value(s) to ``kind`` (typer's ``RuntimeParam`` protocol: ``coerce``)."""

    def __init__(self, kind: type, many: bool, low: float | None = None, high: float | None = None) -> None:
        self.kind = kind
        self.many = many
        self.low = low
        self.high = high

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """The converted value; :class:`typer.BadParameter` naming the value when it does not convert."""
        if value is None:
            return () if (param.multiple or param.nargs == -1) else None
        if self.many:
            if isinstance(value, str):
                raise typer.BadParameter("Value must be an iterable.", ctx=ctx, param=param)
            return [self._one(v, param, ctx) for v in value]
        return self._one(value, param, ctx)

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "t", "yes", "y", "on"):
                return True
            if text in ("0", "false", "f", "no", "n", "off"):
                return False
            raise typer.BadParameter(f"{value!r} is not a valid boolean.", ctx=ctx, param=param)
        convert, name = _CONVERT[self.kind]
        try:
            out = value if isinstance(value, self.kind) else convert(value)
        except (TypeError, ValueError):
            raise typer.BadParameter(f"{value!r} is not a valid {name}.", ctx=ctx, param=param) from None
        number = cast(float, out)  # an int or a float when bounded (see plain_kind)
        if self.low is not None and number < self.low:
            raise typer.BadParameter(f"{out} is below the minimum, {self.low}.", ctx=ctx, param=param)
        if self.high is not None and number > self.high:
            raise typer.BadParameter(f"{out} is above the maximum, {self.high}.", ctx=ctx, param=param)
        return out


def plain_kind(annotation: Any, info: Any) -> tuple[type, bool] | None:
    """(base type, is a list) for an annotation :class:`PlainValue` handles, else ``None``."""
    if getattr(info, "clamp", False) or any(getattr(info, k, None) is not None for k in ("parser", "click_type")):
        return None
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) != 1:
            return None
        annotation, origin = rest[0], get_origin(rest[0])
    many = origin is list
    if many:
        (annotation,) = get_args(annotation) or (None,)
    if annotation is Path and any(getattr(info, k, v) != v for k, v in _PATH_DEFAULTS.items()):
        return None
    if annotation is bool or annotation in _CONVERT:
        bounded = getattr(info, "min", None) is not None or getattr(info, "max", None) is not None
        return None if bounded and annotation not in (int, float) else (annotation, many)
    return None


METAVARS = {int: "N", float: "NUMBER", str: "TEXT", Path: "PATH"}
"""Help names by type, for a value no name below fits (typer would show ``<int range>``, ``<str>``)."""
NAMED_VALUES = {
    "home": "FOLDER",
    "packs": "FOLDER",
    "out": "FOLDER",
    "db": "URL",
    "learner": "NAME",
    "sort": "FIELD",
    "output": "FILE",
    "program": "FILE",
    "va": "ADDRESS",
    "block": "ADDRESS",
    "set": "NAME=CYCLES",
    "vary": "PRICE",
    "minutes": "MINUTES",
    "pass-mark": "PERCENT",
    "pack_id": "PACK",
    "scenario_id": "SCENARIO",
    "paths": "PATH",
}
"""Help names by option (long name) or argument (parameter name), where the name alone would not do."""


def _annotation(param: Any) -> tuple[Any, bool]:
    """(value type, is a list) of a typer parameter, ``Optional`` removed."""
    annotation = param.type_descriptor.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        annotation = rest[0] if len(rest) == 1 else annotation
    many = get_origin(annotation) is list
    if many:
        (annotation,) = get_args(annotation) or (None,)
    return annotation, many


def value_name(param: Any) -> str | None:
    """The help name of a parameter's value: ``--pack PACK``, ``--minutes MINUTES``, ``QUERY``.

    Numbers read ``N``; other values are named after their option's last word (``--log-file
    FILE``) or their argument, unless :data:`NAMED_VALUES` says better. ``None`` for an option
    with choices (typer lists them) or a type nothing here knows.
    """
    annotation, _ = _annotation(param)
    if param.param_type_name == "argument":  # a choice keeps its list after the name
        key = param.name or ""
        return NAMED_VALUES.get(key, key.upper())
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return None
    longs = [opt for opt in param.opts if opt.startswith("--")]
    key = longs[0][2:] if longs else ""
    if key in NAMED_VALUES:
        return NAMED_VALUES[key]
    if annotation in (str, Path) and key:
        return key.rsplit("-", 1)[-1].upper()
    return METAVARS.get(annotation)


def _no_type(ctx: Any) -> None:
    """An argument's help shows its name only, not typer's ``<str>`` after it."""
    return None


def _name_value(param: Any) -> None:
    """Give a value parameter a human metavar (``--n N``, ``--pack PACK``, ``QUERY``) unless it has one."""
    if getattr(param, "type_descriptor", None) is None or getattr(param, "is_flag", False):
        return
    kind = getattr(param, "param_type_name", "")
    if kind not in ("option", "argument"):
        return
    if getattr(param, "metavar", None) is None:
        name = value_name(param)
        if name is None:
            return
        many = _annotation(param)[1] or param.nargs != 1
        # an argument's usage line adds "..." itself, so only its help line gets one here
        param.metavar = name + ("…" if many and kind == "option" else "")
    if kind == "argument" and not param.type_descriptor.is_choice:
        param.display_type_rich = _no_type
        if param.nargs != 1:
            metavar = param.metavar
            param._rich_display_name = lambda: metavar + "..."


def _install_param(param: Any) -> None:
    _name_value(param)
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", False) is not None:
        return  # not a typer parameter, or already set up (or an unknown typer release)
    found = plain_kind(descriptor.annotation, descriptor.parameter_info)
    if found is not None:
        info = descriptor.parameter_info
        param._runtime_param = PlainValue(*found, getattr(info, "min", None), getattr(info, "max", None))


def _plain_help(command: Any) -> None:
    """The ``--help`` option is made on first use, per command: set it up when it is made."""
    made = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None:
            _install_param(option)
        return option

    command.get_help_option = get_help_option


def install(command: Any) -> None:
    """Give every plain parameter of ``command`` and its sub-commands a :class:`PlainValue`."""
    for param in getattr(command, "params", ()):
        _install_param(param)
    if callable(getattr(command, "get_help_option", None)):
        _plain_help(command)
    for sub in getattr(command, "commands", {}).values():
        install(sub)


class PlainGroup(TyperGroup):
    """The ``studyvm`` command group: typer's, with plain conversion installed on the whole tree."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install(self)
