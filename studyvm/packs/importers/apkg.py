"""Anki deck import: an ``.apkg`` (legacy or current) into StudyVM questions.

- Each card template of a note type asks the fields its front shows and answers with the fields
  its back adds. A Basic note becomes a ``flip``; "Basic (and reversed card)" becomes two flips,
  one each way (only the cards the note really has); a template with ``{{type:Field}}`` becomes
  a ``short`` question accepting that field; a Cloze note becomes a ``cloze`` whose gaps are the
  ``{{c1::answer}}`` deletions (hints and the *Back Extra* field go to the explanation).
- The deck tree gives the topic (``Networks::Week 1`` -> ``Networks/Week 1``), the note's tags
  its tags, and the id is the StudyVM id a ``studyvm::<id>`` tag records (notes StudyVM exported),
  else a hash of the GUID (``anki-<hash>``, the same as the CSV importer's; a second card adds
  ``-card2``), so re-importing an updated deck updates the same questions.
- Field HTML becomes plain text; pictures and ``[sound:…]`` are kept in the pack's ``media/``
  and shown as placeholders; a missing file is reported naming the note.
- With ``with_history``, Anki's review log comes back in :attr:`ImportResult.history`, keyed by
  question id, for the caller to turn into study history.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from studyvm.packs.gcpause import gc_paused
from studyvm.packs.importers.anki_package import (
    Note,
    NoteType,
    Package,
    PackageError,
    open_package,
    private_dir,
    unzstd,
)
from studyvm.packs.importers.common import (
    Collector,
    ImportProblem,
    ImportResult,
    Progress,
    guid_id,
    id_from_tags,
    markers,
    topic_of_category,
)
from studyvm.packs.importers.htmltext import MediaRef, html_to_text_media, sound_refs
from studyvm.packs.importers.media import MAX_MEDIA_FILE, MediaStore

_FIELD_REF = re.compile(r"\{\{([^{}]+)\}\}")
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
_SPECIAL = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type"}


def _refs(template: str, fields: list[str]) -> tuple[list[str], list[str]]:
    """The fields a template shows, in order, and the ones it asks to type in (``{{type:F}}``)."""
    shown: list[str] = []
    typed: list[str] = []
    for m in _FIELD_REF.finditer(template):
        ref = m.group(1).strip()
        if ref[:1] in "#^/":
            continue
        name = ref.rsplit(":", 1)[-1].strip()
        if name in fields and name not in _SPECIAL:
            (typed if ref.startswith("type:") else shown).append(name)
    return list(dict.fromkeys(shown)), list(dict.fromkeys(typed))


class _Converter:
    def __init__(self, package: Package, path: str) -> None:
        self.package = package
        self.out = Collector(path)
        self.store = MediaStore()
        self.out.media = self.store.files
        self.kept: dict[str, str | None] = {}
        self.by_name = {name: member for member, name in package.media_names.items()}
        self.label = ""

    def media(self, ref: MediaRef) -> str | None:
        """The stored name of a media file of the package (read and kept on first use)."""
        name = ref.src
        if name not in self.kept:
            self.kept[name] = None
            member = self.by_name.get(name)
            if member is not None:
                try:
                    if self.package.archive.getinfo(member).file_size > MAX_MEDIA_FILE * 2:
                        raise PackageError(f"larger than {MAX_MEDIA_FILE // 1_048_576} MB")
                    stored, why = self.store.add(name, unzstd(self.package.archive.read(member), MAX_MEDIA_FILE))
                    self.kept[name] = stored
                    if stored is None:
                        self.warn(f"media {why}: dropped")
                except (KeyError, PackageError) as exc:
                    self.warn(f"media '{name}' is not kept ({exc}): dropped")
        return self.kept[name]

    def warn(self, message: str) -> None:
        self.out.warn(1, 1, f"note '{self.label}': {message}")

    def text(self, html: str) -> str:
        html, sounds = sound_refs(html)
        text, refs = html_to_text_media(html, self.media)
        for ref in refs + sounds:
            shown = self.media(ref)
            if shown is None and ref.src not in self.by_name:
                self.warn(f"{ref.kind} '{ref.src}' is not in the package; shown as {ref.placeholder()}")
            elif shown is not None and ref in sounds:
                text = text.replace(ref.placeholder(), ref.placeholder(shown))
        return text

    def note(self, note: Note) -> None:
        kind = self.package.notetypes.get(note.notetype)
        values = dict(zip(kind.fields, note.fields, strict=False)) if kind else {}
        self.label = " ".join(re.sub(r"<[^>]*>", " ", note.fields[0] if note.fields else "").split())[:40]
        if kind is None:
            self.warn(f"note type {note.notetype} is missing from the package: skipped")
            return
        common: dict[str, Any] = {"topic": topic_of_category(note.deck.replace("::", "/")) if note.deck else "general"}
        base, tags = note_base_id(note)
        if tags:
            common["tags"] = tags
        if kind.cloze:
            self.cloze(note, kind, values, common)
            return
        for ord_ in note.card_ords or [0]:
            if ord_ >= len(kind.templates):
                continue
            _name, front, back = kind.templates[ord_]
            wanted = base + ("" if ord_ == 0 else f"-card{ord_ + 1}")
            data = self.card(kind, values, front, back)
            if data is not None:
                self.out.add({**data, **common}, wanted, 1)

    def card(self, kind: NoteType, values: dict[str, str], front: str, back: str) -> dict[str, Any] | None:
        asked, typed = _refs(front, kind.fields)
        shown_back, _ = _refs(back, kind.fields)
        answers = [f for f in shown_back if f not in asked and f not in typed]
        prompt = "\n".join(t for t in (self.text(values.get(f, "")) for f in asked) if t)
        if not prompt:
            self.warn("a card with an empty front: skipped")
            return None
        rest = [t for t in (self.text(values.get(f, "")) for f in answers) if t]
        if typed:
            expected = self.text(values.get(typed[0], ""))
            if not expected:
                self.warn("a type-in card with nothing to type: skipped")
                return None
            data: dict[str, Any] = {"type": "short", "prompt": prompt, "answers": [expected]}
            if rest:
                data["explanation"] = "\n".join(rest)
            return data
        if not rest:
            self.warn("a card with an empty back: skipped")
            return None
        data = {"type": "flip", "prompt": prompt, "back": rest[0]}
        if rest[1:]:
            data["explanation"] = "\n".join(rest[1:])
        return data

    def cloze(self, note: Note, kind: NoteType, values: dict[str, str], common: dict[str, Any]) -> None:
        source = values.get(kind.fields[0], "") if kind.fields else ""
        if "image-occlusion:" in source:
            self.warn("image occlusion notes have no StudyVM equivalent: skipped")
            return
        hints: list[str] = []
        start, end = markers(source)

        def gap(m: re.Match[str]) -> str:
            if m.group(3):
                hints.append(f"{len(hints) + 1}. {m.group(3)}")
            return start + m.group(2).replace("|", "/") + end

        marked = _CLOZE.sub(gap, source)
        text = self.text(marked)
        prompt = text.replace(start, "{{").replace(end, "}}")
        if "{{" not in prompt:
            self.warn("a cloze note without deletions: skipped")
            return
        extra = [self.text(values.get(f, "")) for f in kind.fields[1:]]
        notes = [t for t in extra if t] + ([f"Hints: {'; '.join(hints)}"] if hints else [])
        data: dict[str, Any] = {"type": "cloze", "prompt": prompt, **common}
        if notes:
            data["explanation"] = "\n".join(notes)
        self.out.add(data, note_base_id(note)[0], 1)


def note_base_id(note: Note) -> tuple[str, list[str]]:
    """A note's id (the StudyVM id its ``studyvm::`` tag records, else a hash of its GUID) and its
    other tags."""
    recorded, tags = id_from_tags(note.tags)
    return recorded or guid_id(note.guid), tags


@gc_paused  # every caller, not only `pack import`: the collector costs 15-25 % here
def import_apkg(path: Path, progress: Progress | None = None, with_history: bool = False) -> ImportResult:
    """Read an Anki package; ``with_history`` also returns its review log by question id."""
    path = Path(path)
    with private_dir() as tmp:
        try:
            package = open_package(path, Path(tmp))
        except PackageError as exc:
            raise ImportProblem(str(path), 1, 1, str(exc)) from None
        with package.archive:
            converter = _Converter(package, str(path))
            total = len(package.notes)
            for index, note in enumerate(package.notes):
                converter.note(note)
                if progress is not None and index % 2000 == 0:
                    progress(index, total)
            result = converter.out.finish()
    if with_history:
        result.history = _history(package, result)
    if progress is not None:
        progress(len(package.notes), len(package.notes))
    return result


def _history(package: Package, result: ImportResult) -> dict[str, list[tuple[int, int, int]]]:
    """Review log rows ``(time in ms, ease 1-4, interval in days)`` by question id, oldest first."""
    ids = {q.id for q in result.questions}
    card_to_id: dict[int, str] = {}
    for note in package.notes:
        kind = package.notetypes.get(note.notetype)
        for ord_, cid in note.card_ids.items():
            one_question = ord_ == 0 or (kind is not None and kind.cloze)  # a cloze note's cards are one question
            card_to_id[cid] = note_base_id(note)[0] + ("" if one_question else f"-card{ord_ + 1}")
    history: dict[str, list[tuple[int, int, int]]] = {}
    for review in package.reviews:
        qid = card_to_id.get(review.card_id)
        if qid is not None and qid in ids and 1 <= review.ease <= 4:
            history.setdefault(qid, []).append((review.time_ms, review.ease, review.interval))
    return history
