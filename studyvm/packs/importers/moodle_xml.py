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
``moodle_auto_format`` become plain text, ``plain_text`` and ``markdown`` stay as written. Files
embedded as base64 ``<file>`` are kept in the pack's ``media/`` and shown as placeholders.

The XML is parsed by lxml without network access, DTD loading or entity expansion; a document
that declares entities is refused outright (no "billion laughs").
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any

from studyvm.packs.importers.common import (
    MAX_IMPORT_BYTES,
    Collector,
    ImportProblem,
    ImportResult,
    Progress,
    name_id,
    topic_of_category,
)
from studyvm.packs.importers.htmltext import MediaRef, html_to_text_media, looks_like_html
from studyvm.packs.importers.media import MediaStore
from studyvm.packs.importers.moodle_cloze import GAP, read_gap

ESSAY_BACK = "(essay question: no model answer was given; compare with your notes)"
"""The back of a flip imported from an essay without grader information or general feedback."""
META_PREFIX = "studyvm:"
"""An XML comment ``<!-- studyvm: {json} -->`` in a question carries fields Moodle has no place for."""
META_KEYS = {"caveat", "source", "demo", "flags", "ranges", "explanation"}
_SKIPPED = {
    "calculated": "calculated",
    "calculatedsimple": "calculated (simple)",
    "calculatedmulti": "calculated multichoice",
    "ddwtos": "drag and drop into text",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "gapselect": "select missing words",
    "randomsamatch": "random short-answer matching",
    "random": "random",
}
_DEFAULT_COMBINED = {"Your answer is correct.", "Your answer is partially correct.", "Your answer is incorrect."}
_TRUE = {"1", "true", "yes"}
_MARK = "\ue000{}\ue001"
_MARKS = re.compile("\ue000(\\d+)\ue001")


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


def _inner(node: Any) -> str:
    """The text of ``node``'s ``<text>`` child, else ``node``'s own text (children scanned
    directly: a few times faster than an lxml path search, which matters at 10,000 questions)."""
    for child in node:
        if child.tag == "text":
            return child.text or ""
    return node.text or ""


def _child_text(el: Any, tag: str = "") -> str:
    """Text of ``el/tag/text`` (or of ``el/tag`` when it has no ``text``), stripped; '' when absent."""
    if not tag:
        return _inner(el).strip()
    for child in el:
        if child.tag == tag:
            return _inner(child).strip()
    return ""


class _Question:
    """Reads one ``<question>``: its texts, files and media, with warnings naming it."""

    def __init__(self, el: Any, reader: _Reader) -> None:
        self.el = el
        self.reader = reader
        self.line = el.sourceline or 1
        self.name = _child_text(el, "name")
        self.files: dict[str, str] = {}
        if reader.has_files:
            for file_el in el.iter("file"):
                self.keep_file(file_el)

    @property
    def label(self) -> str:
        return " ".join(self.name.split())[:50] or f"line {self.line}"

    def warn(self, message: str, line: int | None = None) -> None:
        self.reader.out.warn(line or self.line, 1, f"question '{self.label}': {message}")

    def keep_file(self, file_el: Any) -> None:
        name = file_el.get("name") or ""
        try:
            data = base64.b64decode((file_el.text or "").strip(), validate=False)
        except (binascii.Error, ValueError):
            self.warn(f"file '{name}' is not valid base64: dropped", file_el.sourceline)
            return
        stored, why = self.reader.media.add(name, data)
        if stored is None:
            self.warn(f"file {why}: dropped", file_el.sourceline)
        else:
            self.files[name] = stored

    def media_label(self, ref: MediaRef) -> str | None:
        if ref.src.startswith("@@PLUGINFILE@@"):
            return self.files.get(ref.src.removeprefix("@@PLUGINFILE@@/").lstrip("/")) or self.files.get(ref.name)
        return None

    def text(self, container: Any, default_format: str = "moodle_auto_format") -> str:
        """A text element (``<questiontext>``, ``<feedback>``, ``<answer>``…) as plain text."""
        if container is None:
            return ""
        fmt = container.get("format") or default_format
        return self.plain(_inner(container), fmt, container.sourceline)

    def plain(self, raw: str, fmt: str, line: int | None = None) -> str:
        if fmt == "moodle_auto_format" and looks_like_html(raw):
            raw, fmt = raw.strip().replace("\n", "<br>"), "html"
        if fmt != "html":
            return raw.strip()
        text, refs = html_to_text_media(raw, self.media_label)
        for ref in refs:
            if self.media_label(ref) is None:
                where = "not in the file" if ref.src.startswith("@@PLUGINFILE@@") else "outside the file"
                self.warn(f"{ref.kind} '{ref.src}' is {where}; shown as {ref.placeholder()}", line)
        return text


