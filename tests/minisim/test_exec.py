"""exec, performed: the guest kernel's SYS_EXEC replaces the caller's image (Linux's execve), so
Barham et al.'s lmbench exec row is measured from a guest program, not priced."""

from __future__ import annotations

import importlib

import pytest

import minisim
from minisim import abi
from minisim.names import MODES

_run = importlib.import_module("minisim.run")
KDATA = abi.LAYOUT["KDATA"]


def _pools(workload: str, scale: int) -> tuple[int, int, int]:
    """Free user frames, page tables and directories when the machine stops."""
    m = _run._execute(workload, "native", "modern", scale, None, 0, None).m
    frames, head = 0, m.M[KDATA + 4]  # FRAME_HEAD: a list threaded through the free frames
    while head:
        frames, head = frames + 1, m.M[head << 8]
    return frames, m.M[KDATA + 5], m.M[KDATA + 8]  # TAB_TOP, DIR_TOP


@pytest.mark.parametrize("mode", MODES)
def test_the_new_image_starts_empty(mode: str) -> None:
    """Each child execs with its round number and reads its heap: 0 in a fresh image (the parent's
    shared data would add 12 down to 1), so the sum of exit codes is 0 + 1 + ... + 11."""
    result = minisim.run("exec", mode, "modern", 1)
    assert result.console == "fork+exec+wait exit-code sum 66\n"


def test_exec_frees_the_old_image() -> None:
    """Nothing leaks: after 12 or 36 fork+exec+exit rounds the pools are as full as after fork's."""
    assert _pools("exec", 1) == _pools("exec", 3) == _pools("fork", 1)


def test_exec_is_equivalent_in_every_mode() -> None:
    results = minisim.compare("exec", "p4-2005", 1).results
    assert {mode: r.equivalent for mode, r in results.items()} == dict.fromkeys(MODES, True)


def test_xen03_has_an_exec_row_from_the_workload() -> None:
    from minisim.papers import xen03

    row = next(r for r in xen03().rows if r.name == "exec")
    assert "workload exec" in row.source
