"""Export a pack as an Anki package (``.apkg``) with genanki.

- ``flip`` -> a Basic note; ``short`` -> a type-in-the-answer note; ``cloze`` -> a Cloze note (our
  ``{{a|b}}`` gaps become ``{{c1::a}}``, all on one card, as StudyVM asks them together); every
  other type -> a Basic note with the options on the front and the answer, its explanation and
  caveat on the back.
- Note GUIDs are ``genanki.guid_for(pack id, question id)`` and the deck and note-type ids are
  derived from the pack id, so importing an updated pack into Anki updates the notes it made
  before instead of adding duplicates.
- The topic and tags become Anki tags (spaces replaced by ``_``), plus ``studyvm::<question id>``,
  which StudyVM's importers read back so that a round trip through Anki keeps every id (and so
  the learners' progress); all text is HTML-escaped.
- Choice options are shown in a deterministic per-question shuffled order (the right answer is
  not always "A"); replacing an earlier export warns about questions whose note type changed
  under the same id, since Anki keeps the old note for them.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import genanki

from studyvm.packs.exporters.common import option_order, type_changes
from studyvm.packs.importers.common import ID_TAG
from studyvm.packs.model import CLOZE_GAP
from studyvm.packs.questions import names

_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; color: black; background: white; }\n"
_EXTRA = "{{#Extra}}<hr>{{Extra}}{{/Extra}}"
_SELF_GRADED = names(anki_self_graded=True)  # from the question-type table


def stable_id(pack_id: str, kind: str) -> int:
    """A stable Anki id (deck or note type) for ``kind`` in pack ``pack_id``, in genanki's advised range."""
    digest = int(hashlib.sha1(f"studyvm:{pack_id}:{kind}".encode()).hexdigest()[:8], 16)
    return (1 << 30) + digest % (1 << 30)


def h(text: str) -> str:
    """``text`` escaped for an Anki field, line breaks as ``<br>``."""
    return html.escape(text).replace("\n", "<br>")


def _models(pack_id: str) -> dict[str, genanki.Model]:
    fields = [{"name": "Front"}, {"name": "Back"}, {"name": "Extra"}]
    return {
        "basic": genanki.Model(
            stable_id(pack_id, "model-basic"),
            f"StudyVM Basic ({pack_id})",
            fields=fields,
            templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}" + _EXTRA}],
            css=_CSS,
        ),
        "type": genanki.Model(
            stable_id(pack_id, "model-type-in"),
            f"StudyVM Type-in ({pack_id})",
            fields=fields,
            templates=[
                {
                    "name": "Card 1",
                    "qfmt": "{{Front}}<br><br>{{type:Back}}",
                    "afmt": "{{Front}}<hr id=answer>{{type:Back}}" + _EXTRA,
                }
            ],
            css=_CSS,
        ),
        "cloze": genanki.Model(
            stable_id(pack_id, "model-cloze"),
            f"StudyVM Cloze ({pack_id})",
            fields=[{"name": "Text"}, {"name": "Extra"}],
            templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}" + _EXTRA}],
            css=_CSS,
            model_type=genanki.Model.CLOZE,
        ),
    }


def _extra(q: Any, *more: str) -> str:
    parts = [h(m) for m in more if m] + [h(q.explanation)] * bool(q.explanation)
    if q.caveat:
        parts.append(f"<i>Caveat:</i> {h(q.caveat)}")
    return "<br><br>".join(parts)


def _lettered(texts: list[str]) -> str:
    return "<br>".join(f"{chr(65 + i) if i < 26 else i + 1}. {h(t)}" for i, t in enumerate(texts))


