"""A page-walk cache for the two-dimensional walk, modelled beside hw-ept's uncached one.

Bhargava et al. (AMD, ASPLOS 2008, "Accelerating two-dimensional page walks for virtualized
systems") cut the cost of nested paging by caching what a 2D walk reads: intermediate entries of
the walk, and a *nested TLB* of guest-physical -> host-physical translations. This model keeps
three small LRU caches, in that spirit (the sizes are this model's choice, not the paper's):

- a **nested TLB** (``ntlb``): guest-physical frame -> host frame; a hit translates a guest-physical
  address with no nested reference (2 otherwise);
- a **nested directory cache** (``nested_dir``): the hypervisor's EPT directory entries; on a nested
  TLB miss it leaves one nested reference (the EPT table entry) instead of two;
- a **guest directory cache** (``guest_dir``): the guest's directory entries (the non-leaf level);
  a hit skips both reading the entry and translating its address. Like the paging-structure
  caches of x86, it is flushed when the guest switches address space (another CR3). The leaf
  entry is never cached here: that is the TLB's job.

The model only counts: hw-ept's walks and its priced cycles are those of the uncached walk, and
:func:`measure` replays the same walks a run made through the caches, level by level, over the
workload's measured phase (not the boot).
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from dataclasses import dataclass, field

LEVELS = ("directory", "table", "page")  # what a guest-physical address of one walk points at
SIZES = {"ntlb": 16, "nested_dir": 8, "guest_dir": 16}  # entries per cache (this model's choice)


class _Lru:
    """A least-recently-used set of keys with a fixed number of entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.keys: OrderedDict[int, None] = OrderedDict()

    def hit(self, key: int) -> bool:
        """Whether ``key`` is cached (refreshing it); a miss inserts it, evicting the oldest."""
        if key in self.keys:
            self.keys.move_to_end(key)
            return True
        self.keys[key] = None
        if len(self.keys) > self.size:
            self.keys.popitem(last=False)
        return False


def _zero() -> dict[str, dict[str, int]]:
    return {level: {"guest": 0, "nested": 0} for level in LEVELS}


@dataclass
class WalkCache:
    """The caches and the references counted with and without them, per level and dimension."""

    sizes: dict[str, int] = field(default_factory=lambda: dict(SIZES))
    misses: int = 0
    without: dict[str, dict[str, int]] = field(default_factory=_zero)
    cached: dict[str, dict[str, int]] = field(default_factory=_zero)

    def __post_init__(self) -> None:
        self.ntlb = _Lru(self.sizes["ntlb"])
        self.nested_dir = _Lru(self.sizes["nested_dir"])
        self.guest_dir = _Lru(self.sizes["guest_dir"])
        self.space = -1  # the guest address space (CR3) of the last walk

    def _nested(self, gpa: int) -> int:
        """Nested references to translate ``gpa`` with the caches (0, 1 or 2)."""
        gfn = (gpa >> 8) & 0xFF
        if self.ntlb.hit(gfn):
            return 0
        return 1 if self.nested_dir.hit(gfn >> 4) else 2

    def walk(self, cr3: int, gpas: tuple, count: bool = True) -> None:
        """One TLB miss's walk: ``gpas`` are the guest-physical addresses it read, in order (the
        directory entry's, the table entry's, the page's; shorter when an entry was not present).
        ``count`` false warms the caches without counting (the boot)."""
        if cr3 != self.space:  # a new address space: the guest's paging-structure cache is flushed
            self.space = cr3
            self.guest_dir = _Lru(self.sizes["guest_dir"])
        w, c = self.without, self.cached
        if count:
            self.misses += 1
        for level, gpa in zip(LEVELS, gpas, strict=False):
            guest = 1 if level != "page" else 0  # the page itself is translated, not read as an entry
            if level == "directory" and self.guest_dir.hit(gpa):
                nested, guest_cached = 0, 0  # the entry is cached: neither translated nor read
            else:
                nested, guest_cached = self._nested(gpa), guest
            if count:
                w[level]["nested"] += 2
                w[level]["guest"] += guest
                c[level]["nested"] += nested
                c[level]["guest"] += guest_cached

    def skipped(self, cr3: int, gpas: tuple) -> set[int]:
        """Which of one complete walk's 8 references (numbered 1-8 in the order the hardware reads them:
        two nested and one guest reference per guest level, then two nested for the page) the caches
        as they are now would save. Looks only: the caches are not changed."""
        out: set[int] = set()
        for i, gpa in enumerate(gpas):
            first = 3 * i + 1  # the first nested reference translating this address
            if i == 0 and cr3 == self.space and gpa in self.guest_dir.keys:
                out |= {1, 2, 3}  # the guest directory entry itself is cached
                continue
            gfn = (gpa >> 8) & 0xFF
            if gfn in self.ntlb.keys:
                out |= {first, first + 1}
            elif gfn >> 4 in self.nested_dir.keys:
                out.add(first)
        return out

    @staticmethod
    def total(counts: dict[str, dict[str, int]]) -> int:
        """All references in ``counts``."""
        return sum(n for level in counts.values() for n in level.values())

    def per_miss(self, cached: bool) -> float:
        """References per TLB miss, with the caches or without."""
        return round(self.total(self.cached if cached else self.without) / self.misses, 2) if self.misses else 0.0

    def to_dict(self) -> dict:
        """JSON-able view."""
        return {
            "sizes": self.sizes,
            "misses": self.misses,
            "without_cache": self.without,
            "with_cache": self.cached,
            "per_miss_without": self.per_miss(False),
            "per_miss_with": self.per_miss(True),
        }


