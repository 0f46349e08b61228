"""Plain-text mode: the same sessions, line by line on stdin/stdout.

For screen readers, a bare ssh session and scripts. Every prompt reads exactly one line. A
question prints its prompt and numbered options and reads the answer; a ``flip`` card reads one
line to show the answer, then one line with the rating 1-4. Once an answer is committed a line
``recorded: <question id> <rating or score>`` is printed, then the feedback. End of input ends
the session cleanly; everything answered is already stored.

In reviews the verdict comes first, then the learner rates: the suggested rating (right ->
Good, partly right -> Hard, wrong -> Again) is kept with an empty line, any of 1-4 replaces
it, and an answer ending with ``/hard`` or ``/easy`` rates at once. An empty answer line means
"I don't know" (the answer is shown). Lines starting with ``:`` are commands: ``:undo``,
``:suspend``, ``:bury``, ``:help``, ``:quit``. A mock exam is in :mod:`studyvm.study.plain_exam`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from studyvm.study.grading import NotGradable, expected_answer, grade, is_self_rated, suggested_rating
from studyvm.study.presentation import HINTS, display_lines, parse_response, prompt_text
from studyvm.study.scheduling import RATING_NAMES, RATINGS_BY_NAME
from studyvm.study.views import AnswerOutcome
from studyvm.wording import marks, plural

if TYPE_CHECKING:
    from studyvm.study.service import StudyService

RATE_PROMPT = "rate 1 again, 2 hard, 3 good, 4 easy: "


class Quit(Exception):
    """End of input or ``:quit`` (``args == (QUIT,)``): leave the session cleanly."""


QUIT = ":quit"
"""The argument of a :class:`Quit` the learner asked for (end of input carries none)."""


class PlainIO:
    """One line in per prompt, output flushed at once (a killed process has printed all it did)."""

    def __init__(self, inp: TextIO | None = None, out: TextIO | None = None) -> None:
        self.inp = inp or sys.stdin
        self.out = out or sys.stdout

    def say(self, text: str = "") -> None:
        """Print a line."""
        self.out.write(text + "\n")
        self.out.flush()

    def _echoed(self) -> bool:
        try:
            return self.inp.isatty()
        except (AttributeError, ValueError):
            return False

    def ask(self, prompt: str) -> str:
        """Print ``prompt`` and read one line; :class:`Quit` at end of input or on ``:quit``."""
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        if not self._echoed():
            self.say()  # piped input is not echoed: end the prompt's line so output starts a new one
        if not line:
            if self._echoed():
                self.say()
            raise Quit
        line = line.rstrip("\r\n")
        if line.strip() in (":quit", ":q"):
            raise Quit(QUIT)
        return line


def show_question(io: PlainIO, question: Any, presentation: Any, header: str) -> None:
    """Print a question: header, prompt, numbered options and a one-line hint."""
    io.say(header)
    io.say(prompt_text(question))
    for line in display_lines(question, presentation):
        io.say(line)
    if not is_self_rated(question):
        io.say(f"({HINTS[question.type]})")


def show_feedback(io: PlainIO, outcome: AnswerOutcome, self_rated: bool) -> None:
    """Print what the learner needs after an answer."""
    if not self_rated and outcome.correct is not None:
        if outcome.correct:
            io.say("right")
        else:
            partly = f" ({outcome.score:.0%})" if outcome.score else ""
            io.say(f"wrong{partly} — answer: {outcome.expected}")
    for label, text in (
        ("feedback: ", outcome.feedback),
        ("why: ", outcome.explanation),
        ("caveat: ", outcome.caveat),
        ("source: ", outcome.source),
    ):
        if text:
            io.say(f"{label}{text}")
    if outcome.leech:
        io.say("leech: this card keeps slipping and is now suspended; rewrite or review it apart")


def read_rating(io: PlainIO, suggested: int | None = None) -> int:
    """Ask until a rating 1-4 (or its name) is given; an empty line keeps ``suggested``."""
    prompt = RATE_PROMPT
    if suggested is not None:
        prompt = f"{RATE_PROMPT[:-2]} [Enter: {suggested} {RATING_NAMES[suggested].lower()}]: "
    while True:
        text = io.ask(prompt).strip().lower()
        if not text and suggested is not None:
            return suggested
        if text in ("1", "2", "3", "4"):
            return int(text)
        if text in RATINGS_BY_NAME:
            return RATINGS_BY_NAME[text]
        io.say("please type 1, 2, 3 or 4" + (", or Enter" if suggested is not None else ""))


def show_verdict(io: PlainIO, question: Any, response: Any) -> int:
    """Print the verdict on ``response`` (``None``: "I don't know") before rating; the suggested rating."""
    if response is None:
        io.say(f"not answered — answer: {expected_answer(question)}")
        return suggested_rating(0.0)
    result = grade(question, response)
    if result.correct:
        io.say("right")
    else:
        partly = f" ({result.score:.0%})" if result.score else ""
        io.say(f"wrong{partly} — answer: {result.expected}")
    return suggested_rating(result.score)


def split_override(text: str) -> tuple[str, int | None]:
    """``"answer /easy"`` -> (``"answer"``, 4)."""
    stripped = text.rstrip()
    for suffix, rating in (("/hard", 2), ("/h", 2), ("/easy", 4), ("/e", 4)):
        if stripped.lower().endswith(" " + suffix) or stripped.lower() == suffix:
            return stripped[: -len(suffix)].rstrip(), rating
    return text, None


COMMANDS = {
    ":undo": "take back the last answer",
    ":suspend": "never show this card again (until unsuspended: studyvm cards unsuspend)",
    ":bury": "hide this card until tomorrow",
    ":help": "this list",
    ":quit": "end the session (everything answered is kept)",
}


def say_help(io: PlainIO, review: bool) -> None:
    """The commands and the answer conventions, one per line."""
    io.say('an empty line means "I don\'t know": the answer is shown' + (" and Again suggested" if review else ""))
    for command, meaning in COMMANDS.items():
        if review or command in (":help", ":quit"):
            io.say(f"{command} — {meaning}")


def _command(io: PlainIO, svc: StudyService, card: Any, text: str) -> bool:
    """Run a ``:command``; True if the card is done with (undo, suspended, buried)."""
    word = text.strip()[1:].lower()
    if word == "undo":
        undone = svc.undo()
        io.say(f"undone: {undone[1]}" if undone else "nothing to undo")
        return True
    if word == "suspend":
        svc.suspend(card)
        io.say(f"suspended: {card.question_id}")
        return True
    if word == "bury":
        svc.bury(card)
        io.say(f"buried until tomorrow: {card.question_id}")
        return True
    if word != "help":
        io.say(f"unknown command {text.strip()!r}")
    say_help(io, review=True)
    return False


def _rate(io: PlainIO, svc: StudyService, card: Any, response: Any, override: int | None) -> AnswerOutcome:
    """Show the verdict, then record the learner's rating (input ending keeps the suggestion)."""
    suggested = show_verdict(io, card.question, response)
    rating = override
    if rating is None:
        try:
            rating = read_rating(io, suggested)
        except Quit:  # the verdict was seen: keep it, with the suggested rating
            raise Quit(svc.answer(card, response=response, rating=suggested)) from None
    return svc.answer(card, response=response, rating=rating)


