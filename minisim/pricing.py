"""Every charge re-priceable from its event counts: the ledger, re-pricing and the crossover search.

A run charges cycles as profile prices times events (minisim/profiles.py): ``vmexit`` per VM exit,
``exit_work.io`` per I/O exit, ``mmu_validate`` per page-table update in a batch, and so on. The
counts never depend on the prices, so the cycles of a run are its guest instructions' own cycles
plus a sum of (count x price). During a run the VMM sees a *symbolic* profile whose figures are
:class:`Price` objects -- integers that remember which price they are; arithmetic on them (``vmexit
+ exit_work.io``, ``mmu_validate * n``) keeps the names, and ``Machine.event`` records, per event
kind and reason, how many times each named price was charged. ``reprice()`` then recomputes a result's
cycles, cycles by event and overhead under other prices without running the guest again.

Three charges are not events, and are counted instead: each page-walk memory reference
(``walk_ref``), each sector the disk transfers (``blk_sector``) and each indirect branch leaving a
translated block (``bt_indirect``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from minisim import profiles

CHARGES = "charges"  # the key of the ledger inside Machine.events
EVENTS = "#"  # the ledger line counting the events themselves, not a price
# event kind counted (not charged through Machine.event) -> the price each one costs
COUNTED = {"page_walk_refs": "walk_ref", "blk_sectors": "blk_sector", "bt_indirect": "bt_indirect"}
# ... and the event kind its cycles are reported under
COUNTED_AS = {"page_walk_refs": "tlb_miss", "blk_sectors": "blk_sectors", "bt_indirect": "bt_indirect"}
MAX_PRICE = 10_000_000  # a price above this many cycles is refused (a typo, not a machine)


class PricingError(ValueError):
    """A price name or value that cannot be used: the message says why and what would be accepted."""


class Price(int):
    """An integer number of cycles that remembers which profile prices it is made of.

    ``terms`` maps a price name to how many times it is included. Adding two prices, or a price and
    a plain integer, and multiplying by an integer keep the terms; anything else is a plain int.
    (There is no reflected addition on purpose: ``cycles += price`` must leave a plain int behind.)
    """

    terms: dict[str, int]

    def __new__(cls, value: int, terms: dict[str, int]) -> Price:
        """A price worth ``value`` cycles, made of ``terms``."""
        p = super().__new__(cls, value)
        p.terms = terms
        return p

    def __add__(self, other):
        """Price + price or price + int: the terms add up."""
        if isinstance(other, Price):
            terms = dict(self.terms)
            for k, n in other.terms.items():
                terms[k] = terms.get(k, 0) + n
            return Price(int(self) + int(other), terms)
        if isinstance(other, int):
            return Price(int(self) + other, dict(self.terms)) if other else self
        return NotImplemented

    def __mul__(self, other):
        """Price x int: every term counted ``other`` times."""
        if isinstance(other, int) and not isinstance(other, (bool, Price)):
            return Price(int(self) * other, {k: n * other for k, n in self.terms.items()})
        return NotImplemented

    __rmul__ = __mul__


def names(profile: profiles.Profile) -> tuple[str, ...]:
    """Every price a profile sets, by the name ``--set`` takes (``exit_work.io`` for exit work)."""
    out = []
    for f in dataclasses.fields(profile):
        v = getattr(profile, f.name)
        if isinstance(v, dict):
            out += [f"{f.name}.{k}" for k in v]
        elif isinstance(v, int) and not isinstance(v, bool):
            out.append(f.name)
    return tuple(out)


def value(profile: profiles.Profile, name: str) -> int:
    """The price called ``name`` in ``profile``."""
    head, _, sub = name.partition(".")
    v = getattr(profile, head)
    return int(v[sub] if sub else v)


def symbolic(profile: profiles.Profile) -> profiles.Profile:
    """A copy of ``profile`` whose prices are :class:`Price` objects named as in :func:`names`."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(profile):
        v = getattr(profile, f.name)
        if isinstance(v, dict):
            changes[f.name] = {k: Price(n, {f"{f.name}.{k}": 1}) for k, n in v.items()}
        elif isinstance(v, int) and not isinstance(v, bool):
            changes[f.name] = Price(v, {f.name: 1})
    return dataclasses.replace(profile, **changes)


def charge_key(kind: str, detail: str | None, price: str) -> str:
    """The ledger key of ``price`` charged for an event of ``kind`` (with its reason or note)."""
    return f"{kind}|{detail or ''}|{price}"


