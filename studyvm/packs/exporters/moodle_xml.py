"""Export a pack as Moodle XML, which Moodle's question bank imports and StudyVM reads back.

Every StudyVM type has a native Moodle type: ``flip`` -> essay (the back is the grader
information), ``mcq``/``multi`` -> multichoice single/multiple with fractions (flag-only
``multi`` options get equal shares, wrong ones the same share negative, as StudyVM grades them),
``true_false`` -> truefalse with both feedbacks, ``short`` -> shortanswer, ``numerical`` ->
numerical (a range is written as its midpoint ± half its width, the unit as the base unit),
``matching`` -> matching (distractors as empty sub-questions), ``ordering`` -> ordering,
``cloze`` -> cloze with one ``{1:SHORTANSWER:=…}`` gap per StudyVM gap. Topics become categories,
ids the ``<idnumber>`` (and the name), tags ``<tags>``, the explanation the general feedback.
Texts are written in Moodle's ``plain_text`` format, so they show exactly as in StudyVM; a text
showing a picture or sound the pack keeps in ``media/`` is written as HTML with the file
embedded, as Moodle exports them.

Fields Moodle has no place for (caveat, source, demo; the exact bounds of a range; a ``multi``
written with correct flags) go in an XML comment ``<!-- studyvm: {json} -->`` inside the
question, which Moodle ignores and StudyVM's importer reads back.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from studyvm.packs.exporters.apkg import pack_media, with_media
from studyvm.packs.exporters.gift import carried_fields

_MOODLE_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                     12.5, 11.11111, 10, 5, 0)  # fmt: skip
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CLOZE_ESCAPE = str.maketrans({c: "\\" + c for c in "\\}~#=%*"})
_CLOZE_GAP = re.compile(r"\{\{(.+?)\}\}")
_SOUND = re.compile(r"\[sound:([^\]]+)\]")


def num(value: float) -> str:
    """A number as Moodle writes it: ``3`` rather than ``3.0``, otherwise Python's exact repr."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def share(value: float) -> str:
    """A computed share as the nearest fraction of Moodle's grade list (``33.33333``) when close."""
    for fraction in _MOODLE_FRACTIONS:
        if abs(abs(value) - fraction) < 0.001:
            return num(fraction if value >= 0 else -fraction)
    return num(round(value, 5))


def _t(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _file(name: str, path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<file name="{name}" path="/" encoding="base64">{data}</file>'


def _text(tag: str, text: str, media: dict[str, Path] | None = None) -> str:
    """A text element in ``plain_text``; in ``html`` with the files embedded when ``text`` shows a
    picture or sound the pack keeps (its placeholder becomes the ``<img>`` Moodle shows)."""
    if media and "[" in text:
        used: set[str] = set()
        html = with_media(escape(text).replace("\n", "<br>"), media, used)
        if used:
            html = html.replace('<img src="', '<img src="@@PLUGINFILE@@/').replace("[sound:", "[sound:@@PLUGINFILE@@/")
            html = _SOUND.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1).rsplit("/", 1)[-1]}</a>', html)
            files = "".join(_file(name, media[name]) for name in sorted(used))
            return f'<{tag} format="html"><text>{_t(html)}</text>{files}</{tag}>'
    return f'<{tag} format="plain_text"><text>{_t(text)}</text></{tag}>'


def _answer(fraction: str, text: str, feedback: str = "", extra: str = "") -> str:
    fb = f'<feedback format="plain_text"><text>{_t(feedback)}</text></feedback>'
    return f'<answer fraction="{fraction}" format="plain_text"><text>{_t(text)}</text>{extra}{fb}</answer>'


