"""The dashboard's first figures read with sqlite3 alone match the study service's, or are not given."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

from studyvm.config import Settings
from studyvm.study.glance import glance_for
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


def _flips(prefix: str, n: int) -> list[dict]:
    return [{"id": f"{prefix}{i}", "type": "flip", "prompt": f"{i}?", "back": "x", "topic": "t"} for i in range(n)]


def _studied(home: Path, clock: FakeClock) -> tuple[dict, dict]:
    packs = {"a": make_pack("a", _flips("a", 30)), "b": make_pack("b", _flips("b", 12))}
    options = {"clock": clock, "tz": UTC, "fuzz": False, "seed": 3, "new_per_day": 6}
    with StudyService(Settings(home=home, learner="ada"), packs=packs, **options) as svc:
        for _day in range(5):
            for turn in range(14):
                card = svc.next_card()
                if card is None:
                    break
                svc.answer(card, rating=(1, 3, 3, 4, 2)[turn % 5])
                clock.advance(minutes=4)
            clock.advance(days=1)
    return packs, options


def _service_figures(home: Path, packs: dict, options: dict):
    with StudyService(Settings(home=home, learner="ada"), packs=packs, **options) as svc:
        counts = {p: (c.due, c.new) for p, c in svc.due_counts().items()}
        return counts, *svc.today()


def test_same_figures_as_the_service(tmp_path: Path) -> None:
    clock = FakeClock()
    packs, options = _studied(tmp_path, clock)
    figures = []
    for hours in (0, 5, 30):
        clock.now += timedelta(hours=hours)
        seen = glance_for(Settings(home=tmp_path, learner="ada"), packs, **options)
        assert seen is not None
        assert seen == _service_figures(tmp_path, packs, options)
        figures.append(seen)
    assert figures[0][1] > 0 and any(f[0]["a"][0] > 0 for f in figures)  # a streak, cards due: it means something


def test_same_figures_with_limits_per_pack(tmp_path: Path) -> None:
    clock = FakeClock()
    (tmp_path / "settings.toml").write_text('[limits]\nnew_per_day = 4\n\n[limits.packs."a"]\nnew_per_day = 2\n')
    packs = {"a": make_pack("a", _flips("a", 30)), "b": make_pack("b", _flips("b", 12))}
    options = {"clock": clock, "tz": UTC, "fuzz": False, "seed": 3}
    with StudyService(Settings(home=tmp_path, learner="ada"), packs=packs, **options) as svc:
        for _ in range(3):
            card = svc.next_card()
            assert card is not None
            svc.answer(card, rating=4)
    seen = glance_for(Settings(home=tmp_path, learner="ada"), packs, **options)
    assert seen is not None and seen == _service_figures(tmp_path, packs, options)
    assert {p: new for p, (_due, new) in seen[0].items()} == {"a": 0, "b": 3}  # a: 2 of 2 used, b: 1 of 4


def test_no_figures_when_the_service_must_act_first(tmp_path: Path) -> None:
    clock = FakeClock()
    settings = Settings(home=tmp_path, learner="ada")
    assert glance_for(settings, {}, clock=clock, tz=UTC) is None  # no database yet
    packs, options = _studied(tmp_path, clock)
    assert glance_for(Settings(home=tmp_path, learner="bob"), packs, **options) is None  # unknown learner
    grown = {**packs, "a": make_pack("a", _flips("a", 31))}
    assert glance_for(settings, grown, **options) is None  # a pack changed since the last sync
    with StudyService(settings, packs=packs, **options) as svc:
        assert svc.bury(svc.next_card())
    clock.advance(days=1)
    assert glance_for(settings, packs, **options) is None  # a burial to lift first
    _service_figures(tmp_path, packs, options)  # the service lifts it
    assert glance_for(settings, packs, **options) is not None
    db = sqlite3.connect(tmp_path / "studyvm.sqlite3")
    db.execute("DROP TABLE review_day_stats")  # not the schema it knows: it steps aside
    db.close()
    assert glance_for(settings, packs, **options) is None
    assert glance_for(Settings(home=tmp_path, learner="ada", db_url="postgresql://x/y"), packs, **options) is None


def test_the_glance_loads_no_orm() -> None:
    code = (
        "import sys, studyvm.study.glance; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
