"""Helpers for the minisim tests."""

from __future__ import annotations

import minisim

HALT = "    PV_SHUTDOWN\n"


def run_all(src: str, modes=minisim.MODES) -> dict[str, minisim.Result]:
    """Run one bare-metal program under every mode."""
    return {m: minisim.run(None, m, program=src + HALT) for m in modes}
