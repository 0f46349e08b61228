"""The app's only door to the packs, the study engine and the simulator.

Every method is a plain function that may be slow: screens call them from thread workers and
get plain dataclasses back (no ORM rows, no widgets). Nothing here imports Textual.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from studyvm.config import Settings


@dataclass
class PackSummary:
    """One pack as the dashboard and the packs screen list it."""

    id: str
    title: str
    origin: str
    location: str
    questions: int
    topics: list[str]
    due: int = 0
    new: int = 0
    description: str = ""
    version: str = ""
    demos: int = 0
    """Questions that have a simulator demo."""


@dataclass
class FailedPack:
    """A pack folder that did not load, with its ``path:line:col: error: message`` lines."""

    location: str
    messages: list[str]


@dataclass
class TopicMastery:
    """How well one topic is known, 0..1."""

    topic: str
    mastery: float
    questions: int = 0


@dataclass
class Dashboard:
    """Everything the dashboard shows."""

    packs: list[PackSummary]
    failed: list[FailedPack]
    mastery: list[TopicMastery] = field(default_factory=list)
    streak: int = 0
    reviews_today: int = 0
    due_now: int = 0
    suggestion: str = ""
    suggested_screen: str = "review"
    engine_note: str = ""
    """Why figures are missing, when the study engine could not be reached."""


class Backend:
    """Packs, study engine and simulator for one :class:`~studyvm.config.Settings`."""

    def __init__(self, settings: Settings, catalog: Any = None, **service_options: Any) -> None:
        self.settings = settings
        self.service_options = service_options
        """Extra keyword arguments for ``StudyService`` (tests pin ``seed``, ``clock``...)."""
        self.lock = threading.RLock()
        """Held around every use of the study service (it is single-threaded)."""
        self._catalog: Any = catalog
        self._fixed_catalog = catalog is not None
        self._service: Any = None

    # -- packs ---------------------------------------------------------------------------
    def catalog(self) -> Any:
        """The pack catalog, loaded once (thread-safe)."""
        with self.lock:
            if self._catalog is None:
                from studyvm.packs.catalog import load_catalog

                self._catalog = load_catalog(self.settings)
            return self._catalog

    def reload(self) -> None:
        """Forget the loaded catalog so the next call reads the packs again."""
        with self.lock:
            if not self._fixed_catalog:
                self._catalog = None

    def question(self, pack_id: str, question_id: str) -> Any:
        """The question object, or ``None``."""
        pack = self.catalog().get(pack_id)
        return pack.question(question_id) if pack is not None else None

    def pack_summaries(self) -> tuple[list[PackSummary], list[FailedPack]]:
        """Every loaded pack and every failed one."""
        catalog = self.catalog()
        packs = [
            PackSummary(
                id=p.id,
                title=p.meta.title,
                origin=p.origin,
                location=p.location,
                questions=len(p.questions),
                topics=p.topics(),
                description=p.meta.description,
                version=p.meta.version,
                demos=sum(1 for q in p.questions if q.demo),
            )
            for p in catalog.packs.values()
        ]
        failed = [FailedPack(loc, [str(d) for d in diags]) for loc, diags in catalog.failed.items()]
        if catalog.diagnostics:
            failed.append(FailedPack("catalog", [str(d) for d in catalog.diagnostics]))
        return packs, failed

    # -- study engine --------------------------------------------------------------------
    def service(self) -> Any:
        """The open :class:`~studyvm.study.service.StudyService` (opened on first use; hold :attr:`lock`)."""
        with self.lock:
            if self._service is None:
                from studyvm.study.service import StudyService

                packs = dict(self.catalog().packs)
                self._service = StudyService(self.settings, packs=packs, **self.service_options).open()
            return self._service

    def close(self) -> None:
        """Release the database (without waiting long for a worker that is still using it)."""
        if not self.lock.acquire(timeout=1.0):
            return  # a worker holds it; the process is ending and the OS closes the files
        try:
            if self._service is not None:
                self._service.close()
                self._service = None
        finally:
            self.lock.release()

    def start_review(self, pack: str | None, limit: int | None) -> Any:
        """A review session and its first card (see :mod:`studyvm.tui.engine`)."""
        from studyvm.tui import engine

        return engine.start_review(self, pack, limit)

    def start_quiz(
        self, pack: str | None, n: int | None, exam: bool, minutes: float | None, cbm: bool | None, **selection: Any
    ) -> Any:
        """A quiz (``exam=False``) or a mock exam, ready to show; ``selection`` as in ``studyvm quiz``."""
        from studyvm.tui import quizdata

        return quizdata.start(self, pack, n, exam, minutes, cbm, **selection)

    def stats(self, pack: str | None = None) -> Any:
        """Everything the statistics screen draws."""
        from studyvm.tui import quizdata

        return quizdata.stats(self, pack)

    def dashboard(self) -> Dashboard:
        """Packs with due/new counts, mastery, streak, today's reviews and a suggestion."""
        packs, failed = self.pack_summaries()
        data = Dashboard(packs=packs, failed=failed)
        try:
            from studyvm.tui import engine

            engine.fill_dashboard(self, data)
        except Exception as exc:  # the packs are still worth showing without the figures
            data.engine_note = f"progress unavailable: {exc}"
        if not data.suggestion:
            data.suggestion = "review due cards (r)" if data.due_now else "start a practice quiz (z)"
            data.suggested_screen = "review" if data.due_now else "quiz"
        return data


@dataclass
class Feedback:
    """The verdict on one answer, ready to show."""

    correct: bool | None
    """``None`` for a self-graded (flip) card."""
    score: float = 0.0
    """Credit 0..1."""
    expected: str = ""
    """The right answer, as text."""
    explanation: str = ""
    caveat: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    """Feedback attached to the options or answers the learner chose."""
