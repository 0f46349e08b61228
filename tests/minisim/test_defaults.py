"""The default run (scale 1) teaches the right lesson (issue 14, item 6)."""

from __future__ import annotations

import pytest

import minisim


@pytest.mark.parametrize("profile", minisim.PROFILES)
def test_cpu_bound_work_is_within_ten_percent_in_every_mode(profile: str) -> None:
    c = minisim.compare("cpu", profile).results
    assert all(r.overhead <= 1.10 for r in c.values()), {m: r.overhead for m, r in c.items()}


@pytest.mark.parametrize("profile", minisim.PROFILES)
def test_nested_paging_costs_more_than_shadow_paging_on_tlb(profile: str) -> None:
    c = minisim.compare("tlb", profile, modes=["native", "hw", "hw-ept"]).results
    assert c["hw-ept"].overhead > c["hw"].overhead
