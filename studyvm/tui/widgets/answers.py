"""Answer inputs, one per auto-graded question type; each reports a plain response value.

Values: mcq -> option index, multi -> set of indexes, true_false -> bool, short / numerical ->
str, cloze -> list of str, matching -> {left: right}, ordering -> item indexes in the learner's
order. Indexes are those of the pack file, whatever order things are shown in (as
:mod:`studyvm.study.grading` expects).
"""

from __future__ import annotations

import random
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, SelectionList
from textual.widgets.option_list import Option

from studyvm.tui.widgets.boxlist import BoxList
from studyvm.tui.widgets.literal import Literal, lit_cell


def shown_order(question: Any, count: int, presentation: Any = None) -> list[int]:
    """Display order of ``count`` options: the engine's presentation, else a shuffle fixed per question."""
    given = list(getattr(presentation, "order", None) or [])
    if sorted(given) == list(range(count)):
        return given
    order = list(range(count))
    if getattr(question, "shuffle", True) and question.type != "true_false":
        random.Random(question.id).shuffle(order)
    return order


class AnswerArea(Vertical):
    """Base class: holds the inputs of one question and posts :class:`AnswerArea.Submitted`."""

    class Submitted(Message):
        """The learner gave an answer (``value`` is ``None`` when nothing was entered)."""

        def __init__(self, value: Any) -> None:
            super().__init__()
            self.value = value

    def __init__(self, question: Any, presentation: Any = None) -> None:
        super().__init__(classes="answer-area")
        self.question = question
        self.presentation = presentation
        """The study engine's display order, if it chose one."""

    def current(self) -> Any:
        """The answer entered so far, or ``None`` if nothing."""
        return None

    def focus_target(self) -> Widget | None:
        """The widget to focus when the card appears (``None``: the card, so Space reveals).

        Lists whose own keys would swallow Space (check lists, drop-downs) are not focused.
        """
        found = [w for w in self.query("#choices, #pool, Input") if not isinstance(w, SelectionList)]
        return found[0] if found else None

    def submit(self) -> None:
        """Post what is entered now."""
        self.post_message(self.Submitted(self.current()))

    def press_digit(self, digit: int) -> bool:
        """Handle a number key; True if it meant something here."""
        return False

    def freeze(self) -> None:
        """No more changes once the answer is graded."""
        self.disabled = True


class ChoiceAnswer(AnswerArea):
    """mcq and true_false: one pick among numbered options, by digit, Enter or click."""

    def __init__(self, question: Any, presentation: Any = None) -> None:
        super().__init__(question, presentation)
        if question.type == "true_false":
            self.labels = ["True", "False"]
        else:
            self.labels = [o.text for o in question.options]
        self.order = shown_order(question, len(self.labels), presentation)

    def compose(self) -> ComposeResult:
        """The widgets of this widget."""
        yield OptionList(
            *[
                Option(lit_cell(f"{pos + 1}. {self.labels[index]}"), id=str(index))
                for pos, index in enumerate(self.order)
            ],
            id="choices",
        )

    def _value(self, index: int) -> Any:
        return index == 0 if self.question.type == "true_false" else index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or click on an option answers."""
        event.stop()
        self.post_message(self.Submitted(self._value(int(event.option.id or 0))))

    def press_digit(self, digit: int) -> bool:
        """Digit n picks the n-th shown option."""
        if 1 <= digit <= len(self.order):
            self.post_message(self.Submitted(self._value(self.order[digit - 1])))
            return True
        return False


class TickList(BoxList[int]):
    """A check list whose boxes read ``[x]`` / ``[ ]`` (not only a colour), where Space checks.

    Space means the same on every card (show the answer, or check what is ticked), so here it
    does not toggle: number keys, Enter or a click do.
    """

    BINDINGS = [Binding("space", "check", "Check", show=False)]

    class Check(Message):
        """Space in the list: check the ticked options."""

    def action_check(self) -> None:
        """Ask the answer area to check what is ticked."""
        self.post_message(self.Check())


class MultiAnswer(AnswerArea):
    """multi: digits, Enter or clicks toggle options; c or Space checks."""

    def compose(self) -> ComposeResult:
        """The widgets of this widget."""
        self.order = shown_order(self.question, len(self.question.options), self.presentation)
        yield TickList(
            *[(lit_cell(f"{p + 1}. {self.question.options[i].text}"), i) for p, i in enumerate(self.order)],
            id="choices",
        )

    def on_tick_list_check(self, event: TickList.Check) -> None:
        """Space in the list checks what is ticked (nothing ticked: shows the answer)."""
        event.stop()
        self.submit()

    def current(self) -> Any:
        """The answer entered so far, or ``None``."""
        chosen = set(self.query_one(SelectionList).selected)
        return chosen or None

    def press_digit(self, digit: int) -> bool:
        """Number key ``digit``: True if it meant something here."""
        if 1 <= digit <= len(self.order):
            self.query_one(SelectionList).toggle(self.order[digit - 1])
            return True
        return False


class SpaceAwareInput(Input):
    """An input that, while still empty, lets Space mean "show the answer" instead of a blank.

    Every printable key is text here (a ``d`` typed is part of the answer); Escape leaves the
    box so the screen's keys (undo, suspend, bury, Show me, back) work again, and the footer
    says so while the box has focus.
    """

    BINDINGS = [Binding("escape", "leave", "Leave box (then keys work)", id="answer.leave")]

    class Reveal(Message):
        """Space pressed in an empty input."""

    def action_leave(self) -> None:
        """Hand the keys back: focus the nearest focusable container (the question card)."""
        for node in self.ancestors:
            if isinstance(node, Widget) and node.can_focus:
                node.focus()
                return
        self.screen.set_focus(None)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "space" and not self.value:
            event.stop()
            event.prevent_default()
            self.post_message(self.Reveal())
            return
        await super()._on_key(event)


class TypedAnswer(AnswerArea):
    """short, numerical and cloze: one input per gap; Enter moves on, then answers."""

    def compose(self) -> ComposeResult:
        """The widgets of this widget."""
        gaps = len(self.question.gaps()) if self.question.type == "cloze" else 1
        unit = getattr(self.question, "unit", "")
        for n in range(gaps):
            placeholder = f"gap {n + 1}" if gaps > 1 else ("a number" + (f" ({unit})" if unit else ""))
            if self.question.type == "short":
                placeholder = "your answer"
            yield SpaceAwareInput(placeholder=placeholder, id=f"gap{n}", select_on_focus=False)

    def current(self) -> Any:
        """The answer entered so far, or ``None``."""
        values = [i.value.strip() for i in self.query(Input)]
        if not any(values):
            return None
        return values if self.question.type == "cloze" else values[0]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: next gap, or answer on the last one."""
        event.stop()
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position + 1 < len(inputs):
            inputs[position + 1].focus()
        else:
            self.submit()


