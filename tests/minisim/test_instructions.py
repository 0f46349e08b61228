"""One per-instruction suite, run against every mode (as py65 runs one suite against every CPU).

Each case is a bare-metal program (kernel mode, paging off) and the registers it must leave.
Every mode must reproduce the bare machine -- except that the sensitive-but-unprivileged
instructions observably misbehave under the deprivileging modes (trap-and-emulate, and para
running an unported instruction), which is the point of the machine.
"""

from __future__ import annotations

import pytest
from conftest import run_all

import minisim

M32 = 0xFFFFFFFF
CASES: dict[str, tuple[str, dict[int, int]]] = {
    "add": ("li r1, 5\nli r2, 7\nadd r3, r1, r2\n", {3: 12}),
    "sub": ("li r1, 5\nli r2, 7\nsub r3, r1, r2\n", {3: (5 - 7) & M32}),
    "and/or/xor": ("li r1, 12\nli r2, 10\nand r3, r1, r2\nor r4, r1, r2\nxor r5, r1, r2\n", {3: 8, 4: 14, 5: 6}),
    "shifts": (
        "li r1, -16\nli r2, 2\nshl r3, r1, r2\nshr r4, r1, r2\nsar r5, r1, r2\n",
        {3: (-64) & M32, 4: ((-16) & M32) >> 2, 5: (-4) & M32},
    ),
    "slt/sltu": ("li r1, -1\nli r2, 1\nslt r3, r1, r2\nsltu r4, r1, r2\n", {3: 1, 4: 0}),
    "mul": ("li r1, 100000\nli r2, 100000\nmul r3, r1, r2\n", {3: (10**10) & M32}),
    "div/rem": ("li r1, 47\nli r2, 5\ndiv r3, r1, r2\nrem r4, r1, r2\n", {3: 9, 4: 2}),
    "immediates": (
        "li r1, 10\naddi r2, r1, -3\nandi r3, r1, 6\nori r4, r1, 5\nxori r5, r1, 15\nshli r6, r1, 4\n"
        "shri r7, r1, 1\nslti r8, r1, 11\n",
        {2: 7, 3: 2, 4: 15, 5: 5, 6: 160, 7: 5, 8: 1},
    ),
    "lui/li": ("lui r1, 0x1234\nli r2, 0xDEADBEEF\n", {1: 0x12340000, 2: 0xDEADBEEF}),
    "addpc": ("nop\nhere: la r1, here\n", {1: 1}),
    "lw/sw": ("li r1, 0x3000\nli r2, 99\nsw r2, 5(r1)\nlw r3, 5(r1)\nlw r4, 0x3005(r0)\n", {3: 99, 4: 99}),
    "push/pop": ("li r1, 3\npush r1\nli r1, 4\npush r1\npop r2\npop r3\n", {2: 4, 3: 3}),
    "branches": (
        "li r1, 0\nli r2, 5\nloop: addi r1, r1, 1\nblt r1, r2, loop\nli r3, 0\nbeq r1, r2, eq\n"
        "li r3, 9\neq: bne r1, r0, ne\nli r3, 8\nne: li r4, -1\nbgeu r4, r2, big\nli r3, 7\n"
        "big: bge r4, r2, out\naddi r3, r3, 100\nout: bltu r2, r4, fin\nli r3, 6\nfin: nop\n",
        {1: 5, 3: 100},
    ),
    "jmp/call/ret": ("li r1, 1\ncall f\naddi r1, r1, 10\njmp done\nf: addi r1, r1, 100\nret\ndone: nop\n", {1: 111}),
    "jr/callr": ("la r5, f\ncallr r5\nla r6, done\njr r6\nli r1, 99\nf: li r2, 7\nret\ndone: nop\n", {2: 7}),
    "cli/sti/mfc": ("sti\nmfc r1, status\ncli\nmfc r2, status\n", {1: 3, 2: 2}),
    "mtc/mfc": ("li r1, 0x777\nmtc ksp, r1\nmfc r2, ksp\nmtc tvec, r1\nmfc r3, tvec\n", {2: 0x777, 3: 0x777}),
    "out/in": (
        "li r1, 'Z'\nout PORT_CONSOLE, r1\nli r1, 123\nout PORT_TIMER, r1\nin r2, PORT_TIMER\n"
        "li r1, 0\nout PORT_TIMER, r1\n",
        {2: 123},
    ),
    "block device": (
        "li r1, 3\nout PORT_BLK_SECTOR, r1\nli r1, 0x4000\nout PORT_BLK_ADDR, r1\nli r1, 1\n"
        "out PORT_BLK_CMD, r1\nin r2, PORT_BLK_STATUS\nlw r3, 0x4000(r0)\n",
        {2: 1, 3: (3 * 2654435761 + 12345) & M32},
    ),
    "syscall/iret": (
        "la r1, handler\nmtc tvec, r1\nsyscall 42\nli r4, 5\njmp done\n"
        "handler: lw r3, 0(sp)\naddi r3, r3, 1\niret\ndone: nop\n",
        {3: 43, 4: 5},
    ),
    "divide by zero traps": (
        "la r1, handler\nmtc tvec, r1\nli r2, 0\ndiv r3, r2, r2\njmp done\nhandler: lw r5, 1(sp)\ndone: nop\n",
        {5: minisim.isa.CAUSE_DIVZERO},
    ),
    "user mode traps privileged": (
        "la r1, handler\nmtc tvec, r1\nli r1, 0x8000\nmtc ksp, r1\n"
        "li sp, 0x9000\nla r2, user\npush r2\npush r2\nli r2, 1\npush r2\npush r0\npush r0\niret\n"  # frame: sp,pc,IF
        "user: smsw r7\ncli\nli r6, 1\nhandler: lw r5, 1(sp)\nsmsw r8\n",
        {5: minisim.isa.CAUSE_PRIV, 7: 1, 8: 2},
    ),
    "paging and page faults": (
        "la r1, handler\nmtc tvec, r1\n"
        "li r1, 0x6000\nli r2, 0x6103\nsw r2, 0(r1)\nsw r2, 1(r1)\n"  # dir[0], dir[1] -> table at 0x6100
        "li r3, 0x6100\nli r4, 3\nshli r5, r4, 8\nori r5, r5, 3\nsw r5, 3(r3)\n"  # page 3 -> frame 3 (the code)
        "li r4, 0x30\nshli r5, r4, 8\nori r5, r5, 3\nsw r5, 1(r3)\n"  # page 1 -> frame 0x30
        "lcr3 r1\nli r1, PAGING\nmtc status, r1\nli sp, 0x1F0\n"
        "li r2, 77\nsw r2, 0x105(r0)\nlw r6, 0x3005(r0)\n"  # unmapped: faults
        "handler: lw r7, 0(sp)\nli r1, 0\nmtc status, r1\nlw r8, 0x3005(r0)\n",
        {6: 0, 7: 0x3005, 8: 77},
    ),
}
# The paging case maps only its code page (3, identity) and page 1 (to frame 0x30).
CASES["paging and page faults"] = (
    ".org 0x300\n" + CASES["paging and page faults"][0],
    CASES["paging and page faults"][1],
)


