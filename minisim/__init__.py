"""minisim: one small machine, one guest, every virtualization mode -- counted and costed.

A deliberately not-classically-virtualizable ISA (``isa``), its assembler (``asm``), a machine with
an MMU, TLB, timer and devices (``machine``), a guest kernel in assembly built with or without
paravirtualization (``guest/``), and one VMM per mode (``vmm/``) charging costs from named CPU
profiles (``profiles``). Never imports studyvm, textual or sqlmodel.
"""

from __future__ import annotations

from minisim.asm import AsmError, Image
from minisim.profiles import PROFILES
from minisim.run import (
    MODES,
    WORKLOADS,
    Comparison,
    Event,
    Result,
    assemble,
    compare,
    disassemble,
    kernel_diff,
    kernel_source,
    run,
    translations,
)
from minisim.scenarios import SCENARIOS, Scenario, ScenarioOutcome, run_scenario

__all__ = ["WORKLOADS", "MODES", "PROFILES", "SCENARIOS", "Result", "Comparison", "Event", "AsmError", "Image",
           "Scenario", "ScenarioOutcome", "run", "compare", "run_scenario", "kernel_source", "kernel_diff", "assemble",
           "disassemble", "translations"]
