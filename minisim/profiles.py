"""CPU cost profiles: what each event costs, in cycles, on a named machine. Every figure cites its source.

Sources (abbreviations used below):
  [AA06]  Adams & Agesen, "A Comparison of Software and Hardware Techniques for x86 Virtualization",
          ASPLOS 2006 -- nanobenchmarks on a 3.8 GHz Pentium 4 (Prescott), first-generation VT-x.
          Where a price is *derived* from one of its totals, the comment gives the arithmetic: the
          total is reproduced by the events the nanobenchmark really causes here, each charged once
          (tests/minisim/test_review_bugs.py and test_nanobenchmarks.py run those programs).
  [BAR03] Barham et al., "Xen and the Art of Virtualization", SOSP 2003 (lmbench, 2.4 GHz Xeon;
          microseconds are converted at 2.4 GHz, the machine they were measured on).
  [AG12]  Agesen et al., "Software Techniques for Avoiding Hardware Virtualization Exits", USENIX ATC 2012.
  [GEN]   VM exit round trips over CPU generations as summarised in the project's literature notes
          (Prescott 2,000-3,000+, Sandy Bridge+ 400-500 hardware only, a complete KVM exit 1,000-1,500).
  [BHA08] Bhargava et al., "Accelerating Two-Dimensional Page Walks for Virtualized Systems", ASPLOS 2008.
  [SVL01] Sugerman, Venkitachalam & Lim, "Virtualizing I/O Devices on VMware Workstation's Hosted Virtual
          Machine Monitor", USENIX ATC 2001 -- PC-733, a 733 MHz Pentium III (its section on the
          experimental setup); microseconds are converted at 733 MHz, the machine they were measured on.
          Table 2 ("Distribution of CPU time during network transmission, with VMM optimizations").
  [IOPT]  IA-32 Intel Architecture Optimization Reference Manual, Table 1-1 ("Pentium 4 and Intel Xeon
          Processor Cache Parameters"): Intel's stated access latencies, in clocks.
  [ANT17] AnandTech, "The Intel Skylake-X Review" (2017), the table comparing Skylake-S and Skylake-SP caches.
  [ATA]   Interface transfer rates from the standards: Ultra DMA mode 5 (ATA/ATAPI-6) 100 MB/s;
          SATA 3.0 6 Gb/s, 600 MB/s after 8b/10b coding. A sector here is 64 32-bit words, 256 bytes.
  The modern profile has few measurements of its own: each figure without one is p4-2005's, carried
  over by [GEN]'s ratio of the two generations' VM exit round trips (see _gen); an [EST] figure of
  p4-2005 stays an estimate on the modern core too.
  [EST]   A modelling estimate with no measurement of its own (none was found: minisim/CALIBRATION.md
          says where we looked). The comment names the measured total that bounds it; none is chosen
          for the result it produces.
  "derived" A figure computed from measured totals or from other figures here; the comment shows the
          arithmetic and the one assumption it rests on.
Figures marked "≈" are as commonly cited; check the paper before quoting one. minisim/CALIBRATION.md
lists every source with the figure taken from it and where in the source it is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Profile:
    """Cycle costs of one CPU generation (see each profile's comments for sources)."""

    name: str
    description: str
    syscall: int  # native system call entry + return
    exception: int  # native exception delivery (hardware part; the handler runs as guest code)
    interrupt: int  # native interrupt delivery
    io_native: int  # one device-register access on real hardware
    blk_sector: int  # device time to transfer one sector (the same in every mode)
    walk_ref: int  # one memory reference of a page walk
    trap: int  # software VMM: trap into the VMM and reflect it or return (trap-and-emulate, BT faults)
    dev_emulate: int  # software device model work per emulated register access
    bt_translate: int  # translating one guest-kernel basic block (once, then cached)
    bt_inline: int  # a sensitive instruction translated inline (cli/sti/pushf/popf/smsw/mfc)
    bt_callout: int  # a translated callout into the VMM (iret, cr writes, PTE writes, I/O)
    bt_indirect: int  # extra for an indirect control transfer in translated code
    bt_syscall: int  # system call under BT: into the VMM, then into the translated guest kernel
    bt_fill: int  # BT: the VMM's own page-fault handler taking a hidden fault (before the shadow update)
    shadow_update: int  # VMM work to update one shadow page-table entry
    vmexit: int  # VM exit + entry round trip, hardware transition and minimal handler
    exit_work: dict  # extra handler work by exit reason
    hypercall: int  # para: one hypercall round trip
    mmu_validate: int  # para: validating one page-table update in a batch
    para_bounce: int  # para: a fault or event bounced from the hypervisor into the guest
    upcall: int  # para: virtual interrupt (event channel) delivery
    ring_backend: int  # para/virtio: backend wake-up per notification
    world_switch: int  # hosted VMM (full): a request that needs the real device, to the host's driver and back

    def to_dict(self) -> dict:
        """JSON-able view."""
        return asdict(self)


P4_2005 = Profile(
    name="p4-2005",
    description="3.8 GHz Pentium 4 (Prescott) with first-generation VT-x: the machine of Adams & Agesen 2006",
    syscall=240,  # [AA06] syscall ≈240 native
    exception=889,  # [AA06] divide-by-zero ≈900 native = this delivery + the nanobenchmark's handler (11 cycles
    #                 of guest instructions, charged on their own); its iret is an ordinary instruction natively
    interrupt=889,  # as exception, derived: the CPU delivers an interrupt through the same IDT gate path
    io_native=3200,  # [AA06] `in` ≈3,200 native: one port access over the chipset (every device register is one)
    blk_sector=9700,  # [ATA] 256 bytes at Ultra DMA/100's 100 MB/s: 2.56 µs ≈ 9,700 cycles at 3.8 GHz
    walk_ref=20,  # [IOPT] Table 1-1: the 2 MB L2 of Prescott (CPUID models 3, 4, 6) answers in 20 clocks; a
    #               walk reference is priced as an L2 hit (AnandTech measured 27 cycles on that core, 4 for L1)
    trap=1900,  # [AA06] divide-by-zero ≈3,200 under BT vs ≈900 native, less iret's callout (400, charged
    #             on its own): ≈1,900 for taking a trap into the VMM and reflecting it into the guest
    dev_emulate=200,  # [AA06] `in` ≈200 under BT, emulated inline: the device model's work per register access
    bt_translate=1000,  # [EST] one-time translation of a basic block: [AA06] reports no per-block figure and
    #                     no measurement of VMware's translator was found (see CALIBRATION.md)
    bt_inline=4,  # [AA06] cr8 write ≈35 under BT vs ≈150 native: a few inline instructions, here 4 cycles
    bt_callout=400,  # [AA06] PTE modification ≈400 under BT: one translated callout, its shadow update included
    bt_indirect=40,  # [AA06] call/ret ≈50 under BT vs ≈11 native
    bt_syscall=1700,  # [AA06] syscall ≈2,300 under BT, of which iret's callout (400) and native entry (240)
    bt_fill=200,  # [AA06] page fault ≈3,900 under BT = native ≈1,100 + reflection (trap, 1,900) + iret's
    #               callout (400) + the retry's hidden fill: this trap into the VMM + its shadow update (300)
    shadow_update=300,  # [EST] computing one shadow entry: [AA06]'s BT PTE write (≈400 in all: a callout
    #                     and one shadow-entry update) bounds it above; no measurement of its own was found
    vmexit=2500,  # [GEN] Prescott round trip 2,000-3,000+
    exit_work={  # [AA06] totals (vmexit + work) where measured; each total includes the handler's work
        "io": 13300,  # [AA06] `in` ≈15,800 with one exit, the device model included
        "pt_write": 10200,  # [AA06] PTE modification ≈12,700 with one exit, the shadow update included
        "page_fault": 2400,  # [AA06] page fault ≈11,200 = native ≈1,100 + this exit and the retry's shadow-fill
        "shadow_fill": 2400,  # exit (2 x 2,500) + a shadow update (300) + 2 x 2,400 of handler work -- but the
        #                     nanobenchmark program causes no retry fill (CALIBRATION.md: an open question)
        "hidden_dirty": 2400,  # as shadow_fill, derived: the same hidden #PF exit and one shadow-entry update
        "cr3_load": 1500,  # [EST] switching to the cached shadow of the new root; no per-reason Prescott
        #                    measurement was found; the PTE-write exit's work (10,200 [AA06]) bounds it
        "invlpg": 300,  # derived: the handler drops one shadow entry, the work of one shadow_update (above)
        "external_interrupt": 0,  # derived: that era's VMMs acknowledge the interrupt on exit, so the host
        #                         takes no IDT delivery -- Xen 3.0's VMX code sets VM_EXIT_ACK_INTR_ON_EXIT and
        #                         injects with two VMCS writes (xen/include/asm-x86/vmx.h, vmx_inject_extint):
        #                         the minimal handler vmexit has; the guest's own delivery is `interrupt`
        "hlt": 0,  # derived: halting needs no handler work beyond the minimal one vmexit includes
        "cr_write": 0,  # derived: emulating a control-register write reads the exit qualification and writes
        #                 one guest-state field -- the minimal handler [GEN]'s round trip (vmexit) already has;
        #                 a lower bound (Xen's whole CR exits measure 3-6x a KVM exit: CALIBRATION.md)
        "vmcall": 0,  # derived: a vmcall the hypervisor does not serve is the null exit that exit-latency
        #               microbenchmarks time, i.e. vmexit's round trip and minimal handler [GEN], nothing more
    },
    hypercall=500,  # [BAR03] null call 0.45 -> 0.46 µs shows the syscall path; a hypercall is a syscall-like
    #                 round trip into Xen (≈240 [AA06]) plus argument checks [EST]
    mmu_validate=150,  # [EST] validating one entry of a batch; [BAR03] fork 110 -> 198 µs includes it but
    #                    does not say how many updates a fork makes; a 2006 xen-devel fork timing bounds it
    #                    at <= 0.29 µs an entry (CALIBRATION.md)
    para_bounce=2494,  # derived from [BAR03] lmbench page fault, Xen 2.73 vs native 1.42 µs: the Xen path of
    #                    one fault is +1.31 µs = 3,144 cycles at 2.4 GHz; its two transitions (deliver the
    #                    fault, install the entry: the reference notes' reading of BAR03) are this bounce and
    #                    one update_va_mapping (hypercall 500 + mmu_validate 150): 3,144 - 650 = 2,494. The
    #                    guest's own handler is guest code, executed and counted on its own.
    upcall=2494,  # derived: an event-channel upcall is the same pair of transitions as a bounce (into Xen,
    #               then a frame built on the guest's stack to its callback), so para_bounce's price
    ring_backend=1848,  # derived from [BAR03] lmbench context switch (2 processes, 0 KB), native 0.77 µs x 2.4 GHz
    #                     = 1,848: a notification wakes the backend (Xen's blkback, a KVM I/O thread), one switch
    world_switch=16600,  # [SVL01] Table 2, "Transmitting via the VMNet": 22.7 µs on average (17.9% of the time) --
    #                      the VMM's world switch to the VMApp, its write() into the host's VMNet driver and the
    #                      switch back -- x 733 MHz = 16,639 cycles, rounded to 16,600
)


def _gen(cycles: int) -> int:
    """A p4-2005 price carried to the modern core by [GEN]'s measured ratio of the two generations'
    VM exit round trips: a complete KVM exit ≈1,000-1,500 cycles (1,200 here) against Prescott's
    2,000-3,000+ (2,500): 0.48. Transitions and their handlers' work are the same kind of cost."""
    return round(cycles * 1200 / 2500)


_P4 = P4_2005
MODERN = Profile(
    name="modern",
    description="A recent x86-64 core (Skylake or later) with VT-x, EPT and a KVM-like hypervisor",
    # Every figure below without a source of its own is p4-2005's, derived from [AA06], [BAR03] or
    # [SVL01] as commented there, carried over by _gen() (x 0.48, [GEN]); none is set for its result.
    syscall=_gen(_P4.syscall),
    exception=_gen(_P4.exception),
    interrupt=_gen(_P4.interrupt),
    io_native=_gen(_P4.io_native),
    blk_sector=1700,  # [ATA] 256 bytes at SATA 3.0's 600 MB/s: 0.43 µs ≈ 1,700 cycles at 4 GHz
    walk_ref=11,  # [ANT17] Skylake-S L2: 11 cycles; as on p4-2005, a walk reference is priced as an L2 hit
    trap=_gen(_P4.trap),
    dev_emulate=200,  # [AA06] as p4-2005: a device model's work is instructions, not transitions
    bt_translate=_gen(_P4.bt_translate),
    bt_inline=_gen(_P4.bt_inline),
    bt_callout=_gen(_P4.bt_callout),
    bt_indirect=_gen(_P4.bt_indirect),
    bt_syscall=_gen(_P4.bt_syscall),
    bt_fill=_gen(_P4.bt_fill),
    shadow_update=_gen(_P4.shadow_update),
    vmexit=1200,  # [GEN] a complete exit handled in the kernel ≈1,000-1,500
    exit_work={
        **{reason: _gen(work) for reason, work in _P4.exit_work.items()},
        "ept_violation": _gen(_P4.exit_work["shadow_fill"]),  # mapping one guest frame: a shadow fill's work
    },
    hypercall=_gen(_P4.hypercall),
    mmu_validate=_gen(_P4.mmu_validate),
    para_bounce=_gen(_P4.para_bounce),
    upcall=_gen(_P4.upcall),
    ring_backend=_gen(_P4.ring_backend),
    world_switch=_gen(_P4.world_switch),
)

BY_NAME = {p.name: p for p in (P4_2005, MODERN)}
PROFILES = tuple(BY_NAME)


def get(name: str) -> Profile:
    """The profile called ``name`` (ValueError listing the choices otherwise)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}") from None