def _basic(q: Any, pack_id: str = "") -> tuple[str, str, str]:
    """Front, back and extra of a type shown as a self-graded Basic card."""
    if q.type == "flip":
        return h(q.prompt), h(q.back), _extra(q)
    if q.type in ("mcq", "multi"):
        options = [q.options[i] for i in option_order(pack_id, q)]  # the right answer is not always A
        texts = [o.text for o in options]
        right = [i for i, o in enumerate(options) if (o.credit() >= 100 if q.type == "mcq" else o.credit() > 0)]
        hint = "<br><i>(Choose every right answer.)</i>" if q.type == "multi" else ""
        back = "<br>".join(f"{chr(65 + i) if i < 26 else i + 1}. {h(texts[i])}" for i in right)
        return f"{h(q.prompt)}<br><br>{_lettered(texts)}{hint}", back, _extra(q)
    if q.type == "true_false":
        feedback = q.feedback_true if q.answer else q.feedback_false
        return f"{h(q.prompt)}<br><br><i>True or false?</i>", "True" if q.answer else "False", _extra(q, feedback)
    if q.type == "numerical":
        unit = f" {q.unit}" if q.unit else ""
        best = max(q.answers, key=lambda a: a.weight)
        if best.value is None:
            back = f"{best.min:g} to {best.max:g}{unit}"
        else:
            back = f"{best.value:g}{unit}" + (f" (± {best.tolerance:g})" if best.tolerance else "")
        return h(q.prompt), h(back), _extra(q)
    if q.type == "matching":
        rights = sorted({p.right for p in q.pairs} | set(q.distractors))
        front = f"{h(q.prompt)}<br><br>{_lettered([p.left for p in q.pairs])}<br><br><i>Choose from:</i> "
        front += " · ".join(h(r) for r in rights)
        back = "<br>".join(f"{h(p.left)} → {h(p.right)}" for p in q.pairs)
        return front, back, _extra(q)
    # ordering: shown in a fixed scrambled (alphabetical) order, answered in the right one
    front = f"{h(q.prompt)}<br><br>{_lettered(sorted(q.items))}<br><br><i>Put these in order.</i>"
    return front, "<br>".join(f"{n}. {h(t)}" for n, t in enumerate(q.items, start=1)), _extra(q)


def _cloze_text(q: Any) -> tuple[str, list[str]]:
    parts = CLOZE_GAP.split(q.prompt)  # text, gap, text, gap, …, text
    out, others = [], []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(h(part))
            continue
        alternatives = [a.strip() for a in part.split("|")]
        out.append("{{c1::" + h(alternatives[0]).replace("}}", "} }") + "}}")
        others += alternatives[1:]
    return "".join(out), others


def _note(q: Any, pack_id: str, models: dict[str, genanki.Model]) -> genanki.Note:
    guid = genanki.guid_for(pack_id, q.id)
    tags = list(dict.fromkeys("_".join(t.split()) for t in [q.topic, *q.tags] if t.strip()))
    tags.append(ID_TAG + q.id)  # read back by the .apkg and CSV importers: a round trip keeps the id
    if q.type == "short":
        best = max(q.answers, key=lambda a: a.weight)
        others = [a.text for a in q.answers if a is not best and a.weight > 0]
        more = f"Also accepted: {', '.join(others)}" if others else ""
        fields = [h(q.prompt), h(best.text), _extra(q, more)]
        return genanki.Note(model=models["type"], fields=fields, tags=tags, guid=guid)
    if q.type == "cloze":
        text, others = _cloze_text(q)
        more = f"Also accepted: {', '.join(others)}" if others else ""
        return genanki.Note(model=models["cloze"], fields=[text, _extra(q, more)], tags=tags, guid=guid)
    return genanki.Note(model=models["basic"], fields=list(_basic(q, pack_id)), tags=tags, guid=guid)


def _kind(q: Any) -> str:
    return {"short": "type", "cloze": "cloze"}.get(q.type, "basic")


def _changed_types(pack: Any, old_path: Path) -> list[str]:
    """Questions whose Anki note type differs from the one in the package being replaced."""
    from studyvm.packs.importers.anki_package import PackageError, open_package, private_dir

    try:
        with private_dir() as tmp:
            old = open_package(old_path, Path(tmp))
            old.archive.close()
    except PackageError:
        return []
    names = {n.guid: old.notetypes[n.notetype].name for n in old.notes if n.notetype in old.notetypes}
    models = _models(pack.id)
    before = {q.id: names[g] for q in pack.questions if (g := genanki.guid_for(pack.id, q.id)) in names}
    return type_changes(before, pack, {q.id: models[_kind(q)].name for q in pack.questions})


