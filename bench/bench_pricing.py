"""Benchmark re-pricing (``sim compare --set`` for all modes, no guest re-run: target <= 50 ms) and
``studyvm sim paper aa06`` end to end (target <= 3 s).

Prints one JSON object: per workload, the wall time to re-price every mode of a comparison (the
``--set`` path: reprice_all + the breakdown), the time of a crossover search, and for contrast the
time the comparison itself took to run. Best of five re-pricings; the comparison is run once.
``sim paper aa06`` is timed as a fresh process (wall and CPU time; the machine may be shared).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import minisim
from minisim import breakdown, pricing

SETTINGS = {"vmexit": 500, "shadow_update": 200}


def _best(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def paper_seconds(paper: str = "aa06") -> dict:
    """Wall and CPU seconds of ``studyvm sim paper PAPER`` in a fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "studyvm", "sim", "paper", paper], check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "target_s": 3}


def main() -> None:
    """Measure and print the figures."""
    out: dict = {"settings": SETTINGS, "profile": "p4-2005", "loadavg": os.getloadavg()[0], "workloads": {}}
    for w in minisim.WORKLOADS:
        t = time.perf_counter()
        c = minisim.compare(w, "p4-2005")
        run_s = time.perf_counter() - t
        reprice_s = _best(lambda c=c: (pricing.reprice_all(c.results, SETTINGS), breakdown.of_all(c.results, SETTINGS)))
        cross_s = _best(lambda c=c: pricing.crossover(c.results["hw"], c.results["full"], "vmexit,exit_work.*"), 2)
        out["workloads"][w] = {
            "compare_ms": round(run_s * 1000, 1),
            "reprice_all_modes_ms": round(reprice_s * 1000, 2),
            "crossover_ms": round(cross_s * 1000, 1),
        }
    worst = max(v["reprice_all_modes_ms"] for v in out["workloads"].values())
    out["reprice_all_modes_worst_ms"] = worst
    out["target_ms"] = 50
    out["within_target"] = worst <= 50
    out["sim_paper_aa06"] = paper_seconds("aa06")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