class _Writer:
    """The type-specific XML of one question, and the fields kept in the studyvm comment."""

    def __init__(self, q: Any, media: dict[str, Path] | None = None) -> None:
        self.q = q
        self.media = media
        self.meta: dict[str, Any] = {}
        self.qtype = ""
        self.prompt = q.prompt
        self.general = q.explanation

    def body(self) -> list[str]:
        return getattr(self, f"_{self.q.type}")(self.q)

    def _flip(self, q: Any) -> list[str]:
        self.qtype = "essay"
        return [
            "<responseformat>editor</responseformat>",
            "<responserequired>1</responserequired>",
            "<responsefieldlines>10</responsefieldlines>",
            "<attachments>0</attachments>",
            _text("graderinfo", q.back, self.media),
            _text("responsetemplate", ""),
        ]

    def _choice(self, q: Any, single: bool, fractions: list[str]) -> list[str]:
        self.qtype = "multichoice"
        out = [
            f"<single>{'true' if single else 'false'}</single>",
            f"<shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>",
            "<answernumbering>abc</answernumbering>",
        ]
        out += [_answer(f, o.text, o.feedback) for f, o in zip(fractions, q.options, strict=True)]
        return out

    def _mcq(self, q: Any) -> list[str]:
        return self._choice(q, True, [num(o.credit()) for o in q.options])

    def _multi(self, q: Any) -> list[str]:
        if any(o.weight is not None for o in q.options):
            return self._choice(q, False, [num(o.credit()) for o in q.options])
        self.meta["flags"] = True
        each = 100 / max(1, len(q.correct_indexes()))
        return self._choice(q, False, [share(each if o.correct else -each) for o in q.options])

    def _true_false(self, q: Any) -> list[str]:
        self.qtype = "truefalse"
        return [
            _answer("100" if q.answer else "0", "true", q.feedback_true),
            _answer("0" if q.answer else "100", "false", q.feedback_false),
        ]

    def _short(self, q: Any) -> list[str]:
        self.qtype = "shortanswer"
        return ["<usecase>0</usecase>"] + [_answer(num(a.weight), a.text, a.feedback) for a in q.answers]

    def _numerical(self, q: Any) -> list[str]:
        self.qtype = "numerical"
        out: list[str] = []
        ranges: list[list[Any] | None] = []  # None marks an exact answer
        for a in q.answers:
            if a.value is None:
                low, high = float(a.min), float(a.max)
                value, tolerance = (low + high) / 2, (high - low) / 2
                ranges.append([a.min, a.max])
            else:
                value, tolerance = a.value, a.tolerance
                ranges.append(None)
            out.append(_answer(num(a.weight), num(value), a.feedback, f"<tolerance>{num(tolerance)}</tolerance>"))
        if any(ranges):
            self.meta["ranges"] = ranges
        if q.unit:
            out.append(f"<units><unit><multiplier>1</multiplier><unit_name>{_t(q.unit)}</unit_name></unit></units>")
            out.append("<unitgradingtype>0</unitgradingtype><showunits>3</showunits><unitsleft>0</unitsleft>")
        return out

    def _matching(self, q: Any) -> list[str]:
        self.qtype = "matching"
        out = ["<shuffleanswers>true</shuffleanswers>"]
        for left, right in [(p.left, p.right) for p in q.pairs] + [("", d) for d in q.distractors]:
            out.append(f'<subquestion format="plain_text"><text>{_t(left)}</text>')
            out.append(f"<answer><text>{_t(right)}</text></answer></subquestion>")
        return out

    def _ordering(self, q: Any) -> list[str]:
        self.qtype = "ordering"
        out = ["<layouttype>VERTICAL</layouttype>", "<selecttype>ALL</selecttype>", "<selectcount>0</selectcount>"]
        out.append("<gradingtype>RELATIVENEXTEXCLUDELAST</gradingtype>")
        return out + [_answer(str(n), item) for n, item in enumerate(q.items, start=1)]

    def _cloze(self, q: Any) -> list[str]:
        self.qtype = "cloze"

        def gap(m: re.Match[str]) -> str:
            alternatives = [a.strip() for a in m.group(1).split("|")]
            return "{1:SHORTANSWER:" + "~".join("=" + a.translate(_CLOZE_ESCAPE) for a in alternatives) + "}"

        self.prompt = _CLOZE_GAP.sub(gap, q.prompt)
        return []


def _question(q: Any, media: dict[str, Path] | None = None) -> str:
    w = _Writer(q, media)
    body = w.body()
    w.meta.update(carried_fields(q))
    lines = [f'  <question type="{w.qtype}">']
    if w.meta:
        payload = json.dumps(w.meta, ensure_ascii=False, separators=(",", ":")).replace("--", "-\\u002d")
        lines.append(f"    <!-- studyvm: {_NOT_XML.sub('', payload)} -->")
    lines += [
        f"    <name><text>{_t(q.id)}</text></name>",
        "    " + _text("questiontext", w.prompt, media),
        "    " + _text("generalfeedback", w.general, media),
        "    <defaultgrade>1</defaultgrade>",
        "    <penalty>0.3333333</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{_t(q.id)}</idnumber>",
    ]
    lines += [f"    {line}" for line in body]
    if q.tags:
        tags = "".join(f"<tag><text>{_t(t)}</text></tag>" for t in q.tags)
        lines.append(f"    <tags>{tags}</tags>")
    lines.append("  </question>")
    return "\n".join(lines)


def export_moodle_xml(pack: Any, progress: Callable[[int, int], None] | None = None) -> tuple[str, list[str]]:
    """Moodle XML text of every question of ``pack`` (generated ones included) and the export's warnings."""
    notes: list[str] = []
    title = _t(f"{pack.meta.title} ({pack.meta.id} {pack.meta.version}), exported by StudyVM").replace("--", "- -")
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', f"<!-- {title} -->", "<quiz>"]
    topic = None
    total = len(pack.questions)
    media = pack_media(pack)
    for index, q in enumerate(pack.questions):
        if q.topic != topic:
            topic = q.topic
            parts.append(f'  <question type="category"><category><text>$course$/top/{_t(topic)}</text></category>')
            parts.append("  </question>")
        parts.append(_question(q, media))
        if _NOT_XML.search(q.model_dump_json()):
            notes.append(f"question '{q.id}': control characters that XML cannot hold were left out")
        if progress is not None and index % 1000 == 0:
            progress(index, total)
    if progress is not None:
        progress(total, total)
    parts.append("</quiz>")
    return "\n".join(parts) + "\n", notes
