"""Shadow paging, performed: the MMU walks the VMM's shadow tables, traced writes keep them
coherent, and a VMM that fails to (a mutant) breaks equivalence -- not only a count."""

from __future__ import annotations

import importlib

import pytest

import minisim
from minisim.vmm.shadow import ShadowPaging

_run = importlib.import_module("minisim.run")  # the module (minisim.run is the function)
SHADOW_MODES = ("trap-emulate", "full", "hw")


def _guest_walk(M: list[int], cr3: int, vpn: int) -> tuple[int, int] | None:
    pde = M[(cr3 + (vpn >> 4)) & 0xFFFF]
    if not pde & 1:
        return None
    pte = M[((pde & ~15) + (vpn & 15)) & 0xFFFF]
    if not pte & 1 or pte >= 1 << 16:
        return None
    flags = (pte & pde & 7) | (pte & 8)
    return pte >> 8, flags if pte & 0x40 else flags & ~2  # a clean page is read-only until written


@pytest.mark.parametrize("workload", ["fork", "pagefault", "ctxswitch", "mixed"])
def test_every_shadow_entry_matches_the_guest_tables_at_the_end(workload: str) -> None:
    m = _run._execute(workload, "hw", "p4-2005", 1, None, 0, None).m
    entries = [(d, v, e) for d, sh in m.vmm.shadow.items() for v, e in sh.items()]
    assert len(entries) >= 10
    assert all(_guest_walk(m.M, d, v) == e for d, v, e in entries)


@pytest.mark.parametrize("mode", SHADOW_MODES)
def test_a_vmm_that_forgets_traced_writes_breaks_equivalence(mode: str, monkeypatch) -> None:
    ok = minisim.run("fork", mode, "p4-2005")
    assert ok.equivalent, ok.violation
    monkeypatch.setattr(ShadowPaging, "sync_entry", lambda self, *args: None)  # the coherency mutant
    broken = minisim.run("fork", mode, "p4-2005")
    assert not broken.equivalent and "console differs" in broken.violation


def test_the_mmu_uses_the_shadow_entry_not_the_guest_table() -> None:
    # Point one shadow entry elsewhere behind the guest's back: the guest then reads that frame.
    m = _run._execute("tlb", "hw", "p4-2005", 1, None, 0, None).m
    cr3, sh = next((d, sh) for d, sh in m.vmm.shadow.items() if any(v >= 0x200 for v in sh))
    vpn = min(v for v in sh if v >= 0x200)
    m.cr3 = cr3
    m.tlb_flush()
    frame, flags = sh[vpn]
    sh[vpn] = (frame + 1, flags)
    m.M[(frame + 1) << 8] = 0xBEEF
    assert m.read_virt(vpn << 8, 0) == 0xBEEF


# Paging on over a directory at 0x3000: T0 (0x3040) maps pages 0-15, T2 (0x3050) maps 0x20-0x2f.
_PAGED = """
    li r1, 0x3043
    sw r1, 0x3000(r0)
    li r1, 0x3053
    sw r1, 0x3002(r0)
    li r2, 0
maps:
    shli r3, r2, 8
    ori r3, r3, 3
    sw r3, 0x3040(r2)
    li r4, 0x2000
    add r4, r4, r3
    sw r4, 0x3050(r2)
    addi r2, r2, 1
    li r4, 16
    blt r2, r4, maps
    li sp, 0x0F00
    li r1, 0x3000
    lcr3 r1
    PV_ENABLE_PAGING
    lw r5, 0x2100(r0)
    sw r5, 0x2200(r0)
    PV_SHUTDOWN
"""


@pytest.mark.parametrize("mode", ["native", "trap-emulate", "full", "hw", "hw-ept"])
def test_accessed_and_dirty_bits_reach_the_guest_entries(mode: str) -> None:
    from minisim import isa
    from minisim.reference import run_program

    r = minisim.run(None, mode, program=_PAGED)
    assert r.equivalent, r.violation
    read, written = r.state.memory[0x3051], r.state.memory[0x3052]
    assert read & isa.PTE_A and not read & isa.PTE_D
    assert written & isa.PTE_A and written & isa.PTE_D
    _, ref = run_program(_PAGED)
    assert (ref.memory[0x3051], ref.memory[0x3052]) == (read, written)
