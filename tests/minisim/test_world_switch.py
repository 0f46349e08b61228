"""A hosted VMM's disk request leaves the VMM through a world switch (Sugerman et al., USENIX 2001)."""

from __future__ import annotations

import pytest

import minisim
from minisim import pricing, profiles


@pytest.mark.parametrize("profile", profiles.PROFILES)
def test_full_pays_one_world_switch_per_disk_request(profile: str) -> None:
    c = minisim.compare("io", profile).results
    sectors = c["native"].events["blk_sectors"]
    assert sectors > 0 and c["full"].events["world_switch"] == sectors
    assert all(r.events.get("world_switch", 0) == 0 for mode, r in c.items() if mode != "full")
    price = profiles.get(profile).world_switch
    assert c["full"].cycles_by_event["world_switch"] == sectors * price


def test_full_disk_io_is_well_above_native_on_both_profiles() -> None:
    p4 = minisim.compare("io", "p4-2005").results
    assert p4["full"].overhead >= 1.5  # "well above" native (was 1.06 before the world switch)
    assert p4["hw"].overhead >= p4["full"].overhead  # first-generation VT-x: an exit per register
    assert p4["para"].overhead < 1.3 and p4["hybrid"].overhead < 1.3
    modern = minisim.compare("io", "modern").results
    assert modern["full"].overhead >= 1.5


def test_the_world_switch_is_what_makes_the_difference() -> None:
    r = minisim.run("io", "full", "p4-2005")
    without = pricing.reprice(r, {"world_switch": 0})
    assert without.cycles == r.cycles - r.events["world_switch"] * profiles.P4_2005.world_switch


def test_a_port_with_no_device_needs_no_world_switch() -> None:
    r = minisim.run("program", "full", "p4-2005", program="    in r1, PORT_DIAG\n    PV_SHUTDOWN\n")
    assert r.events["io_exit"] == 1 and r.events.get("world_switch", 0) == 0