def split_key(key: str) -> tuple[str, str, str]:
    """(kind, reason or note, price) from a ledger key."""
    kind, detail, price = key.split("|")
    return kind, detail, price


_PORT = re.compile(r"^(port|in|out) ")


def record(events: dict, kind: str, detail: str | None, cost: Price) -> None:
    """Add one charge of ``cost`` for an event of ``kind`` to the ledger kept in ``events``."""
    ledger = events.get(CHARGES)
    if ledger is None:
        ledger = events[CHARGES] = {}
    if detail and _PORT.match(detail):  # one ledger line per kind of device access, not per port
        detail = detail.split(" ")[0]
    head = f"{kind}|{detail or ''}|"
    ledger[head + EVENTS] = ledger.get(head + EVENTS, 0) + 1
    for price, n in cost.terms.items():
        k = head + price
        ledger[k] = ledger.get(k, 0) + n


def ledger(result) -> dict[str, int]:
    """Every charge of ``result``'s measured phase: ledger key -> how many times the price was charged."""
    out = {k: n for k, n in result.charges.items() if not k.endswith("|" + EVENTS)}
    for kind, price in COUNTED.items():
        n = result.events.get(kind, 0)
        if n:
            out[charge_key(COUNTED_AS[kind], "", price)] = n
    return out


def event_counts(result) -> dict[tuple[str, str], int]:
    """How many charged events of each (kind, reason or note) the measured phase had."""
    out = {}
    for k, n in result.charges.items():
        kind, detail, price = split_key(k)
        if price == EVENTS:
            out[(kind, detail)] = n
    for kind in COUNTED:
        if result.events.get(kind, 0):
            out[(COUNTED_AS[kind], "")] = result.events[kind]
    return out


def prices_of(profile_name: str, overrides: dict[str, int] | None = None) -> dict[str, int]:
    """Every price of the named profile, with ``overrides`` applied."""
    p = profiles.get(profile_name)
    out = {n: value(p, n) for n in names(p)}
    out.update(overrides or {})
    return out


@dataclass(frozen=True)
class Priced:
    """A result's cycles under a set of prices: the total, cycles by event kind and the overhead."""

    mode: str
    cycles: int
    fixed: int  # the guest instructions' own cycles (no price changes them)
    cycles_by_event: dict
    overhead: float

    def to_dict(self) -> dict:
        """JSON-able view."""
        return dataclasses.asdict(self)


def fixed_cycles(result) -> int:
    """The cycles of ``result`` that no price explains (the guest instructions' own)."""
    prices = prices_of(result.profile)
    return result.cycles - sum(n * prices[split_key(k)[2]] for k, n in ledger(result).items())


def cycles_by_charge(result, overrides: dict[str, int] | None = None) -> dict[tuple[str, str], int]:
    """Cycles of each (kind, reason or note) charged by a price, under ``overrides``."""
    prices = prices_of(result.profile, overrides)
    out: dict[tuple[str, str], int] = {}
    for key, n in ledger(result).items():
        kind, detail, price = split_key(key)
        out[(kind, detail)] = out.get((kind, detail), 0) + n * prices[price]
    return out


def reprice(result, overrides: dict[str, int] | None = None, native=None) -> Priced:
    """``result``'s cycles with ``overrides`` (price name -> cycles) instead of its profile's prices.

    No guest runs: the ledger's counts are priced again. ``native`` (the native result of the same
    workload) gives the overhead; without it the result's own overhead base is kept.
    """
    check(result.profile, overrides or {})
    prices = prices_of(result.profile, overrides)
    fixed = fixed_cycles(result)
    by_event: dict[str, int] = {}
    for key, n in ledger(result).items():
        kind, _, price = split_key(key)
        by_event[kind] = by_event.get(kind, 0) + n * prices[price]
    cycles = fixed + sum(by_event.values())
    if native is not None:
        base = cycles if native is result else reprice(native, overrides).cycles
        overhead = round(cycles / base, 4) if base else 0.0
    else:
        overhead = 1.0 if result.mode == "native" else result.overhead
    return Priced(result.mode, cycles, fixed, {k: v for k, v in sorted(by_event.items()) if v}, overhead)


