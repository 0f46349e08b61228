"""One sanitizer for untrusted text: pack content, imported files, learner names, file names, rows.

A terminal obeys control characters: ESC starts a sequence that can clear the screen, write the
clipboard (OSC 52), draw a hyperlink with a fake label (OSC 8) or set the window title; the
8-bit CSI (0x9b) and the other C1 controls do the same on some terminals, BEL rings. Text that
did not come from StudyVM itself must therefore never reach the terminal with them.

:func:`inert` replaces every such character with its visible escape (ESC becomes the four
characters ``\\x1b``), so a whole OSC or DCS string is shown as harmless text rather than
removed: what the author wrote stays visible and nothing is executed. Newline and tab are kept.
Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which can make text read
differently from what it is, are shown the same way (``\\u202e``).

:func:`inert_name` does the same for one-line names (file names, ids, learner names) and also
escapes newline and tab, so a name cannot fake a second line of output.

:class:`InertStream` applies :func:`inert` to everything written to a text stream; the command
line wraps stdout and stderr in it (see :func:`guarded_streams`, used by :mod:`studyvm.cli` and
:mod:`studyvm.console`), so no CLI path can forget it.

This module imports nothing from StudyVM: every layer may use it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, TextIO

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"  # all but \t \n \r
_TEXT_UNSAFE = re.compile(f"[{_CONTROLS}\r]")
_NAME_UNSAFE = re.compile(f"[{_CONTROLS}\r\n\t]")
_STREAM_UNSAFE = re.compile(f"[{_CONTROLS}]")  # keeps \r: progress bars redraw their line with it
_search = _TEXT_UNSAFE.search


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: object) -> str:
    """``text`` as a string with every control character (but newline and tab) made visible."""
    s = text if isinstance(text, str) else str(text)
    return _TEXT_UNSAFE.sub(_visible, s) if _TEXT_UNSAFE.search(s) else s


def inert_name(text: object) -> str:
    """Like :func:`inert` for one-line names: newline and tab are made visible too."""
    s = text if isinstance(text, str) else str(text)
    return _NAME_UNSAFE.sub(_visible, s) if _NAME_UNSAFE.search(s) else s


def has_controls(text: str) -> bool:
    """True when :func:`inert` would change ``text``."""
    return _TEXT_UNSAFE.search(text) is not None


def inert_data(value: Any) -> Any:
    """``value`` with :func:`inert` applied to each string in it, and to strings in a list or dict.

    Nested lists and dicts of a dict value are left to the model that validates them, so a
    pydantic model calling this for each of its fields neutralises each string exactly once.
    """
    # Called for every key and value of every model validated (10,000 questions make ~200,000
    # calls): the common case, a string with nothing to escape, is settled with one C call.
    if isinstance(value, str):
        return value if _search(value) is None else _TEXT_UNSAFE.sub(_visible, value)
    if isinstance(value, list):
        return [inert(v) if isinstance(v, str) and _search(v) is not None else v for v in value]
    if isinstance(value, dict):
        return {inert(k) if isinstance(k, str) else k: inert(v) if isinstance(v, str) else v for k, v in value.items()}
    return value


class InertStream:
    """A text stream that writes through another one with control characters made visible.

    Newline, tab and carriage return pass; everything else (ESC, CSI, BEL, DEL, C1, bidi
    overrides) is escaped. Every other attribute (``isatty``, ``encoding``, ``fileno``...) is the
    wrapped stream's.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        """The wrapped stream."""

    def write(self, text: str) -> int:
        """Write ``text`` neutralised; returns the length of ``text`` as given."""
        if _STREAM_UNSAFE.search(text):
            self.stream.write(_STREAM_UNSAFE.sub(_visible, text))
        else:
            self.stream.write(text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line neutralised."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # writing bytes past the filter is not offered (click looks for it)
            raise AttributeError(name)
        return getattr(self.stream, name)


def _reserve_closed_descriptors() -> None:
    """Point a closed descriptor 0, 1 or 2 at /dev/null, so no file opened later (the database!)
    gets that number and receives what a library writes to "standard output"."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)  # the lowest free number: this one
            if opened != fd:
                os.close(opened)


@contextmanager
def guarded_streams() -> Iterator[None]:
    """Closed stdin/stdout replaced, encoders made lenient, stdout and stderr neutralised."""
    _reserve_closed_descriptors()
    saved = sys.stdin, sys.stdout, sys.stderr
    opened: list[Any] = []
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 -- closed below
        opened.append(sys.stdin)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 -- closed below
            opened.append(stream)
        elif hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            with suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")
        setattr(sys, name, stream if isinstance(stream, InertStream) else InertStream(stream))
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        for stream in opened:
            stream.close()
