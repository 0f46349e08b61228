"""The scheduler shows the same cards in the same order, with the same counts, as the recorded run.

``card_sequence.json`` (SQLite) and ``card_sequence_postgresql.json`` were recorded from the
SQL-per-card implementation (before the in-memory queue): three weeks of study over two packs with daily limits, every rating, undos, suspensions,
burials, a pack filter, learning cards coming due within the day and new days starting. Any
change to how the next card is chosen shows up here as the first step that differs.

To re-record after a deliberate change of policy: ``STUDYVM_RECORD_SEQUENCE=1 pytest
tests/study/test_card_sequence.py`` (then review the diff of the JSON).
"""

from __future__ import annotations

import json
import os
from datetime import UTC
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack

RECORDED = {
    "sqlite": Path(__file__).with_name("card_sequence.json"),
    "postgresql": Path(__file__).with_name("card_sequence_postgresql.json"),
}
"""Recorded from the SQL-per-card code on each database (PostgreSQL breaks ties in due time its own way)."""
RATINGS = (3, 3, 1, 4, 3, 2, 3, 1, 3, 4, 3, 3, 2)


def _flips(prefix: str, n: int) -> list[dict]:
    return [
        {"id": f"{prefix}{i:03d}", "type": "flip", "prompt": f"{prefix} {i}?", "back": f"{i}.", "topic": f"t{i % 3}"}
        for i in range(n)
    ]


def play(home: Path, db_url: str | None = None, installed: bool = False) -> list[list]:
    """Three weeks of study; one entry per step: what was shown (and its counts) or what was done.

    ``installed``: the packs are written to the home's packs folder and read back through the
    catalog (from their on-disk index, as the app reads them) before being handed to the service.
    """
    clock = FakeClock()
    packs: dict | None = {"alpha": make_pack("alpha", _flips("a", 40)), "beta": make_pack("beta", _flips("b", 25))}
    if installed:
        from studyvm.packs.catalog import load_catalog
        from studyvm.packs.packindex import LazyPack
        from studyvm.packs.writer import write_pack

        for pack_id, pack in (packs or {}).items():
            write_pack(pack, home / "packs" / pack_id)
        load_catalog(Settings(home=home, learner="ada"))  # the first load writes the indexes
        opened = load_catalog(Settings(home=home, learner="ada")).packs  # the built-in pack is left out
        packs = {p: opened[p] for p in ("alpha", "beta")}
        assert all(isinstance(p, LazyPack) for p in packs.values())
    svc = StudyService(
        Settings(home=home, learner="ada", db_url=db_url),
        packs=packs,
        clock=clock,
        tz=UTC,
        fuzz=False,
        seed=7,
        new_per_day=8,
        reviews_per_day=12,
    )
    steps: list[list] = []
    step = 0
    with svc:
        for day in range(21):
            for turn in range(30):
                step += 1
                pack = "beta" if day % 4 == 1 and turn < 10 else None
                card = svc.next_card(pack)
                if card is None:
                    steps.append(["none", pack])
                    break
                steps.append(["show", pack, card.pack_id, card.question_id, card.state, card.due, card.new])
                if step % 17 == 0:
                    steps.append(["bury", svc.bury(card)])
                elif step % 23 == 0:
                    steps.append(["suspend", svc.suspend(card)])
                else:
                    rating = RATINGS[step % len(RATINGS)]
                    out = svc.answer(card, rating=rating)
                    steps.append(["answer", rating, out.next_due.isoformat() if out.next_due else None])
                if step % 29 == 0:
                    steps.append(["undo", svc.undo()])
                if step % 31 == 0:
                    steps.append(["unsuspend", svc.suspend(("alpha", "a005"), suspended=False)])
                clock.advance(minutes=3 + step % 5)
            counts = svc.due_counts()
            steps.append(["counts", {p: [c.due, c.new] for p, c in sorted(counts.items())}])
            clock.advance(days=1)
            clock.now = clock.now.replace(hour=9, minute=0)
    return steps


def test_same_sequence_as_recorded(tmp_path: Path, db_url: str) -> None:
    """On SQLite (the in-memory queue) and on PostgreSQL (a query per card)."""
    steps = json.loads(json.dumps(play(tmp_path / "home", db_url)))  # tuples -> lists, as in the file
    recorded_file = RECORDED["sqlite" if db_url.startswith("sqlite") else "postgresql"]
    if os.environ.get("STUDYVM_RECORD_SEQUENCE"):
        recorded_file.write_text(json.dumps(steps, indent=0) + "\n")
        pytest.skip("recorded")
    recorded = json.loads(recorded_file.read_text())
    for i, (got, want) in enumerate(zip(steps, recorded, strict=False)):
        assert got == want, f"step {i} differs: got {got}, recorded {want}"
    assert len(steps) == len(recorded)
    assert sum(s[0] == "show" for s in steps) > 300  # a long enough run to mean something


def test_same_sequence_with_packs_read_from_their_index(tmp_path: Path) -> None:
    """The packs as the app reads them (a lazily parsed index) give the recorded run too."""
    steps = json.loads(json.dumps(play(tmp_path / "home", installed=True)))
    recorded = json.loads(RECORDED["sqlite"].read_text())
    for i, (got, want) in enumerate(zip(steps, recorded, strict=True)):
        assert got == want, f"step {i} differs: got {got}, recorded {want}"
