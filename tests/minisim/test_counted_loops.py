"""A loop counted down to zero is compiled with its number of passes worked out at entry
(minisim.jitgen.BlockWriter.counter): it must give the same registers, counts, cycles and stopping
point as the pass-by-pass loop, under any instruction budget."""

from __future__ import annotations

import importlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minisim
from minisim import blocks, equivalence, jit
from minisim.jitgen import BlockWriter
from minisim.reference import run_program

_run = importlib.import_module("minisim.run")  # the module (minisim.run is the function)
_ALU = ["add", "sub", "xor", "or", "and", "mul", "shl", "shr", "sltu"]
_IMM = ["addi", "xori", "ori", "shli", "shri"]
_R = st.sampled_from([f"r{i}" for i in range(2, 9)])  # r1 is the counter


def _line(draw) -> str:
    kind = draw(st.integers(0, 2))
    if kind == 2:  # a stride register (addi x, x, k): versioned on whether it can wrap
        x = draw(_R)
        return f"addi {x}, {x}, {draw(st.sampled_from([1, 7, -1, -5, draw(st.integers(-3000, 3000))]))}"
    if kind == 1:
        return f"{draw(st.sampled_from(_ALU))} {draw(_R)}, {draw(_R)}, {draw(_R)}"
    return f"{draw(st.sampled_from(_IMM))} {draw(_R)}, {draw(_R)}, {draw(st.integers(-3000, 3000))}"


@st.composite
def _loops(draw) -> tuple[str, int]:
    body = [_line(draw) for _ in range(draw(st.integers(0, 6)))]
    body.insert(draw(st.integers(0, len(body))), "addi r1, r1, -1")
    near = st.sampled_from([0, 1, 40, 0xFFFFFFFF, 0xFFFFFFFF - 40, 0xFFFFF000])  # close to a wrap
    seed = [f"li r{i}, {draw(st.one_of(near, st.integers(0, 0xFFFFFFFF)))}" for i in range(2, 9)]
    start = draw(st.sampled_from([0, 1, 2, 3, draw(st.integers(4, 3000))]))
    src = "".join(f"    {ln}\n" for ln in [*seed, f"li r1, {start}"]) + "loop:\n"
    src += "".join(f"    {ln}\n" for ln in body) + "    bne r1, r0, loop\n    PV_SHUTDOWN\n"
    return src, draw(st.integers(1, 20_000))


def _pass_by_pass(monkeypatch) -> None:
    for cache in ("_CODE_CACHE", "_SOURCE_CACHE", "_FUNCTION_CACHE"):
        monkeypatch.setattr(jit, cache, {})
    monkeypatch.setattr(BlockWriter, "counter", lambda self: None)
    _run._native.cache_clear()  # native results are cached by program: run it again


def _native(src: str, budget: int) -> dict:
    _run._native.cache_clear()
    return minisim.run(None, "native", program=src, max_instructions=budget).to_dict()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(_loops())
def test_counted_loops_match_the_pass_by_pass_loop_under_any_budget(monkeypatch, case) -> None:
    src, budget = case
    fast = _native(src, budget)
    with monkeypatch.context() as mp:
        _pass_by_pass(mp)
        slow = _native(src, budget)
    assert fast == slow


def test_counted_loops_agree_with_the_reference() -> None:
    src = "    li r1, 700\n    li r2, 3\nloop:\n    mul r2, r2, r2\n    addi r1, r1, -1\n    addi r3, r3, 5\n"
    src += "    bne r0, r1, loop\n    PV_SHUTDOWN\n"
    ref, state = run_program(src)
    for mode in minisim.MODES:
        r = minisim.run(None, mode, program=src)
        assert equivalence.first_difference(state, r.state, mode) is None, mode
    assert ref.R[1] == 0 and ref.R[3] == 3500


def test_only_the_counted_pattern_is_compiled_counted() -> None:
    def source(src: str) -> str:
        img = minisim.assemble(src)
        mem = [img.words.get(a, 0) for a in range(0x100)]
        at = img.symbols["loop"]
        return jit.block_source(blocks.decode_block(mem, at), at)

    counted = "    li r1, 9\nloop:\n    addi r2, r2, 3\n    addi r1, r1, -1\n    bne r1, r0, loop\n    PV_SHUTDOWN\n"
    assert "passes" in source(counted)
    reads_counter = counted.replace("addi r2, r2, 3", "add r2, r2, r1")
    by_two = counted.replace("addi r1, r1, -1", "addi r1, r1, -2")
    with_memory = counted.replace("addi r2, r2, 3", "lw r2, 0x400(r0)")
    for src in (reads_counter, by_two, with_memory):
        assert "passes" not in source(src)


def test_a_stride_that_wraps_takes_the_checked_version() -> None:
    src = "    li r1, 50\n    li r3, 0xFFFFFFD2\nloop:\n    addi r3, r3, 1\n    addi r1, r1, -1\n    bne r1, r0, loop\n"
    ref, state = run_program(src + "    PV_SHUTDOWN\n")
    r = minisim.run(None, "native", program=src + "    PV_SHUTDOWN\n")
    assert r.registers[3] == ref.R[3] == 4 and equivalence.first_difference(state, r.state, "native") is None


def test_the_cpu_workload_loop_is_counted() -> None:
    r = _run._execute("cpu", "native", "modern", 1, None, 0, None)
    at = r.image.symbols["cpu_loop"]
    assert "passes" in jit.block_source(blocks.decode_block(r.m.M, at), at)
