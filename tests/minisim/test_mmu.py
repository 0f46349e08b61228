"""The TLB-miss fast path (``MMU.rmiss``) is an optimisation only: it must count, charge and
fill exactly as the general ``MMU.fill`` does, under every mode (shadow paging included)."""

from __future__ import annotations

import importlib

import pytest

import minisim
from minisim.mmu import MMU

run_module = importlib.import_module("minisim.run")  # the module: the package exports run() under that name


def _general_path_only(self, va: int, pc: int, idx: int) -> int:
    self.fidx = idx
    return self.fill(va, False, pc)


@pytest.mark.parametrize("workload", ["tlb", "fork"])
def test_the_fast_miss_path_gives_the_general_paths_results(workload, monkeypatch):
    fast = minisim.compare(workload, "p4-2005", 1).to_dict()
    run_module._native.cache_clear()
    monkeypatch.setattr(MMU, "rmiss", _general_path_only)
    general = minisim.compare(workload, "p4-2005", 1).to_dict()
    run_module._native.cache_clear()
    assert fast == general
    assert fast["modes"]["native"]["events"]["tlb_miss"] > 100  # the runs did miss, a lot
