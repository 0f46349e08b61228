"""The cost profiles: modern's figures are p4-2005's carried over by one measured ratio, not chosen."""

from __future__ import annotations

from minisim import profiles

# Figures with a source of their own on the modern core ([ATA], [GEN], [AA06]) or none yet ([EST]).
OWN = {"name", "description", "blk_sector", "vmexit", "dev_emulate", "walk_ref"}


def test_modern_is_p4_scaled_by_the_exit_ratio_of_the_two_generations() -> None:
    p4, modern = profiles.P4_2005.to_dict(), profiles.MODERN.to_dict()
    ratio = modern["vmexit"] / p4["vmexit"]  # [GEN]: 1,200 / 2,500
    for name, value in p4.items():
        if name in OWN:
            continue
        if name == "exit_work":
            for reason, work in value.items():
                assert modern[name][reason] == round(work * ratio), reason
            assert modern[name]["ept_violation"] == round(value["shadow_fill"] * ratio)
        else:
            assert modern[name] == round(value * ratio), name


def test_p4_exception_delivery_reproduces_aa06_divide_by_zero() -> None:
    # AA06: divide-by-zero ≈900 cycles natively; the nanobenchmark's handler is 11 cycles of guest code
    assert profiles.P4_2005.exception + 11 == 900 and profiles.P4_2005.interrupt == profiles.P4_2005.exception
