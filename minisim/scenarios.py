"""Named demonstrations: each proves (or refutes) one claim with a run, a metric and a one-line verdict.

A scenario fixes a workload, the runs to compare (modes, possibly on several profiles or kernel
builds), the metric that proves the point, and ``check`` -- what must hold for the claim as the
literature states it. The verdict is computed from the measured values, never written in advance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minisim.scenario_kit import (
    Scenario,
    ScenarioOutcome,
    _count,
    _diff_lines,
    _ex,
    _exit_crossover,
    _mmu_calls,
    _mmu_share,
    _overhead,
    _pct,
    _per,
    _top_exit,
    _vmexit,
    _x,
)

if TYPE_CHECKING:  # the machine is loaded when a scenario runs, not to list them
    from minisim.run import Result

__all__ = ["SCENARIOS", "Scenario", "ScenarioOutcome", "get", "run_scenario", "values_of"]

S: list[Scenario] = [
    Scenario(
        "popf-equivalence",
        "POPF breaks trap-and-emulate",
        "x86-like POPF is sensitive but not privileged: deprivileged, it silently drops IF (Robin & Irvine 2000).",
        "popf",
        ("native", "trap-emulate", "full", "para", "hw"),
        "modern",
        1,
        "equivalent to native (same console output and final state)",
        lambda r: r.equivalent,
        lambda v: not v["trap-emulate"] and all(v[m] for m in ("full", "para", "hw")),
        lambda v, r: (
            f"trap-and-emulate lost equivalence ({r['trap-emulate'].violation}); binary translation, "
            f"paravirtualization and VT-x all ran the guest correctly"
        ),
    ),
    Scenario(
        "syscall-bt-vs-hw",
        "System calls: BT pays, VT-x does not",
        "VT-x runs guest system calls without exits; BT's VMM must take each one (Adams & Agesen 2006).",
        "syscall",
        ("native", "full", "hw"),
        "p4-2005",
        1,
        "cycles per system call",
        _per("cycles", "syscall"),
        lambda v: v["hw"] < 1.3 * v["native"] < v["full"],
        lambda v, r: (
            f"a system call cost {v['native']:.0f} cycles natively, {v['hw']:.0f} under VT-x (no exits) "
            f"and {v['full']:.0f} under binary translation ({_x(v['full'], v['hw'])} VT-x)"
        ),
    ),
    Scenario(
        "pagetable-bt-vs-vtx",
        "forkwait: first-generation VT-x loses to BT",
        "With shadow page tables every write to a shadowed guest page table is a VM exit, which BT turns into "
        "a cheap callout, and each copy-on-write or hidden page fault costs VT-x about 3x what it costs BT "
        "(forkwait: native 6.0 s, BT 36.9 s, VT-x 106.4 s, Adams & Agesen 2006).",
        "fork",
        ("native", "full", "hw"),
        "p4-2005",
        1,
        "overhead vs native",
        _overhead,
        lambda v: 1 < v["full"] < v["hw"],
        lambda v, r: (
            f"fork+wait ran {v['full']:.1f}x native under BT and {v['hw']:.1f}x under VT-x: "
            f"{sum(r['hw'].events['vmexit'].values())} VM exits, "
            f"{r['hw'].events['vmexit'].get('pt_write', 0)} of them page-table writes, "
            f"{r['hw'].events['vmexit'].get('page_fault', 0)} guest page faults (copy-on-write) and "
            f"{r['hw'].events['vmexit'].get('shadow_fill', 0)} hidden faults (shadow fills)"
        ),
    ),
    Scenario(
        "forkwait-where-cycles-go",
        "forkwait: where VT-x's cycles go",
        "First-generation VT-x lost to BT on forkwait because its shadow page tables turn each guest page-table "
        "write and each hidden or copy-on-write fault into a full VM exit, where BT takes a cheap callout "
        "(Adams & Agesen 2006).",
        "fork",
        ("native", "full", "hw"),
        "p4-2005",
        1,
        "share of cycles entering the VMM for the MMU",
        _mmu_share,
        lambda v: v["native"] == 0 and v["hw"] > 0.5 and v["full"] < v["hw"],
        lambda v, r: (
            f"{v['hw']:.0%} of VT-x's fork cycles went to MMU exits (the largest: {_top_exit(r['hw'])}), "
            f"against {v['full']:.0%} of BT's; fork ran {r['hw'].overhead:.1f}x native under VT-x and "
            f"{r['full'].overhead:.1f}x under BT (`sim compare` and the lab's Cycles tab show every "
            "event kind)"
        ),
        view="cycles",
    ),
    Scenario(
        "io-bt-vs-vtx",
        "Port I/O: BT emulates inline, VT-x exits",
        "An `in` cost ≈200 cycles under BT but ≈15,800 under first-generation VT-x (Adams & Agesen 2006).",
        "io",
        ("native", "full", "hw"),
        "p4-2005",
        1,
        "cycles per sector read",
        _per("cycles", "blk_sectors"),
        lambda v: v["full"] < v["hw"],
        lambda v, r: (
            f"a sector (four device-register accesses) cost {v['native']:.0f} cycles natively, "
            f"{v['full']:.0f} under BT (emulated inline) and {v['hw']:.0f} under VT-x "
            f"({r['hw'].events['vmexit'].get('io', 0)} I/O exits)"
        ),
    ),
    Scenario(
        "pv-batched-mmu",
        "Para batches page-table updates",
        "Xen validates every page-table update, but the guest batches them in one mmu_update hypercall "
        "(Barham et al. 2003: fork 110 µs native, 198 Xen, 874 VMware).",
        "fork",
        ("native", "para", "full", "hw"),
        "p4-2005",
        1,
        "overhead vs native",
        _overhead,
        lambda v: v["native"] <= v["para"] < v["full"] < v["hw"],
        lambda v, r: (
            f"para sent {r['para'].events['pt_updates']} page-table updates in "
            f"{_mmu_calls(r['para'])} mmu_update hypercalls "
            f"(≈{r['para'].events['pt_updates'] / max(_mmu_calls(r['para']), 1):.0f} a call); "
            f"fork overhead para {v['para']:.1f}x, BT {v['full']:.1f}x, VT-x {v['hw']:.1f}x"
        ),
    ),
    Scenario(
        "para-syscall-direct",
        "Para system calls bypass the hypervisor",
        "Xen installs the guest's system-call handler so system calls never enter Xen (null call 0.45 vs 0.46 µs).",
        "syscall",
        ("native", "para", "full"),
        "p4-2005",
        1,
        "hypercalls + traps per system call",
        lambda r: round((_count(r, "hypercall") + _count(r, "trap")) / max(_count(r, "syscall"), 1), 2),
        lambda v: v["para"] < 0.01 < v["full"],
        lambda v, r: (
            f"para made {v['para']:.2f} hypervisor entries per system call (overhead "
            f"{r['para'].overhead:.2f}x); BT made {v['full']:.2f} ({r['full'].overhead:.1f}x)"
        ),
    ),
    Scenario(
        "io-emulated-vs-ring",
        "Emulated device vs paravirtual ring",
        "Each emulated device-register access is an exit; a shared ring takes many requests per notification "
        "(Xen split drivers, virtio).",
        "io",
        ("native", "hw-ept", "hybrid", "para"),
        "modern",
        1,
        "guest->hypervisor transitions per sector read",
        lambda r: round((r.events["io_exit"] + r.events["ring_notify"]) / max(r.events["blk_sectors"], 1), 2),
        lambda v: v["hybrid"] < v["hw-ept"] and v["para"] < v["hw-ept"],
        lambda v, r: (
            f"{v['hw-ept']:.2f} exits per sector with the emulated device vs {v['hybrid']:.2f} with the "
            f"ring (hybrid): overhead {r['hw-ept'].overhead:.2f}x vs {r['hybrid'].overhead:.2f}x"
        ),
    ),
    Scenario(
        "nested-paging-mmu",
        "Nested paging removes MMU exits",
        "With EPT/NPT the guest changes its own page tables and CR3 without exits.",
        "fork",
        ("native", "hw", "hw-ept"),
        "modern",
        1,
        "VM exits",
        _ex("vmexit"),
        lambda v: v["hw-ept"] * 5 < v["hw"],
        lambda v, r: (
            f"shadow paging took {v['hw']} VM exits ({r['hw'].overhead:.1f}x native), nested paging "
            f"{v['hw-ept']} ({r['hw-ept'].overhead:.2f}x)"
        ),
    ),
    Scenario(
        "nested-paging-tlb",
        "Nested paging makes TLB misses dearer",
        "A nested TLB miss walks both dimensions: (n+1)(m+1)-1 references -- 24 with x86-64's 4+4 levels "
        "(Bhargava et al. 2008); TLB-miss-heavy workloads can lose.",
        "tlb",
        ("native", "hw", "hw-ept"),
        "modern",
        1,
        "overhead vs native",
        _overhead,
        lambda v: v["hw-ept"] > v["hw"] > v["native"],
        lambda v, r: (
            f"each TLB miss took {_per('page_walk_refs', 'tlb_miss')(r['hw']):.1f} references with shadow "
            f"tables and {_per('page_walk_refs', 'tlb_miss')(r['hw-ept']):.1f} in the two-dimensional walk "
            f"((2+1)(2+1)-1 here; 24 on x86-64), so on this TLB-miss-heavy workload nested paging ran "
            f"{v['hw-ept']:.2f}x native against {v['hw']:.2f}x for shadow paging "
            f"({_count(r['hw'], 'vmexit')} VM exits with shadow tables, {_count(r['hw-ept'], 'vmexit')} "
            f"nested)"
        ),
    ),
    Scenario(
        "cpu-bound-near-native",
        "CPU-bound work runs near native everywhere",
        "Efficiency: nearly all instructions run directly; SPECint is within a few percent of native in every VMM.",
        "cpu",
        ("native", "full", "para", "hw", "hw-ept"),
        "modern",
        8,
        "overhead vs native",
        _overhead,
        lambda v: max(v.values()) < 1.10,
        lambda v, r: "every mode ran the arithmetic loop within " + _pct(max(v.values())) + " of native",
    ),
    Scenario(
        "hw-near-native-modern",
        "Modern hardware assistance is near native",
        "On recent CPUs (nested paging, cheaper exits) hardware assistance beats BT for most workloads "
        "(Agesen et al. 2012); paravirtual drivers close the I/O gap.",
        "mixed",
        ("native", "full", "hw", "hw-ept", "hybrid"),
        "modern",
        1,
        "overhead vs native",
        _overhead,
        lambda v: v["hybrid"] < v["hw-ept"] < v["hw"] and v["hybrid"] < v["full"],
        lambda v, r: (
            f"on a build-like mix: hybrid {_pct(v['hybrid'])}, hw-ept {_pct(v['hw-ept'])}, "
            f"BT {_pct(v['full'])}, shadow-paging hw {_pct(v['hw'])}"
        ),
    ),
    Scenario(
        "full-needs-no-guest-change",
        "Full virtualization needs neither guest changes nor VT-x",
        "The notes say full virtualization requires VT-x/AMD-V; VMware's binary translator ran unmodified guests "
        "on x86 years before VT-x (1999 vs 2005).",
        "popf",
        ("native", "trap-emulate", "full"),
        "p4-2005",
        1,
        "equivalent to native, unmodified kernel, no VT-x",
        lambda r: r.equivalent,
        lambda v: v["full"] and not v["trap-emulate"],
        lambda v, r: (
            f"with no hardware support, the unmodified kernel ran equivalently under binary translation "
            f"({r['full'].events['bt_block']} kernel blocks translated, {_count(r['full'], 'bt_inline')} "
            f"sensitive instructions rewritten inline, {_count(r['full'], 'vmexit')} VM exits) but not "
            f"under trap-and-emulate on the same CPU ({r['trap-emulate'].violation})"
        ),
    ),
    Scenario(
        "para-needs-modified-guest",
        "Paravirtualization needs a ported guest",
        "Para requires guest OS changes (hypercalls); an unmodified kernel under the same hypervisor is only "
        "trap-and-emulate -- and POPF breaks it.",
        "popf",
        ("native", "para"),
        "modern",
        1,
        "equivalent to native",
        lambda r: r.equivalent,
        lambda v: v["para (pv-ops kernel)"] and not v["para (unmodified kernel)"],
        lambda v, r: (
            f"the pv-ops build ran equivalently; the unmodified build under the same hypervisor did not "
            f"({r['para (unmodified kernel)'].violation}); the builds differ in "
            f"{_diff_lines()} source lines"
        ),
        runs={
            "native": ("native", "modern", None),
            "para (pv-ops kernel)": ("para", "modern", None),
            "para (unmodified kernel)": ("para", "modern", "unmodified"),
        },
    ),
    Scenario(
        "exit-cost-generations",
        "VM exits got cheaper, not free",
        "First-generation VT-x lost to BT on fork because of what its exits cost (Adams & Agesen 2006); exits "
        "got cheaper with each CPU generation, and on later CPUs hardware assistance beats BT for most "
        "workloads (Agesen et al. 2012).",
        "fork",
        ("full", "hw"),
        "p4-2005",
        1,
        "exit cost at which VT-x matches BT, as a fraction of the P4's",
        lambda r: 1.0,
        lambda v: 0 < v["hw"] < 1,
        lambda v, r: (
            f"fork took {_count(r['hw'], 'vmexit')} VM exits under VT-x against "
            f"{_count(r['full'], 'bt_callout')} callouts and {_count(r['full'], 'trap')} traps under BT; "
            f"re-pricing those events, VT-x matches BT once every exit (round trip and handler work) "
            f"costs {v['hw']:.2f} of the P4's -- a round trip of ≈{v['hw'] * _vmexit('p4-2005'):,.0f} "
            f"cycles against {_vmexit('p4-2005'):,} on the P4 and {_vmexit('modern'):,} on a modern core"
        ),
        derive=_exit_crossover,
        view="cycles",
    ),
]
SCENARIOS: dict[str, Scenario] = {s.id: s for s in S}


def get(scenario_id: str) -> Scenario:
    """The scenario called ``scenario_id`` (ValueError listing the choices otherwise)."""
    try:
        return SCENARIOS[scenario_id]
    except KeyError:
        raise ValueError(f"unknown scenario {scenario_id!r}; choose one of: {', '.join(SCENARIOS)}") from None


def values_of(s: Scenario, results: dict[str, Result]) -> dict:
    """The proving metric of every run (``value`` per run, then ``derive`` over all of them)."""
    values = {label: s.value(r) for label, r in results.items()}
    if s.derive is not None:
        values.update(s.derive(results))
    return values


def run_scenario(scenario_id: str) -> ScenarioOutcome:
    """Run every run of the scenario, compute its metric per run and its verdict."""
    from minisim.run import run

    s = get(scenario_id)
    results = {
        label: run(s.workload, mode, prof, s.scale, kernel=kernel) for label, (mode, prof, kernel) in s.plan().items()
    }
    values = values_of(s, results)
    holds = bool(s.check(values))
    verdict = s.verdict(values, results)
    return ScenarioOutcome(s, results, values, holds, verdict if holds else f"NOT REPRODUCED: {verdict}")
