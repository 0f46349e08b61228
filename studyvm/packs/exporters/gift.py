"""Export a pack as Moodle GIFT text that imports back (into Moodle or StudyVM) as the same questions.

Every type GIFT can hold is written natively: ``flip`` as an essay whose general feedback is the
back, ``mcq``/``multi`` with weights (flag-only ``multi`` options get equal shares, wrong ones
the same share negative, as StudyVM grades them), ``true_false`` with both feedbacks, ``short``,
``numerical``, ``matching`` with distractors, and a one-gap ``cloze`` as a missing-word short
answer. What GIFT cannot hold is converted for Moodle and reported in the warnings (one line per
kind of change, naming the questions): ``ordering`` becomes matching (item -> position), a cloze
with several gaps an essay whose back lists the gaps; the ``// studyvm:`` comment keeps the
original, so StudyVM reads back the very questions it wrote.

Each question carries Moodle's ``// [id:…] [tag:…]`` comment; fields GIFT has no place for
(caveat, source, demo, unit, a flip's explanation, the one-gap cloze marker, a
``multi`` written with correct flags rather than weights) go in a
``// studyvm: {json}`` comment, which StudyVM's importer reads back and Moodle ignores.

Choice options are written in a deterministic per-question shuffled order (the comment keeps the
authored order for StudyVM), and weights close to one of Moodle's grades (33.3, 33.4) are written
as that grade (33.33333), since Moodle's import refuses any other value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studyvm.packs.exporters.common import option_order
from studyvm.packs.importers.gift_text import ORDERING_HINT
from studyvm.packs.model import CLOZE_GAP
from studyvm.packs.questions import names
from studyvm.wording import plural

_MOODLE_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                     12.5, 11.11111, 10, 5, 0)  # fmt: skip
_GAP_TYPES = names(gift_missing_word=True)  # from the question-type table
GAP = "_____"
"""The gap of a missing-word question, as the GIFT importer writes it in the prompt."""
_AS_MATCHING = ("ordering question", "ordering questions", "matching (item -> position)")
_AS_ESSAY = ("cloze with several gaps", "clozes with several gaps", "essays listing the answers")
_ESCAPES = str.maketrans({c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n", "\r": ""})


def esc(text: str) -> str:
    """``text`` with GIFT's control characters escaped and line breaks written ``\\n``."""
    return text.translate(_ESCAPES)


def num(value: float) -> str:
    """A number as GIFT text: ``1822`` rather than ``1822.0``, otherwise Python's exact repr."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def snap(value: float) -> float:
    """``value``, or the one of Moodle's grades it is within 0.1 of (33.3 and 33.4 -> 33.33333)."""
    near = next((f for f in _MOODLE_FRACTIONS if 0.0001 <= abs(abs(value) - f) <= 0.1), None)
    if near is None:
        return value
    return near if value >= 0 else -near


def _note(notes: list[str], head: str, entry: str, sep: str) -> None:
    """Add ``entry`` to the last note if it starts with ``head``, else start a new note."""
    if notes and notes[-1].startswith(head):
        notes[-1] += f"{sep}{entry}"
    else:
        notes.append(f"{head} {entry}")


def _some(ids: list[str]) -> str:
    """``a, b, c and 4 more``: the first few ids of a summary line."""
    return ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")


@dataclass
class _Summary:
    """What an export changed, gathered over every question and reported once per kind (newcomer m17:
    the same warning 30 times, once per question, hid the ones that mattered)."""

    notes: list[str] = field(default_factory=list)
    """Warnings about one question each (a weight Moodle refuses, a '->' in a text)."""
    snapped: dict[str, list[str]] = field(default_factory=dict)
    """A weight written as Moodle's nearest grade ("33.3% as 33.33333%") -> the questions."""
    converted: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    """What GIFT has no type for -- (one, many, what it was written as) -> the questions."""
    carried: list[str] = field(default_factory=list)
    """Questions with fields kept only in their '// studyvm:' comment."""

    def warnings(self) -> list[str]:
        """Every warning of the export, each kind of change on one line."""
        out = list(self.notes)
        for (one, many, written), ids in self.converted.items():
            out.append(
                f"{plural(len(ids), one, many)} exported as {written} ({_some(ids)}): GIFT has no such type; "
                "Moodle sees the conversion, and StudyVM reads the original back from the '// studyvm:' comment"
            )
        if self.snapped:
            ids = list(dict.fromkeys(qid for qids in self.snapped.values() for qid in qids))
            out.append(
                f"weights written as the nearest of Moodle's grades ({'; '.join(self.snapped)}) in "
                f"{plural(len(ids), 'question')} ({_some(ids)}); StudyVM reads the exact weights back from the "
                "'// studyvm:' comment"
            )
        if self.carried:
            out.append(
                f"{len(self.carried)} questions have fields GIFT has no place for (caveat, source, demo, unit, a "
                "flip's explanation); they are kept in '// studyvm:' comments, which StudyVM reads back and Moodle "
                "ignores"
            )
        return out


