"""A review session over the study service: the loop the terminal app and scripts share.

The service records; this adds what a shell wants on top: grading *before* the learner rates
(nothing is recorded until then), "rate and give me the next card" in one call, an optional
card limit, text ready to show, and an undo that puts the card back on screen. Every method
may be called from a worker thread: calls take ``lock`` (the service is single-threaded).
"""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from studyvm.study.grading import NotGradable, expected_answer, grade, is_self_rated
from studyvm.study.scheduling import interval_text
from studyvm.study.verdict import explain
from studyvm.study.views import CardView, Feedback, SessionSummary, ShownCard, Undone

if TYPE_CHECKING:
    from studyvm.study.service import StudyService


def preview(question: Any, response: Any, source: str = "", presentation: Any = None) -> Feedback:
    """The verdict on ``response`` without recording anything (``None`` = not known).

    ``presentation`` (the display order) numbers the marked options as they were shown.
    """
    base = {"explanation": question.explanation, "caveat": question.caveat, "source": source}
    if is_self_rated(question):
        return Feedback(correct=None, expected=question.back, **base)
    lines = explain(question, response, presentation)
    if response is None:
        return Feedback(
            correct=False, expected=expected_answer(question), notes=["(not answered)"], lines=lines, **base
        )
    try:
        result = grade(question, response)
    except NotGradable as exc:
        return Feedback(correct=False, expected=expected_answer(question), notes=[f"(not gradable: {exc})"], **base)
    notes = [result.feedback] if result.feedback else []
    return Feedback(
        correct=result.correct, score=result.score, expected=result.expected, notes=notes, lines=lines, **base
    )


MAX_ANSWER_SECONDS = 60
"""Time on one card is recorded up to this (Anki's default "maximum answer seconds"): a learner
who walked away from a card does not make it look like a ten-minute struggle."""


def answer_ms(seconds: float | None) -> int | None:
    """Milliseconds spent on a card, capped at :data:`MAX_ANSWER_SECONDS` (``None``: unknown)."""
    if seconds is None:
        return None
    return int(min(max(seconds, 0.0), MAX_ANSWER_SECONDS) * 1000)


