"""The command line's one error boundary and its guarded standard streams.

:class:`BoundaryGroup` is the click group of the ``studyvm`` app. Whatever command runs, it:

* wraps stdout and stderr in :class:`~studyvm.textsafe.InertStream`, so no text from a pack,
  a file name, a learner name or a database row can send an escape sequence to the terminal;
* stands in an empty stdin / a discarding stdout when the process was started with them closed,
  and makes an encoder that cannot spell a character (an ASCII terminal) print ``?`` instead
  of failing;
* turns every :class:`~studyvm.errors.StudyVMError` into ``studyvm: error: <message>`` and its
  exit code, and database errors, file-system errors, Ctrl+C and anything unexpected into a
  message too: no traceback reaches a person (``STUDYVM_DEBUG=1`` shows it, for bug reports).
"""

from __future__ import annotations

import errno
import os
import sys
from contextlib import suppress
from typing import Any

import typer

from studyvm.cli.coercion import PlainGroup
from studyvm.errors import StudyVMError, database_message
from studyvm.textsafe import guarded_streams, inert, inert_name

ENV_DEBUG = "STUDYVM_DEBUG"
"""Set to 1 to let unexpected errors end in their traceback (for bug reports)."""
EXIT_INTERNAL = 70
"""Exit status for a bug (EX_SOFTWARE)."""
EXIT_INTERRUPTED = 130
"""Exit status after Ctrl+C, as a shell reports a SIGINT."""

_OS_HINTS = {
    errno.EROFS: "the file system is read-only; choose another --home or remount it writable",
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EACCES: "permission denied; check the folder's owner and mode, or choose another --home",
    errno.EPERM: "operation not permitted; check the folder's owner and mode",
    errno.EISDIR: "that is a folder; give a file name",
    errno.ENOTDIR: "a part of that path is a file, not a folder",
    errno.ELOOP: "too many levels of symbolic links",
}


def os_message(exc: OSError) -> str:
    """A one-line message for a file-system error: the file, what happened and what to do."""
    where = inert_name(exc.filename) + ": " if exc.filename else ""
    what = exc.strerror or type(exc).__name__
    hint = _OS_HINTS.get(exc.errno or -1)
    return f"{where}{what}" + (f" ({hint})" if hint and hint.lower() != what.lower() else "")


def report(message: str, code: int) -> typer.Exit:
    """Print ``studyvm: error: message`` on stderr and return the exit to raise."""
    with suppress(OSError, ValueError):  # stderr closed or broken: the exit status still tells
        typer.echo(f"studyvm: error: {inert(message)}", err=True)
    return typer.Exit(code)


def translate(exc: BaseException) -> typer.Exit | None:
    """The exit (message printed) for an exception the boundary handles, else ``None``."""
    if isinstance(exc, StudyVMError):
        return report(str(exc), exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        with suppress(OSError, ValueError):
            typer.echo("", err=True)
        return typer.Exit(EXIT_INTERRUPTED)
    if isinstance(exc, BrokenPipeError):  # `studyvm ... | head`: the reader is gone, nothing to say
        _silence_stdout()
        return typer.Exit(0)
    if isinstance(exc, OSError):
        return report(os_message(exc), 1)
    if type(exc).__module__.startswith("sqlalchemy"):
        return report(f"database error: {database_message(exc)}", 1)
    if isinstance(exc, RecursionError):
        return report("the input is nested too deeply to process", 1)
    if isinstance(exc, MemoryError):
        return report("out of memory (the input is too large)", 1)
    if isinstance(exc, Exception) and not os.environ.get(ENV_DEBUG):
        detail = inert(str(exc).splitlines()[0]) if str(exc).strip() else ""
        return report(
            f"internal error: {type(exc).__name__}{': ' + detail if detail else ''} "
            f"(this is a bug in StudyVM; run again with {ENV_DEBUG}=1 for the details)",
            EXIT_INTERNAL,
        )
    return None


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class BoundaryGroup(PlainGroup):
    """The root command group: plain option conversion (no pydantic at launch, see
    :mod:`studyvm.cli.coercion`), every command run inside the streams guard and the boundary."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; errors become a message and an exit code (see the module's docs)."""
        with guarded_streams():
            try:
                return super().invoke(ctx)
            except (typer.Exit, typer.Abort):
                raise
            except BaseException as exc:
                if type(exc).__module__.startswith(("click", "typer")) and not isinstance(exc, KeyboardInterrupt):
                    raise
                exit_ = translate(exc)
                if exit_ is None:
                    raise
                raise exit_ from None
