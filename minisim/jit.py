"""Basic-block compiler: guest code is decoded once per block and turned into a Python function.

Why: a pure-Python interpreter runs well under a million guest instructions a second; a block
compiled to straight-line Python, with registers in locals and counters updated once per block,
runs several times faster. A block that branches back to its own start (a tight loop) becomes a
``for`` loop over the passes left until the next timer or budget check is due, so interrupt delivery points
stay exactly those of block-by-block execution. Source text is cached process-wide, so each mode
and each run reuses the compiled code objects (the simulator's own "translation cache").

A block function ``f(m) -> next_pc`` runs with ``m`` the :class:`~minisim.machine.Machine`.
Memory goes through the machine's TLB dicts (virtual page -> frame base); a miss calls
``m.rmiss``/``m.wslow``, which may charge VMM events or raise a guest ``Fault`` (after setting
``m.fidx`` so the block can retire exactly the instructions before the faulting one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minisim import isa
from minisim.blocks import MAX_BLOCK, Decoded, decode_block
from minisim.jitgen import BlockWriter

if TYPE_CHECKING:
    from types import CodeType

_CODE_CACHE: dict[tuple, CodeType] = {}  # (vpc, words from the block's start) -> code object
_SOURCE_CACHE: dict[str, CodeType] = {}  # generated source -> code object
_FUNCTION_CACHE: dict[tuple, object] = {}  # (code, fault class, IX, FAST) -> block function


def block_source(ins: list[Decoded], vpc: int) -> str:
    """Python source of one block (function ``blk``) starting at virtual ``vpc``.

    The global ``IX`` (bound per mode when the function is made) is charged for an indirect branch,
    so one compiled code object serves every mode.
    """
    return BlockWriter(ins, vpc).source()


def compile_block(
    mem: list[int], ppc: int, vpc: int, fault_cls: type, indirect_extra: int = 0, fast: bool = False, rewrite=None
):
    """Compile the block at physical ``ppc`` (virtual ``vpc``) into a function ``f(m) -> next_pc``.

    ``fast``: the VMM leaves the interrupt-flag instructions to the bare machine (see ``_flag_op``).
    ``rewrite``: a binary translator (decoded block -> translated block), compiled instead.
    """
    end = min(ppc + MAX_BLOCK, (ppc | (isa.PAGE_WORDS - 1)) + 1)
    key = (vpc, rewrite, *mem[ppc:end])  # the same words at the same address compile to the same code
    code = _CODE_CACHE.get(key)
    if code is None:
        ins = decode_block(mem, ppc)
        src = block_source(rewrite(ins) if rewrite else ins, vpc)
        code = _SOURCE_CACHE.get(src)
        if code is None:
            code = _SOURCE_CACHE[src] = compile(src, f"<block {vpc:#x}>", "exec")
        _CODE_CACHE[key] = code
    fkey = (code, fault_cls, indirect_extra, fast)
    fn = _FUNCTION_CACHE.get(fkey)
    if fn is None:  # block functions keep no state of their own, so every machine can share them
        ns: dict[str, object] = {"Fault": fault_cls, "IX": indirect_extra, "FAST": fast}
        exec(code, ns)  # our own generated source
        fn = _FUNCTION_CACHE[fkey] = ns["blk"]
    return fn
