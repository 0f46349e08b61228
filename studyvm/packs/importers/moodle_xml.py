"""Moodle XML import: Moodle's default question bank export, every type StudyVM can hold.

Mapping (Moodle type -> StudyVM): ``multichoice`` single -> ``mcq`` (several 100 % answers allowed,
partial fractions kept), multiple -> ``multi`` (fractions as weights, negative ones included);
``truefalse`` -> ``true_false`` with both feedbacks; ``shortanswer`` -> ``short`` (a ``*`` answer
is the catch-all); ``numerical`` -> ``numerical`` (value ± tolerance, the base unit kept, other
units ignored with a warning, a ``*`` answer's feedback kept as "any other answer"); ``matching``
-> ``matching`` (empty sub-questions are distractors); ``essay`` -> ``flip`` whose back is the
grader information (else the general feedback); ``ordering`` -> ``ordering``; ``cloze`` ->
``cloze`` where every gap fits (see :mod:`moodle_cloze`). A ``description`` and the types StudyVM
has no equivalent for (calculated, drag and drop, ``random``…) are skipped with a message naming
the question. Categories become topics, ``<idnumber>`` the id (else the name, else a hash of the
text), ``<tags>`` tags, the general feedback the explanation. Text formats: ``html`` and HTML in
``moodle_auto_format`` and ``markdown`` (rendered first) become plain text, ``plain_text`` stays as
written. Files
embedded as base64 ``<file>`` are kept in the pack's ``media/`` and shown as placeholders.

The XML is parsed by lxml without network access, DTD loading or entity expansion; a document
that declares entities is refused outright (no "billion laughs").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studyvm.packs.gcpause import gc_paused
from studyvm.packs.importers.common import (
    MAX_IMPORT_BYTES,
    Collector,
    ImportProblem,
    ImportResult,
    Progress,
    name_id,
    topic_of_category,
)
from studyvm.packs.importers.media import MediaStore
from studyvm.packs.importers.moodle_xml_text import QuestionText, child_text
from studyvm.packs.importers.moodle_xml_types import READERS, SKIPPED

META_PREFIX = "studyvm:"
"""An XML comment ``<!-- studyvm: {json} -->`` in a question carries fields Moodle has no place for."""
META_KEYS = {"caveat", "source", "demo", "flags", "ranges", "explanation"}
_DEFAULT_COMBINED = {"Your answer is correct.", "Your answer is partially correct.", "Your answer is incorrect."}


def looks_like_moodle_xml(head: bytes) -> bool:
    """True when the start of a file is a Moodle XML document (``<quiz>`` root)."""
    text = head[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return text.startswith("<") and "<quiz" in text


def _parse(raw: bytes, path: str) -> Any:
    from lxml import etree

    head = raw[:65536]
    if b"<!ENTITY" in head or b"<!DOCTYPE" in head and b"[" in head.split(b"<!DOCTYPE", 1)[1].split(b">", 1)[0]:
        line = raw.count(b"\n", 0, max(head.find(b"<!ENTITY"), head.find(b"<!DOCTYPE"))) + 1
        raise ImportProblem(path, line, 1, "the document declares entities (a DTD); Moodle XML never does: refused")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        raise ImportProblem(path, max(1, line), max(1, col), f"XML syntax: {exc.msg}") from None
    if root.tag != "quiz":
        raise ImportProblem(path, root.sourceline or 1, 1, f"root element is <{root.tag}>, not Moodle's <quiz>")
    return root


class _Reader:
    def __init__(self, path: str, raw: bytes = b"") -> None:
        self.has_files = b"<file" in raw
        self.out = Collector(path)
        self.media = MediaStore()
        self.out.media = self.media.files
        self.topic = "general"
        self.kept_files: set[str] = set()
        """Stored media of the questions kept: a skipped question's files are not kept in the pack."""

    def question(self, el: Any) -> None:
        kind = el.get("type") or ""
        if kind == "category":
            category = child_text(el, "category")
            self.topic = topic_of_category(category) if category else "general"
            return
        q = QuestionText(el, self)
        if kind == "description":
            q.warn("description (text without an answer) skipped: it has nothing to answer")
            return
        if kind in SKIPPED or kind not in READERS:
            q.warn(f"{SKIPPED.get(kind, kind or 'untyped')} questions have no StudyVM equivalent: skipped")
            return
        meta = self.meta(el, q)
        data: dict[str, Any] = {"prompt": q.text(q.kid("questiontext"), "html"), "topic": self.topic}
        general = q.text(q.kid("generalfeedback"), "html")
        body = READERS[kind](q, meta, general)
        if body is None:
            return
        data.update(body)
        picture = q.legacy_image()
        if picture:
            data["prompt"] = f"{data['prompt']} {picture}".strip()
        explanation = "\n".join(x for x in (data.get("explanation", ""), self.combined(el, q)) if x)
        if explanation:
            data["explanation"] = explanation
        tags_el = q.kid("tags")
        tags = [t for t in (child_text(tag) for tag in tags_el if tag.tag == "tag") if t] if tags_el is not None else []
        if tags:
            data["tags"] = tags
        for key in ("caveat", "source", "demo"):
            if key in meta:
                data[key] = meta[key]
        idnumber = q.value("idnumber")
        wanted = name_id(idnumber) if idnumber else (name_id(q.name) if q.name else "")
        self.out.add(data, wanted, q.line)
        self.kept_files.update(q.files.values())

    def meta(self, el: Any, q: QuestionText) -> dict[str, Any]:
        from lxml import etree

        for node in q.comments:  # gathered with the children: walking lxml's children again costs
            if isinstance(node, etree._Comment) and (node.text or "").strip().startswith(META_PREFIX):
                try:
                    meta = json.loads(node.text.strip()[len(META_PREFIX) :])
                except ValueError as exc:
                    line = node.sourceline or q.line
                    raise ImportProblem(self.out.path, line, 1, f"invalid studyvm comment: {exc}") from None
                if not isinstance(meta, dict) or not set(meta) <= META_KEYS:
                    line = node.sourceline or q.line
                    raise ImportProblem(
                        self.out.path, line, 1, f"studyvm comment keys must be among {sorted(META_KEYS)}"
                    )
                return meta
        return {}

    def combined(self, el: Any, q: QuestionText) -> str:
        out = []
        for tag, label in (("correctfeedback", "Correct"), ("partiallycorrectfeedback", "Partly correct"),
                           ("incorrectfeedback", "Incorrect")):  # fmt: skip
            text = q.text(q.kid(tag), "html")
            if text and text not in _DEFAULT_COMBINED:
                out.append(f"{label}: {text}")
        return "\n".join(out)


def parse_moodle_xml(raw: bytes, path: str = "<moodle-xml>", progress: Progress | None = None) -> ImportResult:
    """Every question of a Moodle XML document, or :class:`ImportProblem` listing every problem."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportProblem(path, 1, 1, f"file is {len(raw) / 1_048_576:.0f} MB; the limit is 64 MB")
    root = _parse(raw, path)
    reader = _Reader(path, raw)
    questions = root.findall("question")
    for index, el in enumerate(questions):
        try:
            reader.question(el)
        except ImportProblem as problem:
            reader.out.problems.append(problem)
        if progress is not None and index % 1000 == 0:
            progress(index, len(questions))
    for name in [n for n in reader.media.files if n not in reader.kept_files]:
        del reader.media.files[name]  # only a skipped question showed it
    result = reader.out.finish()
    if progress is not None:
        progress(len(questions), len(questions))
    return result


@gc_paused  # every caller, not only `pack import`: the collector costs 15-25 % here
def import_moodle_xml(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read and parse a Moodle XML file."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ImportProblem(str(path), 1, 1, "file is too large; the limit is 64 MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(str(path), 1, 1, f"cannot read file: {exc.strerror or exc}") from None
    return parse_moodle_xml(raw, str(path), progress)
