"""Re-pricing a run from its ledger equals running the guest again under the changed profile."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minisim
from minisim import pricing, profiles

_names = itertools.count()


def changed(base: str, overrides: dict[str, int]) -> str:
    """Register a copy of profile ``base`` with ``overrides`` under a fresh name; return the name."""
    p = profiles.get(base)
    fields, work = {}, dict(p.exit_work)
    for name, v in overrides.items():
        head, _, sub = name.partition(".")
        if sub:
            work[sub] = v
        else:
            fields[head] = v
    name = f"test-{next(_names)}"
    profiles.BY_NAME[name] = dataclasses.replace(p, name=name, exit_work=work, **fields)
    return name


@pytest.fixture(autouse=True)
def _forget_test_profiles():
    yield
    for k in [k for k in profiles.BY_NAME if k.startswith("test-")]:
        del profiles.BY_NAME[k]


def _every_price_changed(base: str) -> dict[str, int]:
    """Each price moved by a different amount, so a charge priced under the wrong name shows."""
    p = profiles.get(base)
    return {n: pricing.value(p, n) * (2 + i % 3) + 7 * i + 1 for i, n in enumerate(pricing.names(p))}


@pytest.mark.parametrize("workload", minisim.WORKLOADS)
def test_reprice_equals_rerun_every_workload_and_mode(workload):
    new = _every_price_changed("p4-2005")
    name = changed("p4-2005", new)
    old = minisim.compare(workload, "p4-2005")
    again = minisim.compare(workload, name)
    priced = pricing.reprice_all(old.results, new)
    for mode, r in again.results.items():
        assert r.instructions == old.results[mode].instructions  # counts do not depend on prices
        assert priced[mode].cycles == r.cycles, mode
        assert priced[mode].overhead == r.overhead, mode
        # (the run's own cycles by event leave BT's indirect branches in the blocks' cycles)
        assert {k: v for k, v in priced[mode].cycles_by_event.items() if k != "bt_indirect"} == r.cycles_by_event


_PRICES = (
    "vmexit",
    "shadow_update",
    "trap",
    "bt_callout",
    "bt_indirect",
    "exit_work.pt_write",
    "walk_ref",
    "hypercall",
    "mmu_validate",
    "blk_sector",
    "io_native",
    "syscall",
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    workload=st.sampled_from(minisim.WORKLOADS),
    mode=st.sampled_from(minisim.MODES),
    new=st.dictionaries(st.sampled_from(_PRICES), st.integers(0, 20_000), min_size=1, max_size=3),
    profile=st.sampled_from(minisim.PROFILES),
)
def test_reprice_equals_rerun_random_prices(workload, mode, new, profile):
    r = minisim.run(workload, mode, profile)
    again = minisim.run(workload, mode, changed(profile, new))
    assert pricing.reprice(r, new, minisim.run(workload, "native", profile)).cycles == again.cycles


def test_reprice_at_todays_prices_is_the_result():
    for mode, r in minisim.compare("fork", "p4-2005").results.items():
        p = pricing.reprice(r)
        by_event = {k: v for k, v in p.cycles_by_event.items() if k != "bt_indirect"}
        assert (p.cycles, by_event) == (r.cycles, r.cycles_by_event), mode


def test_the_ledger_names_profile_prices():
    r = minisim.run("fork", "hw", "p4-2005")
    led = pricing.ledger(r)
    assert led[pricing.charge_key("vmexit", "pt_write", "exit_work.pt_write")] == r.events["vmexit"]["pt_write"]
    assert sum(n for k, n in led.items() if k.endswith("|vmexit")) == sum(r.events["vmexit"].values())


def test_price_arithmetic_keeps_names():
    a, b = pricing.Price(10, {"a": 1}), pricing.Price(5, {"b": 1})
    assert (a + b).terms == {"a": 1, "b": 1} and a + b == 15
    assert (3 * a).terms == {"a": 3} and (a * 3) == 30
    total = 100
    total += a
    assert type(total) is int and total == 110  # cycles stay plain integers


@pytest.mark.parametrize(
    "setting,message",
    [
        ("nosuch=5", "unknown price 'nosuch'"),
        ("vmexit=-3", "not a whole number"),
        ("vmexit", "NAME=CYCLES"),
        ("vmexit=1e9", "not a whole number"),
        ("vmexit=99999999999", "from 0 to"),
        ("exit_work.nope=1", "unknown price"),
    ],
)
def test_bad_settings_say_why(setting, message):
    with pytest.raises(pricing.PricingError, match=message):
        pricing.parse([setting], "p4-2005")


def test_parse_accepts_profile_names():
    assert pricing.parse(["vmexit=500", "exit_work.io = 1,000"], "modern") == {"vmexit": 500, "exit_work.io": 1000}


def test_crossover_finds_where_hw_beats_full_on_fork():
    c = minisim.compare("fork", "p4-2005", modes=("full", "hw"))
    hw, full = c.results["hw"], c.results["full"]
    alone = pricing.crossover(hw, full, "vmexit")  # the exits' handler work alone keeps hw behind
    assert alone["crossover"] is None and alone["gap_at_zero"] > 0
    x = pricing.crossover(hw, full, "vmexit,exit_work.*")
    assert x["crossover"] is not None and x["below"] == "hw" and x["steps"] > 5
    assert x["vary"][0] == "vmexit" and "exit_work.pt_write" in x["vary"]
    p4 = profiles.get("p4-2005")
    scale = (x["crossover"] - 1) / p4.vmexit  # one cycle of exit round trip below the crossover
    below = {n: round(pricing.value(p4, n) * scale) for n in x["vary"]}
    assert pricing.reprice(hw, below).cycles < full.cycles
    assert pricing.reprice(hw, x["values"]).cycles >= full.cycles


def test_crossover_on_a_single_price():
    c = minisim.compare("ctxswitch", "modern", modes=("full", "hw"))
    x = pricing.crossover(c.results["hw"], c.results["full"], "vmexit")
    v = x["crossover"]
    assert v is not None and x["below"] == "hw"
    assert pricing.reprice(c.results["hw"], {"vmexit": v - 1}).cycles < c.results["full"].cycles
    assert pricing.reprice(c.results["hw"], {"vmexit": v}).cycles >= c.results["full"].cycles


def test_crossover_reports_none_when_the_price_cannot_close_the_gap():
    c = minisim.compare("cpu", "p4-2005", modes=("native", "full"))
    x = pricing.crossover(c.results["full"], c.results["native"], "vmexit")  # BT never exits
    assert x["crossover"] is None


def test_expand_patterns():
    assert pricing.expand("vmexit,exit_work.io", "p4-2005") == ["vmexit", "exit_work.io"]
    assert len(pricing.expand("exit_work.*", "p4-2005")) == len(profiles.get("p4-2005").exit_work)
    with pytest.raises(pricing.PricingError, match="no price matches"):
        pricing.expand("vmexits", "p4-2005")
