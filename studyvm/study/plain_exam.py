"""A mock exam in plain mode: the app's exam model, line by line (issue 13).

As in the app (and in a Moodle quiz attempt), questions are answered in any order, an answer
and its certainty may be changed until the exam is submitted, questions can be flagged, and a
summary listing the unanswered and flagged questions comes before a confirmed submit. The core
keeps it all (:class:`studyvm.study.quiz.QuizRun` over an
:class:`~studyvm.study.sessions.ExamSession`); this module only reads lines and prints.

Typing an answer saves it and moves to the next unanswered question; an empty line leaves the
question unanswered and moves on. Lines starting with ``:`` are commands (:data:`EXAM_COMMANDS`).
``:quit`` leaves the exam unfinished with its clock running (``studyvm quiz --exam --resume
--plain`` carries on); end of input submits what was answered, so a script needs no ``:submit``.
"""

from __future__ import annotations

from typing import Any

from studyvm.study.grading import NotGradable, is_self_rated
from studyvm.study.plain import QUIT, PlainIO, Quit, clock, print_result, read_confidence, read_rating, show_question
from studyvm.study.presentation import parse_response
from studyvm.study.quiz import QuizRun
from studyvm.study.sessions import ExamSession, TimeUp
from studyvm.wording import plural

EXAM_COMMANDS = {
    ":next": "the next question (answered or not)",
    ":prev": "the question before this one",
    ":goto N": "question N",
    ":flag": "flag this question for review, or take the flag off",
    ":sure N": "change only the certainty of the saved answer: 1 low, 2 medium, 3 high (certainty-marked exams)",
    ":summary": "every question: answered, unanswered or flagged, and the time left",
    ":submit": "submit all and finish, after the summary and a yes",
    ":help": "this list",
    ":quit": "leave the exam unfinished; its clock keeps running (studyvm quiz --exam --resume --plain carries on)",
}
"""The exam's commands and what each does, as ``:help`` lists them."""

SUBMIT = object()
"""What a line asking to submit (``:submit``, then a yes) reads as."""
MOVED = object()
"""A line that changed the question on screen (or asks to show it again)."""


def say_exam_help(io: PlainIO) -> None:
    """How to answer in an exam, and its commands, one per line."""
    io.say("type an answer to save it (a new answer replaces the saved one until you submit);")
    io.say("an empty line leaves the question unanswered and moves on (it scores nothing)")
    for command, meaning in EXAM_COMMANDS.items():
        io.say(f"{command} — {meaning}")


