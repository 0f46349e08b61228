"""Targeted checks of individual VMM mechanisms."""

from __future__ import annotations

import minisim
from minisim import abi, profiles
from minisim.vmm import make
from minisim.vmm.hw import NestedPaging
from minisim.vmm.para import valid_update


def test_para_validates_page_table_updates() -> None:
    table, directory = abi.LAYOUT["TABPOOL"], abi.LAYOUT["DIRPOOL"]
    assert valid_update(table, (0x30 << 8) | 7)  # map a data frame
    assert not valid_update(table, ((table >> 8) << 8) | 7)  # a page-table frame, writable
    assert valid_update(table, ((table >> 8) << 8) | 5)  # ... read-only is fine
    assert valid_update(directory + 20, table | 7) and not valid_update(directory + 20, 0x3000 | 7)
    assert not valid_update(abi.LAYOUT["KDATA"], 0)  # not a page table at all


def test_vmcs_controls_decide_the_exits() -> None:
    hw, ept = make("hw", profiles.MODERN), make("hw-ept", profiles.MODERN)
    assert hw.controls.cr3_load_exiting and not ept.controls.cr3_load_exiting
    # the guest levels; hw-ept's nested references are counted as nested_walk reads them (test_nested.py)
    assert isinstance(ept, NestedPaging) and ept.walk_refs() == 2 == hw.walk_refs()
    r = minisim.run("ctxswitch", "hw-ept")
    assert "cr3_load" not in r.events["vmexit"] and r.events["cr3_load"] > 500


def test_shadow_paging_traces_page_table_writes() -> None:
    r = minisim.run("pagefault", "hw")
    ex = r.events["vmexit"]
    # every demand fault: the #PF exit, the traced PTE write -- which updates the shadow entry in place,
    # so the retry finds it and takes no hidden fault -- and the unmap's traced write and invlpg
    assert ex["page_fault"] == r.events["page_fault"] == 150
    assert ex["pt_write"] >= 2 * 150 and ex["shadow_fill"] < 150 // 10 and ex["invlpg"] == 150
    assert r.events["shadow_update"] == ex["pt_write"] + ex["shadow_fill"]


def test_binary_translation_translates_each_kernel_block_once() -> None:
    once, twice = (minisim.run("syscall", "full", scale=n) for n in (1, 2))
    assert once.events["bt_block"] == twice.events["bt_block"] > 10  # the translation cache is reused
    assert 1500 <= twice.events["trap"] - once.events["trap"] <= 1502  # a VMM entry per system call (+ ticks)


def test_trace_names_events_and_places() -> None:
    r = minisim.run("io", "hybrid", trace_limit=50)
    kinds = {e.kind for e in r.trace}
    assert {"vmexit", "ring_notify", "syscall"} <= kinds
    assert all(e.instructions <= r.instructions + 10**7 and e.cycles >= 0 for e in r.trace)


def test_shipped_example_programs() -> None:
    from importlib import resources

    folder = resources.files("minisim").joinpath("guest", "examples")
    sources = {p.name: p.read_text() for p in folder.iterdir() if p.name.endswith(".s")}
    assert {"hello.s", "popf.s"} <= set(sources)
    hello = {m: minisim.run(None, m, program=sources["hello.s"]) for m in ("native", "hw", "trap-emulate")}
    assert hello["native"].console == "hello from the guest\n" == hello["hw"].console
    assert hello["hw"].equivalent and "smsw" in hello["trap-emulate"].violation
    popf = minisim.run(None, "trap-emulate", program=sources["popf.s"])
    assert not popf.equivalent and popf.violation.startswith("popf")


def test_hostile_programs_end_with_a_clear_result() -> None:
    r = minisim.run(None, "native", program="sti\nhlt\n")
    assert r.stopped and "wait forever" in r.stopped
    r = minisim.run(None, "para", program="vmcall HC_SCHED_BLOCK\n")
    assert r.stopped and "wait forever" in r.stopped
    r = minisim.run(None, "hw", program=".word 0xFF000000\n", max_instructions=10_000)  # illegal opcode
    assert r.stopped and "fault loop" in r.stopped  # it trapped to vector 0, retiring nothing, again and again
    r = minisim.run(None, "full", program="la r1, x\nli r2, 0x26000000\nsw r2, 0(r1)\nx: sti\nPV_SHUTDOWN\n")
    assert r.stopped is None and r.equivalent  # self-modifying code: the block is recompiled
    for bad in (".rept 100000000\nnop\n.endr\n", ".space 99999999\n"):
        try:
            minisim.assemble(bad)
        except minisim.AsmError as e:
            assert "out of range" in e.message
        else:
            raise AssertionError(bad)
