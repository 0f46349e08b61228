"""The statistics screen's mastery lists each pack's topics under it (newcomer review m15: every
pack's topics in one unsorted list, ``general`` of two packs counted as one)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from studyvm.config import Settings
from studyvm.study.overview import stats_view
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


def test_two_packs_topics_are_kept_apart_and_grouped_by_pack(tmp_path: Path) -> None:
    one = make_pack("alpha", [{"id": "a1", "type": "flip", "prompt": "p", "back": "b", "topic": "general"}])
    two = make_pack(
        "beta",
        [
            {"id": "b1", "type": "flip", "prompt": "p", "back": "b", "topic": "general"},
            {"id": "b2", "type": "flip", "prompt": "q", "back": "c", "topic": "general"},
        ],
    )
    settings = Settings(home=tmp_path / "home", learner="ada")
    with StudyService(settings, packs={"alpha": one, "beta": two}, clock=FakeClock(), tz=UTC, fuzz=False) as svc:
        data = stats_view(svc)
        assert [(m.topic, m.questions) for m in data.mastery] == [
            ("alpha · general", 1),
            ("beta · general", 2),
        ]
        assert svc.stats().as_json()["mastered_by_pack_topic"]["beta"]["general"]["questions"] == 2
