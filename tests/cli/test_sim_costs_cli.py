"""``sim compare`` showing where the cycles go, ``--set`` re-pricing, ``sim crossover`` and ``sim prices``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import minisim
from minisim import pricing
from studyvm.cli import app

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args))


def test_compare_shows_where_the_cycles_go() -> None:
    r = _run("sim", "compare", "-w", "fork", "-p", "p4-2005", "--modes", "native,full,hw")
    assert r.exit_code == 0, r.output
    assert "where the cycles go" in r.output and "VM exits:" in r.output and "pt_write" in r.output
    assert "cycles per system call" in r.output and "boot is not counted" in r.output


def test_compare_json_breakdown_adds_up() -> None:
    r = _run("sim", "compare", "-w", "io", "-p", "p4-2005", "--json")
    assert r.exit_code == 0, r.output
    for mode, d in json.loads(r.output)["modes"].items():
        b = d["breakdown"]
        assert sum(row["cycles"] for row in b["rows"]) == b["cycles"] == d["cycles"], mode
        assert b["per_op"]["sector read"]["count"] == d["events"]["blk_sectors"]


def test_set_reprices_without_a_rerun() -> None:
    r = _run(
        "sim",
        "compare",
        "-w",
        "fork",
        "-p",
        "p4-2005",
        "--modes",
        "native,hw",
        "--json",
        "--set",
        "vmexit=500",
        "--set",
        "shadow_update=200",
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["prices"]["vmexit"] == {"profile": 2500, "set": 500}
    c = minisim.compare("fork", "p4-2005", modes=("native", "hw"))
    want = pricing.reprice(c.results["hw"], {"vmexit": 500, "shadow_update": 200}, c.results["native"])
    assert d["modes"]["hw"]["cycles"] == want.cycles < c.results["hw"].cycles
    assert d["modes"]["hw"]["overhead"] == want.overhead
    text = _run("sim", "compare", "-w", "fork", "-p", "p4-2005", "--set", "vmexit=500")
    assert "vmexit 2,500 -> 500" in text.output and "no guest re-run" in text.output


@pytest.mark.parametrize(
    "args,message",
    [
        (("--set", "vmexits=5"), "unknown price 'vmexits'"),
        (("--set", "vmexit=fast"), "not a whole number"),
        (("--set", "vmexit"), "NAME=CYCLES"),
        (("-p", "z80", "--set", "vmexit=5"), "unknown profile"),
    ],
)
def test_bad_set_is_a_clear_message(args, message) -> None:
    r = _run("sim", "compare", "-w", "cpu", *args)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_crossover_text_and_json() -> None:
    r = _run("sim", "crossover", "--workload", "fork", "--vary", "vmexit")
    assert r.exit_code == 0, r.output
    assert "no crossover" in r.output and "exit_work" in r.output  # exit work alone keeps hw behind
    r = _run("sim", "crossover", "--workload", "fork", "--vary", "vmexit,exit_work.*", "--json")
    x = json.loads(r.output)
    assert x["crossover"] and x["below"] == "hw" and x["values"]["vmexit"] == x["crossover"]
    r = _run("sim", "crossover", "-w", "ctxswitch", "-p", "modern")
    assert r.exit_code == 0 and "crossover at vmexit = " in r.output


@pytest.mark.parametrize(
    "args,message",
    [
        (("--modes", "hw"), "two different modes"),
        (("--vary", "zzz"), "no price matches"),
        (("-w", "nosuch"), "unknown workload"),
        (("--set", "bad"), "NAME=CYCLES"),
    ],
)
def test_crossover_bad_input(args, message) -> None:
    r = _run("sim", "crossover", *args)
    assert r.exit_code == 2 and message in r.output


def test_prices_lists_the_names_set_takes() -> None:
    r = _run("sim", "prices", "--json")
    assert r.exit_code == 0 and json.loads(r.output)["exit_work.io"] == 13300
    assert "vmexit" in _run("sim", "prices", "-p", "modern").output
    assert _run("sim", "prices", "-p", "z80").exit_code == 2


def test_sim_paper_text_and_json() -> None:
    r = _run("sim", "paper", "aa06")
    assert r.exit_code == 0, r.output
    assert "agreement factor 2x" in r.output and "from: program nanobench/syscall.s" in r.output
    assert "forkwait" in r.output and "cr8 write" in r.output
    d = json.loads(_run("sim", "paper", "ept08", "--json").output)
    assert d["factor"] == 2.0 and d["rows"][0]["cells"][2]["mode"] == "hw-ept"
    bad = _run("sim", "paper", "smith99")
    assert bad.exit_code == 2 and "unknown paper" in bad.output
    assert _run("sim", "paper", "aa06", "-p", "z80").exit_code == 2


def test_sim_timeline_and_trace_symbols() -> None:
    r = _run("sim", "timeline", "syscall", "--modes", "native,full")
    assert r.exit_code == 0, r.output
    assert "full: " in r.output and "bt_callout" in r.output and "trap_return" in r.output
    d = json.loads(_run("sim", "timeline", "sector", "--modes", "para", "--json").output)
    assert d[0]["sectors"] == 4
    assert _run("sim", "timeline", "exec").exit_code == 2
    assert _run("sim", "timeline", "syscall", "--modes", "zzz").exit_code == 2
    t = _run("sim", "run", "-w", "syscall", "-m", "full", "--trace")
    assert "sc_loop" in t.output and "trap_return+" in t.output
    j = json.loads(_run("sim", "run", "-w", "fork", "-m", "hw", "--trace", "--json").output)
    assert any(e["symbol"] == "fk_touch" for e in j["modes"]["hw"]["trace"])


def test_sim_walk() -> None:
    r = _run("sim", "walk")
    assert r.exit_code == 0, r.output
    assert "two-dimensional walk" in r.output and "  8  nested" in r.output and "host-physical" in r.output
    assert json.loads(_run("sim", "walk", "--va", "0x3ff00", "--json").output)["va"] == 0x3FF00
    for args, message in (
        (("--va", "zz"), "not an address"),
        (("--va", "0x30000"), "not mapped"),
        (("-w", "nope"), "unknown workload"),
    ):
        bad = _run("sim", "walk", *args)
        assert bad.exit_code == 2 and message in bad.output


def test_sim_shadow() -> None:
    r = _run("sim", "shadow")
    assert r.exit_code == 0, r.output
    assert "beside the shadow" in r.output and "in sync" in r.output and "traced" in r.output
    d = json.loads(_run("sim", "shadow", "-w", "tlb", "-m", "full", "--json").output)
    assert d["mode"] == "full" and d["entries"][0]["state"] == "in sync"
    bad = _run("sim", "shadow", "-m", "para")
    assert bad.exit_code == 2 and "keeps no shadow" in bad.output
