"""A guest page table beside its shadow: what the MMU walks, read from the run's own VMM."""

from __future__ import annotations

import pytest

from minisim import shadowview


@pytest.mark.parametrize("mode", shadowview.SHADOW_MODES)
def test_every_shadow_entry_agrees_with_the_guest_s(mode):
    v = shadowview.view("tlb", mode)
    assert v.entries and all(e.state in ("in sync", "not filled") for e in v.entries)
    filled = [e for e in v.entries if e.shadow_frame is not None]
    assert filled and all(e.shadow_frame == e.guest_frame for e in filled)
    assert all(e.traced for e in filled)  # a table the VMM shadows from is write-protected


def test_entry_states():
    e = shadowview.Entry(0x10000, 0xC, 5, None, None, True)
    assert e.state == "not filled"
    assert shadowview.Entry(0x10000, 0xC, 5, 0xC, 5, True).state == "in sync"
    assert shadowview.Entry(0x10000, 0xC, 5, 0xD, 5, True).state == "STALE"  # a missed traced write would show


def test_the_last_traced_write_is_named():
    assert shadowview.view("fork", "hw").last_write.startswith("at ")


def test_modes_without_shadow_tables_are_refused():
    with pytest.raises(ValueError, match="keeps no shadow"):
        shadowview.view("fork", "hw-ept")
