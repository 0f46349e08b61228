"""The names a front end lists without loading the machine: workloads and virtualization modes."""

from __future__ import annotations

WORKLOADS = ("cpu", "syscall", "fork", "exec", "pagefault", "ctxswitch", "io", "tlb", "popf", "mixed")
"""Guest workloads, as ``run()`` takes them."""
MODES = ("native", "trap-emulate", "full", "para", "hw", "hw-ept", "hybrid")
"""Virtualization modes, one VMM module each (``minisim.vmm``)."""
