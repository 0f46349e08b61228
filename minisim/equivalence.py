"""Equivalence with native: the final state a run leaves, and the first way it differs.

Popek and Goldberg's equivalence property asks that a program under the VMM behave as it does on
the bare machine. Here "behave" is the state it ends in: the console and exit code, the final
STATUS, every register (sp and k0 included) and all of physical memory, plus any divergence the
machine itself recorded (a sensitive instruction that read or changed state differently). What
cannot be compared is left out, and only that:

* a run of the PARAVIRT build executes a different kernel from native's: its registers and memory
  are not comparable (different code, stacks and pv queues); its console, exit code, STATUS (but
  IF: its interrupt flag is the shared event mask) and divergences are. A bare program is
  assembled with every pv-ops macro padded to the same length in both builds
  (``asm.assemble_balanced``), so its memory is compared except for the macros' own words and the
  shared-info page the hypervisor owns, and its registers except k0, the macros' scratch register;
* a platform that offers the paravirtual block ring (``hybrid``) leaves the ring page, its
  page-table entry's accessed/dirty bits and the kernel's probe result different by design.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from minisim import abi, asm, isa

_SHARED = frozenset(abi.SHARED.values())
_RING = range(abi.LAYOUT["RING"], abi.LAYOUT["RING"] + isa.PAGE_WORDS)
_RING_PTE = abi.LAYOUT["KTAB"] + (abi.LAYOUT["RING"] >> 8)
_K0 = isa.REGISTERS["k0"]


@dataclass(frozen=True)
class State:
    """What one run left behind, as equivalence compares it."""

    console: str
    exit_code: int
    stopped: str | None
    divergence: str | None
    status: int
    registers: tuple
    memory: array
    image: asm.Image
    pv_build: bool
    pv_blk: bool
    program: bool

    @classmethod
    def of(cls, m, image: asm.Image, pv_build: bool, pv_blk: bool, *, program: bool) -> State:
        """Snapshot a finished machine."""
        return cls(
            console="".join(m.dev.console),
            exit_code=m.exit_code,
            stopped=m.stopped,
            divergence=m.divergence,
            status=m.status,
            registers=tuple(m.R),
            memory=array("I", m.M[: isa.MEM_WORDS]),
            image=image,
            pv_build=pv_build,
            pv_blk=pv_blk,
            program=program,
        )


def _ignored(base: State, mine: State) -> set[int] | None:
    """Physical addresses left out of the memory comparison (None: memory is not comparable)."""
    out: set[int] = set()
    if base.pv_build != mine.pv_build:
        if not base.program:
            return None
        a, b = base.image.words, mine.image.words
        out |= {addr for addr in a.keys() | b.keys() if a.get(addr) != b.get(addr)}
        out |= _SHARED
    if base.pv_blk != mine.pv_blk:
        out.update(_RING)
        out.add(_RING_PTE)  # the identity map's entry for the ring page: its accessed/dirty bits
        for img in (base.image, mine.image):
            if "BLK_PV" in img.symbols:
                out.add(img.symbols["BLK_PV"])
    return out


def _status_bits(base: State, mine: State) -> int:
    """STATUS bits compared: all, except IF for a PARAVIRT build, whose interrupt flag is the shared
    event mask (the hardware IF it leaves is not the guest's)."""
    return ~0 if base.pv_build == mine.pv_build else ~isa.IF


def _registers(base: State, mine: State) -> range | tuple:
    """Register numbers compared."""
    if base.pv_build == mine.pv_build:
        return range(16)
    if not base.program:
        return ()
    return tuple(i for i in range(16) if i != _K0)


def _first_memory_difference(base: State, mine: State, ignored: set[int]) -> int | None:
    a, b = base.memory, mine.memory
    if not ignored:
        if a == b:
            return None
    else:
        a, b = array("I", a), array("I", b)
        for addr in ignored:
            if addr < len(a):
                a[addr] = b[addr]
        if a == b:
            return None
    return next(i for i in range(len(a)) if a[i] != b[i])


def _name(reg: int) -> str:
    return {15: "sp", 13: "k0"}.get(reg, f"r{reg}")


def first_difference(base: State, mine: State, mode: str) -> str | None:
    """None if ``mine`` is equivalent to the native ``base``; otherwise the recorded divergence
    (if any) and the first difference: what, where, the native value and this mode's value."""
    if mine.stopped:
        return f"stopped: {mine.stopped}"
    found = None
    if mine.console != base.console:
        i = next(
            (k for k, (x, y) in enumerate(zip(base.console, mine.console, strict=False)) if x != y),
            min(len(base.console), len(mine.console)),
        )
        found = (
            f"console differs at character {i}: native {base.console[i : i + 12]!r} vs "
            f"{mode} {mine.console[i : i + 12]!r}"
        )
    elif mine.exit_code != base.exit_code:
        found = f"exit code: native {base.exit_code} vs {mode} {mine.exit_code}"
    elif (mine.status ^ base.status) & _status_bits(base, mine):
        found = f"final status: native {base.status:#x} vs {mode} {mine.status:#x}"
    else:
        reg = next((i for i in _registers(base, mine) if base.registers[i] != mine.registers[i]), None)
        if reg is not None:
            found = f"register {_name(reg)}: native {base.registers[reg]:#x} vs {mode} {mine.registers[reg]:#x}"
        else:
            ignored = _ignored(base, mine)
            addr = None if ignored is None else _first_memory_difference(base, mine, ignored)
            if addr is not None:
                found = f"memory at {addr:#06x}: native {base.memory[addr]:#x} vs {mode} {mine.memory[addr]:#x}"
    parts = [p for p in (mine.divergence if mine.divergence != base.divergence else None, found) if p]
    return "; ".join(parts) or None