class PlainExam:
    """One exam on stdin/stdout: which question is shown, and what each line does to it."""

    def __init__(self, exam: ExamSession, io: PlainIO) -> None:
        self.exam = exam
        self.io = io
        self.run = QuizRun(exam, exam=True, cbm=exam.cbm)
        self.index = min(self.run.first_index, max(exam.total - 1, 0))
        """Position of the question on screen."""

    def time_left(self) -> str:
        """``4:59 left``."""
        return f"{clock(self.exam.remaining_seconds())} left"

    def show(self) -> None:
        """The question at :attr:`index`, with its flag and saved answer."""
        i, run = self.index, self.run
        flag = " · flagged" if i in run.flagged() else ""
        item = self.exam.items[i]
        header = f"question {i + 1} of {self.exam.total}{flag} — {self.time_left()}"
        show_question(self.io, item.question, item.shown, header)
        saved = run.saved_answer(i)
        if saved is not None:
            sure = run.overview()[i].confidence
            certainty = f" (certainty {('low', 'medium', 'high')[sure - 1]})" if sure in (1, 2, 3) else ""
            self.io.say(f"saved answer: {saved}{certainty} — type a new answer to change it, or :next")

    def summary(self) -> None:
        """Moodle's "Summary of attempt": each question's state, then what is left and the time."""
        for entry in self.run.overview():
            self.io.say(f"  question {entry.index + 1}: {entry.state}")
        left, flagged = self.run.unanswered(), self.run.flagged()
        self.io.say(
            f"{plural(self.exam.answered, 'question')} answered, {len(left)} unanswered"
            + (f" ({', '.join(str(i + 1) for i in left)})" if left else "")
            + (f", flagged: {', '.join(str(i + 1) for i in flagged)}" if flagged else "")
            + f" — {self.time_left()}"
        )

    def confirm_submit(self) -> bool:
        """The summary, then "submit all and finish?"; True on a yes."""
        self.summary()
        self.io.say(self.run.submit_question())
        answer = self.io.ask("type y to submit all and finish, Enter to go back: ").strip().lower()
        if answer in ("y", "yes"):
            return True
        self.io.say("not submitted: :goto N changes an answer, :summary lists them, :submit finishes")
        return False

    def next_open(self) -> int | None:
        """The next unanswered question after this one (wrapping round), or ``None``."""
        total = self.exam.total
        for step in range(1, total):
            index = (self.index + step) % total
            if index not in self.exam.answers:
                return index
        return None

    def move_on(self) -> object | None:
        """After an answer or a skip: the next unanswered question (:data:`MOVED`), or, when none is
        left, the summary and the confirmed submit (:data:`SUBMIT`); ``None`` stays on this one."""
        target = self.next_open()
        if target is not None:
            self.index = target
            return MOVED
        if self.index not in self.exam.answers:
            self.io.say("this is the only unanswered question: answer it, or :submit")
            return None
        return SUBMIT if self.confirm_submit() else MOVED  # not submitted: show this question again

    def go(self, target: int, edge: str = "") -> object | None:
        """Show question ``target`` (0-based) next (:data:`MOVED`), or say why not."""
        if 0 <= target < self.exam.total:
            self.index = target
            return MOVED
        self.io.say(edge or f"there is no question {target + 1}: the exam has questions 1 to {self.exam.total}")
        return None

    def command(self, text: str) -> object | None:
        """Run a ``:command``: :data:`MOVED` when it changed the question, :data:`SUBMIT` when the
        learner confirmed submitting, ``None`` to read another line for this question."""
        word, _, rest = text.strip().lower().partition(" ")
        handlers = {
            ":next": lambda _: self.go(self.index + 1, "this is the last question (:submit finishes)"),
            ":prev": lambda _: self.go(self.index - 1, "this is the first question"),
            ":goto": self.go_to,
            ":flag": self.flag,
            ":sure": self.change_certainty,
            ":summary": lambda _: self.summary(),
            ":submit": lambda _: SUBMIT if self.confirm_submit() else None,
        }
        handler = handlers.get(word)
        if handler is not None:
            return handler(rest.strip())
        if word != ":help":
            self.io.say(f"not understood: {text.strip()!r}")
        say_exam_help(self.io)
        return None

    def go_to(self, number: str) -> object | None:
        """``:goto N``."""
        if not number.isdigit():
            self.io.say("type :goto and a question number, for example :goto 3")
            return None
        return self.go(int(number) - 1)

    def flag(self, _rest: str) -> None:
        """``:flag``: flag the question on screen for review, or take the flag off."""
        on = self.run.flag(self.index)
        self.io.say(f"question {self.index + 1} {'flagged for review' if on else 'no longer flagged'}")

    def change_certainty(self, level: str) -> None:
        """``:sure N``: a new certainty for the saved answer."""
        if not self.exam.cbm:
            self.io.say("this exam has no certainty-based marking")
        elif level not in ("1", "2", "3"):
            self.io.say("type :sure 1 (low), :sure 2 (medium) or :sure 3 (high)")
        elif self.index not in self.exam.answers:
            self.io.say("answer the question first")
        elif self.run.set_confidence(self.index, int(level)):
            self.io.say(f"certainty of question {self.index + 1}: {('low', 'medium', 'high')[int(level) - 1]}")
        else:
            self.io.say("the certainty could not change: time is up")

    def answer(self, response: Any, rating: int | None) -> object | None:
        """Save an answer to the question on screen (asking its certainty first in a CBM exam)."""
        confidence = read_confidence(self.io) if self.exam.cbm else None
        changed = self.index in self.exam.answers
        qid = self.exam.submit(response, rating=rating, confidence=confidence, position=self.index)
        self.io.say(f"recorded: {qid} answered" + (" (changed)" if changed else ""))
        return self.move_on()

    def step(self) -> object | None:
        """Show the current question and act on one line; :data:`SUBMIT` to finish."""
        self.show()
        item = self.exam.items[self.index]
        if is_self_rated(item.question):  # only in exams started before flip cards were left out
            self.io.ask("(press Enter to show the answer) ")
            self.io.say(f"answer: {item.question.back}")
            return self.answer(None, read_rating(self.io))
        while not self.exam.time_up:
            text = self.io.ask("> ")
            if text.strip().startswith(":"):
                done = self.command(text)
                if done is not None:
                    return done
                continue
            if not text.strip():
                self.io.say(f"question {self.index + 1} left unanswered")
                moved = self.move_on()
                if moved is not None:
                    return moved
                continue
            try:
                response = parse_response(item.question, item.shown, text)
            except NotGradable as exc:
                self.io.say(f"not understood: {exc}")
                continue
            return self.answer(response, None)
        return None


def run_exam(exam: ExamSession, io: PlainIO) -> Any:
    """A timed mock exam: no feedback until it is submitted; the result (``None`` if left with ``:quit``)."""
    session = PlainExam(exam, io)
    io.say(
        f"exam: {exam.total} questions, {session.time_left()}, pass mark {exam.row.pass_mark:g}%"
        + (", certainty-based marking" if exam.cbm else "")
    )
    if exam.note:
        io.say(f"note: {exam.note}")
    io.say("answers can change until you submit; :help lists the commands (:next :prev :goto N :flag :summary :submit)")
    try:
        while exam.total and not exam.time_up:
            if session.step() is SUBMIT:
                break
    except TimeUp as exc:
        io.say(str(exc))
    except Quit as end:
        if end.args == (QUIT,):  # as Esc in the app: the attempt stays open, its clock running
            io.say(
                f"exam left unfinished: {plural(exam.answered, 'answer')} saved, {session.time_left()} "
                "(the clock keeps running); studyvm quiz --exam --resume --plain carries on"
            )
            return None
    if exam.time_up:
        io.say("time is up")
    result = exam.finish()
    print_result(io, result, exam=True)
    return result
