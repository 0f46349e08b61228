"""Fixtures for the study engine: a pack with every question type and an open service."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.packs.model import Pack
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pack() -> Pack:
    return make_pack()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", learner="ada")


@pytest.fixture
def service(settings: Settings, pack: Pack, clock: FakeClock):
    svc = StudyService(settings, packs={pack.id: pack}, clock=clock, tz=UTC, fuzz=False, seed=1)
    with svc:
        yield svc
