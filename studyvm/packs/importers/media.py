"""Media an imported bank carries (Moodle XML ``<file>``, Anki's media): kept in the pack's ``media/``.

Names are made safe (letters, digits, ``. _ -``; no folders, no leading dot), only picture,
sound and video files are kept, each file is capped at :data:`MAX_MEDIA_FILE` and the whole
pack at :data:`MAX_MEDIA_TOTAL`. Two different files with the same name are both kept, the second
under a name prefixed with a hash of its content. A question shows a file as a placeholder such
as ``[image: diagram.png]``; ``studyvm pack media PACK NAME`` prints its path or opens it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from studyvm.packs.mediarefs import MEDIA_DIR, MEDIA_SUFFIXES, safe_name

__all__ = ["MAX_MEDIA_FILE", "MAX_MEDIA_TOTAL", "MEDIA_DIR", "MEDIA_SUFFIXES", "MediaStore", "safe_name"]

MAX_MEDIA_FILE = 16 * 1024 * 1024
"""Largest single media file kept (bytes)."""
MAX_MEDIA_TOTAL = 256 * 1024 * 1024
"""Largest total of media kept for one pack (bytes)."""


@dataclass
class MediaStore:
    """The media files of one import, by stored name."""

    files: dict[str, bytes] = field(default_factory=dict)
    total: int = 0
    _by_digest: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, data: bytes) -> tuple[str | None, str]:
        """Keep ``data`` as ``name``: ``(stored name, "")``, or ``(None, why it was refused)``."""
        clean = safe_name(name)
        if not clean or not clean.lower().endswith(MEDIA_SUFFIXES):
            return None, f"'{name}' is not a picture, sound or video file"
        if len(data) > MAX_MEDIA_FILE:
            return None, f"'{name}' is {len(data) / 1_048_576:.1f} MB; the limit is {MAX_MEDIA_FILE // 1_048_576} MB"
        digest = hashlib.sha1(data).hexdigest()
        if digest in self._by_digest and self._by_digest[digest].endswith(clean):
            return self._by_digest[digest], ""
        if self.total + len(data) > MAX_MEDIA_TOTAL:
            return None, f"'{name}' would take the pack's media over {MAX_MEDIA_TOTAL // 1_048_576} MB"
        stored = clean if clean not in self.files else f"{digest[:8]}-{clean}"
        self.files[stored] = data
        self._by_digest[digest] = stored
        self.total += len(data)
        return stored, ""
