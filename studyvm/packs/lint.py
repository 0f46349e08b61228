"""The giveaway lint: questions a test-wise learner can answer without knowing the subject.

Validation (``studyvm pack validate``) checks that a pack is well formed; the lint checks that
its questions are fair. Every finding is a warning ``path:line:col: warning: [rule] message``
pointing at the line to rewrite. The rules (see content/README.md, "The giveaway lint"):

- ``longest-correct``: an mcq's correct option is 1.5 times as long as every other option or more
  (and at least 8 characters longer);
- ``prompt-echo``: a word of an mcq's correct option is repeated in the prompt and in no
  distractor, so matching words finds the answer;
- ``ordering-numbers``: every item of an ordering question carries a number (year, count,
  cycles) and the numbers already run in the answer's order;
- ``duplicate-prompt``: two questions ask the same prompt;
- ``few-options``: an mcq with fewer than three options (a coin flip);
- ``cell-names-column``: a comparison-table cell names its own column;
- ``restated-explanation``: an explanation that adds fewer than three words (or numbers) to the
  prompt and the answer, so it cannot be saying why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from studyvm.packs.diagnostics import Diagnostic
from studyvm.packs.folders import YAML_SUFFIXES
from studyvm.packs.loader import load_path
from studyvm.packs.model import (
    ClozeQuestion,
    FlipQuestion,
    MatchingQuestion,
    McqQuestion,
    MultiQuestion,
    NumericalQuestion,
    OrderingQuestion,
    Pack,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)
from studyvm.packs.tables import cell_names_column, column_marks, slug
from studyvm.packs.yamlsafe import Positions, YamlProblem, read_yaml_file

RULES = {
    "longest-correct": "the correct option is much longer than every other option",
    "prompt-echo": "a word of the correct option echoes the prompt and no distractor has it",
    "ordering-numbers": "the numbers printed in the items give the order away",
    "duplicate-prompt": "two questions ask the same prompt",
    "few-options": "an mcq needs at least three options",
    "cell-names-column": "a table cell names its own column",
    "restated-explanation": "the explanation only restates the prompt and the answer",
}
"""Every rule id and what it flags."""

LONGEST_RATIO = 1.5
"""The correct option at least this many times as long as the longest distractor is a giveaway..."""
LONGEST_GAP = 8
"""...when it is also this many characters longer ("Yes" against "No" gives nothing away)."""
MIN_OPTIONS = 3
MIN_NEW_WORDS = 3
"""An explanation must add this many content words to the prompt and the answer."""

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
_STOP = frozenset(
    """
    about above after again also although among another answer because been before being below
    between both cannot could does doing done down during each either else every from further
    have having here however into itself just less like made make makes many more most much must
    need needs neither never none only other others over same should since some such than that
    their them then there these they this those though through under until upon very were what
    when where whether which while whom whose will with within without would your
    """.split()  # noqa: SIM905 - a block of words reads better than 90 quoted strings
)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning: numbers, and words of four letters or more that are
    not function words, stemmed."""
    words = _WORD.findall(text.lower())
    return {_stem(w) for w in words if (len(w) >= 4 or w.isdigit()) and w not in _STOP}