def _weight(value: float, qid: str, summary: _Summary) -> str:
    snapped = snap(value)
    if snapped != value:  # Moodle's import only takes its own grades
        ids = summary.snapped.setdefault(f"{num(value)}% as {num(snapped)}%", [])
        if qid not in ids:
            ids.append(qid)
        return f"%{num(snapped)}%"
    if not any(abs(abs(value) - f) < 0.0001 for f in _MOODLE_FRACTIONS):
        head = f"question '{qid}': weights that Moodle does not accept (StudyVM does):"
        _note(summary.notes, head, f"{num(value)}%", " ")
    return f"%{num(value)}%"


def txt(text: str) -> str:
    """An answer or feedback text: escaped, and kept from being read as a ``[format]`` prefix."""
    return ("[plain]" if text.startswith("[") else "") + esc(text)


def _fb(feedback: str) -> str:
    return f"#{txt(feedback)}" if feedback else ""


class _Writer:
    """Builds the GIFT text of one question: its answer lines and its comment fields."""

    def __init__(self, q: Any, summary: _Summary, pack_id: str = "") -> None:
        self.q = q
        self.pack_id = pack_id
        self.summary = summary
        self.notes = summary.notes
        self.prompt = q.prompt
        self.meta: dict[str, Any] = {}
        self.general = q.explanation

    def answers(self) -> list[str]:
        q = self.q
        lines = getattr(self, f"_{q.type}")(q)
        if q.type in ("mcq", "multi"):
            order = option_order(self.pack_id, q)
            if order != sorted(order):  # shuffled, so the right answer is not always first
                lines = [lines[i] for i in order]
                self.meta["order"] = order  # StudyVM reads the authored order back
        return lines

    def _flip(self, q: Any) -> list[str]:
        if q.explanation:
            self.meta["explanation"] = q.explanation
        self.general = q.back
        return []

    def _exact(self, q: Any) -> None:
        """Weights written as Moodle's nearest grade are kept exact for StudyVM in the comment."""
        weights = {str(i): o.weight for i, o in enumerate(q.options) if o.weight is not None}
        exact = {i: w for i, w in weights.items() if snap(w) != w}
        if exact:
            self.meta["weights"] = exact

    def _mcq(self, q: Any) -> list[str]:
        self._exact(q)
        out = []
        for o in q.options:
            credit = o.credit()
            if credit >= 100:
                out.append(f"={txt(o.text)}{_fb(o.feedback)}")
            elif credit == 0:
                out.append(f"~{txt(o.text)}{_fb(o.feedback)}")
            else:
                out.append(f"~{_weight(credit, q.id, self.summary)}{txt(o.text)}{_fb(o.feedback)}")
        return out

    def _multi(self, q: Any) -> list[str]:
        explicit = any(o.weight is not None for o in q.options)
        share = round(100 / max(1, len(q.correct_indexes())), 5)
        if not explicit:
            self.meta["flags"] = True  # so StudyVM reads back correct: true/false, not the shares
        self._exact(q)
        out = []
        for o in q.options:
            credit = o.credit() if explicit else (share if o.correct else -share)
            weight = "" if explicit and o.weight is None and credit == 0 else _weight(credit, q.id, self.summary)
            out.append(f"~{weight}{txt(o.text)}{_fb(o.feedback)}")
        return out

    def _true_false(self, q: Any) -> list[str]:
        right, wrong = (q.feedback_true, q.feedback_false) if q.answer else (q.feedback_false, q.feedback_true)
        tail = f"#{txt(wrong)}#{txt(right)}" if right else (f"#{txt(wrong)}" if wrong else "")
        return [("TRUE" if q.answer else "FALSE") + tail]

    def _short(self, q: Any) -> list[str]:
        out = []
        for a in q.answers:
            weight = "" if a.weight == 100 else _weight(a.weight, q.id, self.summary)
            if "->" in a.text:
                self.notes.append(f"question '{q.id}': answer {a.text!r} contains '->', which GIFT reads as matching")
            out.append(f"={weight}{txt(a.text)}{_fb(a.feedback)}")
        return out

    def _numerical(self, q: Any) -> list[str]:
        if q.unit:
            self.meta["unit"] = q.unit
        out = []
        for a in q.answers:
            weight = "" if a.weight == 100 else _weight(a.weight, q.id, self.summary)
            if a.value is None:
                body = f"{num(a.min)}..{num(a.max)}"
            else:
                body = num(a.value) + (f":{num(a.tolerance)}" if a.tolerance else "")
            out.append(f"={weight}{body}{_fb(a.feedback)}")
        if len(out) == 1 and not q.answers[0].feedback and q.answers[0].weight == 100:
            return ["#" + out[0][1:]]
        return ["#", *out]

    def _matching(self, q: Any) -> list[str]:
        if any("->" in p.left for p in q.pairs):
            self.notes.append(f"question '{q.id}': an item contains '->', which GIFT reads as the pair separator")
        out = [f"={txt(p.left)} -> {esc(p.right)}" for p in q.pairs]
        return out + [f"= -> {esc(d)}" for d in q.distractors]

    def _ordering(self, q: Any) -> list[str]:
        self.summary.converted.setdefault(_AS_MATCHING, []).append(q.id)
        self.meta["ordering"] = True  # StudyVM reads it back as the ordering it was
        self.prompt = f"{q.prompt}{ORDERING_HINT}"
        return [f"={txt(item)} -> {n}" for n, item in enumerate(q.items, start=1)]

    def _cloze(self, q: Any) -> list[str]:
        gaps = q.gaps()
        if len(gaps) == 1:
            self.meta["cloze"] = True
            return [f"={txt(alt)}" for alt in gaps[0]]
        self.summary.converted.setdefault(_AS_ESSAY, []).append(q.id)
        self.meta["cloze"] = q.prompt  # StudyVM reads the cloze back from it
        if q.explanation:
            self.meta["explanation"] = q.explanation
        self.prompt = q.masked_prompt("_____")
        answers = "\n".join(f"{n}. {' | '.join(alts)}" for n, alts in enumerate(gaps, start=1))
        self.general = f"{answers}\n{q.explanation}".strip()
        return []


