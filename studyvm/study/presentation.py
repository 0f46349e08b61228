"""How a question is shown: shuffled options, and turning typed text into a response.

A :class:`Presentation` records the display order chosen for one showing of a question, so
an exam can be resumed with the same order and a typed "2" maps back to the right option.
:func:`parse_response` reads the one line a learner typed (plain mode, or a TUI text box) and
returns the response :func:`studyvm.study.grading.grade` expects. Each type's functions are
registered in the question-type table (:mod:`studyvm.packs.questions`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from studyvm.packs.questions import TYPES, register, row
from studyvm.study.grading import NotGradable, normalize, response_problem


@dataclass
class Presentation:
    """Display order for one showing of a question (all indexes refer to the pack's order)."""

    order: list[int] = field(default_factory=list)
    """Display position -> option index (mcq, multi) or item index (ordering)."""
    choices: list[str] = field(default_factory=list)
    """Matching only: the right-hand texts (answers and distractors) in display order."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (stored with an exam attempt)."""
        return {"order": self.order, "choices": self.choices}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Presentation:
        """Inverse of :meth:`as_dict`."""
        return cls(list(data.get("order", [])), list(data.get("choices", [])))


def _options(question: Any, rng: random.Random) -> Presentation:
    order = list(range(len(question.options)))
    if question.shuffle:
        rng.shuffle(order)
    return Presentation(order)


def _items(question: Any, rng: random.Random) -> Presentation:
    order = list(range(len(question.items)))
    while order == sorted(order):  # never show the answer as the starting order
        rng.shuffle(order)
    return Presentation(order)


def _choices(question: Any, rng: random.Random) -> Presentation:
    choices = list(dict.fromkeys([p.right for p in question.pairs] + list(question.distractors)))
    rng.shuffle(choices)
    return Presentation(choices=choices)


for _name, _present in {"mcq": _options, "multi": _options, "ordering": _items, "matching": _choices}.items():
    register(_name, "present")(_present)
for _name in ("flip", "true_false", "short", "numerical", "cloze"):
    register(_name, "present")(lambda question, rng: Presentation())


def present(question: Any, rng: random.Random | None = None) -> Presentation:
    """Choose a display order: options shuffled when the question allows it."""
    presenter = row(question).present
    return presenter(question, rng or random.Random()) if presenter else Presentation()


def _option_lines(question: Any, shown: Presentation) -> list[str]:
    return [f"{n}) {question.options[i].text}" for n, i in enumerate(shown.order, 1)]


def _matching_lines(question: Any, shown: Presentation) -> list[str]:
    lefts = [f"{chr(ord('a') + k)}) {p.left}" for k, p in enumerate(question.pairs)]
    return lefts + ["choices:"] + [f"  {n}) {c}" for n, c in enumerate(shown.choices, 1)]


register("mcq", "display")(_option_lines)
register("multi", "display")(_option_lines)
register("true_false", "display")(lambda question, shown: ["1) True", "2) False"])
register("ordering", "display")(lambda q, shown: [f"{n}) {q.items[i]}" for n, i in enumerate(shown.order, 1)])
register("matching", "display")(_matching_lines)
for _name in ("flip", "short", "numerical", "cloze"):
    register(_name, "display")(lambda question, shown: [])


def display_lines(question: Any, shown: Presentation) -> list[str]:
    """The numbered lines to show under the prompt (options, items, matching columns)."""
    lines = row(question).display
    return lines(question, shown) if lines else []


for _name, _hint in {
    "mcq": "answer with the option number",
    "multi": "answer with every right option number, e.g. 1,3",
    "true_false": "answer 1 (true) or 2 (false)",
    "short": "type the answer",
    "numerical": "type a number",
    "cloze": "type the missing words; separate several gaps with |",
    "matching": "for a, b, c… in order give the choice numbers, e.g. 2 1 3",
    "ordering": "give the item numbers in the right order, e.g. 3 1 2",
}.items():
    TYPES[_name].hint = _hint
HINTS = {name: t.hint for name, t in TYPES.items() if t.hint}
"""One-line help for each type, shown with the prompt (from the question-type table)."""


def prompt_text(question: Any) -> str:
    """The prompt as shown (a cloze's gaps masked)."""
    if question.type == "cloze":
        return question.masked_prompt()
    return question.prompt


def _numbers(text: str, count: int) -> list[int]:
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    try:
        nums = [int(p) for p in parts]
    except ValueError as exc:
        raise NotGradable("answer with option numbers") from exc
    if not nums or any(not 1 <= n <= count for n in nums):
        raise NotGradable(f"numbers must be between 1 and {count}")
    return nums


@register("mcq", "parse")
def _parse_mcq(question: Any, shown: Presentation, text: str) -> Any:
    if not text.isdigit():
        for i, opt in enumerate(question.options):
            if normalize(opt.text) == normalize(text):
                return i
    nums = _numbers(text, len(shown.order))
    if len(nums) != 1:
        raise NotGradable("give one option number")
    return shown.order[nums[0] - 1]


@register("multi", "parse")
def _parse_multi(question: Any, shown: Presentation, text: str) -> Any:
    return sorted({shown.order[n - 1] for n in _numbers(text, len(shown.order))})


@register("true_false", "parse")
def _parse_true_false(question: Any, shown: Presentation, text: str) -> Any:
    word = normalize(text)
    if word in ("1", "t", "true", "y", "yes"):
        return True
    if word in ("2", "f", "false", "n", "no"):
        return False
    raise NotGradable("answer 1 (true) or 2 (false)")


@register("short", "parse")
@register("numerical", "parse")
def _parse_text(question: Any, shown: Presentation, text: str) -> Any:
    if not text:
        raise NotGradable("type an answer")
    problem = response_problem(question, text)
    if problem:  # letters in a number: a slip to correct, not a wrong answer
        raise NotGradable(problem)
    return text


@register("cloze", "parse")
def _parse_cloze(question: Any, shown: Presentation, text: str) -> Any:
    return [part.strip() for part in text.split("|")]


@register("matching", "parse")
def _parse_matching(question: Any, shown: Presentation, text: str) -> Any:
    nums = _numbers(text, len(shown.choices))
    if len(nums) != len(question.pairs):
        raise NotGradable(f"give {len(question.pairs)} choice numbers, one for each of a, b, …")
    return {p.left: shown.choices[n - 1] for p, n in zip(question.pairs, nums, strict=True)}


@register("ordering", "parse")
def _parse_ordering(question: Any, shown: Presentation, text: str) -> Any:
    nums = _numbers(text, len(shown.order))
    if sorted(nums) != list(range(1, len(shown.order) + 1)):
        raise NotGradable(f"give each of the numbers 1 to {len(shown.order)} once")
    return [shown.order[n - 1] for n in nums]


def parse_response(question: Any, shown: Presentation, text: str) -> Any:
    """The response for ``grade`` from one typed line; :class:`NotGradable` when unusable."""
    parse = row(question).parse
    if parse is None:
        raise NotGradable(f"a {question.type} question is self-rated")
    return parse(question, shown, text.strip())
