"""Plain helpers of the lab screen: workload descriptions, column names, numbers and the kernel diff.

Kept out of :mod:`studyvm.tui.screens.lab` so the screen stays short; nothing here runs the simulator.
"""

from __future__ import annotations

from rich.text import Text

from studyvm.tui.widgets.literal import lit_cell

WORKLOAD_ABOUT = {
    "cpu": "arithmetic loop, almost no kernel",
    "syscall": "null system calls",
    "fork": "fork / exit / wait pairs",
    "exec": "fork, exec a new image, exit",
    "pagefault": "demand-paging faults",
    "ctxswitch": "two processes switching",
    "io": "block reads, 8 sectors a call",
    "tlb": "TLB misses over many pages",
    "popf": "pushf/cli/popf sections (equivalence)",
    "mixed": "build-like blend of all of these",
}
"""One line per workload for the picker (what the guest program does)."""

COLUMN_NAMES = {
    "trap": "traps",
    "vmexit": "exits",
    "hypercall": "hcalls",
    "bt_callout": "bt-call",
    "shadow_update": "shadow",
    "tlb_miss": "tlb-miss",
    "io_exit": "io-exit",
    "ring_notify": "ring",
}
"""Event kind -> column header, the names ``studyvm sim compare`` prints (others: ``_`` becomes ``-``)."""


def workload_label(workload: str) -> str:
    """``syscall — null system calls`` for the picker (the bare name for a workload not described)."""
    about = WORKLOAD_ABOUT.get(workload)
    return f"{workload} — {about}" if about else workload


def column_name(kind: str) -> str:
    """The table header of an event kind, as the CLI names it."""
    return COLUMN_NAMES.get(kind, kind.replace("_", "-"))


def metric_text(value: object) -> str:
    """A metric for the table: yes/NO for truths, grouped plain numbers (``4,120``, ``0.76``), never ``4.12e+03``."""
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 100 or value == int(value):
            return f"{value:,.0f}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return "–" if value is None else str(value)


def metric_header(metric: str, width: int = 22) -> str:
    """A short column header for a scenario's metric (its full name is in the verdict above the table)."""
    short = metric.split(" (")[0].split(",")[0].strip()
    return short if len(short) <= width else short[: width - 1] + "…"


DIFF_NOTES = (
    ("vmcall HC_SET_TRAP_TABLE", "hypercall: hand the trap handlers to the hypervisor (was mtc tvec)"),
    ("vmcall HC_NEW_BASEPTR", "hypercall: switch page tables (was lcr3, which would trap)"),
    ("mov r1, r1", "puts the argument in r1 for the hypercall; a no-op when it is there already"),
    ("call pv_queue_pte", "queue the page-table write instead of storing it; the hypervisor checks the batch"),
    ("call pv_mmu_flush", "send the queued writes in one hypercall (HC_MMU_UPDATE)"),
    ("VCPU_MASK", "virtual interrupt flag in memory shared with the hypervisor (was cli/sti/popf)"),
    ("vmcall HC_EVENT", "hypercall: deliver an interrupt that arrived while masked"),
    ("vmcall HC_CONSOLE", "hypercall: print the buffer (replaces the copy loop and port writes)"),
)
"""Lines of the paravirtualized kernel worth a note, noted where each first appears."""


def diff_lines(diff: str) -> list[Text]:
    """The kernel diff as coloured lines: removed red, added green, hunks cyan; notes in italics.

    A key line opens with its ``-``/``+`` sign as well as its colour, so nothing rests on colour.
    """
    lines = [
        Text("- the native kernel's line (removed)   + the PARAVIRT kernel's line (added)   → a note", style="dim")
    ]
    pending = list(DIFF_NOTES)
    for raw in diff.splitlines():
        line = lit_cell(raw)
        if raw.startswith(("---", "+++")):
            line.stylize("bold")
        elif raw.startswith("@@"):
            line.stylize("cyan")
        elif raw.startswith("-"):
            line.stylize("red")
        elif raw.startswith("+"):
            line.stylize("green")
            for key, note in pending:
                if key in raw:
                    line.append(f"    → {note}", style="italic yellow")
                    pending.remove((key, note))
                    break
        lines.append(line)
    return lines
