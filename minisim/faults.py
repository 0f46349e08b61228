"""Exceptions the machine uses to leave a compiled block: a guest-visible fault, or a machine stop."""

from __future__ import annotations


class Fault(Exception):  # a guest fault, not a host error
    """A guest-visible trap raised mid-block: cause, faulting address, pc of the instruction."""

    def __init__(self, cause: int, addr: int, pc: int) -> None:
        super().__init__(cause, addr, pc)
        self.cause, self.addr, self.pc = cause, addr, pc


class Stop(Exception):  # control flow for a machine that cannot go on
    """The machine cannot continue (double fault, budget)."""


class Resume(Fault):
    """Not a guest fault: a store rewrote code of the block running it, so the block ends after
    the store and execution resumes at ``pc`` with freshly decoded code (the instructions before it,
    the store included, retire). ``push`` says the store was a push whose sp update is still due."""

    def __init__(self, pc: int, push: bool) -> None:
        super().__init__(0, 0, pc)
        self.push = push
