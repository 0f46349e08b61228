"""Build a screen by name: the one place that maps names to screen classes (imported lazily)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_CLASSES = {
    "dashboard": ("studyvm.tui.screens.dashboard", "DashboardScreen"),
    "review": ("studyvm.tui.screens.review", "ReviewScreen"),
    "quiz": ("studyvm.tui.screens.quiz", "QuizScreen"),
    "exam": ("studyvm.tui.screens.exam", "ExamScreen"),
    "lab": ("studyvm.tui.screens.lab", "LabScreen"),
    "stats": ("studyvm.tui.screens.stats", "StatsScreen"),
    "packs": ("studyvm.tui.screens.packs", "PacksScreen"),
    "browse": ("studyvm.tui.screens.browse", "BrowseScreen"),
}


def build(name: str, **options: Any) -> Any:
    """A new screen ``name`` given ``options`` (unknown options are ignored by each screen)."""
    module_name, class_name = _CLASSES[name]
    cls = getattr(import_module(module_name), class_name)
    if name == "exam":
        options.setdefault("exam", True)
    return cls(**options)
