"""The dashboard's first figures come without opening the study service when the home is set up,
and are the figures the service gives."""

from __future__ import annotations

from studyvm.tui.backend import Backend

from .conftest import FIXED_NOW, fixture_catalog


def test_first_figures_without_the_service(settings, backend, tmp_path) -> None:
    svc = backend.service()
    for _ in range(3):  # a past session
        svc.answer(svc.next_card("tuitest"), rating=3)
    full = backend.dashboard(mastery=False)  # the service is open: its own figures
    backend.close()
    fresh = Backend(settings, catalog=fixture_catalog(tmp_path / "packs2"), clock=lambda: FIXED_NOW, fuzz=False, seed=7)
    quick = fresh.dashboard(mastery=False)
    assert fresh._service is None  # read with sqlite3 alone
    assert [(p.id, p.due, p.new) for p in quick.packs] == [(p.id, p.due, p.new) for p in full.packs]
    assert (quick.streak, quick.reviews_today, quick.suggestion) == (full.streak, full.reviews_today, full.suggestion)
    assert quick.packs[0].new > 0
