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


def test_p4_derived_prices_follow_their_arithmetic() -> None:
    # Each derived price is computed from measured totals (profiles.py comments, minisim/CALIBRATION.md);
    # changing one of them without its derivation should fail here.
    p = profiles.P4_2005
    fault_path = round((2.73 - 1.42) * 2400)  # [BAR03] lmbench page fault, Xen - native, at 2.4 GHz
    assert p.para_bounce == fault_path - (p.hypercall + p.mmu_validate) == 2494
    assert p.upcall == p.para_bounce  # the same two transitions
    assert p.ring_backend == round(0.77 * 2400)  # [BAR03] lmbench context switch, native
    assert p.world_switch == round(22.7 * 733, -2)  # [SVL01] Table 2, at 733 MHz
    assert p.exit_work["invlpg"] == p.shadow_update  # one shadow entry dropped
    # the minimal handler vmexit already prices ([GEN]); Xen 3.0 acknowledges interrupts on exit
    assert p.exit_work["vmcall"] == p.exit_work["cr_write"] == p.exit_work["external_interrupt"] == 0


def test_every_price_is_listed_in_the_calibration_notes() -> None:
    from pathlib import Path

    notes = (Path(profiles.__file__).parent / "CALIBRATION.md").read_text(encoding="utf-8")
    table = notes.split("## Every p4-2005 price", 1)[1].split("\n## ", 1)[0]
    listed: set[str] = set()
    for row in table.splitlines()[2:]:
        if not row.startswith("| "):
            continue
        first, *rest = row.split("|")[1].strip().split(", ")
        prefix = first.rpartition(".")[0] + "." if "." in first else ""
        listed |= {first, *(prefix + n for n in rest)}
    p4 = profiles.P4_2005.to_dict()
    names = {n for n in p4 if n not in ("name", "description", "exit_work")}
    names |= {f"exit_work.{r}" for r in p4["exit_work"]}
    assert names - listed == set()
