"""Benchmark minisim: native guest instructions per second, and `compare` wall time per workload.

Prints one JSON object. Instruction rates are measured on a second (warm) run so that block
compilation, which the process-wide code cache amortises, is not counted; compare times are
measured cold, in a fresh interpreter, from after ``import minisim`` to the end of ``compare``, as
wall time and as the process's CPU time (the machine may be shared: the load average is reported).
"""

from __future__ import annotations

import importlib
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
    run = importlib.import_module("minisim.run")  # the module (minisim.run is the function); imported lazily
    best = float("inf")
    instructions = 0
    for _ in range(repeat + 1):
        run._native.cache_clear()
        devices.disk_sector.cache_clear()  # the disk contents are generated again, as on a first run
        t = time.process_time()
        m = run._execute(workload, "native", "modern", scale, None, 500, None).m
        best = min(best, time.process_time() - t)
        instructions = m.ic
        events = {
            "syscall": m.events.get("syscall", 0),
            "cr3_load": m.events.get("cr3_load", 0),
            "tlb_miss": m.walk_counts()[0],
            "io": m.events.get("io", 0),
        }
    return {
        "instructions": instructions,
        "seconds": round(best, 4),
        "mips": round(instructions / best / 1e6, 2),
        "events": events,
    }


# The event that bounds each event-heavy workload's rate: a system call's round trip, a context
# switch (one page-table-base load each), a TLB miss, a device-register access.
_BOUNDING_EVENT = {"syscall": "syscall", "ctxswitch": "cr3_load", "tlb": "tlb_miss", "io": "io"}


def per_event(rates: dict) -> dict:
    """For the event-heavy workloads: guest instructions per bounding event, and host microseconds
    per event, everything included (the run's CPU time divided by the event count). At 5 M/s a
    guest has 0.2 us per instruction: such a workload reaches that rate only if its host time per
    event is at most 0.2 us x its instructions per event."""
    out = {}
    for w, kind in _BOUNDING_EVENT.items():
        r = rates[w]
        n = r["events"][kind]
        out[w] = {
            "event": kind,
            "count": n,
            "instructions_per_event": round(r["instructions"] / n, 1),
            "host_us_per_event": round(r["seconds"] / n * 1e6, 2),
        }
    return out


def cold_compare(workload: str, profile: str = "modern") -> tuple[float, float]:
    """(wall, CPU) seconds for `compare` of every mode in a fresh process, after import."""
    out = subprocess.run(
        [sys.executable, "-c", _COLD.format(w=workload, p=profile)], capture_output=True, text=True, check=True
    ).stdout.split()
    return round(float(out[0]), 3), round(float(out[1]), 3)


# A 6502 loop for py65 (INX; DEY; BNE back; JMP to the start): the same kind of work, one
# instruction at a time in py65's interpreter.
_LOOP_6502 = [0xE8, 0x88, 0xD0, 0xFC, 0x4C, 0x00, 0x02]


def py65_rate(steps: int = 300_000) -> float | None:
    """py65's 6502 instructions per CPU second (None when py65 is not installed: pip install '.[bench]')."""
    try:
        from py65.devices.mpu6502 import MPU
    except ImportError:
        return None
    mpu = MPU()
    mpu.memory[0x200 : 0x200 + len(_LOOP_6502)] = _LOOP_6502
    mpu.pc = 0x200
    t = time.process_time()
    for _ in range(steps):
        mpu.step()
    return steps / (time.process_time() - t)


def versus_py65(rounds: int = 3) -> dict:
    """minisim native (the cpu workload, boot included) against py65, interleaved, median of ``rounds``."""
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(native_rate("cpu", repeat=1)["mips"] * 1e6)
        theirs.append(py65_rate())
    if theirs[0] is None:
        return {"py65": "not installed"}
    ours.sort()
    theirs.sort()
    mid = rounds // 2
    return {
        "minisim_native_mips": round(ours[mid] / 1e6, 2),
        "py65_mips": round(theirs[mid] / 1e6, 3),
        "ratio": round(ours[mid] / theirs[mid], 1),
    }


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
    py65 = versus_py65()
    rates = {w: native_rate(w) for w in minisim.WORKLOADS}
    # At scale 5 the fixed part (boot, about 5,800 instructions, and the final report) weighs a
    # fifth as much: the steady rate.
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
    print(
        json.dumps(
            {
                "native_vs_py65": py65,
                "native_mips_by_workload": {w: r["mips"] for w, r in rates.items()},
                "native_mips_all_workloads": round(total_i / total_s / 1e6, 2),
                "native_mips_by_workload_scale5": {w: r["mips"] for w, r in rates5.items()},
                "native_mips_all_workloads_scale5": round(
                    sum(r["instructions"] for r in rates5.values()) / sum(r["seconds"] for r in rates5.values()) / 1e6,
                    2,
                ),
                "event_heavy_workloads_scale5": per_event(rates5),
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
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
