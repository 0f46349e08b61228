"""Adapter between the screens and :class:`studyvm.study.service.StudyService`.

The screens want a few things the service offers in another shape: grading *before* the
learner rates (the service grades and records in one call), "rate and give me the next card"
in one worker round trip, and text ready to show. Every call here runs in a worker thread;
the service may be used from one thread at a time, so calls hold the backend's lock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studyvm.tui.backend import Feedback, TopicMastery

if TYPE_CHECKING:
    from studyvm.tui.backend import Backend, Dashboard


@dataclass
class ShownCard:
    """A question on screen with the text around it."""

    question: Any
    meta: str
    """Small line above the prompt: pack, topic, type, state."""
    status: str
    """Status bar text: counts of due and new cards."""
    presentation: Any = None
    """The service's display order (options, items, matching choices)."""
    ref: Any = None
    """The service's own card (or quiz item) object."""
    pack_id: str = ""


def feedback_of(outcome: Any) -> Feedback:
    """Plain feedback from a service ``AnswerOutcome`` or a ``Grade`` plus its question."""
    notes = [outcome.feedback] if getattr(outcome, "feedback", "") else []
    score = getattr(outcome, "score", None)
    return Feedback(
        correct=getattr(outcome, "correct", None),
        score=float(score or 0.0),
        expected=getattr(outcome, "expected", ""),
        explanation=getattr(outcome, "explanation", ""),
        caveat=getattr(outcome, "caveat", ""),
        source=getattr(outcome, "source", ""),
        notes=notes,
    )


def preview(question: Any, response: Any, source: str = "") -> Feedback:
    """The verdict on ``response`` without recording anything (``None`` = not known)."""
    from studyvm.study.grading import NotGradable, expected_answer, grade, is_self_rated

    base = {"explanation": question.explanation, "caveat": question.caveat, "source": source}
    if is_self_rated(question):
        return Feedback(correct=None, expected=question.back, **base)
    if response is None:
        return Feedback(correct=False, expected=expected_answer(question), notes=["(not answered)"], **base)
    try:
        result = grade(question, response)
    except NotGradable as exc:
        return Feedback(correct=False, expected=expected_answer(question), notes=[f"(not gradable: {exc})"], **base)
    notes = [result.feedback] if result.feedback else []
    return Feedback(correct=result.correct, score=result.score, expected=result.expected, notes=notes, **base)


class ReviewRun:
    """One review session over the service; methods are called from worker threads."""

    def __init__(self, backend: Backend, pack: str | None, limit: int | None) -> None:
        self.backend = backend
        self.pack = pack
        self.limit = limit
        self.done = 0
        self.responses: dict[str, Any] = {}
        """Question id -> what was entered (``None`` = revealed without answering)."""
        self.last_ms: float = 0.0
        """Time the last rate-and-next took in the engine, in milliseconds."""
        self.actions: list[tuple[str, ShownCard]] = []
        """What ``u`` can take back, newest last: ("answer" | "suspend" | "bury", card)."""

    @property
    def service(self) -> Any:
        """The open study service."""
        return self.backend.service()

    def _show(self, card: Any) -> ShownCard | None:
        if card is None:
            return None
        q = card.question
        pack = self.backend.catalog().get(card.pack_id)
        pack_title = pack.meta.title if pack is not None else card.pack_id
        limit = f" · {self.done}/{self.limit} this session" if self.limit else f" · {self.done} this session"
        return ShownCard(
            question=q,
            meta=f"{pack_title} · {q.topic} · {q.type} · {card.state}",
            status=f"Due {card.due} · New {card.new}{limit}",
            presentation=card.presentation,
            ref=card,
            pack_id=card.pack_id,
        )

    def first(self) -> ShownCard | None:
        """The first card."""
        with self.backend.lock:
            return self._show(self.service.next_card(self.pack))

    def _next(self) -> ShownCard | None:
        if self.limit is not None and self.done >= self.limit:
            return None
        return self._show(self.service.next_card(self.pack))

    def grade(self, shown: ShownCard, response: Any) -> Feedback:
        """The verdict (nothing recorded until the learner rates)."""
        from studyvm.study.views import source_text

        self.responses[shown.question.id] = response
        pack = self.backend.catalog().get(shown.pack_id)
        return preview(shown.question, response, source_text(pack, shown.question) if pack else "")

    def rate_and_next(self, shown: ShownCard, rating: int) -> ShownCard | None:
        """Record the answer with the learner's ``rating`` (as pressed, whatever the verdict)."""
        started = time.perf_counter()
        response = self.responses.pop(shown.question.id, None)
        with self.backend.lock:
            self.service.answer(shown.ref, response=response, rating=rating)  # the learner's key is final
            self.actions.append(("answer", shown))
            self.done += 1
            shown_next = self._next()
        self.last_ms = (time.perf_counter() - started) * 1000
        return shown_next

    def undo(self) -> ShownCard | None:
        """Take back the last answer, suspension or burial; that card, to answer again (``None``: nothing)."""
        with self.backend.lock:
            if not self.actions:
                return None
            kind, shown = self.actions.pop()
            if kind == "suspend":
                self.service.suspend(shown.ref, suspended=False)
                return shown
            if kind == "bury":
                unbury_card(self.service, shown.pack_id, shown.question.id)
                return shown
            undone = self.service.undo()
            if undone is None:
                return None
            self.done = max(0, self.done - 1)
            pack_id, qid = undone
            return self._show(self._card_for(pack_id, qid))

    def _card_for(self, pack_id: str, qid: str) -> Any:
        from studyvm.study.presentation import present
        from studyvm.study.views import CardView

        svc = self.service
        card = svc.next_card(self.pack)
        if card is not None and card.pack_id == pack_id and card.question.id == qid:
            return card
        question = svc.pack(pack_id).question(qid)
        counts = svc.due_counts().get(pack_id)
        return CardView(
            pack_id=pack_id,
            question=question,
            presentation=present(question, svc.rng),
            state="review",
            due=counts.due if counts else 0,
            new=counts.new if counts else 0,
            shown_at=svc.clock(),
        )

    def suspend_and_next(self, shown: ShownCard) -> ShownCard | None:
        """Suspend this card and go on."""
        with self.backend.lock:
            self.service.suspend(shown.ref)
            self.actions.append(("suspend", shown))
            return self._next()

    def bury_and_next(self, shown: ShownCard) -> ShownCard | None:
        """Bury this card until tomorrow and go on."""
        with self.backend.lock:
            self.service.bury(shown.ref)
            self.actions.append(("bury", shown))
            return self._next()


