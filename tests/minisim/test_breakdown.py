"""Where the cycles go: the parts add up to the total, and each row is the events it names."""

from __future__ import annotations

import pytest

import minisim
from minisim import breakdown


@pytest.mark.parametrize("profile", minisim.PROFILES)
@pytest.mark.parametrize("workload", minisim.WORKLOADS)
def test_parts_add_up_to_the_total_for_every_workload_and_mode(workload, profile):
    c = minisim.compare(workload, profile)
    for mode, b in breakdown.of_all(c.results).items():
        assert sum(r.cycles for r in b.rows) == b.cycles == c.results[mode].cycles, mode
        assert sum(b.groups().values()) == b.cycles
        assert all(r.cycles >= 0 for r in b.rows)
        assert abs(sum(r.share for r in b.rows) - 1) < 0.01


def test_parts_add_up_at_other_prices():
    c = minisim.compare("fork", "p4-2005")
    for b in breakdown.of_all(c.results, {"vmexit": 700, "shadow_update": 50}).values():
        assert sum(r.cycles for r in b.rows) == b.cycles


def test_exits_by_reason_are_the_run_s_exits():
    r = minisim.run("fork", "hw", "p4-2005")
    b = breakdown.of(r)
    exits = {row.item: row for row in b.rows if row.group == "vmexit"}
    assert {k: v.count for k, v in exits.items()} == r.events["vmexit"]
    p = minisim.profiles.get("p4-2005")
    assert exits["pt_write"].cycles == r.events["vmexit"]["pt_write"] * (p.vmexit + p.exit_work["pt_write"])


def test_guest_instructions_are_most_of_a_cpu_bound_run():
    b = breakdown.of(minisim.run("cpu", "native", "p4-2005"))
    assert b.rows[0].group == "instructions" and b.rows[0].share > 0.9


def test_per_operation_figures():
    c = minisim.compare("syscall", "p4-2005", modes=("native", "full", "hw"))
    bs = breakdown.of_all(c.results)
    n = c.results["native"].events["syscall"]
    assert bs["native"].per_op["system call"]["count"] == n
    assert bs["native"].per_op["system call"]["cycles_per_op"] == round(c.results["native"].cycles / n)
    assert bs["native"].per_op["system call"]["extra_per_op"] == 0
    # BT takes every system call through the VMM; VT-x does not exit on one
    assert bs["full"].per_op["system call"]["extra_per_op"] > 10 * max(
        1, bs["hw"].per_op["system call"]["extra_per_op"]
    )
    io = breakdown.of_all(minisim.compare("io", "p4-2005", modes=("native", "hw")).results)
    assert io["hw"].per_op["sector read"]["extra_per_op"] > 0
