"""Equivalence compares state: registers (sp and k0 too), memory, the final status, the console
and exit code, and any divergence the machine recorded; it reports the first difference."""

from __future__ import annotations

import dataclasses
import json

import pytest

import minisim
from minisim import equivalence

EQ_MEM = "    pushf\n    pop r3\n    sw r3, 0x2000(r0)\n    li r3, 0\n    PV_SHUTDOWN\n"
EQ_IF = "    li r1, 1\n    push r1\n    popf\n    li r1, 0\n    PV_SHUTDOWN\n"
EQ_SP = "    pushf\n    pop r14\n    andi r14, r14, 1\n    sub sp, sp, r14\n    li r14, 0\n    PV_SHUTDOWN\n"


def _te(src: str) -> minisim.Result:
    return minisim.run(None, "trap-emulate", program=src)


def test_a_difference_left_only_in_memory_is_caught() -> None:
    r = _te(EQ_MEM)
    assert not r.equivalent
    assert "memory at 0x2000: native 0x2 vs trap-emulate 0x1" in r.violation


def test_a_difference_left_only_in_sp_is_caught() -> None:
    r = _te(EQ_SP)
    assert not r.equivalent and "register sp: native 0x10000 vs trap-emulate 0xffff" in r.violation


def test_a_recorded_state_changing_divergence_alone_breaks_equivalence() -> None:
    r = _te(EQ_IF)
    assert not r.equivalent and r.violation.startswith("popf ignored the interrupt flag")


def test_final_status_is_compared() -> None:
    base = minisim.run(None, "native", program="    li r5, 1\n    PV_SHUTDOWN\n").state
    other = dataclasses.replace(base, status=base.status | minisim.isa.IF)
    assert equivalence.first_difference(base, other, "hw") == "final status: native 0x2 vs hw 0x3"
    assert equivalence.first_difference(base, base, "hw") is None


def test_every_mode_is_equivalent_on_a_correct_program() -> None:
    src = "    li r1, 0x2000\n    li r2, 42\n    sw r2, 5(r1)\n    push r2\n    PV_SHUTDOWN\n"
    for mode in minisim.MODES:
        r = minisim.run(None, mode, program=src)
        assert r.equivalent, (mode, r.violation)


def test_para_bare_programs_compare_registers_and_memory() -> None:
    # The same store under the PARAVIRT build: memory is compared (outside the macros' own words)
    ok = minisim.run(None, "para", program="    li r2, 7\n    sw r2, 0x2000(r0)\n    PV_CLI\n    PV_SHUTDOWN\n")
    assert ok.equivalent, ok.violation


@pytest.mark.parametrize("workload", ["cpu", "io"])
def test_same_build_workloads_compare_all_of_memory(workload: str) -> None:
    c = minisim.compare(workload, "p4-2005").results
    assert all(r.equivalent for r in c.values()), {m: r.violation for m, r in c.items()}


def test_final_registers_are_in_the_json() -> None:
    r = minisim.run(None, "native", program="    li r5, 9\n    PV_SHUTDOWN\n")
    d = r.to_dict()
    assert d["registers"][5] == 9 and len(d["registers"]) == 16 and "state" not in d


def test_sim_run_shows_a_programs_final_registers(tmp_path) -> None:
    from typer.testing import CliRunner

    from studyvm.cli import app

    src = tmp_path / "p.s"
    src.write_text("    li r5, 9\n    PV_SHUTDOWN\n")
    r = CliRunner().invoke(app, ["sim", "run", "--program", str(src)])
    assert r.exit_code == 0 and "r5=0x9" in r.output and "sp=0x10000" in r.output, r.output
    r = CliRunner().invoke(app, ["sim", "run", "--program", str(src), "--json"])
    assert json.loads(r.output)["modes"]["native"]["registers"][5] == 9
