"""Progress shown by long CLI commands (imports and exports): a bar on stderr, on a terminal only."""

from __future__ import annotations

import sys
import time


class TtyProgress:
    """A one-line progress bar on stderr, shown only on a terminal and only after ``delay`` seconds.

    Call it as ``progress(done, total)``; call :meth:`close` when the work ends.
    """

    def __init__(self, label: str, delay: float = 1.0, stream=None) -> None:
        self.label = label
        self.delay = delay
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.shown = False
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < self.delay:
            return
        share = done / total if total else 1.0
        filled = int(share * 30)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the bar's line if one was drawn."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
