"""Names for addresses: a guest pc as ``label+offset`` from the guest's own assembly.

Kernel code runs at its physical address (the boot loader's identity map); user code is the
image's USER_CODE frames mapped at USER_VBASE. Only code labels name a pc: the ABI's constants
(upper case) and the labels pv-ops macros generate are left out.
"""

from __future__ import annotations

import bisect
import re
import sys

from minisim import abi

_MACRO_LOCAL = re.compile(r"^pv_\w+_\d+$")
_L = abi.LAYOUT


class Symbols:
    """Look up the code label at or before an address."""

    def __init__(self, symbols: dict[str, int], words: dict[int, int], user: bool) -> None:
        pairs = sorted(
            (a, n)
            for n, a in symbols.items()
            if a in words and not n.isupper() and not _MACRO_LOCAL.match(n) and not n.startswith("_")
        )
        self.addrs = [a for a, _ in pairs]
        self.names = [n for _, n in pairs]
        self.user = user  # workload images: user code is mapped at USER_VBASE

    def physical(self, pc: int) -> int:
        """Where the instruction at virtual ``pc`` sits in the image."""
        if self.user and pc >= _L["USER_VBASE"]:
            return _L["USER_CODE"] + pc - _L["USER_VBASE"]
        return pc

    def name(self, pc: int | None) -> str:
        """``label+offset`` for ``pc`` ("" when no label precedes it, "-" for no pc)."""
        if pc is None:
            return "-"
        a = self.physical(pc)
        i = bisect.bisect_right(self.addrs, a) - 1
        if i < 0:
            return ""
        off = a - self.addrs[i]
        return self.names[i] + (f"+{off}" if off else "")


def of(workload: str | None, mode: str, *, program: str | None = None, kernel: str | None = None) -> Symbols:
    """The symbols of the image ``workload`` (or ``program``) boots under ``mode`` (its kernel build)."""
    from minisim import vmm as vmms

    run = sys.modules["minisim.run"]
    pv = vmms.BY_MODE[mode].uses_pv_kernel if kernel is None else kernel == "paravirt"
    image = run._image(None if program is not None else workload, program, frozenset(run._defines(pv)))
    return Symbols(image.symbols, image.words, user=program is None)
