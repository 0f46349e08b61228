"""The minisim instruction set: one table drives the CPU, the assembler and the disassembler.

A 32-bit word-addressed machine with 16 registers (``r0`` reads as zero, ``sp`` is ``r15``,
``k0`` is ``r13``, reserved for the kernel's pv-ops macros). Every instruction is one word::

    op[31:24]  rd[23:20]  rs[19:16]  imm[15:0]      (register-register forms keep rt in imm[3:0])

Like 1990s x86 the machine is deliberately **not classically virtualizable**: ``pushf``,
``popf`` and ``smsw`` are *sensitive* (their result depends on privileged state) but not
*privileged* (they never trap). ``popf`` outside kernel mode silently ignores the interrupt
flag, exactly the case Robin & Irvine (2000) list for POPF.
"""

from __future__ import annotations

from dataclasses import dataclass

MASK = 0xFFFFFFFF
PAGE_BITS = 8
PAGE_WORDS = 1 << PAGE_BITS  # 256 words a page
MEM_WORDS = 1 << 16  # 64 Ki words of physical memory (256 frames)
VA_BITS = 18  # 256 Ki words of virtual address space: 64-entry directories, 16-entry tables

# STATUS register bits (what pushf / smsw reveal).
IF = 1  # interrupts enabled
KMODE = 2  # kernel mode
PAGING = 4  # paging enabled

# Control registers for mfc / mtc.
CR_STATUS, CR_TVEC, CR_KSP, CR_CR3 = 0, 1, 2, 3
CR_NAMES = ("status", "tvec", "ksp", "cr3")

# Trap causes (pushed in the trap frame).
CAUSE_SYSCALL, CAUSE_PAGE_FAULT, CAUSE_PRIV, CAUSE_ILLEGAL, CAUSE_TIMER, CAUSE_DIVZERO = 1, 2, 3, 4, 5, 6
CAUSE_MASK = 7  # the cause itself; a page fault adds the bits below
PF_PROT, PF_WRITE = 8, 16  # page fault on a present page (protection), and by a store
# Page-table entry bits the MMU sets itself: accessed (a walk mapped the page) and dirty (written
# through it). Directory entries hold a table's address in these bits, so only tables carry them.
PTE_A, PTE_D = 0x20, 0x40

# Operand formats: how the assembler parses and the disassembler prints an instruction.
#   ""     no operands                    "d"    rd
#   "s"    rs                             "dst"  rd, rs, rt
#   "dsi"  rd, rs, imm                    "di"   rd, imm
#   "dm"   rd, imm(rs)                    "dsl"  rd, rs, label (pc-relative)
#   "l"    label (pc-relative)            "dl"   rd, label (pc-relative address)
#   "i"    imm                            "dc"   rd, cr          "cs"   cr, rs
#   "dp"   rd, port                       "ps"   port, rs


@dataclass(frozen=True)
class Op:
    """One row of the instruction table."""

    name: str
    code: int
    fmt: str
    cycles: int
    privileged: bool = False  # traps (cause PRIV) outside kernel mode
    sensitive: bool = False  # behaviour depends on privileged state
    special: bool = False  # executed by the machine's slow path (ends a basic block)
    ends_block: bool = False  # control transfer
    doc: str = ""
    reads: tuple[str, ...] = ()  # state read when it completes (see EFFECT_NAMES)
    writes: tuple[str, ...] = ()  # state written when it completes; a fault writes the trap's state instead


# What an instruction reads or writes, as declared in the table below. "rd", "rs" and "rt" are its
# operand registers; "sp" the stack pointer; "mem" memory (through the MMU); "status" the STATUS
# register; "cr" the control register named by imm; "port" a device port (which may move memory:
# the block device's DMA, the console's buffer); "tlb" cached translations; "pc" a control
# transfer (a next pc other than pc + 1); "trap" the kernel's trap entry (it writes pc, status, sp
# and the frame, and reads the current sp and status, hence syscall's reads). The reference
# interpreter is checked against these declarations (tests/minisim/test_effects.py) and the block
# compiler and every VMM against the reference; the disassembler prints them (``--effects``).
EFFECT_NAMES = ("rd", "rs", "rt", "sp", "mem", "status", "cr", "port", "tlb", "pc", "trap")

