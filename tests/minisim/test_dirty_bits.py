"""Dirty bits under shadow paging: a clean page is read-only in the shadow until its first write,
which takes one hidden fault so that the VMM can set D in the guest's own entry."""

from __future__ import annotations

import importlib

import pytest

import minisim
from minisim import isa, papers
from minisim.vmm.shadow import ShadowPaging

_run = importlib.import_module("minisim.run")  # the module (minisim.run is the function)
SHADOW_MODES = ("trap-emulate", "full", "hw")

# The paged nanobenchmarks' identity-mapped address space (page 0x21 is clean: its entry at 0x3051
# has neither A nor D). The program reads page 0x21, writes it twice, and loads its entry into r7.
_PROGRAM = (
    papers.program("pgfault.s").split("again:")[0]
    + """
    lw r9, 0x2100(r0)           ; a read: the shadow maps the clean page read-only
    sw r9, 0x2101(r0)           ; the first write: one hidden fault, D set in the guest's entry
    sw r9, 0x2102(r0)           ; the second: none
    lw r7, 0x3051(r0)
    PV_SHUTDOWN
handler:
    iret
"""
)


def _dirty_faults(mode: str) -> tuple[int, minisim.Result]:
    r = minisim.run("program", mode, "p4-2005", program=_PROGRAM)
    assert r.stopped is None, r.stopped
    return r.events.get("hidden_dirty", 0), r


@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_a_write_after_a_read_takes_exactly_one_hidden_fault_and_sets_d(mode: str) -> None:
    n, r = _dirty_faults(mode)
    native = minisim.run("program", "native", "p4-2005", program=_PROGRAM)
    assert n == 1
    assert r.registers[7] & isa.PTE_D and r.registers[7] == native.registers[7]
    assert r.equivalent, r.violation


def test_native_and_nested_paging_take_no_hidden_dirty_fault() -> None:
    for mode in ("native", "hw-ept"):
        n, r = _dirty_faults(mode)
        assert n == 0 and r.registers[7] & isa.PTE_D


def test_a_write_fill_sets_d_in_the_same_hidden_fault() -> None:
    src = _PROGRAM.replace("    lw r9, 0x2100(r0)", "    nop               ")
    r = minisim.run("program", "full", "p4-2005", program=src)
    assert r.events.get("hidden_dirty", 0) == 0 and r.registers[7] & isa.PTE_D and r.equivalent


@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_workloads_stay_equivalent_and_take_dirty_faults(mode: str) -> None:
    for w in ("fork", "pagefault", "tlb"):
        r = minisim.run(w, mode, "p4-2005")
        assert r.equivalent, r.violation
        assert r.events["hidden_dirty"] > 0


def test_each_dirty_fault_is_priced_as_a_hidden_fault() -> None:
    r = minisim.run("pagefault", "full", "p4-2005")
    n = r.events["hidden_dirty"]  # each also a trap into the VMM's own fault handler (bt_fill)
    assert n > 0 and r.cycles_by_event["hidden_dirty"] == n * _run.profiles.P4_2005.shadow_update


@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_a_vmm_that_does_not_set_d_breaks_equivalence(mode: str, monkeypatch) -> None:
    monkeypatch.setattr(ShadowPaging, "DIRTY_BITS", isa.PTE_A)  # the mutant: it sets A, never D
    r = minisim.run("program", mode, "p4-2005", program=_PROGRAM)
    assert not r.equivalent and not r.registers[7] & isa.PTE_D
