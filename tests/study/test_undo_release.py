"""Undo snapshots live only as long as the undo stack that can use them: closing a service drops
the snapshots of its answers (issue 19 item 3: at a million answers they were most of the file),
and never those of another session still open on the same database."""

from __future__ import annotations

import sqlite3
from datetime import UTC

from studyvm.config import Settings
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


def _snapshots(settings: Settings) -> list[bool]:
    path = settings.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        return [prev is not None for (prev,) in conn.execute("SELECT prev FROM review_log ORDER BY id")]


def _service(settings: Settings, pack) -> StudyService:
    return StudyService(settings, packs={pack.id: pack}, clock=FakeClock(), tz=UTC, fuzz=False, seed=1)


def test_closing_drops_only_this_sessions_snapshots(tmp_path) -> None:
    settings, pack = Settings(home=tmp_path / "home", learner="ada"), make_pack()
    first, second = _service(settings, pack).open(), _service(settings, pack).open()
    for svc in (first, first, second):
        svc.answer(svc.next_card(), rating=3)
    assert _snapshots(settings) == [True, True, True]
    first.close()
    assert _snapshots(settings) == [False, False, True]  # the other session can still undo
    assert second.undo() is not None
    second.close()
    assert _snapshots(settings) == [False, False]


def test_an_undone_answer_leaves_nothing_behind(tmp_path) -> None:
    settings, pack = Settings(home=tmp_path / "home", learner="ada"), make_pack()
    with _service(settings, pack) as svc:
        svc.answer(svc.next_card(), rating=1)
        svc.answer(svc.next_card(), rating=3)
        assert svc.undo() is not None
    assert _snapshots(settings) == [False]
