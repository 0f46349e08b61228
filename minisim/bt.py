"""Binary translation: guest-kernel blocks rewritten into new code held in a translation cache.

The translator reads a guest block (the same superblock the bare machine would run) and emits a
translated block: innocuous instructions are copied; sensitive and privileged ones are replaced
by a ``vmm`` instruction that hands the original to the VMM, which runs it on the virtual CPU --
*inline* for the cheap ones (cli/sti/pushf/popf/smsw/mfc and device ports: a few instructions on
the virtual flags, or the device model), as a *callout* for the rest (iret, hlt, mtc, lcr3,
invlpg). The guest kernel itself runs deprivileged, so an instruction the translator forgot to
rewrite would misbehave (a raw ``popf`` drops IF) -- equivalence is earned by the translation.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from minisim import isa
from minisim.blocks import Decoded
from minisim.disasm import format_instruction

INLINE = frozenset(("cli", "sti", "pushf", "popf", "smsw", "mfc", "in", "out"))
_WORDS = {
    "cli": "vcpu.IF = 0",
    "sti": "vcpu.IF = 1; deliver a pending interrupt",
    "pushf": "push vcpu.status",
    "popf": "pop -> vcpu.IF (kernel: the virtual flag)",
    "smsw": "{rd} = vcpu.status",
    "mfc": "{rd} = vcpu.{cr}",
    "in": "{rd} = device model: port {imm}",
    "out": "device model: port {imm} = {rs}",
}


def needs_vmm(op: isa.Op) -> bool:
    """Does a guest-kernel instruction have to be rewritten (it is privileged or sensitive)?"""
    return op.privileged or op.sensitive


@functools.cache
def vmm_op(op: isa.Op) -> isa.Op:
    """The translated form of a rewritten instruction: same operands and cycles, executed by the VMM."""
    return dataclasses.replace(op, name="vmm", code=0x100 | op.code, special=True)


def rewrite(ins: list[Decoded]) -> list[Decoded]:
    """Translate one decoded guest block (copy, or hand to the VMM)."""
    return [(vmm_op(op), rd, rs, imm) if needs_vmm(op) else (op, rd, rs, imm) for op, rd, rs, imm in ins]


@dataclass(frozen=True)
class Site:
    """One guest instruction of a translated block and what it became."""

    pc: int
    guest: str  # the guest instruction, disassembled
    kind: str  # "copy", "inline" or "callout"
    translated: str  # the translated code, as text


@dataclass(frozen=True)
class Translation:
    """A translation-cache entry: a guest block (at virtual ``vpc`` in guest frame ``frame``) and its translation."""

    vpc: int
    frame: int
    sites: tuple[Site, ...]

    def counts(self) -> dict[str, int]:
        """How many instructions were copied, rewritten inline, and turned into callouts."""
        out = {"copy": 0, "inline": 0, "callout": 0}
        for s in self.sites:
            out[s.kind] += 1
        return out

    def text(self) -> str:
        """The guest block beside its translation."""
        rows = [
            f"block {self.vpc:#06x} (guest frame {self.frame:#04x}): "
            + ", ".join(f"{n} {k}" for k, n in self.counts().items())
        ]
        rows += [f"  {s.pc:#06x}  {s.guest:<24} {s.kind:<8} {s.translated}" for s in self.sites]
        return "\n".join(rows)


def describe(words: list[int], vpc: int, frame: int, ins: list[Decoded]) -> Translation:
    """The translation record of the guest block ``ins`` whose words start at ``words[0]``."""
    sites = []
    for i, (op, rd, rs, imm) in enumerate(ins):
        guest = format_instruction(words[i], vpc + i)
        if not needs_vmm(op):
            sites.append(Site(vpc + i, guest, "copy", guest))
        elif op.name in INLINE:
            r = isa.REG_NAMES
            cr = isa.CR_NAMES[imm & 3]
            text = _WORDS[op.name].format(rd=r[rd], rs=r[rs], imm=imm, cr=cr)
            sites.append(Site(vpc + i, guest, "inline", text))
        else:
            sites.append(Site(vpc + i, guest, "callout", f"call VMM: emulate '{guest}'"))
    return Translation(vpc, frame, tuple(sites))
