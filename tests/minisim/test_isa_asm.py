"""The instruction table drives the assembler and disassembler consistently; errors carry positions."""

from __future__ import annotations

import pytest

import minisim
from minisim import asm, disasm, isa


def test_table_is_consistent() -> None:
    codes = [op.code for op in isa.OPS]
    assert len(codes) == len(set(codes)) and all(0 < c < 256 for c in codes)
    assert set(isa.SENSITIVE_UNPRIVILEGED) == {"pushf", "popf", "smsw"}
    for name in ("cli", "sti", "iret", "hlt", "lcr3", "invlpg", "in", "out", "mtc", "mfc"):
        assert isa.BY_NAME[name].privileged
    assert not any(isa.BY_NAME[n].privileged for n in isa.SENSITIVE_UNPRIVILEGED)


@pytest.mark.parametrize("op", isa.OPS, ids=lambda o: o.name)
def test_every_instruction_round_trips(op: isa.Op) -> None:
    operand = {
        "": "",
        "d": "r3",
        "s": "r4",
        "dst": "r1, r2, r3",
        "dsi": "r1, r2, -5",
        "di": "r1, 0x1234",
        "dm": "r1, 7(r2)",
        "dsl": "r1, r2, here",
        "l": "here",
        "dl": "r5, here",
        "i": "9",
        "dc": "r1, ksp",
        "cs": "tvec, r2",
        "dp": "r1, 16",
        "ps": "17, r2",
    }[op.fmt]
    img = asm.assemble(f"here: {op.name} {operand}\n")
    text = disasm.format_instruction(img.words[0], 0)
    assert text.split()[0] == op.name
    again = asm.assemble(text.replace("0x0000", "0") + "\n")
    assert again.words == img.words


def test_pseudo_ops_macros_and_conditionals() -> None:
    src = r"""
.equ BIG, 0x12345
.macro TWICE reg
    add \reg, \reg, \reg
L\@: nop
.endm
start: li r1, BIG
    li r2, -2
    mov r3, r1
    TWICE r3
    TWICE r3
.ifdef FLAG
    li r4, 1
.else
    li r4, 2
.endif
msg: .ascii "hi\n"
    .rept 3, i
    .word i * 10
    .endr
"""
    img = asm.assemble(src, {"FLAG"})
    assert img.symbols["BIG"] == 0x12345 and img.symbols["msg"] == 9
    words = [img.words[a] for a in sorted(img.words)]
    assert words[-3:] == [0, 10, 20]
    assert words[9:12] == [ord("h"), ord("i"), 10]
    assert "li r4, 1" not in asm.expand(src, set()) and "li r4, 2" in asm.expand(src, set())
    assert "li r4, 1" in asm.expand(src, {"FLAG"})


@pytest.mark.parametrize(
    ("src", "line", "col", "text"),
    [
        ("nop\n  bogus r1\n", 2, 3, "unknown instruction"),
        ("add r1, r2\n", 1, 1, "takes 3 operand"),
        ("li r1, nowhere\n", 1, 8, "undefined symbol 'nowhere'"),
        ("x: nop\nx: nop\n", 2, 1, "duplicate label"),
        ("addi r1, r2, 99999\n", 1, 14, "does not fit"),
        ("lw r1, r2\n", 1, 8, "offset(register)"),
        (".ifdef A\nnop\n", 2, 1, "without .endif"),
        ("add q1, r2, r3\n", 1, 5, "expected a register"),
    ],
)
def test_errors_have_line_and_column(src: str, line: int, col: int, text: str) -> None:
    with pytest.raises(asm.AsmError) as e:
        asm.assemble(src)
    assert (e.value.line, e.value.col) == (line, col)
    assert text in e.value.message


def test_public_assemble_reports_positions_in_the_learners_file() -> None:
    with pytest.raises(minisim.AsmError) as e:
        minisim.assemble("nop\nnop\n  frob r1\n")
    assert (e.value.line, e.value.col) == (3, 3)


def test_disassemble_marks_data() -> None:
    out = minisim.disassemble([isa.encode(isa.BY_NAME["add"], 1, 2, 3), 0xFF000000])
    assert "add r1, r2, r3" in out and ".word 0xff000000" in out


def test_kernel_builds_differ_only_by_pv_ops() -> None:
    native, pv = minisim.kernel_source(False), minisim.kernel_source(True)
    assert "vmcall HC_MMU_UPDATE" in pv and "vmcall" not in native
    assert "lcr3" in native and "lcr3" not in pv
    diff = minisim.kernel_diff()
    assert diff.startswith("--- kernel (native build)") and "+    vmcall HC_NEW_BASEPTR" in diff
