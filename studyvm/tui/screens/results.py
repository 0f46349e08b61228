"""The end screen of a quiz or exam: score, per-topic breakdown, a walk through each wrong answer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from studyvm.study.views import ExamResult
from studyvm.tui.widgets.bars import Bars
from studyvm.tui.widgets.literal import Literal, lit_cell
from studyvm.wording import marks


class ResultView(Vertical):
    """Shows a quiz's or an exam's :class:`~studyvm.study.views.ExamResult`."""

    def __init__(self, result: ExamResult, exam: bool = False) -> None:
        super().__init__(id="result-body")
        self.result = result
        self.exam = exam
        """An exam's result says PASS or FAIL, whatever its pass mark (0 included)."""

    def compose(self) -> ComposeResult:
        """The widgets of this screen."""
        r = self.result
        headline = f"Score: {marks(r.score)} / {marks(r.max_score)}  ({r.percent:.0f}%)"
        if r.cbm_average is not None:
            headline += f"   CBM: {r.cbm_average:+.2f} per question"
        if self.exam or r.pass_mark:
            headline += f"   {'PASS' if r.passed else 'FAIL'} (pass mark {r.pass_mark:g}%)"
        if r.timed_out:
            headline += "   — time ran out"
        yield Literal(headline, classes="prompt", id="result-score")
        yield Static("By topic", classes="section-title")
        yield Bars(id="result-topics")
        title = f"Wrong answers ({len(r.wrong)}) — ↑/↓ to walk through" if r.wrong else "No wrong answers."
        yield Static(title, classes="section-title")
        if r.wrong:
            with Horizontal(id="result-wrong"):
                yield OptionList(
                    *[Option(lit_cell(f"{n + 1}. {w.prompt}"), id=str(n)) for n, w in enumerate(r.wrong)],
                    id="result-wrong-list",
                )
                with VerticalScroll(id="result-wrong-detail-box"):
                    yield Literal("", id="result-wrong-detail")

    def on_mount(self) -> None:
        """Fill the bars and show the first wrong answer."""
        self.query_one("#result-topics", Bars).set_bars(
            [(topic, t.percent / 100, f"{marks(t.score)}/{t.max}") for topic, t in self.result.by_topic.items()],
            width=20,
        )
        if self.result.wrong:
            wrong_list = self.query_one("#result-wrong-list", OptionList)
            wrong_list.highlighted = 0
            wrong_list.focus()
            self.show_wrong(0)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Walk to another wrong answer."""
        self.show_wrong(int(event.option.id or 0))

    def show_wrong(self, index: int) -> None:
        """Prompt, what was given, what was right, and why — all literal."""
        w = self.result.wrong[index]
        lines = [w.prompt, "", f"Your answer: {w.given_text or '(none)'}", f"Right answer: {w.expected}"]
        if w.explanation:
            lines += ["", w.explanation]
        if w.caveat:
            lines += ["", f"Caveat: {w.caveat}"]
        if w.source:
            lines += ["", f"Source: {w.source}"]
        self.query_one("#result-wrong-detail", Literal).show("\n".join(lines))
