"""Study test helpers: a pack with every question type and a settable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter

from studyvm.packs.model import Pack, PackMeta, Question

QUESTIONS = [
    {
        "id": "flip-1",
        "type": "flip",
        "prompt": "What does VMCS stand for?",
        "back": "Virtual Machine Control Structure",
        "topic": "hardware",
        "explanation": "Intel VT-x keeps guest state in it.",
        "source": {"note": "notes", "section": "VT-x"},
    },
    {
        "id": "mcq-1",
        "type": "mcq",
        "prompt": "Which mode traps sensitive instructions?",
        "topic": "trap",
        "options": [
            {"text": "Trap and emulate", "correct": True},
            {"text": "Binary translation"},
            {"text": "Paravirtualization", "weight": 50, "feedback": "half right"},
        ],
        "caveat": "x86 before VT-x could not.",
    },
    {
        "id": "multi-1",
        "type": "multi",
        "prompt": "Which are hardware assists?",
        "topic": "hardware",
        "options": [{"text": "VT-x", "correct": True}, {"text": "EPT", "correct": True}, {"text": "Hypercall"}],
    },
    {
        "id": "tf-1",
        "type": "true_false",
        "prompt": "POPF traps in ring 3 on classic x86.",
        "answer": False,
        "topic": "trap",
        "feedback_true": "It fails silently.",
        "feedback_false": "Right: it fails silently.",
    },
    {
        "id": "short-1",
        "type": "short",
        "prompt": "Name the x86 instruction that loads the IDT.",
        "topic": "trap",
        "answers": ["LIDT", {"text": "lidt instruction", "weight": 100}],
    },
    {
        "id": "num-1",
        "type": "numerical",
        "prompt": "How many rings does x86 have?",
        "topic": "trap",
        "answers": [{"value": 4}],
    },
    {
        "id": "cloze-1",
        "type": "cloze",
        "prompt": "Xen guests call the hypervisor with {{hypercalls|hypercall}}.",
        "topic": "para",
    },
    {
        "id": "match-1",
        "type": "matching",
        "prompt": "Match the technique to its mode.",
        "topic": "modes",
        "pairs": [{"left": "Binary translation", "right": "Full"}, {"left": "Hypercalls", "right": "Para"}],
        "distractors": ["None"],
    },
    {
        "id": "order-1",
        "type": "ordering",
        "prompt": "Order a VM exit.",
        "topic": "hardware",
        "items": ["Guest runs", "Exit condition", "VMM handles", "VM entry"],
    },
]


def make_pack(pack_id: str = "virt", questions: list[dict] | None = None) -> Pack:
    """A pack built in memory from question dicts."""
    adapter = TypeAdapter(list[Question])
    meta = PackMeta(id=pack_id, title="Test pack", sources=[{"id": "notes", "title": "Course notes"}])
    return Pack(meta=meta, questions=adapter.validate_python(questions or QUESTIONS))


class FakeClock:
    """A settable clock; ``advance`` moves it on."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
