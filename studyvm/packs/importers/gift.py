"""Moodle GIFT import: every question type, feedback, weights, formats, names and categories.

Follows Moodle's own reader (``question/format/gift/format.php``) so that a bank exported from
Moodle imports with the same types; where Moodle silently accepts nonsense (a stray brace, a
second answer block) we report ``path:line:col: error: message`` instead, for every problem of
the file at once, and import nothing until all are fixed. As in Moodle: an empty answer
(``{~=right}``) is dropped (with a warning), several ``=`` answers in a choice each give full
credit, ``=%0%*#feedback`` is the catch-all answer, and HTML in the default format is rendered.
Text formats become plain text as Moodle shows them: ``[html]`` rendered, ``[markdown]`` rendered
(``**KVM**`` reads ``KVM``, a link ``docs (url)``, code keeps its backticks), ``[plain]`` as written.

Mapping to StudyVM types:

- ``{=a ~b ~%50%c}`` -> ``mcq`` (partial weights kept); without any ``=`` -> ``multi`` (weights,
  negative ones included); ``{T}``/``{FALSE#wrong#right}`` -> ``true_false``; ``{=a =%50%b}`` ->
  ``short``; ``{#…}`` -> ``numerical`` (``v``, ``v:tolerance``, ``min..max``, several weighted
  answers); ``{=a -> b = -> distractor}`` -> ``matching``; ``{}`` (essay) -> ``flip`` whose back
  is the general feedback.
- A *description* (text with no answer block) has nothing to answer: it is skipped with a warning.
- Text after the answer block makes a missing-word question: the gap is ``_____`` in the prompt.
- ``::name::`` gives the id (its slug, any script transliterated); unnamed questions get an id
  from a hash of their text; Moodle's ``// [id:…]`` comment wins over both, and ``// [tag:…]``
  comments become tags. Questions wanting the same id get it followed by a hash of their content,
  so reordering a bank keeps every id.
- ``$CATEGORY: path`` sets the topic of the questions after it, wherever the line stands.
- Pictures and sounds (``<img src>``, audio links) become placeholders; a file named by a path
  beside the bank is kept in the pack's ``media/``, any other is named in a warning.
- ``// studyvm: {json}`` comments, written by our exporter, carry fields GIFT has no place for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from studyvm.packs.gcpause import gc_paused
from studyvm.packs.importers.common import (
    Collector,
    ImportProblem,
    ImportResult,
    Progress,
    name_id,
    read_text,
    topic_of_category,
)
from studyvm.packs.importers.gift_answers import Context, Piece, build_answers, plain_text
from studyvm.packs.importers.gift_text import ORDERING_HINT, Block, Comment, restore, split_blocks
from studyvm.packs.importers.htmltext import Label, MediaRef
from studyvm.packs.importers.media import MAX_MEDIA_FILE, MediaStore

GAP = "_____"
"""How the gap of a missing-word question is shown in its prompt (as Moodle does)."""
FORMATS = ("html", "moodle", "plain", "markdown")
_ID_COMMENT = re.compile(r"\[id:((?:\\]|[^\]\[])+)\]")
_TAG_COMMENT = re.compile(r"\[tag:((?:\\]|[^\]])+)\]")
_META_PREFIX = "// studyvm:"
_MOODLE_CLOZE = re.compile(
    r"\{\d*:(?:SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|NUMERICAL|NM|MULTICHOICE|MC|MULTICHOICE_V|MCV|MULTICHOICE_H"
    r"|MCH|MULTIRESPONSE|MR|MULTICHOICE_S|MCS|MULTIRESPONSE_H|MRH):"
)
_META_KEYS = {"explanation", "caveat", "source", "demo", "unit", "cloze", "flags", "order", "weights", "ordering"}


def split_format(text: str, default: str = "moodle") -> tuple[str, str]:
    """``("[html]<b>x</b>")`` -> ``("html", "<b>x</b>")``; unknown or missing prefix -> ``default``."""
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end].lower() in FORMATS:
            return text[1:end].lower(), text[end + 1 :]
    return default, text


def convert(text: str, fmt: str, media: list[MediaRef] | None = None, label: Label | None = None) -> str:
    """A piece of GIFT text as plain text: escapes restored, HTML (or HTML in the default
    format) turned into text, media references added to ``media``."""
    return plain_text(text, fmt, media if media is not None else [], label)


class _Reader:
    """Parses blocks one by one, keeping the topic; problems are collected, not raised."""

    def __init__(self, path: str, base: Path | None = None) -> None:
        self.path = path
        self.topic = "general"
        self.out = Collector(path)
        self.base = base
        """The folder of the file: pictures it names by relative path are looked for there."""
        self.store = MediaStore()
        self.out.media = self.store.files
        self.kept: dict[str, str | None] = {}
        self.refused: dict[str, str] = {}

    def problem(self, block: Block, offset: int, message: str) -> ImportProblem:
        return ImportProblem(self.path, *block.locate(offset), message)

    def read(self, block: Block) -> None:
        """A block may hold ``$CATEGORY:`` lines anywhere: each ends the question before it."""
        start = 0
        for index, line in enumerate(block.lines):
            if line.startswith("$CATEGORY:"):
                self.question_in(block.slice(start, index))
                self.topic = topic_of_category(restore(line[len("$CATEGORY:") :]))
                start = index + 1
        self.question_in(block.slice(start, len(block.lines)) if start else block)

    def question_in(self, block: Block) -> None:
        if not block.lines:
            return
        try:
            self.question(block)
        except ImportProblem as problem:
            self.out.problems.append(problem)

    def question(self, block: Block) -> None:
        text = block.text
        start = 0
        name = ""
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                raise self.problem(block, 0, "question name opened with '::' is never closed with '::'")
            name = restore(text[2:end]).strip()
            start = end + 2
            while start < len(text) and text[start].isspace():
                start += 1
        open_at = text.find("{", start)
        close_at = text.find("}", start)
        if open_at < 0 and close_at < 0:
            self.warn(block, 0, "description (text without an answer block) skipped: it has nothing to answer")
            return
        self.check_braces(block, text, open_at, close_at)
        before, answer, after = text[start:open_at], text[open_at + 1 : close_at], text[close_at + 1 :]
        fmt, before = split_format(before)
        qtext = before if not after.strip() else f"{before}{GAP}{after}"
        ctx = Context(fmt, lambda off, msg: self.problem(block, off, msg), label=self.media_label)
        general = ""
        gf_at = answer.rfind("####")
        if gf_at >= 0:
            gf_format, gf_text = split_format(answer[gf_at + 4 :].strip(), fmt)
            general = convert(gf_text, gf_format, ctx.media, self.media_label)
            answer = answer[:gf_at]
        prompt = convert(qtext, fmt, ctx.media, self.media_label)
        body = build_answers(Piece(answer, open_at + 1), ctx, general)
        data: dict[str, Any] = {"prompt": prompt, "topic": self.topic, **body}
        for offset, note in ctx.notes:
            self.warn(block, offset, note)
        self.report_media(block, name or prompt, ctx.media)
        wanted = self.apply_comments(block, data, name)
        where: dict[tuple[str, int], int] = data.pop("_where", {})

        def locate(err: dict[str, Any]) -> tuple[int, int]:
            loc = [p for p in err["loc"] if p != data.get("type")]
            offset = 0 if loc and loc[0] in ("prompt", "id") else where.get(tuple(loc[:2]), open_at)  # type: ignore[arg-type]
            return block.locate(offset)

        self.out.add(data, wanted, block.numbers[0], 1, locate=locate)  # exact columns only for errors
        if data.get("type") == "mcq" and sum(o.get("correct", False) for o in data["options"]) > 1:
            self.warn(block, open_at, "several '=' answers in a single choice: each gives full credit (as in Moodle)")

    def media_label(self, ref: MediaRef) -> str | None:
        """The kept copy of a file the bank names by a path relative to its own folder, if any."""
        if ref.src not in self.kept:
            self.kept[ref.src] = self.keep(ref.src)
        return self.kept[ref.src]

    def keep(self, src: str) -> str | None:
        if self.base is None or "://" in src or src.startswith(("@@", "/", "data:")):
            return None
        try:
            found = (self.base / src).resolve()
            if not found.is_relative_to(self.base.resolve()) or not found.is_file():
                return None
            if found.stat().st_size > MAX_MEDIA_FILE:
                self.refused[src] = f"larger than {MAX_MEDIA_FILE // 1_048_576} MB"
                return None
            stored, why = self.store.add(found.name, found.read_bytes())
        except OSError as exc:
            self.refused[src] = f"unreadable ({exc.strerror or exc})"
            return None
        if stored is None:
            self.refused[src] = f"refused ({why})"
        return stored

    def report_media(self, block: Block, label: str, media: list[MediaRef]) -> None:
        shown = " ".join(label.split())[:40]
        for ref in media:
            if self.kept.get(ref.src) is None:
                where = self.refused.get(ref.src, "not beside the GIFT file")
                message = f"question '{shown}': {ref.kind} '{ref.src}' is {where}; shown as {ref.placeholder()}"
                self.warn(block, 0, message)

    def check_braces(self, block: Block, text: str, open_at: int, close_at: int) -> None:
        if close_at >= 0 and (open_at < 0 or close_at < open_at):
            raise self.problem(block, close_at, "'}' without an opening '{' (escape a literal brace as \\})")
        if close_at < 0:
            raise self.problem(block, open_at, "'{' opens an answer block that is never closed with '}'")
        nested = text.find("{", open_at + 1, close_at)
        if nested >= 0:
            raise self.problem(
                block,
                nested,
                "'{' inside an answer block (is a '}' missing? escape a literal brace as \\{)",
            )
        for extra in (text.find("{", close_at + 1), text.find("}", close_at + 1)):
            if extra >= 0:
                hint = (
                    " (this looks like Moodle's embedded-answers Cloze syntax, which GIFT does not have:"
                    " import it from Moodle XML instead)"
                    if _MOODLE_CLOZE.search(text)
                    else ""
                )
                raise self.problem(
                    block,
                    extra,
                    "a second answer block in one question: separate questions with a blank line, "
                    f"or escape literal braces as \\{{ \\}}{hint}",
                )

    def apply_comments(self, block: Block, data: dict[str, Any], name: str) -> str:
        wanted = ""
        tags: list[str] = []
        for line in block.comments:
            comment = line.text
            if comment.startswith(_META_PREFIX):
                self.apply_meta(block, line, comment[len(_META_PREFIX) :], data)
                continue
            found = _ID_COMMENT.search(comment) if "[id:" in comment else None
            if found:
                wanted = name_id(found.group(1).replace("\\]", "]")) or wanted
            if "[tag:" in comment:
                tags += [t.replace("\\]", "]").strip() for t in _TAG_COMMENT.findall(comment)]
        if tags:
            data["tags"] = [t for t in tags if t]
        return wanted or (name_id(name) if name else "")

    def apply_meta(self, block: Block, line: Comment, raw: str, data: dict[str, Any]) -> None:
        try:
            meta = json.loads(raw)
        except ValueError as exc:
            raise ImportProblem(self.path, line.number, line.col + 1, f"invalid studyvm comment: {exc}") from None
        if not isinstance(meta, dict) or not set(meta) <= _META_KEYS:
            raise ImportProblem(
                self.path, line.number, line.col + 1, f"studyvm comment keys must be among {sorted(_META_KEYS)}"
            )
        cloze = meta.pop("cloze", False)
        if isinstance(cloze, str) and data.get("type") == "flip":  # several gaps, written as an essay
            data.pop("back", None)
            data.update(type="cloze", prompt=cloze)
        if meta.pop("ordering", False) and data.get("type") == "matching":  # written as item -> position
            self.restore_ordering(block, line, data)
        if cloze is True and data.get("type") == "short":
            gap = "{{" + "|".join(a["text"] for a in data.pop("answers")) + "}}"
            data.pop("_where", None)
            data["type"] = "cloze"
            prompt = data["prompt"]
            data["prompt"] = prompt.replace(GAP, gap, 1) if GAP in prompt else f"{prompt} {gap}"
        if meta.pop("flags", False) and data.get("type") == "multi":  # written from correct: true/false
            for option in data["options"]:
                option["correct"] = (option.pop("weight", None) or 0) > 0
        order = meta.pop("order", None)
        if order is not None and data.get("type") in ("mcq", "multi"):
            options = data["options"]
            if not isinstance(order, list) or sorted(order) != list(range(len(options))):
                raise ImportProblem(self.path, line.number, line.col + 1, "studyvm comment: 'order' does not fit")
            restored: list[Any] = [None] * len(options)
            for written, original in enumerate(order):
                restored[original] = options[written]
            data["options"] = restored
            data.pop("_where", None)
        exact = meta.pop("weights", None)
        if isinstance(exact, dict) and data.get("type") in ("mcq", "multi"):
            for index, weight in exact.items():
                if str(index).isdigit() and int(index) < len(data["options"]) and isinstance(weight, int | float):
                    data["options"][int(index)]["weight"] = weight
        if data.get("type") != "numerical":
            meta.pop("unit", None)
        data.update(meta)

    def restore_ordering(self, block: Block, line: Comment, data: dict[str, Any]) -> None:
        """The ordering question StudyVM exported as matching: items sorted by the position they match."""
        pairs = data.pop("pairs")
        positions = [p["right"] for p in pairs]
        if sorted(positions) != [str(n) for n in range(1, len(pairs) + 1)] or data.get("distractors"):
            raise ImportProblem(self.path, line.number, line.col + 1, "studyvm comment: 'ordering' does not fit")
        data.pop("_where", None)
        data["type"] = "ordering"
        data["items"] = [p["left"] for p in sorted(pairs, key=lambda p: int(p["right"]))]
        data["prompt"] = data["prompt"].removesuffix(ORDERING_HINT.strip()).rstrip()

    def warn(self, block: Block, offset: int, message: str) -> None:
        self.out.warn(*block.locate(offset), message)


def parse_gift(
    text: str, path: str = "<gift>", progress: Progress | None = None, base: Path | None = None
) -> ImportResult:
    """Every question of a GIFT text, or :class:`ImportProblem` listing every problem.

    ``base`` is the folder pictures named by a relative path are kept from (the file's own).
    """
    reader = _Reader(path, base)
    blocks = split_blocks(text)
    total = len(blocks)
    for index, block in enumerate(blocks):
        reader.read(block)
        if progress is not None and index % 500 == 0:
            progress(index, total)
    if progress is not None:
        progress(total, total)
    return reader.out.finish()


@gc_paused  # every caller, not only `pack import`: the collector costs 15-25 % here
def import_gift(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read and parse a GIFT file."""
    return parse_gift(read_text(Path(path)), str(path), progress, Path(path).parent)
