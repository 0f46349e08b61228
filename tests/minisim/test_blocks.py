"""Superblock decoding and register liveness (``minisim.blocks``)."""

from __future__ import annotations

import pytest
from conftest import run_all

import minisim
from minisim import isa
from minisim.blocks import decode_block, liveness


def _decode(src: str):
    image = minisim.assemble(src)
    mem = [0] * isa.MEM_WORDS
    for a, w in image.words.items():
        mem[a] = w
    return decode_block(mem, image.symbols["start"])


def test_block_runs_past_side_exits_and_stops_at_a_call():
    ins = _decode("start: li r1, 1\nbeq r1, r0, out\naddi r1, r1, 2\ncall f\nnop\nf: ret\nout: hlt\n")
    assert [op.name for op, *_ in ins] == ["addi", "beq", "addi", "call"]


def test_branch_back_to_the_start_ends_the_block_as_a_loop():
    ins = _decode("start: addi r1, r1, 1\nbne r1, r2, start\nnop\n")
    assert [op.name for op, *_ in ins] == ["addi", "bne"]


def test_liveness_loads_only_registers_read_before_written():
    ins = _decode("start: li r2, 5\nadd r3, r2, r1\npop r4\nsw r3, 0(r4)\n")
    loads, first_write = liveness(ins)
    assert loads == {1, 15}  # r2 is written first; pop reads the stack pointer
    assert first_write == {2: 0, 3: 1, 15: 2, 4: 2}


@pytest.mark.parametrize("mode", minisim.MODES)
def test_a_fault_keeps_exactly_the_writes_before_it(mode):
    # in one block r2 is written before the faulting load and r3 after it: the handler sees r2's
    # new value and r3's old one, in every mode
    # (r3 is set in an earlier block: the faulting block's write-back must not touch it)
    src = (
        "li r3, 7\nla r1, handler\nmtc tvec, r1\n"
        "li r4, 0x20000\nli r2, 5\nlw r1, 0(r4)\nli r3, 9\nhandler: mov r5, r2\nmov r6, r3\n"
    )
    result = run_all(src, (mode,))[mode]
    assert result.stopped is None and result.registers[5] == 5 and result.registers[6] == 7
