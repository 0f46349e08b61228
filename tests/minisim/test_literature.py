"""The literature's qualitative results hold on the profiles they describe: who wins, by roughly
what factor, and through which events (../shared/reference/virtualization-literature.md)."""

from __future__ import annotations

import pytest

import minisim


def _exits(r: minisim.Result, reason: str | None = None) -> int:
    v = r.events["vmexit"]
    return v.get(reason, 0) if reason else sum(v.values())


@pytest.mark.parametrize("sid", list(minisim.SCENARIOS))
def test_every_scenario_reproduces_its_claim(sid: str) -> None:
    o = minisim.run_scenario(sid)
    assert o.holds, o.verdict
    assert o.verdict and not o.verdict.startswith("NOT REPRODUCED")
    assert set(o.values) == set(o.scenario.plan())


def test_adams_agesen_forkwait_p4() -> None:
    # native 6.0 s, BT 36.9 s (≈6.2x), VT-x 106.4 s (≈17.7x): VT-x/BT ≈2.9 -- PTE writes (≈400 BT vs
    # ≈12,700 VT-x) *and* the copy-on-write page faults and hidden faults (≈3,900 vs ≈11,200) of a real fork
    #
    # Changed (issue 14): the band was 4.5 < BT < 8 and 2.3 < VT-x/BT < 3.8. With each price derived
    # from one AA06 nanobenchmark and charged once, AA06's own BT page-fault total (≈3,900) leaves
    # ≈500 cycles for a hidden fault and its fill (it had been priced as a reflected trap, 2,600), and
    # a traced write of a present entry updates the shadow in place instead of dropping it: BT's fork
    # comes out ≈3.8x and VT-x/BT ≈5.6. The direction and the mechanism (PTE writes and faults) hold;
    # the factor is now what the nanobenchmark prices give, not a calibrated one.
    c = minisim.compare("fork", "p4-2005", modes=["native", "full", "hw"]).results
    bt, vtx = c["full"].overhead, c["hw"].overhead
    assert 3 < bt < 8 and 13 < vtx < 24 and 2.3 < vtx / bt < 7
    forks = 12
    assert c["native"].events["page_fault"] >= 3 * forks  # copy-on-write faults, counted as the guest ran
    faults = _exits(c["hw"], "page_fault") + _exits(c["hw"], "shadow_fill")
    # Changed (issue 14): was faults > PTE-write exits. With traced writes updating the shadow in
    # place, fewer refills follow them and the two are about equal (211 vs 217): both matter.
    assert faults > forks and _exits(c["hw"], "pt_write") > forks
    assert c["full"].events["bt_callout"] > 0 and not c["full"].events["vmexit"]


def test_adams_agesen_syscall_and_io_p4() -> None:
    s = minisim.compare("syscall", "p4-2005", modes=["native", "full", "hw"]).results
    assert s["hw"].overhead < 1.2 and s["full"].overhead > 4  # no exit for syscalls; BT pays per call
    assert _exits(s["hw"]) < 20 <= s["full"].events["trap"]
    io = minisim.compare("io", "p4-2005", modes=["native", "full", "hw"]).results
    # Changed (issue 14): was full < native < hw. AA06's `in` (≈200 BT < ≈3,200 native < ≈15,800) reads
    # a port with no device; that ordering is now checked on its own program (test_nanobenchmarks.py).
    # A disk's own work is paid in every mode, so native is the floor for block I/O.
    assert io["native"].cycles < io["full"].cycles < io["hw"].cycles
    assert _exits(io["hw"], "io") == io["native"].events["io"]  # one exit per device-register access


def test_barham_para_close_to_native() -> None:
    c = {w: minisim.compare(w, "p4-2005", modes=["native", "para", "full"]).results for w in ("syscall", "fork")}
    assert c["syscall"]["para"].overhead < 1.05 < c["syscall"]["full"].overhead
    # Para's fork is 2.50x today, at the edge of this band: its bounce is now derived from BAR03's page
    # fault (profiles.py), and it rests on the estimate mmu_validate (minisim/CALIBRATION.md). BAR03: 1.8x.
    assert c["fork"]["para"].overhead < 2.5 < c["fork"]["full"].overhead  # 110 -> 198 µs vs 874 µs
    para = c["fork"]["para"].events
    assert para["pt_updates"] >= 5 * para["hypercall"]["mmu_update"]  # batched


def test_nested_paging_on_modern() -> None:
    fork = minisim.compare("fork", modes=["native", "hw", "hw-ept"]).results
    assert fork["hw-ept"].overhead < 1.5 < 3 < fork["hw"].overhead
    assert _exits(fork["hw-ept"], "pt_write") == 0 == _exits(fork["hw-ept"], "cr3_load")
    tlb = minisim.compare("tlb", modes=["native", "hw", "hw-ept"]).results
    assert tlb["hw-ept"].overhead > tlb["hw"].overhead  # TLB-miss-heavy: EPT can lose
    assert tlb["hw-ept"].events["tlb_miss"] == tlb["hw"].events["tlb_miss"]
    assert 3.9 < tlb["hw-ept"].events["page_walk_refs"] / tlb["hw"].events["page_walk_refs"] <= 4  # 8 vs 2 a walk


def test_exits_cheaper_on_modern_cpus() -> None:
    old, new = (minisim.run("ctxswitch", "hw", p) for p in ("p4-2005", "modern"))
    assert old.events["vmexit"] == new.events["vmexit"]  # same guest, same exits ...
    assert new.cycles_by_event["vmexit"] < old.cycles_by_event["vmexit"] / 2  # ... much cheaper


def test_cpu_bound_near_native_everywhere() -> None:
    c = minisim.compare("cpu", "modern", scale=4).results
    assert all(r.overhead < 1.1 for m, r in c.items() if m != "trap-emulate")
