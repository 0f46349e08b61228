"""Benchmark the pack loader and CLI start-up; prints one JSON object.

Figures: load + validate the built-in pack; load + validate a generated 10,000-question pack;
``studyvm --help`` against ``python -c "import typer"`` (targets: 100 ms, 1 s, ratio 1.5).
Run: ``python bench/bench_packs.py``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studyvm.config import builtin_content_dir
from studyvm.packs.loader import load_pack_dir

TYPES = ["flip", "mcq", "true_false", "short", "numerical", "cloze", "multi", "matching", "ordering"]


def _question(i: int) -> str:
    kind = TYPES[i % len(TYPES)]
    head = f"  - id: q{i}\n    type: {kind}\n    topic: topic-{i % 12}\n    tags: [gen, t{i % 7}]\n"
    head += f"    explanation: Generated question number {i} for the benchmark.\n"
    body = {
        "flip": f"    prompt: Front {i}\n    back: Back {i}\n",
        "mcq": f"    prompt: Pick {i}\n    options:\n      - {{text: right {i}, correct: true}}\n"
        f"      - {{text: wrong {i}}}\n      - {{text: half {i}, weight: 50}}\n",
        "true_false": f"    prompt: Statement {i}\n    answer: true\n",
        "short": f"    prompt: Name {i}\n    answers: [answer{i}, alt{i}]\n",
        "numerical": f"    prompt: Number {i}\n    answers:\n      - {{value: {i}, tolerance: 1}}\n",
        "cloze": f"    prompt: The value is {{{{v{i}|w{i}}}}} today.\n",
        "multi": f"    prompt: Several {i}\n    options:\n      - {{text: a{i}, weight: 50}}\n"
        f"      - {{text: b{i}, weight: 50}}\n      - {{text: c{i}, weight: -100}}\n",
        "matching": f"    prompt: Match {i}\n    pairs:\n      - {{left: l{i}, right: r{i}}}\n"
        f"      - {{left: m{i}, right: s{i}}}\n",
        "ordering": f"    prompt: Order {i}\n    items: [first {i}, second {i}, third {i}]\n",
    }[kind]
    return head + body


def make_generated_pack(folder: Path, count: int = 10_000, files: int = 10) -> Path:
    """Write a pack of ``count`` questions of every type split over ``files`` files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text("id: generated\ntitle: Generated\n")
    per_file = count // files
    for f in range(files):
        lines = ["questions:\n"] + [_question(i) for i in range(f * per_file, (f + 1) * per_file)]
        (folder / f"part{f:02d}.yaml").write_text("".join(lines))
    return folder


def _time(func, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def _command_seconds(argv: list[str], repeat: int = 7) -> float:
    def run() -> None:
        subprocess.run(argv, check=True, capture_output=True)

    run()  # warm the file cache
    return _time(run, repeat)[0]


def main() -> None:
    """Run every figure and print them as JSON."""
    builtin = builtin_content_dir() / "virtualization"
    figures: dict[str, object] = {}
    if (builtin / "pack.yaml").is_file():
        load_pack_dir(builtin)
        seconds, result = _time(lambda: load_pack_dir(builtin), 9)
        figures["builtin_pack_load_ms"] = round(seconds * 1000, 1)
        figures["builtin_pack_questions"] = len(result.pack.questions) if result.pack else None
        figures["builtin_pack_errors"] = sum(d.severity == "error" for d in result.diagnostics)
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_generated_pack(Path(tmp) / "gen")
        seconds, result = _time(lambda: load_pack_dir(folder), 3)
        figures["generated_10k_load_s"] = round(seconds, 3)
        figures["generated_10k_questions"] = len(result.pack.questions) if result.pack else None
    typer_s = _command_seconds([sys.executable, "-c", "import typer"])
    help_s = _command_seconds([sys.executable, "-m", "studyvm.cli", "--help"])
    figures["import_typer_ms"] = round(typer_s * 1000, 1)
    figures["studyvm_help_ms"] = round(help_s * 1000, 1)
    figures["help_over_typer_ratio"] = round(help_s / typer_s, 2)
    figures["targets"] = {"builtin_pack_load_ms": 100, "generated_10k_load_s": 1.0, "help_over_typer_ratio": 1.5}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
