"""Benchmark minisim: native guest instructions per second, and `compare` wall time per workload.

Prints one JSON object. Instruction rates are measured on a second (warm) run so that block
compilation, which the process-wide code cache amortises, is not counted; compare times are
measured cold, in a fresh interpreter, from after ``import minisim`` to the end of ``compare``, as
wall time and as the process's CPU time (the machine may be shared: the load average is reported).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import minisim
from minisim import devices

_COLD = """
import time, minisim
t, c = time.perf_counter(), time.process_time()
minisim.compare({w!r}, {p!r})
print(time.perf_counter() - t, time.process_time() - c)
"""


def native_rate(workload: str, repeat: int = 3, scale: int = 1) -> dict:
    """Guest instructions per CPU second of the whole native run (boot included), best of ``repeat``.

    CPU time, not wall time: on a shared machine other processes' load would otherwise dominate.
    """
    run = sys.modules["minisim.run"]
    best = float("inf")
    instructions = 0
    for _ in range(repeat + 1):
        run._native.cache_clear()
        devices.disk_sector.cache_clear()  # the disk contents are generated again, as on a first run
        t = time.process_time()
        m, _ = run._execute(workload, "native", "modern", scale, None, 500, None)
        best = min(best, time.process_time() - t)
        instructions = m.ic
    return {"instructions": instructions, "seconds": round(best, 4), "mips": round(instructions / best / 1e6, 2)}


def cold_compare(workload: str, profile: str = "modern") -> tuple[float, float]:
    """(wall, CPU) seconds for `compare` of every mode in a fresh process, after import."""
    out = subprocess.run([sys.executable, "-c", _COLD.format(w=workload, p=profile)], capture_output=True, text=True,
                         check=True).stdout.split()
    return round(float(out[0]), 3), round(float(out[1]), 3)


_CLI = [sys.executable, "-c", "import sys; from studyvm.cli import main; sys.argv[0] = 'studyvm'; main()"]


def cli_wall(*args: str, repeat: int = 2) -> float:
    """Best wall time of the real command line, ``studyvm ARGS``, in a fresh process."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([*_CLI, *args], capture_output=True, check=True)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    """Measure and print."""
    load_before = os.getloadavg()[0]
    rates = {w: native_rate(w) for w in minisim.WORKLOADS}
    # At scale 5 the boot (a fixed ~50,000 instructions) weighs a fifth as much: the steady rate.
    rates5 = {w: native_rate(w, scale=5) for w in minisim.WORKLOADS}
    total_i = sum(r["instructions"] for r in rates.values())
    total_s = sum(r["seconds"] for r in rates.values())
    compare = {w: cold_compare(w) for w in minisim.WORKLOADS}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import minisim"], check=True)
    startup = round(time.perf_counter() - t, 3)
    # The whole command line: `sim list` pays the same start-up (Python, typer and its parameter
    # coercion, minisim), so `sim compare` minus `sim list` is the comparison's own cost.
    sim_list = cli_wall("sim", "list")
    cli_compare = {w: round(cli_wall("sim", "compare", "--workload", w) - sim_list, 3) for w in minisim.WORKLOADS}
    print(json.dumps({
        "native_mips_by_workload": {w: r["mips"] for w, r in rates.items()},
        "native_mips_all_workloads": round(total_i / total_s / 1e6, 2),
        "native_mips_by_workload_scale5": {w: r["mips"] for w, r in rates5.items()},
        "native_mips_all_workloads_scale5": round(sum(r["instructions"] for r in rates5.values())
                                                  / sum(r["seconds"] for r in rates5.values()) / 1e6, 2),
        "compare_all_modes_wall_seconds_cold": {w: c[0] for w, c in compare.items()},
        "compare_all_modes_cpu_seconds_cold": {w: c[1] for w, c in compare.items()},
        "compare_max_wall_seconds": max(c[0] for c in compare.values()),
        "compare_max_cpu_seconds": max(c[1] for c in compare.values()),
        "process_startup_with_import_seconds": startup,
        "cli_sim_list_wall_seconds": round(sim_list, 3),
        "cli_sim_compare_minus_sim_list_wall_seconds": cli_compare,
        "cli_sim_compare_minus_sim_list_max": max(cli_compare.values()),
        "load_average_during_run": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }, indent=2))


if __name__ == "__main__":
    main()