def _gap(q: Any, prompt: str) -> tuple[str, str] | None:
    """Text before and after the gap, when the question is written in GIFT's missing-word form.

    A one-gap cloze always is; so is a question whose prompt has one ``_____`` gap with text
    after it (GIFT marks the gap that way on import, and reads it back the same).
    """
    if q.type == "cloze" and len(q.gaps()) == 1:
        before, _, after = CLOZE_GAP.split(q.prompt, maxsplit=1)
        return before, after
    if q.type in _GAP_TYPES and prompt.count(GAP) == 1 and prompt.split(GAP)[1].strip():
        before, after = prompt.split(GAP)
        return before, after
    return None


def carried_fields(q: Any) -> dict[str, Any]:
    """The fields neither GIFT nor Moodle XML has a place for: caveat, demo and source, when set."""
    out: dict[str, Any] = {key: getattr(q, key) for key in ("caveat", "demo") if getattr(q, key)}
    if q.source is not None:
        out["source"] = q.source.model_dump(exclude_defaults=True)
    return out


def _question(q: Any, summary: _Summary, pack_id: str = "") -> str:
    w = _Writer(q, summary, pack_id)
    answers = w.answers()
    w.meta.update(carried_fields(q))
    if set(w.meta) & {"caveat", "demo", "source", "unit", "explanation"}:
        summary.carried.append(q.id)
    tags = [" ".join(t.split()).replace("]", "\\]") for t in q.tags]  # one comment line, ']' escaped
    head = f"// [id:{q.id}]" + "".join(f" [tag:{t}]" for t in tags)
    lines = [head]
    if w.meta:
        lines.append("// studyvm: " + json.dumps(w.meta, ensure_ascii=False, separators=(",", ":")))
    texts = [w.prompt, *answers, w.general]
    plain = "[plain]" if w.prompt.startswith("[") or any("<" in t or "&" in t for t in texts) else ""
    general = [f"####{txt(w.general)}"] if w.general else []
    gap = _gap(q, w.prompt)
    if gap is not None:  # missing-word form: the answers stand where the gap is
        before, after = gap
        lines.append(f"::{q.id}::{plain}{esc(before)}{{{' '.join(answers + general)}}}{esc(after)}")
    elif len(answers) <= 1 and not general:
        lines.append(f"::{q.id}::{plain}{esc(w.prompt)}{{{''.join(answers)}}}")
    else:
        lines.append(f"::{q.id}::{plain}{esc(w.prompt)}{{")
        lines += [f"    {a}" for a in answers + general]
        lines.append("}")
    return "\n".join(lines)


def export_gift(pack: Any, progress: Callable[[int, int], None] | None = None) -> tuple[str, list[str]]:
    """GIFT text of every question of ``pack`` (generated ones included) and the export's warnings.

    ``progress(done, total)`` is called as questions are written.
    """
    summary = _Summary()
    parts = [f"// {pack.meta.title} ({pack.meta.id} {pack.meta.version}), exported by StudyVM", ""]
    topic = None
    total = len(pack.questions)
    for index, q in enumerate(pack.questions):
        if q.topic != topic:
            topic = q.topic
            parts += [f"$CATEGORY: {esc(topic)}", ""]
        parts += [_question(q, summary, pack.meta.id), ""]
        if progress is not None and index % 1000 == 0:
            progress(index, total)
    if progress is not None:
        progress(total, total)
    return "\n".join(parts), summary.warnings()
