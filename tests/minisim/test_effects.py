"""The ISA table's declared effects (``Op.reads`` / ``Op.writes``) are the truth: the reference
interpreter changes nothing an instruction does not declare it writes, and its results depend on
nothing it does not declare it reads. The block compiler and every VMM are checked against the
reference interpreter (test_reference.py), so they are held to the same declarations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from minisim import isa
from minisim.reference import Reference, _Fault, _Stop

PC = 0x0100
TVEC, KSP = 0x0800, 0xC000


def _machine(word: int, regs: list[int], if_on: bool) -> Reference:
    ref = Reference({PC: word})
    ref.R = [0, *regs]
    ref.status = isa.KMODE | (isa.IF if if_on else 0)
    ref.tvec, ref.ksp, ref.pc = TVEC, KSP, PC
    return ref


def _snapshot(ref: Reference) -> dict:
    return {
        "R": list(ref.R),
        "M": list(ref.M),
        "status": ref.status,
        "cr": (ref.tvec, ref.ksp, ref.cr3),
        "port": (dict(ref.blk), list(ref.console), ref.timer),
        "pc": ref.pc,
    }


def _step(ref: Reference) -> bool:
    """One instruction; ``False`` when it faulted or stopped (the trap path is the ISA's, not the op's)."""
    try:
        ref.step()
    except (_Fault, _Stop):
        return False
    return not ref.halted or ref.stopped is None


def _registers(names: tuple[str, ...], rd: int, rs: int, imm: int) -> set[int]:
    """The register numbers that effect names stand for in one decoded instruction."""
    by_name = {"rd": rd, "rs": rs, "rt": imm & 15, "sp": 15, "trap": 15}
    return {by_name[n] for n in names if n in by_name} - {0}


words = st.builds(
    isa.encode,
    st.sampled_from(isa.OPS),
    st.integers(0, 15),
    st.integers(0, 15),
    st.integers(0, 0xFFFF),
)
register_files = st.lists(st.integers(0, isa.MASK), min_size=15, max_size=15).map(
    lambda r: [*r[:14], 0x8000 + (r[14] & 0x3FFF)]  # sp somewhere in memory, room for a frame
)


def test_every_effect_name_is_known() -> None:
    for op in isa.OPS:
        assert set(op.reads) | set(op.writes) <= set(isa.EFFECT_NAMES), op.name
        assert op.writes or op.name == "nop", f"{op.name} declares no effect"


@settings(max_examples=400, deadline=None)
@given(words, register_files, st.booleans())
def test_an_instruction_writes_only_what_it_declares(word: int, regs: list[int], if_on: bool) -> None:
    op, rd, rs, imm = isa.decode(word)
    ref = _machine(word, regs, if_on)
    before = _snapshot(ref)
    if not _step(ref):
        return
    after = _snapshot(ref)
    writes = set(op.writes)
    changed = {i for i in range(16) if before["R"][i] != after["R"][i]}
    assert changed <= _registers(op.writes, rd, rs, imm), f"{op.name} wrote r{sorted(changed)}"
    if before["M"] != after["M"]:
        assert writes & {"mem", "trap"}, f"{op.name} wrote memory"
    if before["status"] != after["status"]:
        assert writes & {"status", "cr", "trap"}, f"{op.name} wrote STATUS"
    if before["cr"] != after["cr"]:
        assert "cr" in writes, f"{op.name} wrote a control register"
    if before["port"] != after["port"]:
        assert "port" in writes, f"{op.name} changed a device"
    if after["pc"] != PC + 1:
        assert writes & {"pc", "trap"}, f"{op.name} jumped"


@settings(max_examples=400, deadline=None)
@given(words, register_files, register_files, st.booleans())
def test_an_instruction_depends_only_on_what_it_declares(
    word: int, regs: list[int], other: list[int], if_on: bool
) -> None:
    op, rd, rs, imm = isa.decode(word)
    kept = _registers(op.reads, rd, rs, imm)
    mixed = [regs[i - 1] if i in kept else other[i - 1] for i in range(1, 16)]
    first, second = _machine(word, regs, if_on), _machine(word, mixed, if_on)
    if not (_step(first) and _step(second)):
        return
    a, b = _snapshot(first), _snapshot(second)
    for i in _registers(op.writes, rd, rs, imm):
        assert a["R"][i] == b["R"][i], f"{op.name}: r{i} depends on an undeclared register"
    for key in ("M", "status", "cr", "port", "pc"):
        assert a[key] == b[key], f"{op.name}: {key} depends on an undeclared register"


def test_a_wrong_declaration_is_caught() -> None:
    """The property is not vacuous: ``add`` declared as writing nothing fails it."""
    word = isa.encode(isa.BY_NAME["add"], 3, 1, 2)
    ref = _machine(word, [5, 7, *[0] * 13], True)
    before = list(ref.R)
    assert _step(ref)
    changed = {i for i in range(16) if before[i] != ref.R[i]}
    assert changed == {3} and not changed <= _registers((), 3, 1, 2)