def _review_one(io: PlainIO, svc: StudyService, card: Any) -> AnswerOutcome | None:
    question = card.question
    header = f"{question.topic} · {card.state} (due {card.due}, new {card.new})"
    show_question(io, question, card.presentation, header)
    while True:
        if is_self_rated(question):
            text = io.ask("(press Enter to show the answer) ")
            if text.startswith(":"):
                if _command(io, svc, card, text):
                    return None
                continue
            io.say(f"answer: {question.back}")
            return svc.answer(card, rating=read_rating(io, suggested_rating(None)))
        text = io.ask("> ")
        if text.startswith(":"):
            if _command(io, svc, card, text):
                return None
            continue
        if not text.strip():
            return _rate(io, svc, card, None, None)
        text, override = split_override(text)
        try:
            response = parse_response(question, card.presentation, text)
        except NotGradable as exc:
            io.say(f"not understood: {exc}")
            continue
        return _rate(io, svc, card, response, override)


def _say_recorded(io: PlainIO, outcome: AnswerOutcome) -> None:
    io.say(f"recorded: {outcome.question_id} {outcome.rating_name}")
    show_feedback(io, outcome, True)  # the verdict came before the rating
    if outcome.next_due:
        local = outcome.next_due.astimezone()
        io.say(f"next due: {local:%Y-%m-%d %H:%M} ({local:%Z})")
    io.say()