# Operand formats' usual effects; the table overrides them where an instruction does more.
_FORMAT_EFFECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dst": (("rs", "rt"), ("rd",)),
    "dsi": (("rs",), ("rd",)),
    "di": ((), ("rd",)),
    "dl": ((), ("rd",)),
    "dsl": (("rd", "rs"), ("pc",)),
    "l": ((), ("pc",)),
    "dc": (("cr",), ("rd",)),
    "cs": (("rs",), ("cr",)),
    "dp": (("port",), ("rd",)),
    "ps": (("rs",), ("port",)),
}


_TABLE: list[Op] = []


def _op(
    name: str,
    fmt: str,
    cycles: int,
    doc: str,
    reads: tuple[str, ...] | None = None,
    writes: tuple[str, ...] | None = None,
    **flags: bool,
) -> None:
    usual_reads, usual_writes = _FORMAT_EFFECTS.get(fmt, ((), ()))
    _TABLE.append(
        Op(
            name,
            len(_TABLE) + 1,
            fmt,
            cycles,
            doc=doc,
            reads=usual_reads if reads is None else reads,
            writes=usual_writes if writes is None else writes,
            **flags,
        )
    )


# Arithmetic and logic: the guest's own work, executed directly in every mode.
for _n, _d in (
    ("add", "rd = rs + rt"),
    ("sub", "rd = rs - rt"),
    ("and", "rd = rs & rt"),
    ("or", "rd = rs | rt"),
    ("xor", "rd = rs ^ rt"),
    ("shl", "rd = rs << rt"),
    ("shr", "rd = rs >> rt (logical)"),
    ("sar", "rd = rs >> rt (arithmetic)"),
    ("slt", "rd = rs < rt (signed)"),
    ("sltu", "rd = rs < rt (unsigned)"),
):
    _op(_n, "dst", 1, _d)
_op("mul", "dst", 3, "rd = rs * rt")
_op("div", "dst", 20, "rd = rs / rt (unsigned; divide by zero faults)", special=True)
_op("rem", "dst", 20, "rd = rs % rt (unsigned; divide by zero faults)", special=True)
for _n, _d in (
    ("addi", "rd = rs + imm"),
    ("andi", "rd = rs & imm"),
    ("ori", "rd = rs | imm"),
    ("xori", "rd = rs ^ imm"),
    ("shli", "rd = rs << imm"),
    ("shri", "rd = rs >> imm"),
    ("slti", "rd = rs < imm (signed)"),
):
    _op(_n, "dsi", 1, _d)
_op("lui", "di", 1, "rd = imm << 16")
_op("addpc", "dl", 1, "rd = address of label (pc-relative)")
# Memory.
_op("lw", "dm", 2, "rd = mem[rs + imm]", reads=("rs", "mem"), writes=("rd",))
_op("sw", "dm", 2, "mem[rs + imm] = rd", reads=("rd", "rs"), writes=("mem",))
_op("push", "s", 2, "sp -= 1; mem[sp] = rs", reads=("rs", "sp"), writes=("sp", "mem"))
_op("pop", "d", 2, "rd = mem[sp]; sp += 1", reads=("sp", "mem"), writes=("rd", "sp"))
# Control flow (pc-relative targets).
for _n, _d in (
    ("beq", "=="),
    ("bne", "!="),
    ("blt", "< (signed)"),
    ("bge", ">= (signed)"),
    ("bltu", "< (unsigned)"),
    ("bgeu", ">= (unsigned)"),
):
    _op(_n, "dsl", 1, f"branch if rd {_d} rs", ends_block=True)
