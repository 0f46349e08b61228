"""Bounded: the scale and the instruction budget have limits with a clear minisim error."""

from __future__ import annotations

import pytest

import minisim
from minisim.run import DEFAULT_BUDGET, MAX_INSTRUCTIONS, MAX_SCALE, SimError


def test_scale_above_the_limit_is_refused() -> None:
    with pytest.raises(SimError, match=f"limit of {MAX_SCALE}"):
        minisim.run("cpu", "native", scale=MAX_SCALE + 1)
    with pytest.raises(SimError):
        minisim.compare("cpu", scale=MAX_SCALE + 1)


@pytest.mark.parametrize("budget", [0, MAX_INSTRUCTIONS + 1])
def test_budget_out_of_range_is_refused(budget: int) -> None:
    with pytest.raises(SimError, match="max_instructions must be between 1 and"):
        minisim.run("cpu", "native", max_instructions=budget)


def test_workload_budget_fits_the_instruction_limit() -> None:
    assert DEFAULT_BUDGET * MAX_SCALE <= MAX_INSTRUCTIONS


def test_sim_error_is_a_value_error_the_cli_reports() -> None:
    assert issubclass(SimError, ValueError)
