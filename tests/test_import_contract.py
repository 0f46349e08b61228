"""House rule 1: the headless core never loads textual (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "studyvm.config",
    "studyvm.packs.model",
    "studyvm.packs.loader",
    "studyvm.packs.catalog",
    "studyvm.packs.tables",
    "studyvm.cli",
    "studyvm.packs.importers.gift",
    "studyvm.packs.exporters.apkg",
    "studyvm.store.engine",
    "studyvm.study.service",
    "studyvm.lab",
    "studyvm.labviews",
    "studyvm.study.review",
    "studyvm.study.quiz",
    "studyvm.study.overview",
    "studyvm.doctor",
    "minisim",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; sys.exit(1 if 'textual' in sys.modules else 0)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr or f"{module} imported textual"


def test_minisim_stands_alone() -> None:
    code = (
        "import sys, minisim; minisim.run('cpu', 'para'); "
        "bad = [m for m in ('studyvm', 'textual', 'sqlmodel') if m in sys.modules]; sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr or "minisim imported studyvm, textual or sqlmodel"