def reprice_all(results: dict, overrides: dict[str, int] | None = None) -> dict[str, Priced]:
    """Re-price every result of a comparison (label -> Result); overheads against its native run."""
    native = next((r for r in results.values() if r.mode == "native" and r.workload), None)
    return {label: reprice(r, overrides, native) for label, r in results.items()}


def check(profile_name: str, overrides: dict[str, int]) -> None:
    """Refuse unknown price names and values that are not whole, non-negative cycle counts."""
    known = names(profiles.get(profile_name))
    for name, v in overrides.items():
        if name not in known:
            raise PricingError(f"unknown price {name!r}; the {profile_name} profile sets: {', '.join(known)}")
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_PRICE:
            raise PricingError(f"price {name} must be a whole number of cycles from 0 to {MAX_PRICE:,}, got {v!r}")


def parse(settings: list[str] | tuple[str, ...], profile_name: str) -> dict[str, int]:
    """``["vmexit=500", "exit_work.io=900"]`` -> ``{"vmexit": 500, ...}``, checked against the profile."""
    out: dict[str, int] = {}
    for s in settings:
        name, sep, raw = s.partition("=")
        name, raw = name.strip(), raw.strip().replace("_", "").replace(",", "")
        if not sep or not name:
            raise PricingError(f"--set {s!r}: expected NAME=CYCLES, for example vmexit=500")
        if not raw.isdigit():
            raise PricingError(f"--set {s!r}: {raw or 'nothing'!r} is not a whole number of cycles")
        out[name] = int(raw)
    check(profile_name, out)
    return out


def expand(patterns: str | list[str], profile_name: str) -> list[str]:
    """Price names from comma-separated names or shell patterns (``vmexit,exit_work.*``), in profile order."""
    import fnmatch

    known = names(profiles.get(profile_name))
    items = patterns.split(",") if isinstance(patterns, str) else list(patterns)
    out: list[str] = []
    for pat in (x.strip() for x in items):
        hits = [n for n in known if fnmatch.fnmatchcase(n, pat)] if pat else []
        if not hits:
            raise PricingError(f"no price matches {pat!r}; the {profile_name} profile sets: {', '.join(known)}")
        out += [n for n in hits if n not in out]
    return out


def crossover(slow, fast, vary: str | list[str], *, hi: int | None = None, base: dict | None = None) -> dict:
    """Where ``slow``'s cycles meet ``fast``'s as the ``vary`` prices change, found by bisection over re-pricing.

    The first price named is the one searched (0 to ``hi``); any others move in proportion to it,
    from today's values (so ``vmexit,exit_work.*`` scales every exit's whole cost); ``base`` are
    other prices changed throughout. Returns
    ``{"vary", "price", "today", "hi", "crossover" (the first price's value where the cheaper of the
    two changes, None when it never does between 0 and hi), "below" (which mode is cheaper below it),
    "values" (every varied price at the crossover), "steps", "gap_today", "gap_at_zero"}``.
    """
    vary = expand(vary, slow.profile)
    prof = profiles.get(slow.profile)
    today = {n: value(prof, n) for n in vary}
    first = vary[0]
    if len(vary) > 1 and not today[first]:
        raise PricingError(f"{first} is 0 today: name a non-zero price first to scale the others by")
    hi = max(4 * today[first], 10_000) if hi is None else hi
    check(slow.profile, {first: hi})

    def at(v: int) -> dict[str, int]:
        return {**(base or {}), **{n: (v if n == first else round(today[n] * v / today[first])) for n in vary}}

    def gap(v: int) -> int:
        return reprice(slow, at(v)).cycles - reprice(fast, at(v)).cycles

    g0, ghi = gap(0), gap(hi)
    out = {
        "vary": vary,
        "price": first,
        "today": today[first],
        "hi": hi,
        "crossover": None,
        "values": None,
        "steps": 0,
        "below": slow.mode if g0 < 0 else fast.mode,
        "gap_today": gap(today[first]),
        "gap_at_zero": g0,
        "slow": slow.mode,
        "fast": fast.mode,
    }
    if (g0 < 0) == (ghi < 0):
        return out
    a, b = 0, hi  # invariant: gap(a) on g0's side, gap(b) on the other
    while b - a > 1:
        mid = (a + b) // 2
        out["steps"] += 1
        if (gap(mid) < 0) == (g0 < 0):
            a = mid
        else:
            b = mid
    out["crossover"], out["values"] = b, {n: at(b)[n] for n in vary}
    return out