def run_review(svc: StudyService, io: PlainIO, pack_id: str | None = None, limit: int | None = None) -> int:
    """Review due and new cards until none is left, ``limit`` answers, or end of input."""
    answered = 0
    try:
        while limit is None or answered < limit:
            card = svc.next_card(pack_id)
            if card is None:
                io.say("nothing more to review now")
                break
            outcome = _review_one(io, svc, card)
            if outcome is None:
                continue
            answered += 1
            _say_recorded(io, outcome)
    except Quit as end:
        if end.args and isinstance(end.args[0], AnswerOutcome):  # the rating prompt met the end
            answered += 1
            _say_recorded(io, end.args[0])
    io.say(f"session over: {answered} answered")
    if limit is not None and answered >= limit:  # stopped by --limit: say what is still waiting
        waiting = svc.next_card(pack_id)
        if waiting is not None:
            io.say(f"session limit reached; still waiting: {waiting.due} due, {waiting.new} new")
    return answered


def _read_response(io: PlainIO, question: Any, shown: Any) -> tuple[Any, int | None]:
    """(response, flip rating) for one question, asking until the line is understood.

    An empty line is "I don't know" (``None``, scored 0); ``:help`` lists the commands.
    """
    if is_self_rated(question):
        io.ask("(press Enter to show the answer) ")
        io.say(f"answer: {question.back}")
        return None, read_rating(io)
    while True:
        text = io.ask("> ")
        if text.strip().startswith(":"):
            if text.strip().lower() != ":help":
                io.say(f"unknown command {text.strip()!r}")
            say_help(io, review=False)
            continue
        if not text.strip():
            return None, None
        try:
            return parse_response(question, shown, text), None
        except NotGradable as exc:
            io.say(f"not understood: {exc}")


def print_result(io: PlainIO, result: Any, exam: bool) -> None:
    """The score, the per-topic breakdown and a review of every wrong answer."""
    io.say(f"score: {marks(result.score)}/{result.max_score} ({result.percent:.0f}%), {result.answered} answered")
    if exam:
        io.say(
            f"{'PASSED' if result.passed else 'FAILED'} (pass mark {result.pass_mark:g}%)"
            + (" — time ran out" if result.timed_out else "")
        )
    if result.cbm_score is not None:
        io.say(f"certainty-based mark: {result.cbm_score:g} (average {result.cbm_average:.2f} per question)")
    for topic, part in sorted(result.by_topic.items()):
        io.say(f"  {topic}: {marks(part.score)}/{part.max} ({part.percent:.0f}%)")
    if result.wrong:
        io.say("review of wrong answers:")
    for w in result.wrong:
        io.say(f"- {w.question_id}: {w.prompt}")
        io.say(f"  you: {w.given_text}; answer: {w.expected}")
        for label, text in (("why", w.explanation), ("caveat", w.caveat), ("source", w.source)):
            if text:
                io.say(f"  {label}: {text}")


def clock(seconds: float) -> str:
    """``m:ss`` (rounded up, so a few seconds left never reads as none)."""
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


def run_quiz(quiz: Any, io: PlainIO) -> Any:
    """A practice quiz with feedback after each answer; the result at the end (or at end of input)."""
    try:
        while (item := quiz.current()) is not None:
            show_question(io, item.question, item.presentation, f"question {item.index + 1} of {item.total}")
            response, rating = _read_response(io, item.question, item.presentation)
            outcome = quiz.submit(response, rating=rating)
            io.say(f"recorded: {outcome.question_id} {outcome.score:g}")
            show_feedback(io, outcome, False)
            io.say()
    except Quit as end:
        if end.args == (QUIT,):  # as Esc in the app: the quiz stays unfinished, nothing is marked
            io.say(f"quiz left unfinished: {plural(quiz.answered, 'answer')} kept")
            return None
    result = quiz.finish()
    print_result(io, result, exam=False)
    return result


def read_confidence(io: PlainIO) -> int:
    """Ask until a certainty 1-3 is given (certainty-based marking)."""
    while True:
        text = io.ask("confidence 1 low, 2 medium, 3 high: ").strip()
        if text in ("1", "2", "3"):
            return int(text)
        io.say("please type 1, 2 or 3")
