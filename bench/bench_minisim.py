"""Benchmark minisim: native guest instructions per second, and `compare` wall time per workload.

Prints one JSON object. Instruction rates are measured on a second (warm) run so that block
compilation, which the process-wide code cache amortises, is not counted; compare times are
measured cold, in a fresh interpreter, from after ``import minisim`` to the end of ``compare``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import minisim

_COLD = """
import time, minisim
t = time.perf_counter()
minisim.compare({w!r}, {p!r})
print(time.perf_counter() - t)
"""


def native_rate(workload: str, repeat: int = 3) -> dict:
    """Guest instructions per second of the whole native run (boot included), best of ``repeat``."""
    run = sys.modules["minisim.run"]
    best = float("inf")
    instructions = 0
    for _ in range(repeat + 1):
        run._native.cache_clear()
        t = time.perf_counter()
        m, _ = run._execute(workload, "native", "modern", 1, None, 500, None)
        best = min(best, time.perf_counter() - t)
        instructions = m.ic
    return {"instructions": instructions, "seconds": round(best, 4), "mips": round(instructions / best / 1e6, 2)}


def cold_compare(workload: str, profile: str = "modern") -> float:
    """Seconds for `compare` of every mode in a fresh process, after import."""
    out = subprocess.run([sys.executable, "-c", _COLD.format(w=workload, p=profile)], capture_output=True, text=True,
                         check=True).stdout
    return round(float(out), 3)


def main() -> None:
    """Measure and print."""
    rates = {w: native_rate(w) for w in minisim.WORKLOADS}
    total_i = sum(r["instructions"] for r in rates.values())
    total_s = sum(r["seconds"] for r in rates.values())
    compare = {w: cold_compare(w) for w in minisim.WORKLOADS}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import minisim"], check=True)
    startup = round(time.perf_counter() - t, 3)
    print(json.dumps({
        "native_mips_by_workload": {w: r["mips"] for w, r in rates.items()},
        "native_mips_all_workloads": round(total_i / total_s / 1e6, 2),
        "compare_all_modes_seconds_cold": compare,
        "compare_max_seconds": max(compare.values()),
        "process_startup_with_import_seconds": startup,
        "python": sys.version.split()[0],
    }, indent=2))


if __name__ == "__main__":
    main()
