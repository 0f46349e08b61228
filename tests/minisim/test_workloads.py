"""Every workload under every mode: equivalence, determinism, linear scaling, budgets, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import minisim


@pytest.fixture(scope="module", params=minisim.WORKLOADS)
def comparison(request) -> minisim.Comparison:
    return minisim.compare(request.param)


def test_every_mode_boots_and_matches_native(comparison: minisim.Comparison) -> None:
    native = comparison.results["native"]
    assert native.stopped is None and native.exit_code == 0 and native.console.strip()
    for mode, r in comparison.results.items():
        assert r.instructions > 0 and r.cycles > 0
        if comparison.workload == "popf" and mode == "trap-emulate":
            assert not r.equivalent and r.violation.startswith("popf ")
            assert "at 0x" in r.violation and r.console != native.console
        else:
            assert r.equivalent, (mode, r.violation, r.console, native.console)
    # hardware-assisted modes and BT run the very same guest instructions as native
    for mode in ("trap-emulate", "full", "hw", "hw-ept"):
        if comparison.results[mode].equivalent:
            assert comparison.results[mode].instructions == native.instructions


def test_events_come_from_the_mode(comparison: minisim.Comparison) -> None:
    r = comparison.results
    assert r["native"].events["trap"] == 0 and not r["native"].events["vmexit"]
    assert not r["native"].events["hypercall"] and r["native"].events["bt_block"] == 0
    assert r["full"].events["bt_block"] > 0 and not r["full"].events["vmexit"]
    assert r["para"].events["hypercall"] and not r["para"].events["vmexit"]
    assert r["hw"].events["vmexit"] and r["hw"].events["bt_block"] == 0
    assert r["hw-ept"].events["shadow_update"] == 0
    faults = r["native"].events["page_fault"]  # a walk that ends in a fault reads fewer references
    assert 0 <= 8 * r["hw-ept"].events["tlb_miss"] - r["hw-ept"].events["page_walk_refs"] <= 5 * faults
    assert 0 <= 2 * r["native"].events["tlb_miss"] - r["native"].events["page_walk_refs"] <= faults


def test_result_json_shape() -> None:
    d = minisim.compare("syscall", modes=["native", "hw"]).to_dict()
    assert set(d) == {"workload", "profile", "scale", "modes"} and set(d["modes"]) == {"native", "hw"}
    body = d["modes"]["hw"]
    assert {"instructions", "cycles", "overhead", "events", "equivalent", "console"} <= set(body)
    assert set(minisim.run("cpu", "hw").events) == set(minisim.run("cpu", "para").events)
    json.dumps(d)


@pytest.mark.parametrize(
    ("workload", "kind"),
    [
        ("syscall", "syscall"),
        ("fork", "pt_updates"),
        ("pagefault", "page_fault"),
        ("io", "blk_sectors"),
        ("ctxswitch", "cr3_load"),
    ],
)
def test_counts_grow_linearly_with_scale(workload: str, kind: str) -> None:
    mode = "para" if kind == "pt_updates" else "native"
    one, two, three = (minisim.run(workload, mode, scale=n).events[kind] for n in (1, 2, 3))
    assert one > 0
    # linear: a fixed cost plus the same amount per unit of scale (a timer preemption may add a switch)
    assert abs((three - two) - (two - one)) <= 0.01 * (two - one)


def test_instructions_grow_linearly_with_scale() -> None:
    a, b, c = (minisim.run("cpu", "native", scale=n).instructions for n in (1, 2, 3))
    assert abs((c - b) - (b - a)) < 0.001 * (b - a) and b - a > 0.9 * a  # timer ticks add a handful


def test_deterministic_in_a_fresh_process() -> None:
    code = "import json, minisim; print(json.dumps(minisim.compare('mixed', 'p4-2005').to_dict(), sort_keys=True))"
    outs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert outs[0] == outs[1]
    assert json.dumps(minisim.compare("mixed", "p4-2005").to_dict(), sort_keys=True) + "\n" == outs[0]


def test_runaway_guest_stops_at_the_budget() -> None:
    r = minisim.run(None, "hw", program="spin: jmp spin\n", max_instructions=100_000)
    assert r.stopped == "instruction budget exhausted (100,000 instructions)"
    assert 100_000 <= r.instructions < 100_100 and not r.equivalent
    r = minisim.run("cpu", "full", max_instructions=50_000)
    assert r.stopped and "budget" in r.stopped and not r.equivalent


def test_trace_is_bounded() -> None:
    r = minisim.run("syscall", "full", trace_limit=20)
    assert len(r.trace) == 20 and all(isinstance(e, minisim.Event) for e in r.trace)
    assert r.to_dict(trace=True)["trace"][0]["kind"]


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("nope", "native"), "unknown workload 'nope'"),
        (("cpu", "vt-z"), "unknown mode 'vt-z'"),
        (("cpu", "native", "486"), "unknown profile '486'"),
        (("cpu", "native", "modern", 0), "scale must be a positive integer"),
    ],
)
def test_bad_names_raise_value_error(args, text: str) -> None:
    with pytest.raises(ValueError, match=text):
        minisim.run(*args)


def test_core_never_imports_the_app() -> None:
    code = (
        "import sys, minisim; minisim.run('cpu', 'para'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('studyvm', 'textual', 'sqlmodel')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