class MatchingAnswer(AnswerArea):
    """matching: a drop-down of right-hand items for every left item; c checks."""

    def compose(self) -> ComposeResult:
        """The widgets of this widget."""
        rights = list(getattr(self.presentation, "choices", None) or [])
        if not rights:
            rights = [p.right for p in self.question.pairs] + list(self.question.distractors)
            random.Random(self.question.id).shuffle(rights)
        options = [(lit_cell(r), r) for r in dict.fromkeys(rights)]
        for n, pair in enumerate(self.question.pairs):
            with Horizontal(classes="match-row"):
                yield Literal(f"{n + 1}. {pair.left}", classes="match-left")
                yield Select(options, prompt="choose…", id=f"match{n}", compact=True)
        yield Literal("Tab between lists; c checks.", classes="hint")

    def current(self) -> Any:
        """The answer entered so far, or ``None``."""
        chosen = {}
        for n, pair in enumerate(self.question.pairs):
            value = self.query_one(f"#match{n}", Select).value
            if isinstance(value, str):
                chosen[pair.left] = value
        return chosen or None


class OrderingAnswer(AnswerArea):
    """ordering: pick the items in order (digit, Enter or click); Backspace takes the last back.

    Every item keeps the number it was shown with, so a learner can plan "4 3 6 1 2 5" from the
    first screen; a picked item leaves the list, and its number then does nothing.
    """

    def __init__(self, question: Any, presentation: Any = None) -> None:
        super().__init__(question, presentation)
        self.pool = [question.items[i] for i in shown_order(question, len(question.items), presentation)]
        self.picked: list[int] = []
        """Positions in :attr:`pool`, in the learner's order."""

    def compose(self) -> ComposeResult:
        """The widgets of this widget."""
        yield Literal("", id="picked")
        yield OptionList(id="pool")
        yield Literal("Backspace takes the last pick back.", classes="hint")

    def on_mount(self) -> None:
        """Show the pool."""
        self._refresh()

    def _refresh(self) -> None:
        pool = self.query_one("#pool", OptionList)
        pool.clear_options()
        pool.add_options(
            [
                Option(lit_cell(f"{n + 1}. {item}"), id=str(n))
                for n, item in enumerate(self.pool)
                if n not in self.picked
            ]
        )
        pool.display = len(self.picked) < len(self.pool)  # no empty box once every item is placed
        shown = "\n".join(f"{rank + 1}) {self.pool[n]}" for rank, n in enumerate(self.picked))
        self.query_one("#picked", Literal).show(f"Your order:\n{shown}" if self.picked else "Your order: (none yet)")

    def _pick(self, position: int) -> None:
        if 0 <= position < len(self.pool) and position not in self.picked:
            self.picked.append(position)
            self._refresh()
            if len(self.picked) == len(self.pool):
                self.submit()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or click picks the highlighted item."""
        event.stop()
        self._pick(int(event.option.id or 0))

    def press_digit(self, digit: int) -> bool:
        """Number key ``digit`` picks the item shown with that number."""
        self._pick(digit - 1)
        return True

    def on_key(self, event: events.Key) -> None:
        """Backspace puts the last picked item back."""
        if event.key == "backspace" and self.picked:
            event.stop()
            self.picked.pop()
            self._refresh()

    def current(self) -> Any:
        """The answer entered so far, or ``None``."""
        items = list(self.question.items)
        return [items.index(self.pool[n]) for n in self.picked] or None


def answer_area(question: Any, presentation: Any = None) -> AnswerArea | None:
    """The input for ``question``'s type, or ``None`` for a self-graded flip card."""
    kinds = {
        "mcq": ChoiceAnswer,
        "true_false": ChoiceAnswer,
        "multi": MultiAnswer,
        "short": TypedAnswer,
        "numerical": TypedAnswer,
        "cloze": TypedAnswer,
        "matching": MatchingAnswer,
        "ordering": OrderingAnswer,
    }
    kind = kinds.get(question.type)
    return kind(question, presentation) if kind else None