class _Reader:
    def __init__(self, path: str, raw: bytes = b"") -> None:
        self.has_files = b"<file" in raw
        self.out = Collector(path)
        self.media = MediaStore()
        self.out.media = self.media.files
        self.topic = "general"

    def question(self, el: Any) -> None:
        kind = el.get("type") or ""
        if kind == "category":
            category = _child_text(el, "category")
            self.topic = topic_of_category(category) if category else "general"
            return
        q = _Question(el, self)
        if kind == "description":
            q.warn("description (text without an answer) skipped: it has nothing to answer")
            return
        if kind in _SKIPPED or kind not in _READERS:
            q.warn(f"{_SKIPPED.get(kind, kind or 'untyped')} questions have no StudyVM equivalent: skipped")
            return
        meta = self.meta(el, q)
        data: dict[str, Any] = {"prompt": q.text(el.find("questiontext"), "html"), "topic": self.topic}
        general = q.text(el.find("generalfeedback"), "html")
        body = _READERS[kind](q, meta, general)
        if body is None:
            return
        data.update(body)
        explanation = "\n".join(x for x in (data.get("explanation", ""), self.combined(el, q)) if x)
        if explanation:
            data["explanation"] = explanation
        tags = [t for t in (_child_text(tag) for tag in el.findall("tags/tag")) if t]
        if tags:
            data["tags"] = tags
        for key in ("caveat", "source", "demo"):
            if key in meta:
                data[key] = meta[key]
        idnumber = _child_text(el, "idnumber")
        wanted = name_id(idnumber) if idnumber else (name_id(q.name) if q.name else "")
        self.out.add(data, wanted, q.line)

    def meta(self, el: Any, q: _Question) -> dict[str, Any]:
        from lxml import etree

        for node in el:
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

    def combined(self, el: Any, q: _Question) -> str:
        out = []
        for tag, label in (("correctfeedback", "Correct"), ("partiallycorrectfeedback", "Partly correct"),
                           ("incorrectfeedback", "Incorrect")):  # fmt: skip
            text = q.text(el.find(tag), "html")
            if text and text not in _DEFAULT_COMBINED:
                out.append(f"{label}: {text}")
        return "\n".join(out)


def _fraction(q: _Question, answer: Any) -> float:
    raw = answer.get("fraction", "0")
    try:
        return float(raw)
    except ValueError:
        line = answer.sourceline or q.line
        raise ImportProblem(q.reader.out.path, line, 1, f"answer fraction {raw!r} is not a number") from None


def _answers(q: _Question) -> list[tuple[Any, float, str, str]]:
    """``(element, fraction, text, feedback)`` of every ``<answer>`` with text (blank ones dropped)."""
    out = []
    for answer in q.el.findall("answer"):
        text = q.text(answer)
        if not text:
            q.warn("an empty answer dropped (as Moodle does)", answer.sourceline)
            continue
        out.append((answer, _fraction(q, answer), text, q.text(answer.find("feedback"), "html")))
    return out


