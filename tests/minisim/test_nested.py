"""hw-ept walks the guest tables and the nested tables for real: a two-dimensional walk, counted
per level as it reads them; a guest-physical frame the nested tables lack is an EPT violation exit."""

from __future__ import annotations

import importlib

import minisim
from minisim.vmm.hw import HOST_LEVELS, NestedPaging

_run = importlib.import_module("minisim.run")  # the module (minisim.run is the function)


def test_each_level_of_a_complete_walk_takes_a_nested_walk() -> None:
    r = _run._execute("tlb", "hw-ept", "p4-2005", 1, None, 0, None)
    by_level = r.m.vmm.refs_by_level
    walks = by_level["page"] // HOST_LEVELS  # complete walks: each ended with the page's own nested walk
    assert walks > 10_000
    assert by_level["directory"] >= by_level["table"] >= by_level["page"]  # failed walks stop early
    _, refs = r.m.walk_counts()
    guest = (by_level["directory"] + by_level["table"]) // HOST_LEVELS  # one guest reference a level read
    assert refs == guest + sum(by_level.values())


def test_eight_references_a_tlb_miss_on_a_workload_without_faults() -> None:
    c = minisim.compare("tlb", "p4-2005", modes=["native", "hw", "hw-ept"]).results
    ratio = c["hw-ept"].events["page_walk_refs"] / c["hw-ept"].events["tlb_miss"]
    assert 7.9 < ratio <= 8 and c["hw"].events["page_walk_refs"] / c["hw"].events["tlb_miss"] <= 2


def test_a_frame_missing_from_the_nested_tables_is_an_ept_violation(monkeypatch) -> None:
    populate = NestedPaging.attach

    def attach_without_user_frames(self, m) -> None:  # as if the hypervisor had ballooned them out
        populate(self, m)
        for gfn in range(0x30, 0x100):
            self.ept[gfn >> 4].pop(gfn & 15, None)

    monkeypatch.setattr(NestedPaging, "attach", attach_without_user_frames)
    r = minisim.run("fork", "hw-ept", "p4-2005")
    assert r.events["vmexit"].get("ept_violation", 0) > 0 and r.equivalent, r.violation
    assert "ept_violation" not in minisim.run("fork", "hw", "p4-2005").events["vmexit"]