def _norm_prompt(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


@dataclass
class Finding:
    """One lint warning about one question or table cell, before it is given a place."""

    rule: str
    subject: str
    """The question id, or ``table 'id'`` for a table."""
    message: str
    where: tuple[str | int, ...] = ()
    """Path below the question (or table) to the offending node, e.g. ``("options", 2)``."""


# --------------------------------------------------------------------------- rules per question


def _correct_texts(q: Question) -> list[str]:
    """The text of the answer a learner must give, whatever the type."""
    if isinstance(q, FlipQuestion):
        return [q.back]
    if isinstance(q, McqQuestion | MultiQuestion):
        return [o.text for o in q.options if o.credit() > 0]
    if isinstance(q, ShortQuestion):
        return [a.text for a in q.answers if a.weight > 0]
    if isinstance(q, NumericalQuestion):
        return [q.unit, *(f"{a.value} {a.min} {a.max}" for a in q.answers)]
    if isinstance(q, MatchingQuestion):
        return [f"{p.left} {p.right}" for p in q.pairs]
    if isinstance(q, OrderingQuestion):
        return list(q.items)
    if isinstance(q, TrueFalseQuestion | ClozeQuestion):
        return []
    return []


def _mcq_rules(q: McqQuestion) -> Iterator[Finding]:
    if len(q.options) < MIN_OPTIONS:
        yield Finding("few-options", q.id, f"only {len(q.options)} options: a guess scores too often")
    correct = next((i for i, o in enumerate(q.options) if o.credit() >= 100), None)
    if correct is None or len(q.options) < 2:
        return
    right = q.options[correct].text
    others = [o.text for i, o in enumerate(q.options) if i != correct]
    longest = max(len(t) for t in others)
    if longest and len(right) >= LONGEST_RATIO * longest and len(right) - longest >= LONGEST_GAP:
        yield Finding(
            "longest-correct",
            q.id,
            f"the correct option is {len(right) / longest:.2f} times as long as the longest other one "
            f"({len(right)} vs {longest} characters): shorten it or give the distractors the same detail",
            ("options", correct),
        )
    shared = set().union(*(content_words(t) for t in others))
    echo = sorted((content_words(right) & content_words(q.prompt)) - shared)
    if echo:
        yield Finding(
            "prompt-echo",
            q.id,
            f"the correct option repeats {', '.join(repr(w) for w in echo)} from the prompt and no distractor "
            "does: a learner can match words instead of knowing",
            ("options", correct),
        )


def first_number(text: str) -> float | None:
    """The first number written in ``text`` (``15,800`` and ``0.45`` included), or ``None``."""
    found = _NUMBER.search(text)
    return float(found.group(1).replace(",", "")) if found else None


def _ordering_rule(q: OrderingQuestion) -> Iterator[Finding]:
    numbers = [first_number(item) for item in q.items]
    if len(numbers) < 2 or any(n is None for n in numbers):
        return
    steps = [b - a for a, b in zip(numbers, numbers[1:], strict=False)]  # type: ignore[operator]
    if all(s > 0 for s in steps) or all(s < 0 for s in steps):
        yield Finding(
            "ordering-numbers",
            q.id,
            "every item prints a number and the numbers already run in the answer's order: take them out of the items",
            ("items", 0),
        )


def _explanation_rule(q: Question) -> Iterator[Finding]:
    if not q.explanation:
        return
    said = content_words(q.prompt).union(*(content_words(t) for t in _correct_texts(q)))
    new = content_words(q.explanation) - said
    if len(new) < MIN_NEW_WORDS:
        yield Finding(
            "restated-explanation",
            q.id,
            f"the explanation adds {len(new)} word(s) to the prompt and the answer: say why "
            "(the mechanism or the number)",
            ("explanation",),
        )


def question_findings(q: Question) -> Iterator[Finding]:
    """The findings of every single-question rule for ``q``."""
    if isinstance(q, McqQuestion):
        yield from _mcq_rules(q)
    if isinstance(q, OrderingQuestion):
        yield from _ordering_rule(q)
    yield from _explanation_rule(q)


def pack_findings(pack: Pack) -> list[Finding]:
    """Every finding of every rule for ``pack``, in pack order."""
    out: list[Finding] = []
    seen: dict[str, str] = {}
    for q in pack.questions:
        out += question_findings(q)
        key = _norm_prompt(q.prompt)
        if key in seen:
            out.append(Finding("duplicate-prompt", q.id, f"same prompt as question '{seen[key]}'", ("prompt",)))
        else:
            seen[key] = q.id
    for table in pack.tables:
        marks = column_marks(table.columns)
        for r, row in enumerate(table.rows):
            for c, (cell, column) in enumerate(zip(row.cells, table.columns, strict=False)):
                if cell_names_column(cell, marks[c]):
                    out.append(
                        Finding(
                            "cell-names-column",
                            f"table '{table.id}'",
                            f"row '{row.aspect}': the cell names its column '{column}', so the questions "
                            "generated from it give their answer away",
                            ("rows", r, "cells", c),
                        )
                    )
    return out


# --------------------------------------------------------------------------- locating findings


@dataclass
class _Place:
    file: str
    positions: Positions | None
    base: tuple[str | int, ...]


@dataclass
class Locator:
    """Where each authored question and table of a pack was written (file, line, column)."""

    questions: dict[str, _Place] = field(default_factory=dict)
    tables: dict[str, _Place] = field(default_factory=dict)
    fallback: str = ""

    @classmethod
    def for_path(cls, path: Path) -> Locator:
        """Read the YAML file(s) behind ``path`` again, keeping the position of every node."""
        path = Path(path)
        folder = path.parent if path.name == "pack.yaml" else path
        if folder.is_dir():
            files = sorted(
                p
                for p in folder.rglob("*")
                if p.suffix in YAML_SUFFIXES and p.is_file() and p.name != "pack.yaml" and not p.is_symlink()
            )
        else:
            files = [path] if path.suffix in YAML_SUFFIXES else []
        locator = cls(fallback=str(path))
        for file in files:
            try:
                data, positions = read_yaml_file(file)
            except YamlProblem:
                continue
            if not isinstance(data, dict):
                continue
            for key, bucket in (("questions", locator.questions), ("tables", locator.tables)):
                items = data.get(key)
                for index, item in enumerate(items if isinstance(items, list) else []):
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        bucket.setdefault(item["id"], _Place(str(file), positions, (key, index)))
        return locator

    def place(self, pack: Pack, finding: Finding) -> tuple[str, int, int]:
        """The file, line and column a finding points at."""
        spot: _Place | None = None
        tail = finding.where
        if finding.subject.startswith("table '"):
            spot = self.tables.get(finding.subject[7:-1])
        elif finding.subject in self.questions:
            spot = self.questions[finding.subject]
        else:
            spot, tail = self._generated(pack, finding.subject)
        if spot is None:
            return (self.fallback, 1, 1)
        if spot.positions is None:
            return (spot.file, 1, 1)
        line, col = spot.positions.locate((*spot.base, *tail))
        return (spot.file, line, col)

    def _generated(self, pack: Pack, qid: str) -> tuple[_Place | None, tuple]:
        """A generated question points at its table row."""
        question = pack.question(qid)
        table_id = question.generated_from if question is not None else None
        table = next((t for t in pack.tables if t.id == table_id), None)
        if table is None or table.id not in self.tables:
            return None, ()
        aspect = qid[len(table.id) + 1 :].split(".", 1)[0]
        row = next((i for i, r in enumerate(table.rows) if slug(r.aspect) == aspect), None)
        return self.tables[table.id], (() if row is None else ("rows", row))


# --------------------------------------------------------------------------- entry point


@dataclass
class LintResult:
    """What linting one path found: load errors (the pack could not be linted) or warnings."""

    path: str
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    pack: Pack | None = None

    def counts(self) -> dict[str, int]:
        """Warnings per rule (every rule listed, zeros included)."""
        counts = dict.fromkeys(RULES, 0)
        for w in self.warnings:
            rule = w.message[1 : w.message.index("]")]
            counts[rule] += 1
        return counts


def lint_pack(pack: Pack, locator: Locator | None = None) -> list[Diagnostic]:
    """The giveaway warnings of a loaded pack, each placed at its file, line and column."""
    locator = locator or Locator(fallback=pack.location)
    out = []
    for f in pack_findings(pack):
        file, line, col = locator.place(pack, f)
        subject = f.subject if f.subject.startswith("table ") else f"question '{f.subject}'"
        out.append(Diagnostic(file, line, col, "warning", f"[{f.rule}] {subject}: {f.message}"))
    return sorted(out)


def lint_path(path: Path, known_demos: set[str] | None = None) -> LintResult:
    """Load ``path`` (pack folder, question file or JSON export) and lint it."""
    loaded = load_path(Path(path), known_demos=known_demos)
    result = LintResult(str(path), errors=[d for d in loaded.diagnostics if d.severity == "error"])
    if loaded.pack is None:
        return result
    result.pack = loaded.pack
    result.warnings = lint_pack(loaded.pack, Locator.for_path(Path(path)))
    return result
