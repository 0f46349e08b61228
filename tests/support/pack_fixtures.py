"""Small builders for pack folders used across the pack tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

PACK_YAML = """\
id: demo
title: Demo pack
version: "1.0"
sources:
  - id: n1
    title: A note
"""

GOOD_QUESTIONS = """\
questions:
  - id: q.flip
    type: flip
    prompt: What does a hypervisor do?
    back: It runs virtual machines.
    source: {note: n1, section: Intro}
  - id: q.mcq
    type: mcq
    prompt: Which needs a modified guest?
    options:
      - {text: Para-virtualization, correct: true, feedback: Right.}
      - {text: Full virtualization, weight: 25}
  - id: q.multi
    type: multi
    prompt: Which are hypervisors?
    options:
      - {text: Xen, weight: 50}
      - {text: KVM, weight: 50}
      - {text: Excel, weight: -100}
  - id: q.tf
    type: true_false
    prompt: Xen supports para-virtualization.
    answer: true
  - id: q.short
    type: short
    prompt: Name Intel's extension.
    answers: [VT-x, VMX]
  - id: q.num
    type: numerical
    prompt: Year of the Xen paper?
    answers:
      - {value: 2003}
      - {min: 2002, max: 2004, weight: 50}
  - id: q.cloze
    type: cloze
    prompt: AMD's extension is {{AMD-V|SVM}}.
  - id: q.match
    type: matching
    prompt: Match.
    pairs:
      - {left: Xen, right: para}
      - {left: VMware, right: full}
    distractors: [none]
  - id: q.order
    type: ordering
    prompt: Order these.
    items: [VMware 1999, Xen 2003, VT-x 2005]
tables:
  - id: t1
    title: Full vs para
    columns: [Full, Para]
    topic: comparison
    rows:
      - aspect: Guest OS
        cells: [unmodified, modified]
      - aspect: Overhead
        cells: [higher, lower]
"""


def write_pack(root: Path, questions: str = GOOD_QUESTIONS, meta: str = PACK_YAML, name: str = "q.yaml") -> Path:
    """Write a pack folder under ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    if meta is not None:
        (root / "pack.yaml").write_text(meta, encoding="utf-8")
    (root / name).write_text(textwrap.dedent(questions), encoding="utf-8")
    return root
