"""Fixtures for the terminal-app tests: a small pack of every question type and a throwaway home.

Nothing here touches the real home: each test gets ``tmp_path`` as its StudyVM home and a
catalog holding only the fixture pack, so figures and snapshots do not depend on the built-in
content. The study service runs with a fixed clock, no fuzz and a fixed seed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.packs.catalog import Catalog
from studyvm.packs.loader import load_pack_dir
from studyvm.tui.backend import Backend

INJECTION = "Is [bold]this[/bold] bold? [@click=app.quit]quit[/] [link=https://example.com]x[/link]"
"""A prompt that would quit the app or open a link if it were ever parsed as markup."""

PACK_YAML = """\
id: tuitest
title: "TUI [red]test[/red] pack"
version: "1.0"
description: "A pack for the terminal-app tests."
sources:
  - id: n1
    title: A note
"""

QUESTIONS_YAML = f"""\
questions:
  - id: a.flip
    type: flip
    prompt: {INJECTION!r}
    back: "[@click=app.quit]back[/] stays literal"
    topic: safety
    source: {{note: n1, section: Intro}}
  - id: b.mcq
    type: mcq
    shuffle: false
    prompt: Which approach needs a modified guest kernel?
    options:
      - {{text: Para-virtualization, correct: true, feedback: "Right: hypercalls."}}
      - {{text: Full virtualization}}
      - {{text: Hardware-assisted}}
    explanation: The guest kernel is changed to call the hypervisor.
    caveat: Drivers alone can be para-virtual too.
    demo: pv-hypercalls
    topic: para
    source: {{note: n1, section: PV}}
  - id: c.tf
    type: true_false
    prompt: Trap-and-emulate needs every sensitive instruction to be privileged.
    answer: true
    topic: theory
  - id: d.short
    type: short
    prompt: Name the Xen control domain.
    answers: [dom0]
    topic: para
  - id: e.num
    type: numerical
    prompt: How many rings does x86 protected mode have?
    answers: [{{value: 4}}]
    topic: theory
  - id: f.cloze
    type: cloze
    prompt: "Intel calls it {{{{VT-x}}}}, AMD calls it {{{{AMD-V}}}}."
    topic: hw
  - id: g.multi
    type: multi
    shuffle: false
    prompt: Which are type-1 hypervisors?
    options:
      - {{text: Xen, correct: true}}
      - {{text: ESXi, correct: true}}
      - {{text: Notepad}}
    topic: hw
  - id: h.match
    type: matching
    prompt: Match the approach to its mechanism.
    pairs:
      - {{left: Full, right: Binary translation}}
      - {{left: Para, right: Hypercalls}}
    topic: theory
  - id: i.order
    type: ordering
    prompt: Order by year.
    items: [VMware Workstation, Xen, Intel VT-x]
    topic: hw
"""

FIXED_NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def write_pack(root: Path) -> Path:
    """The fixture pack as a folder under ``root``."""
    folder = root / "tuitest"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(PACK_YAML, encoding="utf-8")
    (folder / "questions.yaml").write_text(QUESTIONS_YAML, encoding="utf-8")
    return folder


def fixture_catalog(root: Path) -> Catalog:
    """A catalog with only the fixture pack (and nothing from the real machine)."""
    result = load_pack_dir(write_pack(root), origin="extra")
    assert result.pack is not None, [str(d) for d in result.diagnostics]
    return Catalog(packs={result.pack.id: result.pack})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose home is a temporary folder."""
    return Settings.from_env(home=tmp_path / "home", learner="tester", db_url=None)


@pytest.fixture
def backend(settings: Settings, tmp_path: Path) -> Backend:
    """A backend over the fixture pack with a deterministic study service."""
    return Backend(settings, catalog=fixture_catalog(tmp_path / "packs"), clock=lambda: FIXED_NOW, fuzz=False, seed=7)
