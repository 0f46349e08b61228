"""minisim: one small machine, one guest, every virtualization mode -- counted and costed.

A deliberately not-classically-virtualizable ISA (``isa``), its assembler (``asm``), a machine with
an MMU, TLB, timer and devices (``machine``), a guest kernel in assembly built with or without
paravirtualization (``guest/``), and one VMM per mode (``vmm/``) charging costs from named CPU
profiles (``profiles``). Never imports studyvm, textual or sqlmodel.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

# Loaded on first use (PEP 562): listing the names must not load the machine.
_WHERE = {
    "AsmError": "minisim.asm",
    "Image": "minisim.asm",
    "PROFILES": "minisim.profiles",
    "WORKLOADS": "minisim.names",
    "MODES": "minisim.names",
    **dict.fromkeys(
        (
            "Comparison",
            "Event",
            "Result",
            "assemble",
            "compare",
            "disassemble",
            "kernel_diff",
            "kernel_source",
            "run",
            "translations",
        ),
        "minisim.run",
    ),
    **dict.fromkeys(("SCENARIOS", "Scenario", "ScenarioOutcome", "run_scenario"), "minisim.scenarios"),
}

if TYPE_CHECKING:
    from minisim.asm import AsmError, Image
    from minisim.names import MODES, WORKLOADS
    from minisim.profiles import PROFILES
    from minisim.run import (
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


def __getattr__(name: str) -> Any:
    """The public names, each imported from its module the first time it is asked for."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'minisim' has no attribute {name!r}")
    value = getattr(import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


class _Package(ModuleType):
    """``minisim.run`` is the function: importing the submodule of the same name must not replace it
    (the import system sets the package attribute once the submodule is loaded)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "run" and isinstance(value, ModuleType):
            value = value.run
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "WORKLOADS",
    "MODES",
    "PROFILES",
    "SCENARIOS",
    "Result",
    "Comparison",
    "Event",
    "AsmError",
    "Image",
    "Scenario",
    "ScenarioOutcome",
    "run",
    "compare",
    "run_scenario",
    "kernel_source",
    "kernel_diff",
    "assemble",
    "disassemble",
    "translations",
]
