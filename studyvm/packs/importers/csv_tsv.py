"""CSV / TSV import: one flip card per row (front, back, optional tags), as Anki reads them.

- The separator is Anki's ``#separator:`` header if present (``Comma``, ``Semicolon``, ``Tab``,
  ``Space``, ``Pipe``, ``Colon`` or the character itself), else tab for ``.tsv`` files, else
  whichever of tab, ``;`` and ``,`` the first row uses most.
- Column names come from ``#columns:`` or from a header row whose cells are all known names
  (front/question, back/answer, tags, explanation/extra, topic/deck, id); without either the
  columns are front, back, tags, and any further fields are kept as the explanation.
  ``#tags column:``, ``#deck column:``, ``#guid column:`` and
  ``#notetype column:`` (1-based, as Anki writes them) are honoured, as are ``#html:true``
  (fields converted from HTML), ``#tags:`` (tags for every row) and ``#deck:`` (the topic).
- A front holding Anki cloze deletions (``{{c1::answer::hint}}``) becomes a ``cloze`` question;
  Anki's "Basic (and reversed card)" (and the optional one, when its *Add Reverse* field is
  filled) gives a second, back-to-front flip with the id ``…-card2``, as the .apkg importer does.
- Ids: the ``id`` column, else the StudyVM id a ``studyvm::<id>`` tag records (notes StudyVM
  exported), else a hash of Anki's guid, else a hash of the front.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from studyvm.packs.gcpause import gc_paused
from studyvm.packs.importers.common import (
    Collector,
    ImportProblem,
    ImportResult,
    Progress,
    guid_id,
    id_from_tags,
    name_id,
    read_text,
    topic_of_category,
)
from studyvm.packs.importers.htmltext import MediaRef, html_to_text_media, sound_refs

_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
_ALIASES = {
    "front": "front", "question": "front", "prompt": "front", "text": "front",
    "back": "back", "answer": "back",
    "tags": "tags", "tag": "tags",
    "explanation": "explanation", "extra": "explanation", "back extra": "explanation", "notes": "explanation",
    "topic": "topic", "deck": "topic",
    "id": "id", "guid": "guid", "notetype": "notetype",
}  # fmt: skip
_ANKI_CLOZE = re.compile(r"\{\{c\d+::(.+?)(?:::([^}]*))?\}\}", re.DOTALL)
csv.field_size_limit(16 * 1024 * 1024)


class _Header:
    """Anki's ``#key:value`` file headers."""

    def __init__(self) -> None:
        self.separator: str | None = None
        self.html = False
        self.tags: list[str] = []
        self.deck = ""
        """Anki's ``#deck:`` (the topic of rows without a deck column)."""
        self.columns: list[str] | None = None
        self.roles: dict[int, str] = {}
        """0-based column index -> role, from the ``#… column:N`` headers."""


def _read_header(lines: list[str], path: str) -> tuple[_Header, int]:
    header = _Header()
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.startswith("#"):
            break
        count = number
        key, sep, value = line[1:].partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep:
            continue  # a comment line
        if key == "separator":
            header.separator = _SEPARATORS.get(value.lower(), value if len(value) == 1 else None)
            if header.separator is None:
                raise ImportProblem(path, number, 12, f"unknown separator {value!r}")
        elif key == "html":
            header.html = value.lower() == "true"
        elif key == "tags":
            header.tags = value.split()
        elif key == "deck":
            header.deck = value
        elif key == "columns":
            header.columns = value  # type: ignore[assignment]  # split once the separator is known
        elif key.endswith(" column"):
            if not value.isdigit() or int(value) < 1:
                raise ImportProblem(path, number, len(key) + 3, f"'{key}' needs a column number (1, 2, …)")
            role = {"tags": "tags", "deck": "topic", "guid": "guid", "notetype": "notetype"}.get(
                key[: -len(" column")], "ignore"
            )
            header.roles[int(value) - 1] = role
    if isinstance(header.columns, str):
        sep = header.separator or ("\t" if "\t" in header.columns else ",")
        header.columns = [c.strip() for c in header.columns.split(sep)]
    return header, count


