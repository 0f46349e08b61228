"""The app's only door to the packs and the study service: a thin, typed adapter.

It owns the catalog, one :class:`~studyvm.study.service.StudyService` and the lock around it;
everything with behaviour lives in the core (:mod:`studyvm.study.review`,
:mod:`studyvm.study.quiz`, :mod:`studyvm.study.overview`). Every method may be slow: screens call
them from thread workers and get plain dataclasses back. Nothing here imports Textual.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from studyvm.config import Settings
from studyvm.errors import StudyVMError, describe

if TYPE_CHECKING:
    from studyvm.packs.catalog import Catalog
    from studyvm.study.browse import CardInfo, HistoryEntry, SearchPage
    from studyvm.study.itemstats import ItemReport
    from studyvm.study.quiz import QuizRun
    from studyvm.study.quiz_setup import SetupChoices
    from studyvm.study.review import ReviewSession
    from studyvm.study.service import StudyService
    from studyvm.study.views import Dashboard, FailedPack, PackSummary, ShownCard, StatsData, TopicMastery

__all__ = ["Backend"]


class Backend:
    """Packs and the study service for one :class:`~studyvm.config.Settings`."""

    def __init__(self, settings: Settings, catalog: Catalog | None = None, **service_options: Any) -> None:
        self.settings = settings
        self.service_options = service_options
        """Extra keyword arguments for ``StudyService`` (tests pin ``seed``, ``clock``...)."""
        self.lock = threading.RLock()
        """Held around every use of the study service (it is single-threaded)."""
        self._catalog: Catalog | None = catalog
        self._fixed_catalog = catalog is not None
        self._service: StudyService | None = None

    # -- packs ---------------------------------------------------------------------------
    def catalog(self) -> Catalog:
        """The pack catalog, loaded once (thread-safe)."""
        with self.lock:
            if self._catalog is None:
                from studyvm.packs.catalog import load_catalog

                self._catalog = load_catalog(self.settings)
            return self._catalog

    def reload(self) -> None:
        """Read the packs again on next use, and reopen the study service over them.

        The service holds its own copy of the packs, so a pack installed (or fixed) since it
        opened can be reviewed only once it is rebuilt; reopening also syncs the new pack's cards.
        """
        with self.lock:
            if not self._fixed_catalog:
                self._catalog = None
            if self._service is not None:
                self._service.close()
                self._service = None

    def question(self, pack_id: str, question_id: str) -> Any:
        """The question object, or ``None``."""
        pack = self.catalog().get(pack_id)
        return pack.question(question_id) if pack is not None else None

    def question_media(self, question: Any) -> tuple[str | None, list[str]]:
        """The folder of the pack holding ``question`` (``None`` if not found) and the media files
        its placeholders name (:func:`studyvm.packs.mediarefs.question_media`)."""
        from studyvm.packs.mediarefs import question_media

        names = question_media(question)
        packs = list(self.catalog().packs.values())
        owner = next((p for p in packs if p.question(question.id) is question), None)  # the same object
        owner = owner or next((p for p in packs if p.question(question.id) == question), None)  # or a copy
        return (owner.location if owner is not None else None), names

    def pack_summaries(self) -> tuple[list[PackSummary], list[FailedPack]]:
        """Every loaded pack and every failed one (due/new counts not filled in)."""
        from studyvm.study.overview import pack_summaries

        return pack_summaries(self.catalog())

    def packs_view(self) -> tuple[list[PackSummary], list[FailedPack]]:
        """The packs screen: every pack with the dashboard's due and new counts, and the failed ones."""
        from studyvm.study.overview import fill_counts

        packs, failed = self.pack_summaries()
        try:
            with self.lock:
                fill_counts(self.service(), packs)
        except Exception:  # the packs are worth listing without their counts (the dashboard says why)
            pass
        return packs, failed

    # -- study service -------------------------------------------------------------------
    def service(self) -> StudyService:
        """The open study service (opened on first use; hold :attr:`lock`)."""
        with self.lock:
            if self._service is None:
                from studyvm.study.service import StudyService

                packs = dict(self.catalog().packs)
                service = StudyService(self.settings, packs=packs, **self.service_options)
                try:
                    self._service = service.open()
                except StudyVMError:
                    raise
                except Exception as exc:  # the same words as the CLI's, never SQL (adversary F16)
                    from studyvm.study.openfail import open_failure

                    raise open_failure(exc, self.settings) from exc
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

    def start_review(
        self, pack: str | None, limit: int | None, only: tuple[str, str] | None = None
    ) -> tuple[ReviewSession, ShownCard | None]:
        """A review session and its first card (``only``: just that card, due or not)."""
        from studyvm.study.review import ReviewSession

        with self.lock:
            run = ReviewSession(self.service(), pack, limit, lock=self.lock, only=only)
            return run, run.first()

    def open_exam(self) -> str | None:
        """A line about the learner's unfinished exam (answers, time left), or ``None`` when there is none."""
        with self.lock:
            service = self.service()
            attempt = service.unfinished_exam()
            if attempt is None:
                return None
            exam = service.resume_exam(attempt)
            left = int(exam.remaining_seconds())
        clock = f"{left // 60}:{left % 60:02d} left" if left else "its time is up (it will be marked as it stands)"
        return f"{exam.answered} of {exam.total} answered, {clock}"

    def find_cards(self, query: str, sort: str = "due", reverse: bool = False) -> list[CardInfo]:
        """The learner's cards matching a search query (:mod:`studyvm.study.search`)."""
        from studyvm.study.browse import find_cards

        with self.lock:
            return find_cards(self.service(), query, sort, reverse)

    def search_cards(
        self, query: str, sort: str = "due", reverse: bool = False, offset: int = 0, limit: int | None = None
    ) -> SearchPage:
        """One page of the cards matching a search query, and how many match in all."""
        from studyvm.study.browse import search_cards

        with self.lock:
            return search_cards(self.service(), query, sort, reverse, offset, limit)

    def card_history(self, pack_id: str, question_id: str) -> list[HistoryEntry]:
        """Every review of one card, oldest first."""
        from studyvm.study.browse import history

        with self.lock:
            return history(self.service(), pack_id, question_id)

    def card_action(self, action: str, cards: list[tuple[str, str]]) -> int:
        """suspend, unsuspend, bury, unbury or forget ``cards``; how many changed."""
        from studyvm.study.browse import act

        with self.lock:
            return act(self.service(), action, cards)

    def start_quiz(
        self, pack: str | None, n: int | None, exam: bool, minutes: float | None, cbm: bool | None, **selection: Any
    ) -> QuizRun:
        """A quiz (``exam=False``) or a mock exam, ready to show; ``selection`` as in ``studyvm quiz``."""
        from studyvm.study.quiz import SELECTION, QuizRequest, start_quiz_run

        chosen = {k: v for k, v in selection.items() if k in SELECTION and v is not None}
        request = QuizRequest(pack=pack, n=n, exam=exam, minutes=minutes, cbm=cbm, **chosen)
        with self.lock:
            return start_quiz_run(self.service(), request, lock=self.lock)

    def quiz_setup(self, exam: bool) -> SetupChoices:
        """Defaults and choices for the quiz or exam setup form."""
        from studyvm.study.quiz_setup import setup_choices

        with self.lock:
            return setup_choices(self.service(), exam)

    def item_report(self, pack_id: str) -> ItemReport:
        """Item analysis of one pack: attempts, facility, discrimination and flags per question, as
        ``studyvm report --items --pack ID`` computes it (instructors only on a class database)."""
        from studyvm.study.itemstats import item_report

        with self.lock:
            return item_report(self.service(), pack_id)

    def mastery(self) -> list[TopicMastery]:
        """Mastery per topic (the dashboard's slow figure, loaded after the others)."""
        from studyvm.study.overview import fill_mastery
        from studyvm.study.views import Dashboard

        data = Dashboard(packs=[], failed=[])
        with self.lock:
            fill_mastery(self.service(), data)
        return data.mastery

    def stats(self, pack: str | None = None) -> StatsData:
        """Everything the statistics screen draws (``pack`` is not used yet: figures cover every pack)."""
        from studyvm.study.overview import stats_view

        with self.lock:
            return stats_view(self.service())

    def dashboard(self, mastery: bool = True) -> Dashboard:
        """Packs with due/new counts, streak, today's reviews, a suggestion and (``mastery``) the mastery
        per topic, which reads every reviewed card (:meth:`mastery` gets it on its own)."""
        from studyvm.study.overview import fill_dashboard, show_counts, suggest
        from studyvm.study.views import Dashboard

        packs, failed = self.pack_summaries()
        data = Dashboard(packs=packs, failed=failed)
        if not mastery and self._service is None:  # first figures without loading the study service
            from studyvm.study.glance import glance_for

            seen = glance_for(self.settings, self.catalog().packs, **self.service_options)
            if seen is not None:
                show_counts(data, *seen)
                return data
        try:
            with self.lock:
                fill_dashboard(self.service(), data, mastery=mastery)
        except Exception as exc:  # the packs are still worth showing without the figures
            data.engine_note = f"progress unavailable: {describe(exc)}"
            data.suggestion, data.suggested_screen = suggest(0, 0, known=False)
        return data
