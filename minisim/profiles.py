"""CPU cost profiles: what each event costs, in cycles, on a named machine. Every figure cites its source.

Sources (abbreviations used below):
  [AA06]  Adams & Agesen, "A Comparison of Software and Hardware Techniques for x86 Virtualization",
          ASPLOS 2006 -- nanobenchmarks on a 3.8 GHz Pentium 4 (Prescott), first-generation VT-x.
  [BAR03] Barham et al., "Xen and the Art of Virtualization", SOSP 2003 (lmbench, 2.4 GHz Xeon).
  [AG12]  Agesen et al., "Software Techniques for Avoiding Hardware Virtualization Exits", USENIX ATC 2012.
  [GEN]   VM exit round trips over CPU generations as summarised in the calibration notes
          (Prescott 2,000-3,000+, Sandy Bridge+ 400-500 hardware only, a complete KVM exit 1,000-1,500).
  [BHA08] Bhargava et al., "Accelerating Two-Dimensional Page Walks for Virtualized Systems", ASPLOS 2008.
  [EST]   Modelling estimate, chosen to be consistent with the published totals it sits beside; the
          comment says which total. Relative order matters more than the digit.
Figures marked "≈" are as commonly cited; check the paper before quoting one.
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
    trap: int  # software VMM: trap into the VMM and back (trap-and-emulate, BT faults)
    dev_emulate: int  # software device model work per emulated register access
    bt_translate: int  # translating one guest-kernel basic block (once, then cached)
    bt_inline: int  # a sensitive instruction translated inline (cli/sti/pushf/popf/smsw/mfc)
    bt_callout: int  # a translated callout into the VMM (iret, cr writes, PTE writes, I/O)
    bt_indirect: int  # extra for an indirect control transfer in translated code
    bt_syscall: int  # system call under BT: into the VMM, then into the translated guest kernel
    bt_fault: int  # a guest-visible fault under BT (VMM takes it, reflects it)
    shadow_update: int  # VMM work to update one shadow page-table entry
    vmexit: int  # VM exit + entry round trip, hardware transition and minimal handler
    exit_work: dict  # extra handler work by exit reason
    hypercall: int  # para: one hypercall round trip
    mmu_validate: int  # para: validating one page-table update in a batch
    para_bounce: int  # para: a fault or event bounced from the hypervisor into the guest
    upcall: int  # para: virtual interrupt (event channel) delivery
    ring_backend: int  # para/virtio: backend wake-up per notification

    def to_dict(self) -> dict:
        """JSON-able view."""
        return asdict(self)


P4_2005 = Profile(
    name="p4-2005",
    description="3.8 GHz Pentium 4 (Prescott) with first-generation VT-x: the machine of Adams & Agesen 2006",
    syscall=240,  # [AA06] syscall ≈240 native
    exception=700,  # [AA06] page fault ≈1,100 and divide-by-zero ≈900 native, less the handler's own work [EST]
    interrupt=700,  # [EST] like exception delivery [AA06]
    io_native=3200,  # [AA06] `in` ≈3,200 native
    blk_sector=4000,  # [EST] device time per sector, identical in every mode
    walk_ref=20,  # [EST] a page-walk reference mostly hitting L2 on a P4
    trap=2300,  # [AA06] divide-by-zero ≈3,200 under BT vs ≈900 native: ≈2,300 for the VMM's trap path
    dev_emulate=300,  # [EST] so that a trapped `in` stays well below VT-x's ≈15,800 [AA06]
    bt_translate=1000,  # [EST] one-time translation of a basic block, amortised by the translation cache [AA06]
    bt_inline=4,  # [EST] a few inline instructions instead of the real one; cf. cr8 write 150 native, ≈35 BT [AA06]
    bt_callout=400,  # [AA06] PTE modification ≈400 under BT (translated callout)
    bt_indirect=40,  # [AA06] call/ret ≈50 under BT vs ≈11 native
    bt_syscall=1700,  # [AA06] syscall ≈2,300 under BT, of which iret's callout (400) and native entry (240)
    bt_fault=2500,  # [AA06] page fault ≈3,900 under BT vs ≈1,100 native; divide-by-zero ≈3,200 vs ≈900
    shadow_update=300,  # [EST] within [AA06]'s BT PTE-write ≈400 total
    vmexit=2500,  # [GEN] Prescott round trip 2,000-3,000+
    exit_work={  # totals (vmexit + work) follow [AA06] where measured
        "io": 13300,  # [AA06] `in` ≈15,800 with one exit
        "pt_write": 10200,  # [AA06] PTE modification ≈12,700 with one exit
        "page_fault": 2000,  # [AA06] page fault ≈11,200 in all: this exit + injection + the shadow fill exit
        "shadow_fill": 2000,  # [EST] see page_fault
        "cr3_load": 1500,  # [EST] switching the shadow root
        "invlpg": 500,  # [EST]
        "external_interrupt": 500,  # [EST] exit + virtual interrupt injection
        "hlt": 0,
        "cr_write": 200,  # [EST]
        "vmcall": 100,  # [EST]
    },
    hypercall=500,  # [EST] a software interrupt into Xen and back, like a syscall plus checks [BAR03]
    mmu_validate=150,  # [EST] [BAR03] fork 110 -> 198 µs: validation is the cost batching amortises
    para_bounce=1500,  # [BAR03] page fault 1.42 -> 2.73 µs at 2.4 GHz: ≈3,100 cycles for two transitions + update
    upcall=1000,  # [EST] event-channel upcall, two transitions
    ring_backend=2000,  # [EST] backend wake-up per notification
)

MODERN = Profile(
    name="modern",
    description="A recent x86-64 core (Skylake or later) with VT-x, EPT and a KVM-like hypervisor",
    syscall=150,  # [EST] direct cost of a null syscall on a recent core, before speculative-execution mitigations
    exception=300,  # [EST]
    interrupt=300,  # [EST]
    io_native=500,  # [EST] an uncached device-register access on real hardware, ≈0.15 µs
    blk_sector=4000,  # [EST] device time per sector, identical in every mode
    walk_ref=10,  # [EST] page-walk caches make most references L1/L2 hits [BHA08]
    trap=1000,  # [EST] software trap path, scaled from [AA06] by the syscall ratio
    dev_emulate=300,  # [EST]
    bt_translate=500,  # [EST] scaled like the other BT costs
    bt_inline=2,  # [EST] a few inline instructions instead of the real one, scaled from [AA06]
    bt_callout=200,  # [EST] scaled from [AA06]
    bt_indirect=20,  # [EST] scaled from [AA06]
    bt_syscall=900,  # [EST] scaled from [AA06]
    bt_fault=1200,  # [EST] scaled from [AA06]
    shadow_update=150,  # [EST]
    vmexit=1200,  # [GEN] a complete exit handled in the kernel ≈1,000-1,500
    exit_work={
        "io": 2500,  # [EST] port I/O emulated by the hypervisor (in-kernel device model)
        "pt_write": 1800,  # [EST] decode + emulate the write + shadow update [AG12]
        "page_fault": 800,  # [EST]
        "shadow_fill": 800,  # [EST]
        "cr3_load": 600,  # [EST]
        "invlpg": 300,  # [EST]
        "external_interrupt": 300,  # [EST]
        "hlt": 0,
        "cr_write": 100,  # [EST]
        "vmcall": 50,  # [EST]
    },
    hypercall=250,  # [EST] a SYSCALL-like transition into the hypervisor
    mmu_validate=60,  # [EST]
    para_bounce=700,  # [EST] scaled from [BAR03]
    upcall=500,  # [EST]
    ring_backend=1500,  # [EST]
)

BY_NAME = {p.name: p for p in (P4_2005, MODERN)}
PROFILES = tuple(BY_NAME)


def get(name: str) -> Profile:
    """The profile called ``name`` (ValueError listing the choices otherwise)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}") from None
