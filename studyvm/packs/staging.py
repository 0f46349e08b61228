"""Installing pack folders atomically: staging, a lock per pack id, an atomic swap, cleanup.

``pack add`` and ``pack import`` build the new pack in a staging folder under the home's
``.staging`` (outside ``packs/``, so the loader never sees a half-written pack), take the lock of
the pack id (``.locks/<id>.lock``, so two processes installing one id cannot both succeed), and
then put the staged folder in place with one rename: ``renameat2(RENAME_EXCHANGE)`` swaps the old
and the new folder atomically on Linux, so a process killed at any moment leaves the old pack or
the new one, whole. Where that call is missing, the old folder is renamed aside first, and
:func:`clean_leftovers` puts it back if the process died between the two renames.

Every staging folder is locked by the process using it; :func:`clean_leftovers`, run when the
command line starts, deletes the ones whose process is gone.

:func:`copy_pack_tree` is ``pack add``'s copy: it refuses symbolic links, FIFOs, sockets and
devices (naming each), reads each file once through a descriptor opened without following links,
and caps the size and the number of files, so the staged copy (which is then validated) is
exactly what gets installed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import signal
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from studyvm.errors import PackError
from studyvm.textsafe import inert_name

STAGING = ".staging"
"""Folder of the home where packs are built before they are swapped in."""
LOCKS = ".locks"
"""Folder of the home holding one lock file per pack id being installed."""
MAX_COPY_BYTES = 64 * 1024 * 1024
"""Most bytes ``pack add`` copies (every file, not only the YAML)."""
MAX_COPY_FILES = 2000
"""Most files and folders ``pack add`` copies."""
ENV_CRASH_AT = "STUDYVM_CRASH_AT"
"""Fault injection for the kill -9 tests: the process kills itself at the named :func:`checkpoint`."""

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def checkpoint(name: str) -> None:
    """Die at once (SIGKILL, as ``kill -9``) if ``STUDYVM_CRASH_AT`` names this point; for tests."""
    if os.environ.get(ENV_CRASH_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def _flock(path: Path, busy_message: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing), or :class:`PackError` if taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PackError(busy_message) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def pack_lock(home: Path, pack_id: str) -> Iterator[None]:
    """Hold the install lock of ``pack_id``; a second installer of the same id is refused."""
    message = f"another StudyVM is installing pack '{pack_id}' right now; try again when it has finished"
    with _flock(home / LOCKS / f"{pack_id}.lock", message):
        yield


@contextmanager
def staging_folder(parent: Path, label: str) -> Iterator[Path]:
    """A new empty folder under ``parent`` (locked while in use), removed on the way out.

    The lock is taken before the folder exists, so :func:`clean_leftovers` in another process
    never mistakes a folder being set up for a leftover.
    """
    parent.mkdir(parents=True, exist_ok=True)
    folder = parent / f"{label}.{secrets.token_hex(6)}"
    try:
        with _flock(folder.with_name(folder.name + ".lock"), "staging folder in use"):
            folder.mkdir(0o755)
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for extra in (".lock", ".target"):
            with suppress(OSError):
                folder.with_name(folder.name + extra).unlink()


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2(src, dst, flags)``; False when the system does not offer it."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if function(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(dst))


def swap_in(staged: Path, target: Path) -> None:
    """Put the folder ``staged`` at ``target``, replacing a folder there, atomically where possible.

    Afterwards ``staged`` holds the old folder (or nothing), for the caller to delete. The caller
    holds the pack id's lock.
    """
    if not os.path.lexists(target):
        if not _renameat2(staged, target, _RENAME_NOREPLACE):
            staged.rename(target)
        return
    if _renameat2(staged, target, _RENAME_EXCHANGE):
        return
    aside = staged.with_name(staged.name + ".old")  # clean_leftovers puts it back after a kill
    staged.with_name(staged.name + ".target").write_text(target.name, encoding="utf-8")
    target.rename(aside)
    checkpoint("between-renames")
    staged.rename(target)
    aside.rename(staged)


def clean_leftovers(home: Path, packs_dir: Path) -> list[Path]:
    """Delete staging folders left by killed processes; return what was removed.

    A folder renamed aside by the fallback swap (``*.old``) whose pack is missing is put back.
    Folders of running installs are locked and left alone. Hidden temporary folders that
    StudyVM versions before 0.2 left in ``packs/`` (``.<id>.import-*``, ``.<id>-*``) go too.
    """
    removed: list[Path] = []
    root = home / STAGING
    if root.is_dir():
        bases = sorted({entry.name.removesuffix(".old") for entry in root.iterdir() if entry.is_dir()})
        for base in bases:
            try:
                with _flock(root / f"{base}.lock", "in use"):
                    _restore_or_remove(root, base, packs_dir, removed)
            except PackError:
                continue  # a running install's folder
    if packs_dir.is_dir():
        for entry in packs_dir.iterdir():
            if _OLD_TEMP.match(entry.name) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


_OLD_TEMP = re.compile(r"^\.[a-z0-9][a-z0-9._-]*(\.import-|\.old-|-)[a-z0-9_]{8}$")
"""Names of the temporary folders earlier versions made inside ``packs/``."""


def _restore_or_remove(root: Path, base: str, packs_dir: Path, removed: list[Path]) -> None:
    """Put a pack renamed aside back if its place is empty; delete the rest of staging ``base``."""
    aside, note = root / f"{base}.old", root / f"{base}.target"
    if aside.is_dir() and note.is_file():
        target = packs_dir / note.read_text(encoding="utf-8").strip()
        if not os.path.lexists(target):
            aside.rename(target)
    for leftover in (root / base, aside):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    for extra in (note, root / f"{base}.lock"):
        with suppress(OSError):
            extra.unlink()


def copy_pack_tree(source: Path, dest: Path, forbidden_inside: Path | None = None) -> None:
    """Copy the pack folder ``source`` into the empty folder ``dest``, refusing what is not plain.

    Symbolic links, FIFOs, sockets and devices anywhere in ``source`` are refused together in one
    :class:`PackError` naming each; so are more than :data:`MAX_COPY_FILES` entries, more than
    :data:`MAX_COPY_BYTES`, and a ``source`` holding ``forbidden_inside`` (StudyVM's home). Each
    file is opened without following links and read once; those bytes are what is written.
    """
    source = Path(source)
    if forbidden_inside is not None and _inside(forbidden_inside, source):
        raise PackError(
            f"{inert_name(source)} holds StudyVM's home ({inert_name(forbidden_inside)}); "
            "move the pack folder elsewhere"
        )
    problems: list[str] = []
    plan: list[tuple[Path, bool]] = []  # (relative path, is a folder)
    _survey(source, Path(), problems, plan)
    if problems:
        listed = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise PackError(f"pack refused: it holds what a pack may not (nothing was installed):\n{listed}{more}")
    if len(plan) > MAX_COPY_FILES:
        raise PackError(f"{inert_name(source)} holds {len(plan)} files and folders; the limit is {MAX_COPY_FILES}")
    total = 0
    for relative, is_dir in plan:
        if is_dir:
            (dest / relative).mkdir()
            continue
        data = _read_plain_file(source / relative)
        total += len(data)
        if total > MAX_COPY_BYTES:
            limit = MAX_COPY_BYTES // 1_048_576
            raise PackError(f"{inert_name(source)} is larger than {limit} MB; nothing was installed")
        (dest / relative).write_bytes(data)
        checkpoint("copying")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _survey(root: Path, relative: Path, problems: list[str], plan: list[tuple[Path, bool]]) -> None:
    """List ``root/relative`` depth first without following links; note every non-plain entry."""
    try:
        entries = sorted(os.scandir(root / relative), key=lambda e: e.name)
    except OSError as exc:
        problems.append(f"{inert_name(root / relative)}: cannot read: {exc.strerror or exc}")
        return
    for entry in entries:
        rel = relative / entry.name
        shown = inert_name(root / rel)
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            problems.append(f"{shown}: is a symbolic link (to {inert_name(os.readlink(entry.path))})")
        elif stat.S_ISDIR(mode):
            plan.append((rel, True))
            if len(plan) <= MAX_COPY_FILES:
                _survey(root, rel, problems, plan)
        elif stat.S_ISREG(mode):
            plan.append((rel, False))
        else:
            problems.append(f"{shown}: is {_kind(mode)}, not a file")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _read_plain_file(path: Path) -> bytes:
    """The bytes of ``path``, read through a descriptor that is a regular file and not a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PackError(f"{inert_name(path)}: became a symbolic link while being copied") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PackError(f"{inert_name(path)}: became {_kind(info.st_mode)} while being copied")
        if info.st_size > MAX_COPY_BYTES:
            raise PackError(f"{inert_name(path)} is larger than {MAX_COPY_BYTES // 1_048_576} MB")
        return handle.read(MAX_COPY_BYTES + 1)