def unbury_card(svc: Any, pack_id: str, question_id: str) -> None:
    """Thin adapter (the service has no "unbury one card"): end this card's burial now."""
    from sqlalchemy import update

    from studyvm.store.engine import write_session
    from studyvm.store.models import QUEUE_BURIED, CardState
    from studyvm.study.cards import unbury

    card = CardState.__table__
    now = svc.clock()
    with write_session(svc.engine) as session:
        session.execute(
            update(card)
            .where(
                card.c.learner_id == svc.learner_id,
                card.c.pack_id == pack_id,
                card.c.question_id == question_id,
                card.c.queue == QUEUE_BURIED,
            )
            .values(buried_until=now)
        )
        unbury(svc.learner_id, now, session=session)


def start_review(backend: Backend, pack: str | None, limit: int | None) -> tuple[ReviewRun, ShownCard | None]:
    """A review session and its first card."""
    run = ReviewRun(backend, pack, limit)
    return run, run.first()


def fill_dashboard(backend: Backend, data: Dashboard) -> None:
    """Due and new counts per pack, and whatever statistics the service offers."""
    with backend.lock:
        svc = backend.service()
        counts = svc.due_counts()
        stats = svc.stats() if hasattr(svc, "stats") else None
    for pack in data.packs:
        count = counts.get(pack.id)
        if count is not None:
            pack.due, pack.new = count.due, count.new
    data.due_now = sum(p.due for p in data.packs)
    new_total = sum(p.new for p in data.packs)
    if stats is not None:
        data.streak = int(getattr(stats, "streak", 0) or 0)
        data.reviews_today = int(getattr(stats, "reviews_today", 0) or 0)
        data.mastery = mastery_of(stats)
    if data.due_now:
        data.suggestion, data.suggested_screen = f"review the {data.due_now} due card(s) — press n", "review"
    elif new_total:
        data.suggestion, data.suggested_screen = f"learn some of the {new_total} new card(s) — press n", "review"
    else:
        data.suggestion, data.suggested_screen = "all done for today: try a practice quiz — press n", "quiz"


def mastery_of(stats: Any) -> list[TopicMastery]:
    """Mastery per topic from the service's statistics, whatever shape ``by_topic`` has."""
    rows: list[TopicMastery] = []
    by_topic = getattr(stats, "by_topic", None) or {}
    items = by_topic.items() if isinstance(by_topic, dict) else [(getattr(t, "topic", "?"), t) for t in by_topic]
    for topic, value in items:
        if isinstance(value, int | float):
            rows.append(TopicMastery(str(topic), float(value)))
            continue
        mastery = getattr(value, "mastery", None)
        if mastery is None and isinstance(value, dict):
            mastery = value.get("mastery")
        count = getattr(value, "questions", None) or (value.get("questions") if isinstance(value, dict) else 0)
        rows.append(TopicMastery(str(topic), float(mastery or 0.0), int(count or 0)))
    return rows
