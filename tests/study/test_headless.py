"""The study engine and the store never import textual (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "studyvm.store.engine",
    "studyvm.store.models",
    "studyvm.study.service",
    "studyvm.study.sessions",
    "studyvm.study.stats",
    "studyvm.study.report",
    "studyvm.study.plain",
    "studyvm.study.selection",
    "studyvm.study.sync",
    "studyvm.study.prefs",
    "studyvm.study.grading",
    "studyvm.study.presentation",
    "studyvm.cli.study_cmds",
]


def test_no_textual() -> None:
    code = (
        f"import sys, importlib\nfor m in {MODULES!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\nprint(bad)\nsys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], timeout=60, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
