"""Progress figures and the class report, on SQLite and PostgreSQL (they use dialect SQL)."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from studyvm.config import Settings
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


@pytest.fixture
def shared(request, tmp_path, db_url):
    packs = {"virt": make_pack()}
    clock = FakeClock()
    server = request.getfixturevalue("pg_server") if db_url.startswith("postgresql") else None

    def open_as(name: str) -> StudyService:
        # On PostgreSQL the learner is the database role: each learner connects as their own.
        url = server.as_role(db_url, name) if server else db_url
        settings = Settings(home=tmp_path / "home", db_url=url, learner=name)
        return StudyService(settings, packs=packs, clock=clock, tz=UTC, fuzz=False, seed=3).open()

    return open_as, clock


def test_stats_fields_forecast_heatmap_streak(shared) -> None:
    open_as, clock = shared
    svc = open_as("ada")
    for _day in range(3):  # three days in a row
        card = svc.next_card()
        svc.answer(card, rating=3) if card.question.type == "flip" else svc.answer(card, response=0)
        clock.advance(days=1)
    clock.advance(days=-1, hours=2)
    exam = svc.start_exam(minutes=5, n=2, qtype="mcq", clock=clock)
    exam.submit(0)
    exam.finish()
    stats = svc.stats()
    data = stats.as_json()
    for key in (
        "reviews_total",
        "reviews_today",
        "due_now",
        "by_topic",
        "exams",
        "forecast",
        "heatmap",
        "streak",
        "retention",
    ):
        assert key in data
    assert (stats.reviews_total, stats.reviews_today, stats.streak) == (3, 1, 3)
    assert stats.heatmap == {"2026-03-02": 1, "2026-03-03": 1, "2026-03-04": 1}
    assert len(stats.forecast) == 30 and list(stats.forecast)[0] == "2026-03-04"
    assert sum(stats.forecast.values()) == 2  # both cards reviewed (flip twice, mcq once) fall due soon
    assert set(stats.by_topic) == {"hardware", "trap", "para", "modes"}
    assert all(0 <= m <= 1 for m in stats.by_topic.values()) and stats.by_topic["trap"] > 0
    assert stats.exams[0]["score"] == 1.0 and stats.exams[0]["max_score"] == 1
    assert stats.retention is None  # no review-state card reviewed yet
    svc.close()


def test_retention_and_due_now(shared) -> None:
    open_as, clock = shared
    svc = open_as("ada")
    card = svc.next_card()
    svc.answer(card, rating=4)
    clock.advance(days=60)
    assert svc.stats().due_now == 1
    svc.answer(svc.next_card(), rating=1)  # a lapse of a review card
    stats = svc.stats()
    assert stats.retention == 0.0 and stats.streak == 1
    svc.close()


def test_class_report(shared) -> None:
    open_as, clock = shared
    ada, bob = open_as("ada"), open_as("bob")
    for svc, answer in ((ada, 1), (bob, 1)):
        svc.answer(svc.next_card(), rating=3)
        svc.answer(svc.next_card(), response=answer)  # mcq-1 wrong for both
    clock.advance(hours=1)
    bob_exam = bob.start_exam(minutes=5, n=1, qtype="short", clock=clock)
    bob_exam.submit("lidt")
    bob_exam.finish()
    report = ada.report()
    names = [lr.name for lr in report.learners]
    assert names == ["ada", "bob"]
    bob_row = report.learners[1]
    assert bob_row.reviews == 2 and bob_row.exams[0]["percent"] == 100.0
    assert bob_row.last_activity.startswith("2026-03-02T10:00")
    worst = report.questions[0]
    assert (worst.question_id, worst.wrong, worst.learners_wrong, worst.answered) == ("mcq-1", 2, 2, 2)
    assert worst.wrong_rate == 1.0 and worst.prompt.startswith("Which mode")
    only = ada.report(pack_id="virt").as_json()
    assert only["pack_id"] == "virt" and only["questions"][0]["question_id"] == "mcq-1"
    ada.close()
    bob.close()


def test_day_is_local(tmp_path) -> None:
    from datetime import datetime, timedelta, timezone

    tz = timezone(timedelta(hours=-5))
    clock = FakeClock(datetime(2026, 3, 3, 2, 0, tzinfo=UTC))  # still March 2nd in UTC-5
    settings = Settings(home=tmp_path / "h", learner="ada")
    with StudyService(settings, packs={"virt": make_pack()}, clock=clock, tz=tz) as svc:
        svc.answer(svc.next_card(), rating=3)
        assert svc.stats().heatmap == {date(2026, 3, 2).isoformat(): 1}


def test_two_first_starts_at_once(shared) -> None:
    import threading

    open_as, _clock = shared
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def start() -> None:
        try:
            barrier.wait()
            open_as("ada").close()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    svc = open_as("ada")
    assert svc.due_counts()["virt"].new == 9
    svc.close()
