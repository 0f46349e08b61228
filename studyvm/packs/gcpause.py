"""Pausing the cyclic garbage collector while a large pack is built.

Loading or importing a pack creates hundreds of thousands of objects that all stay alive. Each
time enough of them have been made, CPython's cyclic collector walks the young ones, and every so
often the whole growing graph: loading 100,000 questions then costs twice as much per question
as loading 1,000. Nothing made while loading needs collecting, so the collector waits until the
load is over (reference counting still frees everything that is dropped).

Afterwards the pack stays alive as long as the app does, so the objects alive at the end of the
load are moved out of the collector's sight (``gc.freeze()``): later collections, which an import
or a burst of work sets off, then walk only what was made since instead of the whole pack (with
a 100,000-question pack in memory, one full collection took over half a second).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` with the cyclic collector off (and back on after, if it was on), then freeze what
    is alive."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.freeze()
            gc.enable()

    return run
