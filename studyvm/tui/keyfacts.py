"""What the settings checker needs to know about the app: its themes, bindings and key names.

:func:`tui_facts` collects every binding that has an id (the app's, the common navigation ones
and each screen's) with its default keys, so :mod:`studyvm.settings_check` can report an unknown
binding id, a key name no terminal sends, or two bindings of one screen on one key.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import import_module
from typing import Any

from studyvm.settings_check import BindingFact, TuiFacts

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
"""Modifier prefixes of a key name (``ctrl+shift+x``)."""
_FUNCTION_KEY = re.compile(r"^f([1-9]|1[0-9]|2[0-4])$")


def valid_key(name: str) -> bool:
    """True for a key name Textual can bind: ``r``, ``R``, ``ctrl+q``, ``f5``, ``enter``, ``question_mark``."""
    from textual.keys import KEY_NAME_REPLACEMENTS, Keys

    *mods, base = name.split("+")
    if not base or any(m not in MODIFIERS for m in mods):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    names = {k.value for k in Keys} | set(KEY_NAME_REPLACEMENTS.values()) | {"space", "enter", "tab", "backspace"}
    if base in names or _FUNCTION_KEY.match(base):
        return True
    try:
        unicodedata.lookup(base.replace("_", " ").upper())
    except KeyError:
        return False
    return True


def _screen_classes(app_class: type) -> list[tuple[str, Any]]:
    from studyvm.tui.screens.base import BaseScreen, CardScreen
    from studyvm.tui.screens.factory import _CLASSES

    found: list[tuple[str, Any]] = [("app", app_class), ("nav", BaseScreen), ("card", CardScreen)]
    for name, (module_name, class_name) in _CLASSES.items():
        cls = getattr(import_module(module_name), class_name)
        if all(cls is not seen for _, seen in found):
            found.append((name, cls))
    return found


def binding_facts(app_class: type) -> dict[str, BindingFact]:
    """Every binding with an id (of ``app_class`` and of each screen), with its screen and default keys."""
    facts: dict[str, BindingFact] = {}
    for scope, cls in _screen_classes(app_class):
        for binding in cls.__dict__.get("BINDINGS", []):
            binding_id = getattr(binding, "id", None)
            if binding_id:
                keys = tuple(k.strip() for k in binding.key.split(","))
                facts[binding_id] = BindingFact(binding_id, scope, keys)
    return facts


def tui_facts(app_class: type, themes: set[str] | None = None) -> TuiFacts:
    """The facts of the app ``app_class`` (the app passes its own class: this module never imports
    the app); ``themes`` defaults to Textual's built-in themes."""
    if themes is None:
        from textual.theme import BUILTIN_THEMES

        themes = set(BUILTIN_THEMES)
    return TuiFacts(themes=themes, bindings=binding_facts(app_class), valid_key=valid_key)
