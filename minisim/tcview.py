"""The translation cache as text: every guest-kernel block with what became of its instructions, and
one block beside its translation (``studyvm sim translate`` and the lab's Translate view)."""

from __future__ import annotations

from minisim.bt import Translation
from minisim.run import SimError


def text(cache: list[Translation], workload: str, block: int | None = None, shown: int = 0) -> str:
    """The cache after ``workload``: one line per block, then ``block`` (the block holding that guest
    address) beside its translation; without ``block``, the first block with an inline rewrite, or
    ``shown`` blocks with a rewrite or a callout (inline rewrites first). SimError when no block holds ``block``."""
    if block is not None:
        hit = [t for t in cache if t.vpc <= block < t.vpc + len(t.sites)]
        if not hit:
            starts = ", ".join(f"{t.vpc:#06x}" for t in cache[:12])
            raise SimError(f"no translated block holds {block:#06x}; blocks start at {starts} ...")
        return "\n\n".join(t.text() for t in hit)
    out = [f"translation cache after {workload} ({len(cache)} guest-kernel blocks):"]
    for t in cache:
        c = t.counts()
        out.append(
            f"  {t.vpc:#06x}  {len(t.sites):>3} instructions: {c['copy']} copied, {c['inline']} inline, "
            f"{c['callout']} callouts"
        )
    if shown:  # the blocks where translation did something: inline rewrites first, then callouts
        changed = [t for t in cache if t.counts()["copy"] < len(t.sites)]
        changed.sort(key=lambda t: not t.counts()["inline"])
        out += [line for t in changed[:shown] for line in ("", t.text())]
        return "\n".join(out)
    first = next((t for t in cache if t.counts()["inline"]), cache[0] if cache else None)
    if first is not None:
        out += ["", first.text(), "", "(--block ADDR shows another block)"]
    return "\n".join(out)


def rewritten(line: str) -> bool:
    """Whether ``line`` of :func:`text` is a guest instruction rewritten inline or turned into a callout."""
    parts = line.split()
    return len(parts) > 2 and line.startswith("  0x") and ("inline" in parts[2:] or "callout" in parts[2:])
