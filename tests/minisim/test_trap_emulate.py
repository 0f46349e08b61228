"""Trap-and-emulate, performed: the guest kernel runs in the real CPU's user mode, each privileged
instruction faults (CAUSE_PRIV) into the VMM, which decodes it and emulates it on the virtual CPU."""

from __future__ import annotations

import pytest

import minisim
from minisim import isa
from minisim.vmm.native import Native

PRIVILEGED = """
    li r1, 0x0F00
    mtc ksp, r1
    la r2, handler
    mtc tvec, r2
    cli
    mfc r3, status
    sti
    mfc r4, status
    mfc r5, ksp
    mfc r6, tvec
    li r7, 0x3000
    lcr3 r7
    mfc r8, cr3
    in r9, PORT_BLK_PV
    PV_SHUTDOWN
handler:
    iret
"""


@pytest.fixture
def emulated(monkeypatch) -> list[tuple[int, str]]:
    """Every instruction a VMM emulated after a CAUSE_PRIV trap: (pc, name)."""
    seen: list[tuple[int, str]] = []
    real = Native.emulate

    def spy(self, m, pc):
        f = m.rt.get(pc >> 8)
        seen.append((pc, isa.decode(m.M[(f if f is not None else 0) | (pc & 255)])[0].name))
        return real(self, m, pc)

    monkeypatch.setattr(Native, "emulate", spy)
    return seen


def test_trapped_instructions_emulate_to_native_results(emulated) -> None:
    native = minisim.run(None, "native", program=PRIVILEGED)
    assert emulated == []  # the bare machine runs them itself
    te = minisim.run(None, "trap-emulate", program=PRIVILEGED)
    assert te.equivalent, te.violation
    assert te.registers[3:10] == native.registers[3:10]
    names = [n for _, n in emulated]
    assert names[:6] == ["mtc", "mtc", "cli", "mfc", "sti", "mfc"] and "lcr3" in names and "in" in names
    assert te.events["trap"] >= len(emulated)  # each emulation was a trap the VMM charged


def test_the_guest_kernel_really_runs_in_user_mode() -> None:
    src = "    smsw r3\n    PV_SHUTDOWN\n"
    native, te = (minisim.run(None, m, program=src) for m in ("native", "trap-emulate"))
    assert native.registers[3] & isa.KMODE and not te.registers[3] & isa.KMODE


def test_popf_loses_if_by_the_isa_rule_for_user_mode() -> None:
    # The same popf of a saved IF=1 is dropped by a guest *user* program natively (the ISA's rule)
    # and by the deprivileged guest kernel under trap-and-emulate: one rule, not a mode flag.
    to_user = (
        "    la r1, handler\n    mtc tvec, r1\n    li sp, 0xE000\n    sw r0, 2(sp)\n    la r2, user\n"
        "    sw r2, 3(sp)\n    li r2, 0xD000\n    sw r2, 4(sp)\n    iret\nuser:\n    li r1, 1\n    push r1\n"
        "    popf\n    pushf\n    pop r5\n    syscall 0\nhandler:\n    PV_SHUTDOWN\n"
    )
    user = minisim.run(None, "native", program=to_user)
    assert user.registers[5] & isa.IF == 0
    kernel = "    cli\n    li r1, 1\n    push r1\n    popf\n    mfc r5, status\n    PV_SHUTDOWN\n"
    native, te = (minisim.run(None, m, program=kernel) for m in ("native", "trap-emulate"))
    assert native.registers[5] & isa.IF and not te.registers[5] & isa.IF
    assert not te.equivalent and te.violation.startswith("popf ignored the interrupt flag")


def test_a_user_program_privileged_instruction_still_faults_to_the_guest(emulated) -> None:
    src = (
        "    la r1, handler\n    mtc tvec, r1\n    li r3, 0xF000\n    mtc ksp, r3\n    li sp, 0xE000\n    sw r0, 2(sp)\n    la r2, user\n"
        "    sw r2, 3(sp)\n    li r2, 0xD000\n    sw r2, 4(sp)\n    iret\nuser:\n    cli\nhandler:\n"
        "    lw r6, 1(sp)\n    PV_SHUTDOWN\n"
    )
    te = minisim.run(None, "trap-emulate", program=src)
    assert te.registers[6] == isa.CAUSE_PRIV and te.equivalent
    assert [name for _, name in emulated].count("cli") == 1  # PV_SHUTDOWN's, not the user program's
