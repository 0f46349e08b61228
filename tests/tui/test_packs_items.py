"""Item analysis on the Packs screen: i shows, for the highlighted pack, the figures of
``studyvm report --items --pack ID`` (attempts, facility, discrimination, flags) in a table."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert
from textual.widgets import DataTable

from studyvm.store.engine import write_session
from studyvm.store.models import Attempt, AttemptAnswer, Learner
from studyvm.study.itemstats import item_report
from studyvm.tui.app import make_app
from studyvm.tui.screens.packs import PacksScreen

from .helpers import settle

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCORES = {  # five finished exams; b.mcq discriminates, c.tf is always right, e.num always wrong
    "b.mcq": [1, 1, 0, 0, 1],
    "c.tf": [1, 1, 1, 1, 1],
    "e.num": [0, 0, 0, 0, 0],
    "d.short": [1, 1, 0, 0, 0],
}


def fill_attempts(backend) -> None:
    """Five finished exam attempts of the fixture pack, straight into the store."""
    engine = backend.service().engine
    with write_session(engine) as s:
        learner = s.execute(insert(Learner.__table__).values(name="ada", created_at=T0)).inserted_primary_key[0]
        for index in range(5):
            scores = {qid: float(row[index]) for qid, row in SCORES.items()}
            attempt = s.execute(
                insert(Attempt.__table__).values(
                    learner_id=learner, kind="exam", started_at=T0, finished_at=T0, elapsed_s=0, cbm=False,
                    items="[]", score=sum(scores.values()), max_score=len(scores),
                )
            ).inserted_primary_key[0]  # fmt: skip
            for position, (qid, score) in enumerate(scores.items()):
                s.execute(
                    insert(AttemptAnswer.__table__).values(
                        attempt_id=attempt, position=position, pack_id="tuitest", question_id=qid, score=score,
                        answered_at=T0,
                    )
                )  # fmt: skip


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_i_shows_the_item_analysis_of_the_highlighted_pack(settings, backend):
    fill_attempts(backend)
    expected = item_report(backend.service(), "tuitest")  # the report --items computation itself
    app = make_app(settings, screen="packs", backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, PacksScreen)
        table = screen.query_one("#packs-items", DataTable)
        assert not table.display
        await pilot.press("i")
        await settle(pilot, app)
        assert table.display
        shown = rows(table)
        assert [r[0] for r in shown] == [s.question_id for s in expected.questions]
        by_id = {r[0]: r for r in shown}
        assert by_id["c.tf"][1:] == ["5", "100%", "-", "too easy"]
        assert by_id["e.num"][1:] == ["5", "0%", "-", "too hard"]
        assert by_id["b.mcq"][1:3] == ["5", "60%"] and by_id["b.mcq"][3].startswith("+")
        note = str(screen.query_one("#packs-items-note").render())
        assert "4 questions, 5 finished attempts" in note


async def test_no_attempts_and_a_refusal_are_said_in_place(settings, backend, monkeypatch):
    from studyvm.store.classdb import ClassDBError

    app = make_app(settings, screen="packs", backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        await pilot.press("i")
        await settle(pilot, app)
        assert "no finished quiz or exam attempts yet" in str(screen.query_one("#packs-items-note").render())

        def refuse(pack_id):
            raise ClassDBError("item analysis is for the class's instructors")

        monkeypatch.setattr(backend, "item_report", refuse)
        await pilot.press("i")
        await settle(pilot, app)
        note = str(screen.query_one("#packs-items-note").render())
        assert note.startswith("Item analysis unavailable:") and "is for the class's instructors" in note
        assert app.is_running
