"""Constants shared by the guest kernel (emitted as ``.equ`` lines) and the VMMs: one source of truth.

Physical memory map (words; a page is 256 words)::

    0x0000-0x0BFF  kernel code              0x1500-0x18FF  kernel stacks, one page a process
    0x0C00-0x0FFF  user programs' code      0x1900         kernel page tables (16 x 16 entries)
    0x1000         kernel data              0x1A00-0x1CFF  directory pool (12 x 64 words)
                                            0x1D00-0x21FF  page-table pool (80 x 16 words)
    0x1100         shared info (pv vcpu)    0x2200         user-frame reference counts (by frame number)
                                            0x2300-...     user frames
    0x1200         pv mmu_update queue
    0x1300         pv block ring
    0x1400         block bounce buffer

User virtual layout: code at USER_VBASE (the shared user-code frames), heap from HEAP_VBASE
(demand paged), one stack page ending at USTACK_TOP.
"""

from __future__ import annotations

from minisim import devices, isa

LAYOUT = {
    "USER_CODE": 0x0C00,
    "KDATA": 0x1000,
    "SHARED": 0x1100,
    "MMUQ": 0x1200,
    "RING": 0x1300,
    "BOUNCE": 0x1400,
    "KSTACKS": 0x1500,
    "KTAB": 0x1900,
    "DIRPOOL": 0x1A00,
    "DIR_SLOTS": 12,
    "TABPOOL": 0x1D00,
    "TAB_SLOTS": 80,
    "REFCNT": 0x2200,
    "FRAME_FIRST": 0x23,
    "FRAME_LAST": 0xFF,
    "USER_VBASE": 0x10000,
    "HEAP_VBASE": 0x20000,
    "HEAP_PAGES": 256,
    "USTACK_TOP": 0x40000,
    "NPROC": 4,
    "TIMER_INTERVAL": 50000,
    "MMUQ_MAX": 64,
}
# A software bit of a page-table entry (the MMU ignores bits 4-7): read-only because shared copy-on-write.
PTE_COW = 0x10
# Words in the shared-info page (the para guest's virtual CPU state lives here, as in Xen's vcpu_info).
SHARED = {"VCPU_MASK": 0x1100, "VCPU_PENDING": 0x1101}
# Kernel data words the loader fills in.
BOOTINFO_SCALE = 0x1000
SYSCALLS = {
    "SYS_EXIT": 0,
    "SYS_WRITE": 1,
    "SYS_FORK": 2,
    "SYS_WAIT": 3,
    "SYS_YIELD": 4,
    "SYS_NULL": 5,
    "SYS_READBLK": 6,
    "SYS_UNMAP": 7,
    "SYS_CRITICAL": 8,
    "SYS_TICKS": 9,
    "SYS_EXEC": 10,
}
HYPERCALLS = {
    "HC_CONSOLE": 1,
    "HC_SET_TRAP_TABLE": 2,
    "HC_STACK_SWITCH": 3,
    "HC_MMU_UPDATE": 4,
    "HC_NEW_BASEPTR": 5,
    "HC_INVLPG": 6,
    "HC_EVENT": 7,
    "HC_SCHED_BLOCK": 8,
    "HC_SHUTDOWN": 9,
    "HC_EVTCHN_SEND": 10,
    "HC_SET_TIMER": 11,
    "HC_UPDATE_VA_MAPPING": 12,
}
HYPERCALL_NAMES = {v: k[3:].lower() for k, v in HYPERCALLS.items()}
PORTS = {
    "PORT_CONSOLE": isa.PORT_CONSOLE,
    "PORT_CONSOLE_ADDR": isa.PORT_CONSOLE_ADDR,
    "PORT_CONSOLE_LEN": isa.PORT_CONSOLE_LEN,
    "PORT_TIMER": isa.PORT_TIMER,
    "PORT_BLK_SECTOR": isa.PORT_BLK_SECTOR,
    "PORT_BLK_ADDR": isa.PORT_BLK_ADDR,
    "PORT_BLK_CMD": isa.PORT_BLK_CMD,
    "PORT_BLK_STATUS": isa.PORT_BLK_STATUS,
    "PORT_BLK_NOTIFY": isa.PORT_BLK_NOTIFY,
    "PORT_BLK_PV": isa.PORT_BLK_PV,
    "PORT_DIAG": isa.PORT_DIAG,
}
MISC = {
    "IF": isa.IF,
    "KMODE": isa.KMODE,
    "PAGING": isa.PAGING,
    "CAUSE_SYSCALL": isa.CAUSE_SYSCALL,
    "CAUSE_PAGE_FAULT": isa.CAUSE_PAGE_FAULT,
    "CAUSE_MASK": isa.CAUSE_MASK,
    "PF_PROT": isa.PF_PROT,
    "PF_WRITE": isa.PF_WRITE,
    "PTE_COW": PTE_COW,
    "CAUSE_TIMER": isa.CAUSE_TIMER,
    "SECTOR_WORDS": isa.SECTOR_WORDS,
    "RING_REQ_PROD": devices.RING_REQ_PROD,
    "RING_RSP_PROD": devices.RING_RSP_PROD,
    "RING_REQS": devices.RING_REQS,
    "RING_SLOTS": devices.RING_SLOTS,
}


def prelude() -> str:
    """The ``.equ`` lines every guest source starts with."""
    groups = (LAYOUT, SHARED, {"BOOTINFO_SCALE": BOOTINFO_SCALE}, SYSCALLS, HYPERCALLS, PORTS, MISC)
    return "".join(f".equ {k}, {v:#x}\n" for g in groups for k, v in g.items())
