"""``studyvm sim ...`` through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from studyvm.cli import app

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args))


def test_list_json_and_text() -> None:
    r = _run("sim", "list", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["modes"] == ["native", "trap-emulate", "full", "para", "hw", "hw-ept", "hybrid"]
    assert "popf-equivalence" in data["scenarios"] and "p4-2005" in data["profiles"] and "tlb" in data["workloads"]
    r = _run("sim", "list")
    assert r.exit_code == 0 and "pagetable-bt-vs-vtx" in r.output


def test_run_json_has_the_compare_shape() -> None:
    r = _run("sim", "run", "--workload", "syscall", "--mode", "hw", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["workload"] == "syscall" and d["profile"] == "modern" and d["scale"] == 1
    body = d["modes"]["hw"]
    assert body["equivalent"] is True and body["events"]["syscall"] > 1000 and "trace" not in body


def test_run_text_with_trace() -> None:
    r = _run("sim", "run", "-w", "popf", "-m", "trap-emulate", "--trace")
    assert r.exit_code == 0, r.output
    assert "NO -- popf ignored the interrupt flag" in r.output and "trace (instructions" in r.output


def test_compare_table_and_json() -> None:
    r = _run("sim", "compare", "--workload", "fork", "--profile", "p4-2005")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "fork on p4-2005, scale 1" and lines[1].split()[:4] == [
        "mode",
        "instructions",
        "cycles",
        "overhead",
    ]
    assert [ln.split()[0] for ln in lines[3:10]] == ["native", "trap-emulate", "full", "para", "hw", "hw-ept", "hybrid"]
    r = _run("sim", "compare", "-w", "cpu", "--modes", "native,para", "--json")
    assert set(json.loads(r.output)["modes"]) == {"native", "para"}


def test_bad_names_are_one_line_errors() -> None:
    r = _run("sim", "run", "--workload", "nope")
    assert r.exit_code == 2 and r.output.strip().startswith("studyvm: error: unknown workload 'nope'")
    r = _run("sim", "compare", "-w", "cpu", "--profile", "z80")
    assert r.exit_code == 2 and r.output.startswith("studyvm: error: unknown profile 'z80'")
    r = _run("sim", "scenario", "no-such-thing")
    assert r.exit_code == 2 and "unknown scenario" in r.output


def test_own_program_asm_and_disasm(tmp_path: Path) -> None:
    src = tmp_path / "p.s"
    src.write_text("    li r1, 'H'\n    out PORT_CONSOLE, r1\n    smsw r2\n    PV_SHUTDOWN\n")
    r = _run("sim", "run", "--program", str(src), "--mode", "hw", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["modes"]["hw"]["console"] == "H"
    r = _run("sim", "run", "--program", str(src), "--mode", "trap-emulate")
    assert "smsw read status" in r.output
    r = _run("sim", "asm", str(src))
    assert r.exit_code == 0 and r.output.startswith("0x0000: ")
    listing = tmp_path / "p.hex"
    listing.write_text(r.output)
    r = _run("sim", "disasm", str(listing))
    assert r.exit_code == 0 and "out 1, r1" in r.output and "smsw r2" in r.output
    r = _run("sim", "disasm", str(src))
    assert "addi r1, r0, 72" in r.output


def test_assembler_errors_name_file_line_column(tmp_path: Path) -> None:
    src = tmp_path / "bad.s"
    src.write_text("nop\n  frob r1\n")
    for args in (("sim", "asm", str(src)), ("sim", "run", "--program", str(src))):
        r = _run(*args)
        assert r.exit_code == 1
        assert r.output.strip() == f"{src}:2:3: error: unknown instruction 'frob'"
    r = _run("sim", "asm", str(tmp_path / "missing.s"))
    assert r.exit_code == 1 and "cannot read" in r.output


def test_runaway_program_stops(tmp_path: Path) -> None:
    src = tmp_path / "loop.s"
    src.write_text("spin: jmp spin\n")
    r = _run("sim", "run", "--program", str(src), "--max-instructions", "5000")
    assert r.exit_code == 0 and "stopped: instruction budget exhausted (5,000 instructions)" in r.output


def test_scenario_and_kernel_diff() -> None:
    r = _run("sim", "scenario", "popf-equivalence", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["holds"] is True and d["values"]["trap-emulate"] is False
    r = _run("sim", "kernel-diff")
    assert r.exit_code == 0 and "+    vmcall HC_MMU_UPDATE" in r.output


def test_lab_helpers_give_plain_data() -> None:
    from studyvm import lab

    ids = lab.scenario_ids()
    assert {"popf-equivalence", "pagetable-bt-vs-vtx", "nested-paging-tlb"} <= ids
    run = lab.demo("para-needs-modified-guest")
    assert run.workload == "popf" and "para (unmodified kernel)" in {r.mode for r in run.rows} and run.metric
    out = lab.demo("popf-equivalence")
    values = {r.mode: r.metric for r in out.rows}
    assert out.holds and values["trap-emulate"] is False and out.verdict.startswith("trap-and-emulate lost")
    try:
        lab.demo("nope")
    except ValueError as e:
        assert "unknown scenario" in str(e)
    else:
        raise AssertionError("expected ValueError")


def test_scale_and_budget_are_capped_before_anything_runs() -> None:
    """F15: a huge --scale or --max-instructions is refused with the limit, not run for hours."""
    from studyvm.cli.sim_cmds import limits

    max_scale, max_budget = limits()
    for args in (
        ["sim", "run", "--workload", "cpu", "--scale", "1000000000"],
        ["sim", "compare", "--workload", "mixed", "--scale", str(max_scale + 1)],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert f"is above the limit of {max_scale}" in result.output
    result = CliRunner().invoke(app, ["sim", "run", "--max-instructions", str(10**12)])
    assert result.exit_code == 2 and f"above the limit of {max_budget:,}" in result.output


def test_disasm_effects_come_from_the_isa_table(tmp_path: Path) -> None:
    src = tmp_path / "p.s"
    src.write_text("    add r3, r1, r2\n    push r4\n    hlt\n", encoding="utf-8")
    r = _run("sim", "disasm", "--effects", str(src))
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].endswith("; reads r1, r2; writes r3")
    assert lines[1].endswith("; reads r4, sp; writes sp, mem")
    assert "reads" not in _run("sim", "disasm", str(src)).output
