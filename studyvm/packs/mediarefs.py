"""Media placeholders in question text: which files a question shows, and which are missing.

Importers replace a picture, sound or video with a visible placeholder such as
``[image: switch (switch.png)]`` or ``[audio: hello.mp3]`` (see
:meth:`studyvm.packs.importers.htmltext.MediaRef.placeholder`) and keep the file in the pack's
``media/`` folder. This module reads those placeholders back: :func:`question_media` lists the
files a question names (the TUI's "Open media" key uses it), :func:`missing_media` reports every
placeholder whose file is not in ``media/`` (``studyvm pack validate`` uses it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from studyvm.packs.diagnostics import Diagnostic

MEDIA_DIR = "media"
"""The folder of a pack that holds its media."""
MEDIA_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp",
    ".mp3", ".ogg", ".oga", ".wav", ".m4a", ".flac", ".mp4", ".webm", ".ogv", ".mov",
)  # fmt: skip
"""Kinds of file kept; anything else (scripts, archives, documents) is refused with a warning."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name that is safe in any folder: ``../x y.PNG`` -> ``x-y.PNG``; may be empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub("-", base).strip(".-")[:120]


PLACEHOLDER = re.compile(r"\[(image|audio|video|media): ([^\[\]\n]+)\]")
"""``[kind: label]``; the label is ``alt (file)``, ``file`` or, with no file at all, ``alt``."""


def _file_of(label: str) -> str | None:
    """The file a placeholder's label names, or ``None`` when it names none (alt text only)."""
    label = label.strip()
    if label.endswith(")") and " (" in label:
        label = label[label.rindex(" (") + 2 : -1].strip()
    return label if label.lower().endswith(MEDIA_SUFFIXES) else None


def placeholder_files(text: str) -> list[tuple[str, str]]:
    """``(kind, file)`` for each placeholder of ``text`` that names a file, in order."""
    if "[" not in text:
        return []
    out = []
    for match in PLACEHOLDER.finditer(text):
        name = _file_of(match.group(2))
        if name is not None:
            out.append((match.group(1), name))
    return out


def _strings(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in a question's data with its path (``("options", 2, "text")``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def question_media(question: Any) -> list[str]:
    """The files a question's placeholders name (prompt, options, feedback...), each once, in order."""
    names: list[str] = []
    for _path, text in _strings(question.model_dump(mode="json")):
        for _kind, name in placeholder_files(text):
            if name not in names:
                names.append(name)
    return names


Locate = Callable[[Any, tuple[Any, ...]], tuple[str, int, int]]
"""``(question, field path)`` -> ``(file, line, col)`` of that field in the pack's YAML."""


def missing_media(folder: Path, questions: list[Any], locate: Locate) -> list[Diagnostic]:
    """A warning, placed at the field that shows it, for each placeholder whose file is not in
    ``folder/media``. A warning, not an error: the placeholder still tells the learner what is
    missing, and an import keeps placeholders for pictures it could not fetch (a web address)."""
    media = Path(folder) / MEDIA_DIR
    present = {p.name for p in media.iterdir() if p.is_file()} if media.is_dir() else set()
    out = []
    for question in questions:
        for path, text in _strings(question.model_dump(mode="json", exclude_defaults=True)):
            for kind, name in placeholder_files(text):
                if safe_name(name) == name and name in present:
                    continue
                file, line, col = locate(question, path)
                message = (
                    f"question '{question.id}': [{kind}: …] names '{name}', which is not in the pack's "
                    f"{MEDIA_DIR}/ folder (add the file, or remove the placeholder)"
                )
                out.append(Diagnostic(file, line, col, "warning", message))
    return out


def media_file(location: str | Path, name: str) -> Path | None:
    """The file ``name`` that the pack at ``location`` keeps in ``media/``, or ``None`` when there
    is none (a name with a folder in it, ``..`` or other unsafe characters is never looked up)."""
    if not name or safe_name(name) != name:
        return None
    path = Path(location) / MEDIA_DIR / name
    return path if path.is_file() else None


def open_with_system(path: Path) -> bool:
    """Open ``path`` with the system's viewer or player (``xdg-open``, ``open``, ``start``) without
    waiting for it; ``False`` when no program could open it. ``studyvm pack media --open`` and the
    app's "Open media" key both use it."""
    import click  # a dependency of the command line already; loaded only when a file is opened

    return click.launch(str(path)) == 0
