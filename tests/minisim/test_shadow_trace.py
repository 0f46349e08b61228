"""Shadow paging's trace lines name what changed: the guest entry a traced write changed (table,
index, old -> new) and the shadow entry that changed with it; a hidden fill names the page."""

from __future__ import annotations

import re

import pytest

import minisim
from minisim import shadowview

WRITE = re.compile(
    r"pte write: guest (table|directory) (0x[0-9a-f]+)\[(\d+)\] (0x[0-9a-f]+) -> (0x[0-9a-f]+); shadow (.*)"
)
SHADOW = re.compile(r"(0x[0-9a-f]+) va (0x[0-9a-f]+) (-|0x[0-9a-f]+ [PWU.]{3}) -> (-|0x[0-9a-f]+ [PWU.]{3})")


def _lines(workload: str, mode: str, kind: str = "shadow_update") -> list[str]:
    r = minisim.run(workload, mode, "p4-2005", trace_limit=4000)
    return [e.reason for e in r.trace if e.kind == kind]


@pytest.mark.parametrize("mode", ["full", "hw"])
def test_a_traced_table_write_names_the_guest_entry_and_the_shadow_entry(mode):
    writes = [WRITE.match(x) for x in _lines("pagefault", mode) if x.startswith("pte write")]
    assert writes and all(writes)
    table_writes = [w for w in writes if w and w.group(1) == "table"]
    assert table_writes
    for w in table_writes:
        assert w.group(4) != w.group(5) or "unchanged" in w.group(6)
        for _space, va, old, new in SHADOW.findall(w.group(6)):
            new_pte = int(w.group(5), 16)
            assert int(va, 16) & 0xF00 == int(w.group(3)) << 8  # the entry's index is the page within its table
            if new_pte & 1:  # a mapping: the shadow now holds the guest's new frame
                assert new.split()[0] == hex(new_pte >> 8)
            else:  # an unmapping: the shadow entry is dropped
                assert new == "-" and old != "-"


def test_a_hidden_fill_names_the_page_and_the_guest_table():
    fills = [x for x in _lines("tlb", "hw") if x.startswith("fill")]
    assert fills and all(
        re.fullmatch(r"fill: va 0x[0-9a-f]+ -> shadow 0x[0-9a-f]+ [PWU.]{3} \(guest table .*\)", x) for x in fills
    )


def test_the_annotated_trace_changes_no_figure():
    traced = minisim.run("fork", "hw", "p4-2005", trace_limit=4000)
    plain = minisim.run("fork", "hw", "p4-2005", trace_limit=0)
    assert (traced.cycles, traced.events, traced.registers) == (plain.cycles, plain.events, plain.registers)


def test_the_shadow_view_marks_the_entry_the_last_write_changed():
    v = shadowview.view("tlb", "hw")
    assert v.changed, v.last_write
    assert "guest table entry at" in v.last_write and "->" in v.last_write
    marked = [ln for ln in shadowview.text(v).splitlines() if ln.endswith("changed by the last traced write")]
    assert [int(ln.split()[0], 16) for ln in marked] == list(v.changed)


def test_a_flood_that_unshadows_a_table_is_named_on_its_last_traced_write():
    floods = [x for x in _lines("fork", "hw") if "flood:" in x]
    assert floods
    for line in floods:
        table = re.match(r"pte write: guest (?:table|directory) (0x[0-9a-f]+)\[", line).group(1)
        assert line.endswith(f"flood: 3 writes in a row, unused: {table} unshadowed, no longer traced")
