"""What every screen shares: header and footer, back keys, and running slow work in a thread."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from textual.binding import ActiveBinding, Binding
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from studyvm.errors import describe

if TYPE_CHECKING:
    from studyvm.tui.app import StudyVMApp


logger = logging.getLogger(__name__)


class JobDone(Message):
    """A thread job finished; ``name`` says which, ``result`` is its plain-data result."""

    def __init__(self, name: str, result: Any) -> None:
        super().__init__()
        self.name = name
        self.result = result


def start_failed(error: BaseException | None, doing: str = "start") -> str:
    """What a screen shows instead of "Loading…" when it could not ``doing`` (its first job failed)."""
    why = describe(error) if error is not None else "unknown error"
    return f"Could not {doing}: {why}. Escape goes back."


@lru_cache(maxsize=64)
def declared_order(cls: type) -> dict[str, int]:
    """Binding id -> its position in the ``BINDINGS`` of ``cls`` and its bases (bases first, as Textual merges)."""
    order: dict[str, int] = {}
    for klass in reversed(cls.__mro__):
        for binding in klass.__dict__.get("BINDINGS", []):
            binding_id = getattr(binding, "id", None)
            if binding_id and binding_id not in order:
                order[binding_id] = len(order)
    return order


class BaseScreen(Screen):
    """A screen with the common bindings and :meth:`run_job` for work off the UI thread."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="nav.back"),
        Binding("q", "back", "Back", show=False, id="nav.back_q"),
    ]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The bindings in force, in the order their classes declare them.

        Textual moves a remapped key to the end of its map, which scrambled the footer
        (``space Show  2 Hard … 1 Again  3 Good``); a fixed order keeps the keys where users
        learnt them, whatever ``[keys]`` in settings.toml says.
        """
        found = super().active_bindings
        chain = [node for node, _ in self._modal_binding_chain]

        def place(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
            node, binding = item[1].node, item[1].binding
            level = chain.index(node) if node in chain else len(chain)
            return level, declared_order(type(node)).get(binding.id or "", 1_000)

        ordered = dict(sorted(found.items(), key=place))
        if len(self.app.screen_stack) <= 1:  # the bottom screen: Esc asks to quit, it goes nowhere "back"
            for key, active in ordered.items():
                if active.binding.id == "nav.back":
                    ordered[key] = active._replace(binding=replace(active.binding, show=False))
        return ordered

    @property
    def studyvm(self) -> StudyVMApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def leave_question(self) -> str | None:
        """What to ask before leaving this screen (``None``: nothing is lost by leaving)."""
        return None

    def action_back(self) -> None:
        """Leave this screen (on the last screen, quit), after a confirmation where leaving loses something."""
        question: str | None
        if len(self.app.screen_stack) <= 1:
            question, yes = "Quit StudyVM? (Everything you answered is saved.)", "Quit"
        else:
            question, yes = self.leave_question(), "Leave"
        if question is None:
            self.leave()
            return
        from studyvm.tui.screens.confirm import Confirm

        self.app.push_screen(Confirm(question, yes=yes, no="Stay"), callback=lambda ok: self.leave() if ok else None)

    def leave(self) -> None:
        """Leave this screen now; on the last screen, quit."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()

    def run_job(self, name: str, fn: Callable[..., Any], *args: Any, busy: Widget | None = None) -> Worker:
        """Run ``fn(*args)`` in a thread; its result comes back as a :class:`JobDone` message.

        ``busy`` shows a loading indicator until the job ends; an exception becomes an error
        notification (see :meth:`on_worker_state_changed`), never a crash.
        """
        if busy is not None:
            busy.loading = True

        def job() -> None:
            """Run the function and post its result."""
            result = fn(*args)
            self.post_message(JobDone(name, result))

        worker = self.run_worker(job, name=name, group=name, thread=True, exclusive=True, exit_on_error=False)
        worker._studyvm_busy = busy  # type: ignore[attr-defined]
        return worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Clear the busy indicator; turn a failed job into a message on screen."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        busy = getattr(event.worker, "_studyvm_busy", None)
        if busy is not None:
            busy.loading = False
            # what was mounted under the loading indicator could not take focus
            self.call_after_refresh(lambda: self.focus_start() if self.focused is None else None)
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            logger.error("%s: job %s failed", type(self).__name__, event.worker.name, exc_info=error)
            shown = describe(error) if error is not None else "unknown error"  # never SQL or a traceback
            self.notify(f"{event.worker.name} failed: {shown}", title="Error", severity="error", markup=False)
            self.job_failed(event.worker.name, error)

    def job_failed(self, name: str, error: BaseException | None) -> None:
        """Hook for screens that must leave a waiting state when a job fails."""

    def focus_start(self) -> None:
        """Give focus to where work starts on this screen (after a loading indicator went away)."""

    async def on_job_done(self, message: JobDone) -> None:
        """Dispatch a finished job to ``done_<name>`` (plain or async) if the screen defines it."""
        handler = getattr(self, f"done_{message.name}", None)
        if handler is not None:
            outcome = handler(message.result)
            if inspect.isawaitable(outcome):
                await outcome


