"""mypy over studyvm and minisim, with pyproject's settings: errors may only go down.

A module listed in ``tests/mypy-baseline.txt`` may keep at most that many errors; every other
module (the lab, the study API, the store's repository…) must have none. The study API is also
checked with stricter settings (every function annotated), which pyproject.toml must keep. After fixing errors, lower the baseline with
``python tests/test_types.py --write-baseline``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).with_name("mypy-baseline.txt")
ERROR = re.compile(r"^(?P<path>[\w/.-]+\.py):\d+: error: ")


def mypy_errors() -> Counter[str]:
    """Errors per file, as mypy reports them with the project's configuration."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        raise RuntimeError(done.stderr or done.stdout)
    return Counter(m["path"] for line in done.stdout.splitlines() if (m := ERROR.match(line)))


def read_baseline() -> dict[str, int]:
    """File -> errors allowed."""
    allowed: dict[str, int] = {}
    for line in BASELINE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, count = line.split()
            allowed[path] = int(count)
    return allowed


@pytest.mark.slow
def test_mypy_errors_never_grow() -> None:
    pytest.importorskip("mypy")
    allowed = read_baseline()
    found = mypy_errors()
    grown = {path: (n, allowed.get(path, 0)) for path, n in found.items() if n > allowed.get(path, 0)}
    assert not grown, "mypy errors above the baseline (file: found, allowed): " + ", ".join(
        f"{path}: {n} > {limit}" for path, (n, limit) in sorted(grown.items())
    )


STRICT_STUDY = {"disallow_untyped_defs": True, "disallow_incomplete_defs": True, "check_untyped_defs": True}
"""The stricter settings ``studyvm.study`` is held to."""


def test_the_study_api_keeps_its_strict_settings() -> None:
    import tomllib

    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]["overrides"]
    study = [o for o in overrides if "studyvm.study.*" in o.get("module", [])]
    assert study and all(study[0].get(key) == value for key, value in STRICT_STUDY.items()), study


def write_baseline() -> None:
    """Record today's counts as the baseline."""
    found = mypy_errors()
    lines = ["# mypy errors allowed per file (tests/test_types.py); only ever lower these numbers."]
    lines += [f"{path} {n}" for path, n in sorted(found.items())]
    BASELINE.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-baseline"]:
        write_baseline()
    else:
        sys.exit("usage: python tests/test_types.py --write-baseline")