def _multichoice(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    single = _child_text(q.el, "single").lower() in _TRUE
    options = []
    for _, fraction, text, feedback in _answers(q):
        option: dict[str, Any] = {"text": text}
        if meta.get("flags") and not single:
            option["correct"] = fraction > 0
        elif fraction == 100:
            option["correct"] = True
        elif fraction != 0:
            option["weight"] = fraction
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    shuffle = _child_text(q.el, "shuffleanswers").lower()
    body: dict[str, Any] = {"type": "mcq" if single else "multi", "options": options, "explanation": general}
    if shuffle in ("0", "false"):
        body["shuffle"] = False
    return body


def _truefalse(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "true_false", "answer": True, "explanation": general}
    for _, fraction, text, feedback in _answers(q):
        value = text.strip().lower() == "true"
        if fraction >= 100:
            body["answer"] = value
        if feedback:
            body["feedback_true" if value else "feedback_false"] = feedback
    return body


def _shortanswer(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    if _child_text(q.el, "usecase") == "1":
        q.warn("case-sensitive matching is not kept (StudyVM grades typed answers leniently)")
    answers = []
    for _, fraction, text, feedback in _answers(q):
        item: dict[str, Any] = {"text": text}
        if fraction != 100:
            item["weight"] = fraction
        if feedback:
            item["feedback"] = feedback
        answers.append(item)
    return {"type": "short", "answers": answers, "explanation": general}


def _numerical(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    ranges = meta.get("ranges") or []
    answers, other = [], ""
    for index, (answer, fraction, text, feedback) in enumerate(_answers(q)):
        if text == "*":
            other = feedback or other
            continue
        try:
            value = float(text)
            tolerance = abs(float(_child_text(answer, "tolerance") or 0))
        except ValueError:
            raise ImportProblem(q.reader.out.path, answer.sourceline or q.line, 1, f"not a number: {text!r}") from None
        span = ranges[index] if index < len(ranges) else None
        item: dict[str, Any] = {"min": span[0], "max": span[1]} if span else {"value": value, "tolerance": tolerance}
        if fraction != 100:
            item["weight"] = fraction
        if feedback:
            item["feedback"] = feedback
        answers.append(item)
    body: dict[str, Any] = {"type": "numerical", "answers": answers, "explanation": general}
    units = [(u.findtext("unit_name") or "").strip() for u in q.el.findall("units/unit")]
    multipliers = [(u.findtext("multiplier") or "1").strip() for u in q.el.findall("units/unit")]
    base = [name for name, mult in zip(units, multipliers, strict=True) if name and float(mult or 1) == 1]
    if base:
        body["unit"] = base[0]
    extra = [u for u in units if u and u not in base[:1]]
    if extra:
        q.warn(f"units other than the base unit ignored: {', '.join(extra)}")
    if other:
        body["explanation"] = "\n".join(x for x in (general, f"Any other answer: {other}") if x)
    return body


def _matching(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    pairs, distractors = [], []
    for sub in q.el.findall("subquestion"):
        left = q.text(sub, "html")
        right = _child_text(sub, "answer")
        if not right:
            continue
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    body: dict[str, Any] = {"type": "matching", "pairs": pairs, "explanation": general}
    if distractors:
        body["distractors"] = distractors
    return body


def _essay(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    grader = q.text(q.el.find("graderinfo"), "html")
    if grader:
        return {"type": "flip", "back": grader, "explanation": general}
    return {"type": "flip", "back": general or ESSAY_BACK}


def _ordering(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any]:
    answers = _answers(q)
    positions = [fraction for _, fraction, _, _ in answers]
    if len(set(positions)) == len(positions) and all(p > 0 for p in positions):
        answers.sort(key=lambda a: a[1])  # the position is written as the answer's fraction
    items = [text for _, _, text, _ in answers]
    return {"type": "ordering", "items": items, "explanation": general}


def _cloze(q: _Question, meta: dict[str, Any], general: str) -> dict[str, Any] | None:
    container = q.el.find("questiontext")
    raw = _child_text(q.el, "questiontext")
    fmt = (container.get("format") or "html") if container is not None else "html"
    gaps = []
    for index, m in enumerate(GAP.finditer(raw), start=1):
        gap, why = read_gap(m.group(2), m.group(3), html=fmt in ("html", "moodle_auto_format"))
        if gap is None:
            q.warn(f"cloze gap {index} ({m.group(0)[:40]}): {why}; question skipped")
            return None
        if gap.dropped:
            q.warn(f"cloze gap {index}: answers without full credit dropped: {', '.join(gap.dropped)}")
        gaps.append(gap)
    if not gaps:
        q.warn("cloze question without embedded answers: skipped")
        return None
    counter = iter(range(len(gaps)))
    marked = GAP.sub(lambda _m: _MARK.format(next(counter)), raw)
    text = q.plain(marked, fmt, q.line)
    prompt = _MARKS.sub(lambda m: "{{" + "|".join(gaps[int(m.group(1))].answers) + "}}", text)
    return {"type": "cloze", "prompt": prompt, "explanation": general}


_READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
    "ordering": _ordering,
    "cloze": _cloze,
    "multianswer": _cloze,
}


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
    result = reader.out.finish()
    if progress is not None:
        progress(len(questions), len(questions))
    return result


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
