"""Assembler edge cases (adversary F18): values that do not fit, a label before a macro, size caps."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import minisim
from minisim import asm
from studyvm.cli import app


@pytest.mark.parametrize(
    ("src", "line", "col", "text"),
    [
        ("nop\n.word 1, 99999999999999999999\n", 2, 10, ".word value 99999999999999999999 does not fit in 32 bits"),
        (".word -0x80000001\n", 1, 7, "does not fit in 32 bits"),
        (".equ BIG, 1 << 40\n", 1, 11, ".equ value 1099511627776 does not fit"),
        ("li r1, 0x100000000\n", 1, 8, "li value 4294967296 does not fit"),
        ("li r1, 1 << 99999999\n", 1, 8, "shift count 99999999 out of range"),
        ("li r1, 1 << -1\n", 1, 8, "shift count -1 out of range"),
        ("li r1, 0xffffffff * 0xffffffff * 0xffffffff\n", 1, 8, "value out of range"),
        (".align 0\n", 1, 8, ".align 0 out of range"),
        ('.ascii "\\x"\n', 1, 8, "bad escape in string"),
    ],
)
def test_bad_values_are_errors_with_a_position(src: str, line: int, col: int, text: str) -> None:
    with pytest.raises(asm.AsmError) as e:
        asm.assemble(src)
    assert (e.value.line, e.value.col) == (line, col)
    assert text in e.value.message


def test_word_values_at_both_ends_of_the_range_are_kept() -> None:
    img = asm.assemble(".word -1, 0xffffffff, -0x80000000, 0x7fffffff\n.equ TOP, 0xffffffff\n.word TOP\n")
    assert [img.words[a] for a in range(5)] == [0xFFFFFFFF, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF]


def test_a_label_and_a_macro_on_one_line() -> None:
    together = minisim.assemble("    nop\nx:  PV_SHUTDOWN\n    b x\n")
    apart = minisim.assemble("    nop\nx:\n    PV_SHUTDOWN\n    b x\n")
    assert together.words == apart.words and together.symbols["x"] == apart.symbols["x"] == 1
    plain = asm.assemble(".macro TWO\nnop\nnop\n.endm\nstart: nop\nmid: two\nend: nop\n")
    assert (plain.symbols["mid"], plain.symbols["end"]) == (1, 3)


def test_a_label_and_a_macro_run_under_every_mode() -> None:
    prog = "    li r1, 7\ndone: PV_SHUTDOWN\n"
    for mode in ("native", "para", "full"):
        r = minisim.run("program", mode, program=prog)
        assert (r.registers[1], r.stopped) == (7, None)


def test_a_huge_source_is_refused_before_assembling() -> None:
    text = "nop\n" * (asm.MAX_SOURCE_BYTES // 4 + 1)
    with pytest.raises(asm.AsmError, match="limit is"):
        asm.assemble(text)
    with pytest.raises(minisim.AsmError, match="limit is"):
        minisim.assemble(text)


def test_an_expansion_bomb_is_capped() -> None:
    src = ".rept 65536\n.rept 65536\nnop\n.endr\n.endr\n"
    with pytest.raises(asm.AsmError, match="more than"):
        asm.assemble(src)


def test_cli_refuses_a_24_mb_file_by_size(tmp_path: Path) -> None:
    big = tmp_path / "big.s"
    big.write_bytes(b"nop\n" * (6 << 20))  # 24 MiB
    for args in (("sim", "asm", str(big)), ("sim", "run", "--program", str(big))):
        r = CliRunner().invoke(app, list(args))
        assert r.exit_code == 1
        assert r.output.strip() == f"{big}: error: file is over the {asm.MAX_SOURCE_BYTES}-byte limit for a program"


def test_a_macro_bomb_is_capped() -> None:
    src = ".macro A\nnop\nnop\nnop\nnop\n.endm\n"
    for k in "BCDEFGHIJK":
        prev = chr(ord(k) - 1)
        src += f".macro {k}\n{prev}\n{prev}\n{prev}\n{prev}\n.endm\n"
    with pytest.raises(asm.AsmError, match="more than"):
        asm.assemble(src + "K\n")
