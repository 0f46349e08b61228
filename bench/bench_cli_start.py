"""Command-line start-up against ``python -c "import typer"``; prints one JSON object.

Each round runs, in turn, ``import typer``, ``studyvm --help``, ``studyvm sim list`` and
``studyvm sim --help`` as fresh processes (the order rotates from round to round, so no command
always runs right after another one). Per command it reports the median CPU time (user + sys of
the child, from ``os.wait4``) and wall time, and the ratio of each median to ``import typer``'s
(target: 1.3 for ``--help`` and ``sim list``, issue 19 item 4). CPU is the figure to read on a
shared machine; wall time includes waiting for a core. The load average is printed with it.

The console script freezes typer and the parser's modules out of the garbage collector's scans
(``gc.freeze()`` in :mod:`studyvm.console`), which also spares them the collection at exit; so
``ratio_cpu_like_for_like`` compares each command with ``import typer`` followed by the same
freeze, the cost StudyVM adds on top of typer alone.

Run from outside the source tree (so the current folder does not shadow ``--baseline``)::

    cd /tmp && /path/to/.venv/bin/python /path/to/bench/bench_cli_start.py --runs 21
    git archive <commit> studyvm minisim | tar -x -C /tmp/before   # then, for before/after:
    .../bench_cli_start.py --runs 21 --baseline /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SCRIPT = Path(sys.executable).with_name("studyvm")  # the console script, as a user runs it
_STUDYVM = [sys.executable, str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "studyvm"]
COMMANDS: dict[str, list[str]] = {
    "import_typer": [sys.executable, "-c", "import typer"],
    # like for like: typer imported, then frozen out of the collector's scans as the console script
    # freezes what it loaded to parse the command line (that spares the collection at exit too)
    "import_typer_frozen": [sys.executable, "-c", "import gc, typer; gc.freeze()"],
    "help": [*_STUDYVM, "--help"],
    "sim_list": [*_STUDYVM, "sim", "list"],
    "sim_help": [*_STUDYVM, "sim", "--help"],
}
TARGET = 1.3


def with_baseline(tree: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Every command, and each StudyVM one again run from ``tree`` (another checkout's sources,
    e.g. ``git archive <commit> studyvm minisim``), for before/after figures in one interleaved run."""
    out: dict[str, tuple[list[str], dict[str, str]]] = {name: (argv, {}) for name, argv in COMMANDS.items()}
    for name, argv in COMMANDS.items():
        if not name.startswith("import_typer"):
            out[f"{name}@baseline"] = (argv, {"PYTHONPATH": str(tree.resolve())})
    return out


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``argv``; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err.decode(errors='replace')}")
    return usage.ru_utime + usage.ru_stime, wall


def measure(runs: int, home: Path, commands: dict[str, tuple[list[str], dict[str, str]]]) -> dict[str, object]:
    """Run every command ``runs`` times, interleaved; medians and ratios to ``import typer``."""
    # a user's setting: no STUDYVM_* variables, the platform's data folder already made by a first run
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYVM_", "XDG_"))}
    env["HOME"] = str(home)
    (home / ".local" / "share" / "studyvm").mkdir(parents=True, exist_ok=True)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: byte-code cached (the warm-up writes it)
    env.pop("PYTHONPATH", None)
    envs = {name: {**env, **extra} for name, (_, extra) in commands.items()}
    names = list(commands)
    for name in names:  # warm the file cache and the byte-code once, unmeasured
        run_once(commands[name][0], envs[name])
    cpu: dict[str, list[float]] = {n: [] for n in names}
    wall: dict[str, list[float]] = {n: [] for n in names}
    for i in range(runs):
        order = names[i % len(names) :] + names[: i % len(names)]
        for name in order:
            c, w = run_once(commands[name][0], envs[name])
            cpu[name].append(c)
            wall[name].append(w)
    base_cpu = statistics.median(cpu["import_typer"])
    base_wall = statistics.median(wall["import_typer"])
    frozen_cpu = statistics.median(cpu["import_typer_frozen"])
    out: dict[str, object] = {}
    for name in names:
        med_cpu, med_wall = statistics.median(cpu[name]), statistics.median(wall[name])
        out[name] = {
            "cpu_ms": round(med_cpu * 1000, 1),
            "wall_ms": round(med_wall * 1000, 1),
            "ratio_cpu": round(med_cpu / base_cpu, 3),
            "ratio_wall": round(med_wall / base_wall, 3),
            "ratio_cpu_like_for_like": round(med_cpu / frozen_cpu, 3),
        }
    return out


def main() -> None:
    """Parse the options, run the rounds, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="rounds (each runs every command once)")
    parser.add_argument("--baseline", type=Path, help="also run each command from this source tree (before/after)")
    args = parser.parse_args()
    commands = with_baseline(args.baseline) if args.baseline else {n: (a, {}) for n, a in COMMANDS.items()}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as home:
        results = measure(args.runs, Path(home), commands)
    print(
        json.dumps(
            {
                "runs": args.runs,
                "python": sys.version.split()[0],
                "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
                "target_ratio": TARGET,
                "commands": {name: " ".join(Path(a).name for a in argv[1:]) for name, argv in COMMANDS.items()},
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
