"""What :class:`minisim.machine.Machine` provides to its mixins, declared for the type checker.

``Machine`` is assembled from two mixins, :class:`minisim.mmu.MMU` (TLB, write protection, the
slow paths of compiled blocks) and :class:`minisim.ops.SystemOps` (the system instructions). Each
mixin works on state that ``Machine.__init__`` creates and calls methods the other half defines.
:class:`MachineDecl` states those attributes and methods with their types, once.

It is a base class of the mixins *only for the type checker*: at run time each mixin derives from
``object`` and this module is not even imported, so nothing here costs anything on the hot paths
(slot access, the method lookups of compiled blocks) -- and ``Machine``'s ``__slots__`` stay the
only storage. mypy, in turn, checks every mixin method against these declarations, and checks
``Machine``'s ``__init__`` and methods against them as overrides, so the three cannot drift apart.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from minisim.devices import Devices
    from minisim.machine import Machine
    from minisim.vmm.native import Native

#: A compiled block (``minisim.jit``): runs on the machine, returns the next virtual pc.
Block = Callable[["Machine"], int]
#: Virtual page -> frame base: one of the four TLB views (kernel/user x read/write).
TlbView = dict[int, int]
#: Virtual pc -> block (a dispatch cache) or (frame base << 18 | vpc) -> block (a block cache).
BlockCache = dict[int, Block]
#: What a mode switch loads: read view, write view, block cache, dispatch cache.
ModeView = tuple[TlbView, TlbView, BlockCache, BlockCache]


class MachineDecl:
    """The machine's state and the cross-mixin methods, as the mixins see them."""

    # CPU and memory
    M: list[int]
    R: list[int]
    status: int
    tvec: int
    ksp: int
    cr3: int
    ic: int
    cy: int
    fidx: int  # index in the running block of the instruction that faulted (see minisim.jit)
    timer_interval: int
    timer_next: int
    irq_pending: bool
    next_check: int
    halted: bool
    exit_code: int
    dev: Devices
    vmm: Native
    # the TLB and its views
    tlb_entries: int
    tlb: dict[int, tuple[int, int]]  # vpn -> (frame, flags)
    fifo: deque[int]
    kr: TlbView
    kw: TlbView
    ur: TlbView
    uw: TlbView
    tlb_dicts: tuple[TlbView, TlbView, TlbView, TlbView]
    rt: TlbView
    wt: TlbView
    views: tuple[ModeView, ModeView]
    # compiled code
    caches: tuple[BlockCache, BlockCache]
    cache: BlockCache
    vcaches: tuple[BlockCache, BlockCache]
    vc: BlockCache
    vc_local: set[int]
    code_vpns: set[int]
    code_keys: dict[int, list[tuple[int, int]]]  # frame -> (mode, cache key) of blocks compiled from it
    protected: set[int]
    # accounting: an event's count, or a dict of counts by reason (see Machine.event)
    events: dict[str, Any]
    mark: tuple[Any, ...] | None
    misses: int
    refs: int
    fast_misses: int
    walk_refs: list[int]
    full_walk_refs: int
    # what the VMM wants to hear about (see Machine.__init__)
    miss_hook: bool
    nested_hook: bool
    privileged_hook: bool
    returned_hook: bool
    syscall_hook: bool
    depriv: bool
    emulating: bool

    # Machine's own methods the mixins call
    @abstractmethod
    def event(self, kind: str, cost: int = 0, reason: str | None = None, pc: int | None = None, note: str = "") -> None:
        """Count one event and charge its cycles (Machine.event)."""

    @abstractmethod
    def diverge(self, what: str, pc: int, changes_state: bool = False) -> None:
        """Record a sensitive instruction behaving differently from the bare machine (Machine.diverge)."""

    @abstractmethod
    def set_status(self, status: int) -> None:
        """Load STATUS, switching the translation dicts to the new mode (Machine.set_status)."""

    @abstractmethod
    def enter(self, cause: int, addr: int, ret_pc: int) -> int:
        """Hardware trap entry; returns the trap vector (Machine.enter)."""

    # MMU's methods SystemOps calls
    @abstractmethod
    def tlb_flush(self, keep_global: bool = False) -> None:
        """Drop TLB entries, all or all but global pages (MMU.tlb_flush)."""

    @abstractmethod
    def tlb_drop(self, vpn: int) -> None:
        """Drop one TLB entry (MMU.tlb_drop)."""

    @abstractmethod
    def read_virt(self, va: int, pc: int) -> int:
        """Kernel-side read through the MMU (MMU.read_virt)."""

    @abstractmethod
    def write_virt(self, va: int, val: int, pc: int) -> None:
        """Kernel-side write through the MMU (MMU.write_virt)."""
