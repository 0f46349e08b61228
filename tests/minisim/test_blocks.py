"""Superblock decoding and chaining: longer blocks, the same machine.

Modes that charge nothing per translated block decode through direct jumps, calls, returns to
a followed call, and cli/sti/pushf. Binary translation does not (it charges each block it
translates), so comparing it with the chained modes checks that chaining changes nothing a
guest or a result can see -- down to the instruction at which each interrupt arrives.
"""

from __future__ import annotations

import pytest
from conftest import run_all

import minisim
from minisim import isa
from minisim.blocks import decode_block, liveness


def _memory(src: str) -> list[int]:
    mem = [0] * isa.MEM_WORDS
    for a, w in minisim.assemble(src).words.items():
        mem[a] = w
    return mem


CALLS = "start: li r1, 1\ncall f\naddi r1, r1, 10\njmp done\nf: addi r1, r1, 100\nret\ndone: hlt\n"


def _names(ins) -> list[str]:
    return [op.name for op, *_ in ins]


def test_unchained_block_stops_at_the_call():
    mem = _memory(CALLS)
    entry = minisim.assemble(CALLS).symbols["start"]
    ins, cont = decode_block(mem, entry)
    assert _names(ins)[-1] == "call" and cont is None


def test_chained_block_follows_call_return_and_jump():
    mem = _memory(CALLS)
    entry = minisim.assemble(CALLS).symbols["start"]
    ins, cont = decode_block(mem, entry, chain=True)
    names = _names(ins)
    assert names[names.index("call") + 1:names.index("call") + 3] == ["addi", "ret"]
    assert names[-1] == "hlt" and cont is None
    offsets = [off for *_, off in ins]
    assert len(set(offsets)) == len(offsets)  # no instruction decoded twice


def test_chained_decoding_stops_at_code_it_already_holds():
    src = "start: nop\nback: addi r1, r1, 1\njmp back\n"
    entry = minisim.assemble(src).symbols["start"]
    ins, cont = decode_block(_memory(src), entry, chain=True)
    assert _names(ins) == ["nop", "addi", "jmp"] and cont is None


def test_liveness_loads_only_registers_read_before_written():
    src = "start: li r2, 5\nadd r3, r2, r1\npop r4\n"
    ins, _ = decode_block(_memory(src), minisim.assemble(src).symbols["start"])
    loads, first_write = liveness(ins)
    assert loads == {1, 15}
    assert first_write[2] == 0 and first_write[3] == 1 and first_write[4] == 2


@pytest.mark.parametrize("mode", minisim.MODES)
def test_return_to_a_changed_address_leaves_the_chain(mode):
    # the callee replaces its return address: a chained ret must notice and go there instead
    src = ("li r1, 0\ncall f\nli r1, 1\njmp done\nf: pop r2\nla r3, other\npush r3\nret\n"
           "other: li r1, 2\ndone: nop\n")
    result = run_all(src, (mode,))[mode]
    assert result.stopped is None and result.registers[1] == 2


@pytest.mark.parametrize("workload", ["mixed", "popf", "ctxswitch"])
def test_interrupts_arrive_at_the_same_instruction_chained_or_not(workload):
    def interrupts(mode):
        run = minisim.run(workload, mode, trace_limit=100_000)
        return [e.instructions for e in run.trace if e.kind == "interrupt"]

    native = interrupts("native")
    assert native and native == interrupts("full") == interrupts("hw")