class ReviewSession:
    """Due cards of one pack (or every pack) until none are left or ``limit`` are done."""

    def __init__(
        self,
        service: StudyService,
        pack: str | None = None,
        limit: int | None = None,
        lock: AbstractContextManager[Any] | None = None,
        only: tuple[str, str] | None = None,
    ) -> None:
        self.service = service
        self.pack = pack
        self.limit = 1 if only is not None else limit
        self.only = only
        """(pack id, question id) of the one card to study now, due or not (the browser's "study this card")."""
        self.lock = lock if lock is not None else threading.RLock()
        """Held around every use of the service."""
        self.done = 0
        """Cards rated in this session (an undone rating no longer counts)."""
        self.responses: dict[str, Any] = {}
        """Question id -> what was entered (``None`` = revealed without answering)."""
        self.last_ms: float = 0.0
        """Time the last rate-and-next took in the service, in milliseconds."""
        self._set_aside: dict[tuple[str, str], ShownCard] = {}
        """Cards suspended or buried here, to show them as they were when undone."""
        self.last_undone: Undone | None = None
        """What the last :meth:`undo` took back (for the shell's "Undone: …" message)."""
        self.ratings: list[int] = []
        """The ratings recorded in this session, in order (an undone one is dropped)."""
        self.started = time.monotonic()
        self.shown_at: float | None = None
        """``monotonic`` time the card on screen was first shown (for the time spent on it)."""

    def show(self, card: CardView | None) -> ShownCard | None:
        """A service card with the text around it (``None`` stays ``None``)."""
        if card is None:
            return None
        self.shown_at = time.monotonic()
        q = card.question
        pack = self.service.packs.get(card.pack_id)
        pack_title = pack.meta.title if pack is not None else card.pack_id
        limit = f" · {self.done}/{self.limit} this session" if self.limit else f" · {self.done} this session"
        return ShownCard(
            question=q,
            meta=f"{q.type} · {card.state} · {q.topic} · {pack_title}",  # at 60 columns the pack title is cut
            status=f"Due {card.due} · New {card.new}{limit}",
            presentation=card.presentation,
            ref=card,
            pack_id=card.pack_id,
        )

    def first(self) -> ShownCard | None:
        """The first card."""
        with self.lock:
            if self.only is not None:
                return self.show(self.service.card(*self.only))
            return self.show(self.service.next_card(self.pack))

    def _next(self) -> ShownCard | None:
        if self.limit is not None and self.done >= self.limit:
            return None
        return self.show(self.service.next_card(self.pack))

    @staticmethod
    def _card(shown: ShownCard) -> CardView:
        if shown.ref is None:
            raise ValueError(f"{shown.question.id} is not a review card")
        return shown.ref

    @property
    def limit_reached(self) -> bool:
        """True once this session has rated as many cards as its limit allows."""
        return self.limit is not None and self.done >= self.limit

    def summary(self) -> SessionSummary:
        """What this session did and what is still waiting (for the end-of-session screen)."""
        with self.lock:
            waiting = self.service.next_card(self.pack) if self.only is None else None
        return SessionSummary(
            reviewed=self.done,
            ratings={r: self.ratings.count(r) for r in (1, 2, 3, 4)},
            seconds=time.monotonic() - self.started,
            limit_reached=self.limit_reached,
            due=waiting.due if waiting is not None else 0,
            new=waiting.new if waiting is not None else 0,
        )

    def grade(self, shown: ShownCard, response: Any) -> Feedback:
        """The verdict (nothing recorded until the learner rates)."""
        self.responses[shown.question.id] = response
        with self.lock:
            return self.service.preview(self._card(shown), response)

    def intervals(self, shown: ShownCard) -> dict[int, str]:
        """Rating (1..4) -> the interval it would give this card (``10m``, ``4d``), for the rating keys."""
        with self.lock:
            now = self.service.clock()
            dues = self.service.next_dues(self._card(shown))
        return {rating: interval_text((due - now).total_seconds()) for rating, due in dues.items()}

    def grade_and_intervals(self, shown: ShownCard, response: Any) -> tuple[Feedback, dict[int, str]]:
        """:meth:`grade` and :meth:`intervals` in one call (one worker job in the app)."""
        return self.grade(shown, response), self.intervals(shown)

    def rate_and_next(self, shown: ShownCard, rating: int) -> ShownCard | None:
        """Record the answer with the learner's ``rating``, as pressed, whatever the verdict."""
        started = time.perf_counter()
        response = self.responses.pop(shown.question.id, None)
        card = self._card(shown)
        spent = None if self.shown_at is None else time.monotonic() - self.shown_at
        with self.lock:
            self.service.answer(card, response=response, rating=rating, duration_ms=answer_ms(spent))
            self.done += 1
            self.ratings.append(rating)
            shown_next = self._next()
        self.last_ms = (time.perf_counter() - started) * 1000
        return shown_next

    def undo(self) -> ShownCard | None:
        """Take back the last answer, suspension or burial; that card, to answer again (``None``: nothing)."""
        with self.lock:
            undone = self.service.undo_action()
            self.last_undone = undone
            if undone is None:
                return None
            key = (undone.pack_id, undone.question_id)
            if undone.kind != "answer" and key in self._set_aside:
                return self._set_aside.pop(key)
            if undone.kind == "answer":
                self.done = max(0, self.done - 1)
                if self.ratings:
                    self.ratings.pop()
            card = self.service.next_card(self.pack)
            if card is None or (card.pack_id, card.question_id) != key:
                card = self.service.card(*key)
            return self.show(card)

    def suspend_and_next(self, shown: ShownCard) -> ShownCard | None:
        """Suspend this card and go on."""
        with self.lock:
            if self.service.suspend(self._card(shown)):
                self._set_aside[(shown.pack_id, shown.question.id)] = shown
            return self._next()

    def bury_and_next(self, shown: ShownCard) -> ShownCard | None:
        """Bury this card until tomorrow and go on."""
        with self.lock:
            if self.service.bury(self._card(shown)):
                self._set_aside[(shown.pack_id, shown.question.id)] = shown
            return self._next()
