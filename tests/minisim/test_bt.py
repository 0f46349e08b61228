"""Binary translation, performed: guest-kernel blocks are translated into a translation cache,
sensitive instructions rewritten (inline or callouts), and writes to guest code invalidate them."""

from __future__ import annotations

from conftest import SMC_TWICE
from typer.testing import CliRunner

import minisim
from minisim import bt, jit


def test_a_block_is_translated_once_and_then_hit_in_the_cache() -> None:
    r = minisim.run("syscall", "full", "p4-2005")
    cache = minisim.translations("syscall")
    assert r.events["bt_callout"] > 1000  # the handler's iret ran a thousand times and more ...
    assert r.events["bt_block"] <= len(cache) < 100  # ... from translations made once each


def test_writing_translated_code_invalidates_its_translation() -> None:
    r = minisim.run(None, "full", program=SMC_TWICE)
    assert r.registers[6] == 8 and r.equivalent, r.violation  # 1 before the patch, 7 after
    assert r.events["bt_invalidate"] >= 1
    assert r.events["bt_block"] >= 3  # the patched block was translated again


def test_a_translated_block_rewrites_the_sensitive_instructions() -> None:
    block = next(t for t in minisim.translations("popf") if any(s.guest == "popf" for s in t.sites))
    popf = next(s for s in block.sites if s.guest == "popf")
    assert popf.kind == "inline" and "vcpu.IF" in popf.translated
    assert all(s.kind == "copy" and s.translated == s.guest for s in block.sites if s.guest.startswith("lw"))
    assert "popf" in block.text() and "inline" in block.text()
    iret = next(s for t in minisim.translations("syscall") for s in t.sites if s.guest == "iret")
    assert iret.kind == "callout"


def test_a_translator_that_forgets_popf_loses_equivalence(monkeypatch) -> None:
    assert minisim.run("popf", "full", "p4-2005").equivalent
    real = bt.needs_vmm
    monkeypatch.setattr(bt, "needs_vmm", lambda op: op.name != "popf" and real(op))  # the mutant
    monkeypatch.setattr(jit, "_CODE_CACHE", {})  # translate afresh, not from the process-wide cache
    r = minisim.run("popf", "full", "p4-2005")
    assert not r.equivalent and r.violation.startswith("popf ignored the interrupt flag")


def test_sim_translate_command() -> None:
    from studyvm.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["sim", "translate", "--workload", "popf"])
    assert r.exit_code == 0, r.output
    assert "translation cache after popf" in r.output and "inline" in r.output
    block = next(t for t in minisim.translations("popf") if any(s.guest == "popf" for s in t.sites))
    r = runner.invoke(app, ["sim", "translate", "-w", "popf", "--block", f"{block.vpc:#x}"])
    assert r.exit_code == 0 and "vcpu.IF" in r.output, r.output
    bad = runner.invoke(app, ["sim", "translate", "-w", "popf", "--block", "0xFFFFF"])
    assert bad.exit_code == 1 and "no translated block" in bad.output
