"""Preferences of the terminal app kept in the user's ``settings.toml``: the theme and key bindings.

The file is TOML. The app reads two tables and writes only the ``theme`` line of ``[tui]``,
so settings other areas keep in the same file survive::

    [tui]
    theme = "textual-light"

    [keys]
    "review.again" = "1,j"     # binding id = comma-separated keys
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_THEME = "textual-dark"
"""The theme used until the learner picks another one."""


@dataclass
class Prefs:
    """What the settings file says, plus the problems found reading it."""

    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, as :meth:`textual.app.App.set_keymap` takes them."""
    errors: list[str] = field(default_factory=list)


def load_prefs(path: Path) -> Prefs:
    """Read ``path``; a missing file gives defaults, a broken one gives defaults and an error."""
    prefs = Prefs()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return prefs
    except (OSError, UnicodeDecodeError) as exc:
        prefs.errors.append(f"{path}: error: {exc}")
        return prefs
    import tomllib  # only with a file to read: the app starts without it otherwise

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        prefs.errors.append(f"{path}: error: {exc}")
        return prefs
    tui = data.get("tui", {})
    if isinstance(tui, dict) and isinstance(tui.get("theme"), str):
        prefs.theme = tui["theme"]
    keys = data.get("keys", {})
    if isinstance(keys, dict):
        for binding_id, value in keys.items():
            if isinstance(value, str) and value.strip():
                prefs.keys[str(binding_id)] = value
            elif isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
                prefs.keys[str(binding_id)] = ",".join(value)
            else:
                prefs.errors.append(f"{path}: error: keys.{binding_id} must be a key or a list of keys")
    return prefs


_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
_THEME_LINE = re.compile(r"^\s*theme\s*=")
_TRAILING_COMMENT = re.compile(r"""^\s*theme\s*=\s*(?:"[^"]*"|'[^']*'|\S*)\s*(#.*)$""")
"""The comment after a theme value (theme names hold no quotes or ``#``)."""


def save_theme(path: Path, theme: str) -> None:
    """Remember ``theme`` in ``[tui]`` of ``path``, leaving every other line as it was.

    A comment at the end of the old ``theme`` line stays. A file that is not valid TOML is left
    alone (``ValueError``): appending a table to it would only bury the learner's mistake.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    import tomllib

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML ({exc}); fix it first") from exc
    lines = text.splitlines()
    new_line = f'theme = "{theme}"'
    section: str | None = None
    tui_header: int | None = None
    for index, line in enumerate(lines):
        match = _SECTION.match(line)
        if match:
            section = match.group(1).strip()
            if section == "tui":
                tui_header = index
            continue
        if section == "tui" and _THEME_LINE.match(line):
            comment = _TRAILING_COMMENT.search(line)
            lines[index] = new_line + (f"  {comment.group(1)}" if comment else "")
            break
    else:
        if tui_header is None:
            lines += (["", "[tui]"] if lines else ["[tui]"]) + [new_line]
        else:
            lines.insert(tui_header + 1, new_line)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
