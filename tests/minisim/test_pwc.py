"""The page-walk cache model of the 2D walk: references per level with and without the caches."""

from __future__ import annotations

import minisim
from minisim import papers, pwc

DIR, TABLE, PAGE = 0x1A40 + 2, 0x2D20 + 3, 0x3500  # guest-physical addresses one walk reads (three EPT directory slots)


def _refs(counts: dict) -> dict:
    return {level: (v["guest"], v["nested"]) for level, v in counts.items()}


def test_a_cold_walk_reads_all_eight_references_with_or_without_the_cache():
    c = pwc.WalkCache()
    c.walk(0x1A40, (DIR, TABLE, PAGE))
    expected = {"directory": (1, 2), "table": (1, 2), "page": (0, 2)}
    assert _refs(c.without) == expected == _refs(c.cached)
    assert c.per_miss(False) == c.per_miss(True) == 8


def test_a_warm_walk_reads_only_the_guest_leaf_entry():
    c = pwc.WalkCache()
    c.walk(0x1A40, (DIR, TABLE, PAGE))
    c.walk(0x1A40, (DIR, TABLE, PAGE))
    assert _refs(c.cached) == {"directory": (1, 2), "table": (2, 2), "page": (0, 2)}  # the second walk: 1 reference
    assert _refs(c.without) == {"directory": (2, 4), "table": (2, 4), "page": (0, 4)}


def test_a_new_address_space_flushes_the_guest_directory_cache_but_not_the_nested_tlb():
    c = pwc.WalkCache()
    c.walk(0x1A40, (DIR, TABLE, PAGE))
    c.walk(0x1B00, (DIR, TABLE, PAGE))  # the same entries, reached after a CR3 switch
    assert _refs(c.cached)["directory"] == (2, 2)  # read again, but its address is still in the nested TLB


def test_a_nested_tlb_miss_under_a_cached_ept_directory_entry_costs_one_reference():
    c = pwc.WalkCache()
    c.walk(0x1A40, (DIR, TABLE, PAGE))
    c.walk(0x1A40, (DIR, TABLE + 1, 0x3600))  # the page's frame is new; its EPT directory entry is cached
    assert _refs(c.cached)["page"] == (0, 2 + 1)


def test_the_boot_warms_the_caches_without_counting():
    c = pwc.WalkCache()
    c.walk(0x1A40, (DIR, TABLE, PAGE), count=False)
    c.walk(0x1A40, (DIR, TABLE, PAGE))
    assert c.misses == 1 and c.per_miss(True) == 1 and c.per_miss(False) == 8


def test_the_model_replays_the_run_s_own_walks():
    r = minisim.run("tlb", "hw-ept", "p4-2005")
    c = pwc.measure("tlb", "p4-2005")
    assert c.misses == r.events["tlb_miss"]
    assert c.total(c.without) == r.events["page_walk_refs"]  # without the cache: exactly the run's references
    assert c.without["directory"]["guest"] == c.misses  # every walk reads the guest directory entry
    assert c.total(c.cached) < c.total(c.without) / 2


def test_ept08_sets_the_cached_figure_beside_the_uncached_one():
    t = papers.reproduce("ept08")
    (name, source, value), *_ = t.model_only
    cache = t.extra["page_walk_cache"]
    assert "page-walk cache" in name and "tlb" in source and "hw-ept" in source
    assert cache["per_miss_with"] < cache["per_miss_without"] == round(t.rows[0].cells[2].model, 2)
    assert f"{cache['per_miss_with']} with" in value


def test_sim_walk_shows_the_cache_beside_the_walk():
    from minisim import walk2d

    w = walk2d.walk("tlb")
    shown = walk2d.text(w)
    assert "page-walk cache model" in shown
    assert f"{w.cache.per_miss(False)} without the cache, {w.cache.per_miss(True)} with it" in shown
    assert w.to_dict()["cache"]["misses"] == w.cache.misses > 0


def test_which_references_a_warm_cache_saves_on_one_walk():
    c = pwc.WalkCache()
    walk = (DIR, TABLE, PAGE)
    assert c.skipped(0x1A40, walk) == set()  # cold: every reference is read
    c.walk(0x1A40, walk)
    before = (c.to_dict(), list(c.ntlb.keys), list(c.guest_dir.keys))
    assert c.skipped(0x1A40, walk) == {1, 2, 3, 4, 5, 7, 8}  # only the guest's leaf entry (6) is read
    assert c.skipped(0x1B00, walk) == {1, 2, 4, 5, 7, 8}  # another address space: the directory entry is read
    assert c.skipped(0x1A40, (DIR, TABLE, 0x3600)) == {1, 2, 3, 4, 5, 7}  # a new page under a cached EPT entry
    assert (c.to_dict(), list(c.ntlb.keys), list(c.guest_dir.keys)) == before  # looking changes nothing


def test_sim_walk_marks_the_references_the_cache_saves():
    from minisim import walk2d

    w = walk2d.walk("tlb")
    lines = walk2d.text(w).splitlines()
    marked = [int(ln.split()[0]) for ln in lines if ln.endswith("(cached)")]
    assert marked == list(w.skipped) and 6 not in marked  # the leaf guest entry is never cached here