_PLACEHOLDER = re.compile(r"\[(image|audio|video|media): ([^\]]*?)\]")


def pack_media(pack: Any) -> dict[str, Path]:
    """The media files a pack keeps in its ``media/`` folder (imported pictures and sounds), by name."""
    from studyvm.packs.importers.media import MEDIA_DIR, safe_name

    folder = Path(pack.location) / MEDIA_DIR if pack.location else None
    if folder is None or not folder.is_dir():
        return {}
    return {p.name: p for p in folder.iterdir() if p.is_file() and safe_name(p.name) == p.name}


def with_media(field: str, media: dict[str, Path], used: set[str]) -> str:
    """An escaped field whose ``[image: …]``/``[audio: …]`` placeholders of kept files show the file in Anki."""

    def show(m: re.Match[str]) -> str:
        inner = m.group(2)
        name = inner[inner.rfind("(") + 1 : -1] if inner.endswith(")") and "(" in inner else inner
        if name not in media:
            return m.group(0)
        used.add(name)
        if m.group(1) == "image":
            alt = inner[: inner.rfind("(")].strip() if name != inner else ""
            return f'<img src="{name}" alt="{alt}">'
        return f"[sound:{name}]"

    return _PLACEHOLDER.sub(show, field) if "[" in field else field


def build_deck(
    pack: Any, progress: Callable[[int, int], None] | None = None, used: set[str] | None = None
) -> genanki.Deck:
    """The Anki deck of ``pack``: one note per question, generated ones included.

    Placeholders of the pack's media files become pictures and sounds; their names go in ``used``.
    """
    models = _models(pack.id)
    deck = genanki.Deck(stable_id(pack.id, "deck"), pack.meta.title, description=h(pack.meta.description))
    media = pack_media(pack)
    total = len(pack.questions)
    for index, q in enumerate(pack.questions):
        note = _note(q, pack.id, models)
        if media:
            note.fields = [with_media(f, media, used if used is not None else set()) for f in note.fields]
        deck.add_note(note)
        if progress is not None and index % 500 == 0:
            progress(index, total)
    return deck


def export_apkg(
    pack: Any,
    out_path: Path | str,
    timestamp: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    previous: Path | None = None,
) -> list[str]:
    """Write ``pack`` as an Anki package at ``out_path`` (replaced only once complete); return warnings.

    ``timestamp`` fixes the note and card ids genanki derives from the time (for reproducible
    files); ``progress(done, total)`` is called while notes are built; ``previous`` is the
    package this one replaces (default ``out_path``), checked for note types that changed.
    """
    out_path = Path(out_path)
    previous = Path(previous) if previous is not None else out_path
    changed = _changed_types(pack, previous) if previous.is_file() else []
    used: set[str] = set()
    deck = build_deck(pack, progress, used)
    media = pack_media(pack)
    package = genanki.Package(deck)
    stamp = time.time() if timestamp is None else timestamp
    fd, db_name = tempfile.mkstemp(suffix=".anki2")
    os.close(fd)
    tmp_out = out_path.with_name(f".{out_path.name}.tmp")
    try:
        conn = sqlite3.connect(db_name)
        package.write_to_db(conn.cursor(), stamp, itertools.count(int(stamp * 1000)))
        conn.commit()
        conn.close()
        with zipfile.ZipFile(tmp_out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_name, "collection.anki2")
            names = sorted(used)
            for index, name in enumerate(names):
                archive.write(media[name], str(index))
            archive.writestr("media", json.dumps({str(i): name for i, name in enumerate(names)}))
        os.replace(tmp_out, out_path)
        if progress is not None:
            progress(len(pack.questions), len(pack.questions))
    finally:
        os.unlink(db_name)
        if tmp_out.exists():
            tmp_out.unlink()
    counts: dict[str, int] = {}
    for q in pack.questions:
        if q.type in _SELF_GRADED:
            counts[q.type] = counts.get(q.type, 0) + 1
    if not counts:
        return changed
    listed = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return [f"{sum(counts.values())} questions ({listed}) become Basic cards graded by the learner in Anki", *changed]