def _program(src: str) -> str:
    if src.startswith(".org 0x300"):
        return "jmp 0x300\n" + src
    return src


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def case(request):
    src, expected = CASES[request.param]
    return request.param, run_all(_program(src)), expected


@pytest.mark.parametrize("mode", minisim.MODES)
def test_instruction_in_every_mode(case, mode: str) -> None:
    name, results, expected = case
    r = results[mode]
    assert r.stopped is None, r.stopped
    native = results["native"]
    for reg, value in expected.items():
        assert native.registers[reg] == value, f"{name}: native r{reg}"
    deprivileged = mode in ("trap-emulate", "para")
    if name == "user mode traps privileged" and deprivileged:
        assert r.registers[8] != value and "smsw" in (r.violation or "")
        return
    assert r.equivalent, r.violation
    assert r.registers == native.registers and r.console == native.console


SENSITIVE = {
    "pushf": "PV_PUSHF\npop r1\n",  # unported: raw pushf in both builds below
    "popf": "li r1, 1\npush r1\npopf\npushf\npop r2\n",
    "smsw": "smsw r1\n",
}


@pytest.mark.parametrize("name", list(SENSITIVE))
def test_sensitive_unprivileged_instructions(name: str) -> None:
    src = SENSITIVE[name].replace("PV_PUSHF", "pushf")
    results = run_all(src)
    for mode, r in results.items():
        if mode in ("trap-emulate", "para"):  # deprivileged, and the raw instruction does not trap
            assert not r.equivalent and name in r.violation, mode
        else:
            assert r.equivalent, (mode, r.violation)