def watched_vmm(profile: str, sizes: dict[str, int] | None = None) -> tuple:
    """A fresh hw-ept VMM for ``profile`` with a :class:`WalkCache` watching its walks: (vmm, cache)."""
    from minisim import pricing, profiles
    from minisim import vmm as vmms

    vmm = vmms.make("hw-ept", pricing.symbolic(profiles.get(profile)))
    vmm.walk_cache = cache = WalkCache(dict(sizes or SIZES))
    return vmm, cache


def measure(workload: str = "tlb", profile: str = "p4-2005", sizes: dict[str, int] | None = None) -> WalkCache:
    """Run ``workload`` under hw-ept with the cache model watching its walks; the counts cover the
    workload's measured phase. Refs without the cache equal the run's own ``page_walk_refs``."""
    run = sys.modules["minisim.run"]
    run._check(workload, "hw-ept", profile, 1, None)
    vmm, cache = watched_vmm(profile, sizes)
    run._execute(workload, "hw-ept", profile, 1, None, 0, None, vmm=vmm)
    return cache


def text(c: WalkCache, workload: str = "tlb") -> str:
    """Per level and dimension: references without and with the caches, and per miss."""
    out = [
        f"page-walk cache model (after Bhargava et al. 2008) on {workload} under hw-ept, {c.misses:,} TLB misses "
        f"of the workload's phase; caches: nested TLB {c.sizes['ntlb']}, nested directory {c.sizes['nested_dir']}, "
        f"guest directory {c.sizes['guest_dir']} entries (LRU)",
        f"  {'level':<10} {'guest refs':>22} {'nested refs':>22}",
        f"  {'':<10} {'without / with':>22} {'without / with':>22}",
    ]
    for level in LEVELS:
        w, k = c.without[level], c.cached[level]
        guest = f"{w['guest']:,} / {k['guest']:,}"
        nested = f"{w['nested']:,} / {k['nested']:,}"
        out.append(f"  {level:<10} {guest:>22} {nested:>22}")
    out.append(
        f"  references per TLB miss: {c.per_miss(False)} without the cache, {c.per_miss(True)} with it "
        "(the run's cycles are priced without it)"
    )
    return "\n".join(out)
