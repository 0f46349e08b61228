"""Why the progress database could not be opened, in words a learner can act on.

Both shells open the study service; both must say the same thing when that fails (adversary F16):
the driver's first line without SQL or passwords, and what to do about a read-only home, a damaged
SQLite file or a full disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studyvm.errors import DatabaseError

if TYPE_CHECKING:
    from studyvm.config import Settings


def database_hint(why: str, settings: Settings) -> str:
    """What the learner can do about ``why`` (a one-line reason), as `` (…)``, or ``""``."""
    if "unable to open database file" in why or "readonly" in why:
        return f" (is {settings.home} read-only or not yours? choose another --home)"
    if not settings.db_url and ("not a database" in why or "malformed" in why):
        path = settings.database_url.split("///", 1)[-1]
        return (
            f" (the file is damaged: move {path} aside and StudyVM starts a new, empty one; "
            "keep the old file, it may be recoverable with sqlite3's .recover)"
        )
    if "disk I/O error" in why or "database or disk is full" in why:
        return " (is the disk full? free some space and try again)"
    return ""


def open_failure(exc: BaseException, settings: Settings, why: str | None = None) -> DatabaseError:
    """The error to show when opening ``settings``' database raised ``exc`` (``why``: a reason
    already worded by the caller, e.g. the CLI's file-system message)."""
    from studyvm.store.urls import describe_db_error, mask_url

    if why is None:
        if isinstance(exc, OSError):
            name = f"{exc.filename}: " if exc.filename else ""
            why = f"{name}{exc.strerror or type(exc).__name__}"
        else:
            why = describe_db_error(exc, settings.database_url)
    url = mask_url(settings.database_url)
    return DatabaseError(f"cannot open the database {url}: {why}{database_hint(why, settings)}")
