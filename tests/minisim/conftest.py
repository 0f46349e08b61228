"""Helpers for the minisim tests."""

from __future__ import annotations

import minisim

HALT = "    PV_SHUTDOWN\n"


def run_all(src: str, modes=minisim.MODES) -> dict[str, minisim.Result]:
    """Run one bare-metal program under every mode."""
    return {m: minisim.run(None, m, program=src + HALT) for m in modes}


# The review's smc_twice.s: run a block, patch it, run it again (r6 = 1 + 7 = 8 architecturally).
SMC_TWICE = """
    li r6, 0
    call target
    add r6, r6, r5
    la r1, target
    li r2, 0x0E500007           ; "addi r5, r0, 7"
    sw r2, 0(r1)
    call target
    add r6, r6, r5
    PV_SHUTDOWN
target:
    addi r5, r0, 1
    ret
"""
