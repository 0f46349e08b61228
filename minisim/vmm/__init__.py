"""One module per mode; ``make(mode, profile)`` builds the VMM strategy the machine runs under."""

from __future__ import annotations

from minisim.names import MODES
from minisim.vmm.full import BinaryTranslation
from minisim.vmm.hw import HardwareAssist, Hybrid, NestedPaging
from minisim.vmm.native import Native
from minisim.vmm.para import Paravirt
from minisim.vmm.trap_emulate import TrapEmulate

BY_MODE = {
    cls.name: cls for cls in (Native, TrapEmulate, BinaryTranslation, Paravirt, HardwareAssist, NestedPaging, Hybrid)
}


def make(mode: str, profile):
    """The VMM for ``mode`` with costs from ``profile``."""
    try:
        return BY_MODE[mode](profile)
    except KeyError:
        raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}") from None
