"""Regression tests for the bugs and double counts in the hypervisor engineer's review
(../shared/reviews/minisim-review.md, sections 1.5 and 3.5). Each one failed before its fix."""

from __future__ import annotations

import pytest
from conftest import SMC_TWICE

import minisim
from minisim import profiles

SMC = """
    la r1, target
    li r2, 0x0E500007           ; "addi r5, r0, 7"
    sw r2, 0(r1)
target:
    addi r5, r0, 1
    PV_SHUTDOWN
"""


def test_para_keeps_the_event_mask_across_a_kernel_iret() -> None:
    # A tick taken inside the kernel with events enabled must return to the kernel with events
    # enabled (Xen's saved_upcall_mask): at scale 2 the popf workload counts ticks in a critical section.
    c = minisim.compare("popf", "p4-2005", scale=2, modes=["native", "para"]).results
    assert c["para"].console == c["native"].console
    assert c["para"].equivalent, c["para"].violation
    # The popf workload's console no longer shows the ticks it counts, so the bug (events left
    # masked after a kernel iret) only shows as ticks lost: at scale 3 it delivered 4 to native's
    # 6. The pv-ops build runs a few more instructions, so it takes at least as many as native.
    c = minisim.compare("popf", "p4-2005", scale=3, modes=["native", "para"]).results
    assert c["para"].events["interrupt"] >= c["native"].events["interrupt"]


def test_para_iret_to_the_kernel_restores_the_saved_mask() -> None:
    src = (
        "    la r1, handler\n    vmcall HC_SET_TRAP_TABLE\n    sw r0, VCPU_MASK(r0)\n    syscall 0\n"
        "    lw r7, VCPU_MASK(r0)\n    PV_SHUTDOWN\nhandler:\n    lw r8, VCPU_MASK(r0)\n    iret\n"
    )
    r = minisim.run(None, "para", program=src)
    assert (r.registers[8], r.registers[7]) == (1, 0)  # masked inside the handler, unmasked after


def test_budget_holds_when_every_block_faults(monkeypatch) -> None:
    # Before the fix this run never returned. A cap on the faults delivered makes the unfixed
    # machine fail here instead of hanging: with the fix the budget stops it after about 500.
    from minisim.machine import Machine

    deliver, delivered = Machine.deliver, [0]

    def capped(self, fault):
        delivered[0] += 1
        if delivered[0] > 100_000:
            raise AssertionError("the instruction budget is never checked on the fault path")
        return deliver(self, fault)

    monkeypatch.setattr(Machine, "deliver", capped)
    src = "    la r1, spin\n    mtc tvec, r1\nspin:\n    li sp, 0x8000\n    div r5, r6, r0\n"
    r = minisim.run(None, "native", program=src, max_instructions=1000)
    assert r.stopped and "budget" in r.stopped


def test_a_handler_that_faults_before_retiring_anything_stops() -> None:
    src = "    la r1, spin\n    mtc tvec, r1\nspin:\n    div r5, r6, r0\n"
    r = minisim.run(None, "native", program=src, max_instructions=1000)
    assert r.stopped and "fault loop" in r.stopped


@pytest.mark.parametrize("count", [-1, 65, 1 << 20])
def test_mmu_update_with_a_huge_count_is_rejected(count: int) -> None:
    src = f"    li r1, 0x1200\n    li r2, {count}\n    vmcall HC_MMU_UPDATE\n    mov r7, r1\n    PV_SHUTDOWN\n"
    r = minisim.run(None, "para", program=src)
    assert r.events["pt_updates"] == 0 and r.events["hypercall"]["mmu_update"] == 1
    assert r.registers[7] == (-22) & 0xFFFFFFFF  # EINVAL, as Xen answers
    assert r.cycles < 10_000


def test_console_hypercall_length_is_bounded() -> None:
    r = minisim.run(None, "para", program="    li r1, 0\n    li r2, -1\n    vmcall HC_CONSOLE\n    PV_SHUTDOWN\n")
    assert len(r.console) == 0 and r.stopped is None


@pytest.mark.parametrize("mode", ["native", "full", "hw", "para"])
def test_self_modifying_code_within_a_block(mode: str) -> None:
    assert minisim.run(None, mode, program=SMC).registers[5] == 7


@pytest.mark.parametrize("mode", ["native", "trap-emulate", "hw-ept"])
def test_translation_invalidated_when_code_is_patched(mode: str) -> None:
    assert minisim.run(None, mode, program=SMC_TWICE).registers[6] == 8


def test_bare_program_under_para_is_compared_against_the_same_layout() -> None:
    r = minisim.run(None, "para", program=SMC_TWICE)
    assert r.equivalent, r.violation


def _nb(body: str, setup: str = "", handler: str = "    iret\n") -> str:
    return (
        f"    mov r8, r1\n    la r1, handler\n    mtc tvec, r1\n{setup}    li r9, 500\n    mul r9, r9, r8\n"
        f"loop:\n{body}    addi r9, r9, -1\n    bne r9, r0, loop\n    PV_SHUTDOWN\nhandler:\n{handler}"
    )


def _per_iteration(src: str, mode: str) -> float:
    one, two = (minisim.run(None, mode, "p4-2005", s, program=src).cycles for s in (1, 2))
    return (two - one) / 500


def test_bt_fault_is_not_charged_twice() -> None:
    # AA06 divzero: ≈889 native, ≈3,223 under BT. The reflection and iret's callout are separate prices.
    src = _nb("    div r5, r6, r0\n", handler="    lw r2, 3(sp)\n    addi r2, r2, 1\n    sw r2, 3(sp)\n    iret\n")
    native, bt = _per_iteration(src, "native"), _per_iteration(src, "full")
    p = profiles.P4_2005
    assert bt - native == pytest.approx(p.trap + p.bt_callout, abs=2)
    assert 3000 <= bt <= 3400


def test_vt_in_is_one_exit_not_an_exit_plus_a_device_model() -> None:
    src = _nb("    in r5, PORT_DIAG\n")
    assert _per_iteration(src, "hw") == pytest.approx(15_800, abs=50)  # AA06: ≈15,826


def test_bt_pte_write_costs_one_callout() -> None:
    from minisim.vmm.full import BinaryTranslation
    from minisim.vmm.hw import HardwareAssist

    class M:
        def __init__(self):
            self.cy = 0

        def event(self, kind, cost=0, **_):
            self.cy += cost

    for cls, total in ((BinaryTranslation, 400), (HardwareAssist, 12_700)):
        vmm, m = cls(profiles.P4_2005), M()
        vmm.transition(m, "pt_write", 0)
        m.event("shadow_update", vmm.update_price("pt_write"))
        assert m.cy == total  # AA06 ptemod: ≈391 under BT, ≈12,733 under VT-x, update included


def test_exit_cost_verdict_reports_the_round_trip_it_claims() -> None:
    o = minisim.run_scenario("exit-cost-generations")
    # (issue 15: the verdict is now the crossover found by re-pricing; it still states both round trips)
    assert "2,500 on the P4" in o.verdict and "1,200 on a modern core" in o.verdict


def test_an_unknown_hypercall_answers_enosys() -> None:
    r = minisim.run(None, "para", program="    li r1, 5\n    vmcall 999\n    mov r7, r1\n    PV_SHUTDOWN\n")
    assert r.registers[7] == (-38) & 0xFFFFFFFF and r.stopped is None
