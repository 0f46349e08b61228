"""Timelines of one operation per mode, the trace's symbols, and the trace counted from the window's start."""

from __future__ import annotations

import pytest

import minisim
from minisim import symbols, timeline


def test_a_system_call_under_bt_enters_the_vmm_and_calls_out_for_iret():
    t = timeline.of("syscall", "full")
    kinds = [(s.kind, s.reason) for s in t.steps]
    assert kinds == [("trap", "syscall"), ("bt_callout", "iret"), ("syscall", "")]
    assert t.steps[-1].symbol == "sc_loop" and t.steps[1].symbol.startswith("trap_return")
    native = timeline.of("syscall", "native")
    assert [s.kind for s in native.steps] == ["syscall"] and native.cycles < t.cycles
    assert t.steps[-1].cycles == t.cycles and sum(s.delta for s in t.steps) == t.cycles


def test_a_sector_read_exits_per_register_under_vtx_and_kicks_a_ring_under_para():
    hw = timeline.of("sector", "hw")
    assert sum(1 for s in hw.steps if s.kind == "vmexit" and s.reason == "io") == 4
    assert any(s.kind == "host_io" for s in hw.steps) and hw.sectors == 1
    para = timeline.of("sector", "para")
    assert para.sectors == 4 and para.steps[0].kind == "ring_notify"
    assert para.cycles / para.sectors < hw.cycles


def test_a_page_fault_under_vtx_shadow_paging_exits():
    t = timeline.of("pagefault", "hw")
    assert t.steps[0].kind == "vmexit" and t.steps[0].reason == "page_fault"
    assert timeline.of("pagefault", "hw-ept").cycles < t.cycles


def test_unknown_operation():
    with pytest.raises(ValueError, match="unknown operation"):
        timeline.of("exec", "native")


def test_symbols_name_kernel_and_user_code():
    s = symbols.of("syscall", "native")
    r = minisim.run("syscall", "native", "p4-2005")
    assert s.name(r.trace[0].pc) == "sc_loop"  # user code at USER_VBASE, from the image's USER_CODE frames
    assert s.name(None) == "-"
    pv = symbols.of("io", "para")
    assert pv.name(minisim.run("io", "para").trace[1].pc).startswith("blk_queue")


def test_the_trace_counts_from_the_measurement_window():
    r = minisim.run("syscall", "native", "p4-2005")
    assert r.trace[0].instructions < 50 and r.trace[0].cycles < 1000  # the boot is not in the stamps
    assert r.trace[-1].instructions <= r.instructions and r.trace[-1].cycles <= r.cycles


def test_the_trace_names_a_page_fault_s_address():
    r = minisim.run("pagefault", "hw", "p4-2005")
    faults = [e for e in r.trace if e.kind == "fault"]
    assert faults and all(e.reason.startswith("va 0x") for e in faults)
    va = int(faults[0].reason.split()[1], 16)
    assert va >= minisim.abi.LAYOUT["HEAP_VBASE"]  # the workload's heap, not the kernel
    nxt = r.trace[r.trace.index(faults[0]) + 1]
    assert nxt.kind == "page_fault" and nxt.pc == faults[0].pc  # the address line comes with its fault
    assert "fault" not in r.events  # a trace note, not a counted event