_op("jmp", "l", 1, "jump", ends_block=True)
_op("call", "l", 2, "push return address; jump", ends_block=True, reads=("sp",), writes=("sp", "mem", "pc"))
_op("jr", "s", 2, "jump to rs (indirect)", ends_block=True, reads=("rs",), writes=("pc",))
_op(
    "callr",
    "s",
    3,
    "push return address; jump to rs (indirect)",
    ends_block=True,
    reads=("rs", "sp"),
    writes=("sp", "mem", "pc"),
)
_op("ret", "", 2, "pop pc (indirect)", ends_block=True, reads=("sp", "mem"), writes=("sp", "pc"))
_op("nop", "", 1, "do nothing")
# System: traps, privileged and sensitive instructions. All end a basic block.
_op(
    "syscall",
    "i",
    1,
    "trap to the kernel (cause SYSCALL, number imm)",
    special=True,
    reads=("sp", "status", "cr"),
    writes=("trap",),
)
_op(
    "vmcall",
    "i",
    1,
    "hypercall imm (only under a hypervisor that offers one; illegal otherwise)",
    special=True,
    reads=("sp", "status", "cr"),
    writes=("trap",),
)
_op(
    "iret",
    "",
    4,
    "pop trap frame: restore pc, status and sp",
    special=True,
    privileged=True,
    reads=("sp", "mem", "status"),
    writes=("sp", "status", "pc"),
)
_op(
    "hlt",
    "",
    1,
    "halt until an interrupt (with interrupts off: stop the machine)",
    special=True,
    privileged=True,
    reads=("status",),
    writes=("pc",),
)
# cli/sti/pushf/popf are slow on real CPUs too (serializing, microcoded): tens of cycles.
_op("cli", "", 6, "clear the interrupt flag", special=True, privileged=True, reads=("status",), writes=("status",))
_op("sti", "", 6, "set the interrupt flag", special=True, privileged=True, reads=("status",), writes=("status",))
_op(
    "pushf",
    "",
    4,
    "push status (IF and mode bits)",
    special=True,
    sensitive=True,
    reads=("status", "sp"),
    writes=("sp", "mem"),
)
_op(
    "popf",
    "",
    10,
    "pop status; outside kernel mode the IF bit is silently ignored",
    special=True,
    sensitive=True,
    reads=("sp", "mem", "status"),
    writes=("sp", "status"),
)
_op(
    "smsw",
    "d",
    1,
    "rd = status (reads privileged state without trapping)",
    special=True,
    sensitive=True,
    reads=("status",),
    writes=("rd",),
)
_op("mfc", "dc", 1, "rd = control register", special=True, privileged=True)
_op(
    "mtc",
    "cs",
    2,
    "control register = rs",
    special=True,
    privileged=True,
    reads=("rs", "status"),
    writes=("cr", "status", "tlb"),
)
_op(
    "lcr3",
    "s",
    2,
    "load the page-table base (flushes the TLB)",
    special=True,
    privileged=True,
    reads=("rs",),
    writes=("cr", "tlb"),
)
_op(
    "invlpg", "s", 2, "drop the TLB entry for address rs", special=True, privileged=True, reads=("rs",), writes=("tlb",)
)
_op("in", "dp", 1, "rd = device port", special=True, privileged=True)
_op(
    "out",
    "ps",
    1,
    "device port = rs",
    special=True,
    privileged=True,
    reads=("rs", "port", "mem"),
    writes=("port", "mem"),
)

OPS: tuple[Op, ...] = tuple(_TABLE)
BY_NAME: dict[str, Op] = {op.name: op for op in OPS}
BY_CODE: dict[int, Op] = {op.code: op for op in OPS}
SENSITIVE_UNPRIVILEGED = tuple(op.name for op in OPS if op.sensitive and not op.privileged)

REGISTERS = {f"r{i}": i for i in range(16)} | {"sp": 15, "k0": 13}
REG_NAMES = tuple("sp" if i == 15 else f"r{i}" for i in range(16))

# Device ports.
PORT_CONSOLE, PORT_TIMER, PORT_CONSOLE_ADDR, PORT_CONSOLE_LEN = 1, 2, 3, 4
PORT_BLK_SECTOR, PORT_BLK_ADDR, PORT_BLK_CMD, PORT_BLK_STATUS, PORT_BLK_NOTIFY, PORT_BLK_PV = 16, 17, 18, 19, 20, 21
PORT_DIAG = 0x80  # no device behind it (x86's POST port): A&A's port-I/O nanobenchmark reads it
SECTOR_WORDS = 64


def encode(op: Op, rd: int = 0, rs: int = 0, imm: int = 0) -> int:
    """Pack one instruction into a word."""
    return (op.code << 24) | ((rd & 15) << 20) | ((rs & 15) << 16) | (imm & 0xFFFF)


def decode(word: int) -> tuple[Op, int, int, int]:
    """Unpack a word into (op, rd, rs, signed imm); unknown opcodes raise KeyError."""
    op = BY_CODE[(word >> 24) & 0xFF]
    imm = word & 0xFFFF
    if imm & 0x8000:
        imm -= 0x10000
    return op, (word >> 20) & 15, (word >> 16) & 15, imm