def _guess_separator(first: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = {sep: first.count(sep) for sep in ("\t", ";", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _roles(names: list[str], fixed: dict[int, str], width: int) -> dict[int, str]:
    roles = dict(fixed)
    for index, name in enumerate(names):
        if index not in roles and name.strip().lower() in _ALIASES:
            roles[index] = _ALIASES[name.strip().lower()]
    for index in range(max(width, len(names))):
        if index in roles:
            continue
        taken = set(roles.values())
        # Fields past front and back (Anki's "Back Extra", a note type's third field) are kept as
        # the explanation rather than dropped without a word (interop review, section 5).
        roles[index] = next((r for r in ("front", "back", "tags", "explanation") if r not in taken), "extra")
    return roles


def parse_csv(text: str, path: str = "<csv>", suffix: str = ".csv", progress: Progress | None = None) -> ImportResult:
    """Every row of a CSV/TSV text as a question, or :class:`ImportProblem` listing every bad row."""
    lines = text.split("\n")
    header, skipped = _read_header(lines, path)
    body = "\n".join(lines[skipped:])
    first = next((line for line in lines[skipped:] if line.strip()), "")
    sep = header.separator or _guess_separator(first, suffix)
    reader = csv.reader(io.StringIO(body), delimiter=sep, strict=True)
    out = Collector(path)
    roles: dict[int, str] | None = None
    if header.columns:
        roles = _roles(header.columns, header.roles, len(header.columns))
    previous = 0
    try:
        for row in reader:
            line = skipped + previous + 1
            previous = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if roles is None:
                known = all(cell.strip().lower() in _ALIASES for cell in row)
                roles = _roles(row if known else [], header.roles, len(row))
                if known:
                    continue
            try:
                data, wanted = _question(row, roles, header, path, line, out)
            except ImportProblem as problem:
                out.problems.append(problem)
                continue
            reverse = data.pop("_reverse", None)
            out.add(data, wanted, line)
            if reverse is not None:  # "Basic (and reversed card)": the second card, as the .apkg importer makes it
                out.add(reverse, f"{wanted}-card2" if wanted else "", line)
            if progress is not None and len(out.pending) % 2000 == 0:
                progress(previous, len(lines))
    except csv.Error as exc:
        out.problem(skipped + reader.line_num, 1, f"CSV syntax: {exc}")
    return out.finish()


def _cell(cell: str, html: bool, media: list[MediaRef]) -> str:
    if not html:
        return cell.strip()
    cell, sounds = sound_refs(cell)
    text, refs = html_to_text_media(cell)
    media += refs + sounds
    return text


def _question(
    row: list[str], roles: dict[int, str], header: _Header, path: str, line: int, out: Collector
) -> tuple[dict[str, Any], str]:
    """A row's model data (without id) and the id it wants."""
    fields: dict[str, str] = {}
    media: list[MediaRef] = []
    for index, cell in enumerate(row):
        role = roles.get(index, "ignore")
        if role == "extra" and cell.strip():
            more = _cell(cell, header.html, media)
            fields["explanation"] = f"{fields['explanation']}\n{more}" if fields.get("explanation") else more
        elif role not in ("ignore", "extra") and role not in fields:
            fields[role] = _cell(cell, header.html and role not in ("guid", "notetype"), media)
    for ref in media:
        out.warn(line, 1, f"{ref.kind} '{ref.src}' is not in a text export (export the deck as .apkg to keep it); "
                 f"shown as {ref.placeholder()}")  # fmt: skip
    front, back = fields.get("front", ""), fields.get("back", "")
    recorded, tags = id_from_tags([t for t in re.split(r"[\s,]+", fields.get("tags", "")) if t] + header.tags)
    data: dict[str, Any] = {"type": "flip", "prompt": front, "back": back}
    if _ANKI_CLOZE.search(front):
        hints = [f"{n}. {m.group(2)}" for n, m in enumerate(_ANKI_CLOZE.finditer(front), start=1) if m.group(2)]
        data = {"type": "cloze", "prompt": _ANKI_CLOZE.sub(lambda m: "{{" + m.group(1) + "}}", front)}
        extra = [fields.get("explanation", ""), back] + ([f"Hints: {'; '.join(hints)}"] if hints else [])
        fields["explanation"] = "\n".join(x for x in extra if x)
    elif back and "type in" in fields.get("notetype", "").lower():
        data = {"type": "short", "prompt": front, "answers": [back]}  # Anki's "Basic (type in the answer)"
    elif not back:
        hint = "" if len(row) > 1 else " (only one field: is the separator right? see #separator:)"
        raise ImportProblem(path, line, 1, f"row has no back (answer){hint}")
    elif "reverse" in fields.get("notetype", "").lower():
        # Anki's "Basic (and reversed card)" always has the back-to-front card; "Basic (optional
        # reversed card)" has it when its third field ("Add Reverse") is filled, and that field
        # is a switch, not an explanation.
        switch = fields.pop("explanation", "") if "optional" in fields["notetype"].lower() else "x"
        if switch:
            data["_reverse"] = {"type": "flip", "prompt": back, "back": front}
    shared: dict[str, Any] = {}
    if fields.get("explanation"):
        shared["explanation"] = fields["explanation"]
    deck = fields.get("topic") or header.deck
    if deck:
        shared["topic"] = topic_of_category(deck.replace("::", "/"))
    if tags:
        shared["tags"] = list(dict.fromkeys(tags))
    data.update(shared)
    if "_reverse" in data:
        data["_reverse"].update(shared)
    if fields.get("id"):
        wanted = name_id(fields["id"])
    elif recorded or fields.get("guid"):
        wanted = recorded or guid_id(fields["guid"])
    else:
        wanted = ""
    return data, wanted


@gc_paused  # every caller, not only `pack import`: the collector costs 15-25 % here
def import_csv(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read and parse a CSV or TSV file."""
    path = Path(path)
    return parse_csv(read_text(path), str(path), path.suffix.lower(), progress)
