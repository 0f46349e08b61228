"""Structure rules: the app's data layer stays headless, and every binding can be remapped."""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual.binding import Binding

from studyvm.tui.app import SCREENS, StudyVMApp
from studyvm.tui.screens import factory

HEADLESS = [
    "studyvm.tui.backend",
    "studyvm.tui.prefs",
    "studyvm.cli.tui_cmds",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_data_layer_does_not_import_textual(module):
    code = f"import sys, {module}; sys.exit(1 if 'textual' in sys.modules else 0)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr or f"{module} imported textual"


def test_every_binding_has_a_unique_id():
    classes = {StudyVMApp} | {factory.build(name).__class__ for name in SCREENS}
    seen: dict[str, str] = {}
    for cls in classes:
        for mro_cls in cls.__mro__:
            for binding in mro_cls.__dict__.get("BINDINGS", []):
                if not isinstance(binding, Binding) or mro_cls.__module__.startswith("textual"):
                    continue
                assert binding.id, f"{mro_cls.__name__}: {binding.key} has no id"
                owner = seen.setdefault(binding.id, mro_cls.__name__)
                assert owner == mro_cls.__name__, f"id {binding.id} used by {owner} and {mro_cls.__name__}"
