"""One TLB miss's two-dimensional walk, read from the run's own guest and nested tables."""

from __future__ import annotations

import pytest

from minisim import walk2d


def test_a_complete_2d_walk_is_eight_references_in_hardware_order():
    w = walk2d.walk("tlb")
    assert len(w.refs) == w.formula == 8 and w.one_dimensional == 2
    assert [r.dimension for r in w.refs] == [
        "nested",
        "nested",
        "guest",
        "nested",
        "nested",
        "guest",
        "nested",
        "nested",
    ]
    assert 7.9 < w.measured_per_miss <= 8  # what the run counted agrees with the walk shown
    guest_pte = w.refs[5].value
    assert w.host_pa >> 8 == w.refs[-1].value and guest_pte >> 8 == w.refs[-1].address  # identity-populated EPT
    assert "(n+1)(m+1)-1" in walk2d.text(w)


def test_the_walk_follows_the_guest_entries_it_reads():
    w = walk2d.walk("tlb", 0x3FF00)
    pde, pte = w.refs[2].value, w.refs[5].value
    assert w.refs[2].reads == "guest directory entry 63" and w.refs[5].reads == "guest table entry 15"
    assert pde & 1 and pte & 1 and w.refs[4].address == (pde & ~15) >> 8


@pytest.mark.parametrize("va,message", [(0x999999, "outside"), (0x30000, "not mapped")])
def test_bad_addresses_say_why(va, message):
    with pytest.raises(ValueError, match=message):
        walk2d.walk("tlb", va)
