"""On SQLite the statistics are read in plain SQL (:mod:`studyvm.study.statslite`): they must be the
figures the SQLAlchemy queries give (which a database server still runs), quizzes, exams and
SQLite builds without ``pow`` included."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.store import statsql
from studyvm.study import stats as orm_stats
from studyvm.study.overview import fill_mastery
from studyvm.study.service import StudyService
from studyvm.study.views import Dashboard

from .helpers import FakeClock, make_pack


def _flips(n: int) -> list[dict]:
    return [{"id": f"f{i}", "type": "flip", "prompt": f"{i}?", "back": "x", "topic": f"t{i % 3}"} for i in range(n)]


@pytest.fixture
def studied(tmp_path: Path) -> Iterator[StudyService]:
    """A learner with reviews over a week, a quiz after some reviews, one before others, and an exam."""
    packs = {"virt": make_pack(), "f": make_pack("f", _flips(30))}
    clock = FakeClock()
    svc = StudyService(Settings(home=tmp_path, learner="ada"), packs=packs, clock=clock, tz=UTC, fuzz=False, seed=3)
    svc.open()
    ratings = [3, 1, 4, 2, 3, 3, 1]
    for day in range(7):
        for i in range(6):
            card = svc.next_card("f")
            if card is None:
                break
            svc.answer(card, rating=ratings[(day + i) % len(ratings)])
        if day == 3:
            quiz = svc.start_quiz(n=8, pack_id="f")
            for k in range(8):
                quiz.submit(rating=1 if k % 3 == 0 else 3)
            quiz.finish()
        clock.advance(days=1)
    card = svc.next_card("virt")
    assert card is not None
    svc.answer(card, rating=3)
    exam = svc.start_exam(minutes=5, n=2, qtype="mcq", clock=clock)
    exam.submit(0)
    exam.finish()
    clock.advance(days=3)  # some recall has fallen under the retention by now
    yield svc
    svc.close()


def _orm(svc: StudyService) -> dict:
    with svc.read() as session:
        return orm_stats.compute_stats(svc, session).as_json()


def test_plain_sql_figures_equal_the_orm_ones(studied: StudyService) -> None:
    lite = studied.stats().as_json()
    assert lite == _orm(studied)
    assert lite["exams"] and lite["reviews_total"] > 30 and lite["streak"] == 0
    seen = sum(c["seen"] for c in lite["mastered_by_topic"].values())
    mastered = sum(c["mastered"] for c in lite["mastered_by_topic"].values())
    assert 0 < mastered < seen  # some of each: the comparison means something
    assert orm_stats.mastery_by_topic(studied) == lite["by_topic"]
    data = Dashboard(packs=[], failed=[])
    fill_mastery(studied, data)
    assert {m.topic: m.mastered for m in data.mastery} == {
        t: c["mastered"] for t, c in lite["mastered_by_topic"].items()
    }


def test_without_sql_pow_the_same_figures(studied: StudyService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statsql, "has_pow", lambda conn: False)
    assert studied.stats().as_json() == _orm(studied)


def test_as_json_is_the_dataclass_dump(studied: StudyService) -> None:
    stats = studied.stats()
    expected = dataclasses.asdict(stats)
    expected.pop("extra")
    for key in ("mastered_by_topic", "mastered_by_pack"):
        expected[key] = {k: {**v, "share": round(getattr(stats, key)[k].fraction, 4)} for k, v in expected[key].items()}
    expected["mastered_by_pack_topic"] = {
        p: {t: {**c, "share": round(stats.mastered_by_pack_topic[p][t].fraction, 4)} for t, c in topics.items()}
        for p, topics in expected["mastered_by_pack_topic"].items()
    }
    data = stats.as_json()
    assert data == expected
    data["by_topic"].clear()
    assert stats.by_topic  # a copy: changing the JSON leaves the figures alone
    json.dumps(data)