class CardScreen(BaseScreen):
    """A screen showing one :class:`~studyvm.tui.widgets.card.QuestionCard` at a time (review, quiz)."""

    BINDINGS = [
        Binding("o", "open_media", "Open media", show=False, id="card.open_media"),
        Binding("pagedown", "scroll_card(1)", "Scroll down", show=False, id="card.page_down"),
        Binding("pageup", "scroll_card(-1)", "Scroll up", show=False, id="card.page_up"),
    ]

    busy = False
    """A worker is writing: ignore answer keys until it answers."""

    def focus_start(self) -> None:
        """The card's input or list, else the card (so Space reveals and PgDn scrolls)."""
        card = self.question_card
        if card is not None:
            card.focus_start()

    def action_scroll_card(self, direction: int) -> None:
        """PgUp/PgDn scroll a long card whatever has focus (the card itself does when focused)."""
        card = self.question_card
        if card is not None:
            (card.scroll_page_down if direction > 0 else card.scroll_page_up)(animate=False)

    @property
    def question_card(self) -> Any:
        """The card widget on screen, or ``None``."""
        from studyvm.tui.widgets.card import QuestionCard

        cards = self.query(QuestionCard)
        return cards.first() if cards else None

    def action_check(self) -> None:
        """c: check a multi, matching or ordering answer."""
        card = self.question_card
        if card is not None and not self.busy:
            card.submit()

    def show_me_allowed(self) -> bool:
        """Whether "Show me" may leave this screen now."""
        return True

    def reveal_before_demo(self) -> None:
        """Show me on an unanswered question gives the answer away: reveal it first, as Space does."""

    def action_show_me(self) -> None:
        """Open the lab on the question's demo; Escape comes back to this same question.

        Before answering, the demo counts as looking at the answer (the card is revealed as not
        known), never as a free hint. A question without a demo says so.
        """
        card = self.question_card
        if card is None or not self.show_me_allowed():
            return
        if not card.question.demo:
            self.notify("This question has no simulator demo.")
            return
        if not card.answered:
            self.reveal_before_demo()
        self.studyvm.open_screen("lab", scenario=card.question.demo)

    def action_open_media(self) -> None:
        """o: open the question's picture, sound or video (shown as ``[image: …]``) with the system's
        viewer, as ``studyvm pack media ID NAME --open`` does; with several, each press opens the next.
        No media, a missing file or no program to open it is a notification, never a crash."""
        from studyvm.packs.mediarefs import media_file, open_with_system

        card = self.question_card
        if card is None:
            return
        location, names = self.studyvm.backend.question_media(card.question)
        if not names:
            self.notify("This question has no picture, sound or video.")
            return
        if not hasattr(self, "media_turns"):
            self.media_turns: dict[str, int] = {}
            """Question id -> how many times ``o`` opened one of its files (each press opens the next)."""
        turns = self.media_turns.get(card.question.id, 0)
        self.media_turns[card.question.id] = turns + 1
        name = names[turns % len(names)]
        path = media_file(location, name) if location is not None else None
        if path is None:
            self.notify(f"'{name}' is not in the pack's media folder.", severity="warning", markup=False)
        elif not open_with_system(path):
            self.notify(f"No program could open {path}.", severity="warning", markup=False)
        else:
            more = f" ({turns % len(names) + 1} of {len(names)}: press o for the next)" if len(names) > 1 else ""
            self.notify(f"Opened {name}{more}.", markup=False)
