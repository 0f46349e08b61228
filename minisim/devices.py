"""Devices on the port bus: console, interval timer and a block device (register interface and ring).

The block device has two front doors. The emulated one is a register file a driver programs
one port at a time (sector, buffer address, command, status) -- every access is a device-register
access a VMM must trap and emulate. The paravirtual one is a shared ring of requests in guest
memory: the driver queues many requests and notifies once; the backend drains the ring.
"""

from __future__ import annotations

import functools

from minisim import isa

# Paravirtual ring layout (offsets in the ring page): producer / consumer indices, then requests.
RING_REQ_PROD, RING_RSP_PROD, RING_REQS, RING_SLOTS = 0, 1, 16, 64
# Register accesses one request takes on the block device's register interface: sector, buffer
# address, command, and one status read. A backend serving a guest's request makes these on the
# real device, as a native driver does.
REGS_PER_REQUEST = 4


@functools.lru_cache(maxsize=4096)
def disk_sector(sector: int) -> tuple[int, ...]:
    """Deterministic disk contents: word ``i`` of ``sector`` is ``sector * 2654435761 + i * 40503 + 12345``.

    Computed once per sector: the comparison runs every mode over the same sectors, so the cache
    is the host's page cache.
    """
    first = sector * 2654435761 + 12345
    # map() with the mask's bound method keeps the per-word loop in C (a generator runs bytecode per word)
    return tuple(map(isa.MASK.__and__, range(first, first + 40503 * isa.SECTOR_WORDS, 40503)))


class Devices:
    """Console, timer and block device of one machine."""

    def __init__(self, m) -> None:
        self.m = m
        self.console: list[str] = []
        self.blk_sector = self.blk_addr = 0
        self.blk_status = 0
        self.con_addr = 0
        self.ring_cons = 0
        self.sectors_read = 0

    def read(self, port: int) -> int:
        """An ``in`` from ``port``."""
        if port == isa.PORT_BLK_STATUS:
            return self.blk_status
        if port == isa.PORT_BLK_PV:  # probe: does the platform offer the paravirtual ring?
            return int(self.m.vmm.uses_pv_blk)
        if port == isa.PORT_TIMER:
            return self.m.timer_interval
        return 0

    def write(self, port: int, value: int) -> None:
        """An ``out`` to ``port``."""
        m = self.m
        if port == isa.PORT_CONSOLE:
            self.console.append(chr(value & 0x7F))
        elif port == isa.PORT_CONSOLE_ADDR:
            self.con_addr = value & 0xFFFF
        elif port == isa.PORT_CONSOLE_LEN:  # print ``value`` words from physical con_addr (DMA)
            self.console.extend(chr(m.M[(self.con_addr + i) & 0xFFFF] & 0x7F) for i in range(min(value, 4096)))
        elif port == isa.PORT_TIMER:
            m.timer_interval = value
            m.timer_next = m.ic + value if value else 1 << 62
            m.next_check = 0
        elif port == isa.PORT_BLK_SECTOR:
            self.blk_sector = value
        elif port == isa.PORT_BLK_ADDR:
            self.blk_addr = value
        elif port == isa.PORT_BLK_CMD and value == 1:
            self.dma(self.blk_sector, self.blk_addr)
            self.blk_status = 1
        elif port == isa.PORT_BLK_NOTIFY:
            m.vmm.ring_kick(m)

    def dma(self, sector: int, addr: int) -> None:
        """Copy one sector into guest-physical memory at ``addr``."""
        m = self.m
        self.sectors_read += 1
        m.vmm.blk_service(m)
        addr &= 0xFFFF
        words = disk_sector(sector)
        if addr + isa.SECTOR_WORDS <= isa.MEM_WORDS:  # one slice, then drop any code it overwrote
            m.M[addr : addr + isa.SECTOR_WORDS] = words
            for frame in {addr >> 8, (addr + isa.SECTOR_WORDS - 1) >> 8} & m.code_keys.keys():
                m.code_written(frame)
        else:
            for i, w in enumerate(words):
                m.phys_write((addr + i) & 0xFFFF, w)

    def drain_ring(self, ring: int) -> int:
        """Backend: serve every request queued in the ring at physical ``ring``; return how many."""
        m = self.m
        prod = m.M[ring + RING_REQ_PROD]
        n = 0
        while self.ring_cons != prod:
            slot = ring + RING_REQS + 2 * (self.ring_cons % RING_SLOTS)
            self.dma(m.M[slot], m.M[slot + 1])
            self.ring_cons = (self.ring_cons + 1) & isa.MASK
            n += 1
        m.phys_write(ring + RING_RSP_PROD, prod)
        return n
