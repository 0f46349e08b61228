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

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._catalog: Any = None
        self._service: Any = None

    # -- packs ---------------------------------------------------------------------------
    def catalog(self) -> Any:
        """The pack catalog, loaded once (thread-safe)."""
        with self._lock:
            if self._catalog is None:
                from studyvm.packs.catalog import load_catalog

                self._catalog = load_catalog(self.settings)
            return self._catalog

    def reload(self) -> None:
        """Forget the loaded catalog so the next call reads the packs again."""
        with self._lock:
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
    def dashboard(self) -> Dashboard:
        """Packs with due/new counts, mastery, streak, today's reviews and a suggestion."""
        packs, failed = self.pack_summaries()
        data = Dashboard(packs=packs, failed=failed)
        try:
            from studyvm.tui import engine

            engine.fill_dashboard(self, data)
        except ImportError as exc:
            data.engine_note = f"study engine unavailable: {exc}"
        if not data.suggestion:
            data.suggestion = "review due cards (r)" if data.due_now else "start a practice quiz (z)"
            data.suggested_screen = "review" if data.due_now else "quiz"
        return data
