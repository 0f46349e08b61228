"""The browser's listing after a change (issue 13 item 1): this service's own changes are put in
place (the listing is kept, not read again), anyone else's make it read everything again, and
either way every search equals one made on a fresh read of the database."""

from __future__ import annotations

import random
from datetime import UTC
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.packs.loader import load_pack_dir
from studyvm.study.browse import SORTS, act, search_cards
from studyvm.study.service import StudyService

from .helpers import FakeClock
from .test_siblings import PACK, TABLES

QUERIES = ("", "is:due", "is:new", "-is:new", "is:suspended or is:buried", "is:learn", "prop:lapses>0", "prop:reps>=1")


@pytest.fixture
def world(tmp_path: Path):
    """Two services of one learner on one SQLite file (a pack whose table rows make siblings),
    and a third one that only reads afresh."""
    folder = tmp_path / "sib"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "tables.yaml").write_text(TABLES, encoding="utf-8")
    pack = load_pack_dir(folder, origin="extra").pack
    assert pack is not None
    clock = FakeClock()
    settings = Settings(home=tmp_path / "home", learner="ada")

    def make() -> StudyService:
        return StudyService(settings, packs={"sib": pack}, clock=clock, tz=UTC, fuzz=False, seed=1)

    with make() as one, make() as two, make() as ref:
        yield one, two, ref, clock


def _rows(svc: StudyService, query: str, sort: str = "due", reverse: bool = False) -> list[dict]:
    return [c.as_json() for c in search_cards(svc, query, sort, reverse).cards]


def _fresh(ref: StudyService, query: str, sort: str = "due", reverse: bool = False) -> list[dict]:
    ref.caches.pop("browse_rows", None)
    return _rows(ref, query, sort, reverse)


def _agrees(svc: StudyService, ref: StudyService, sorts: tuple[str, ...] = SORTS) -> None:
    for query in QUERIES:
        for sort in sorts:
            for reverse in (False, True):
                assert _rows(svc, query, sort, reverse) == _fresh(ref, query, sort, reverse), (query, sort, reverse)


def _listing(svc: StudyService) -> object:
    return svc.caches["browse_rows"]["listing"]


def test_every_action_of_this_service_is_put_in_place(world) -> None:
    one, _two, ref, clock = world
    _agrees(one, ref)  # every sort made once, groups built
    kept = _listing(one)
    qids = [q.id for q in one.pack("sib").questions]

    def step(change) -> None:
        change()
        _agrees(one, ref)
        assert _listing(one) is kept  # updated in place, never read again

    for rating in (1, 2, 3, 4):  # each answer buries the card's siblings too
        card = one.next_card()
        assert card is not None
        step(lambda c=card, r=rating: one.answer(c, rating=r))
    step(lambda: one.undo())  # the last answer and its siblings' burial
    step(lambda: one.suspend(("sib", qids[0])))
    step(lambda: one.undo())
    step(lambda: one.suspend(("sib", qids[1])))
    step(lambda: one.suspend(("sib", qids[1]), suspended=False))
    step(lambda: one.bury(("sib", qids[2])))
    step(lambda: one.unbury(("sib", qids[2])))
    step(lambda: one.bury(("sib", qids[3])))
    step(lambda: one.undo())
    step(lambda: one.forget(("sib", qids[0])))
    step(lambda: act(one, "suspend", [("sib", q) for q in qids[4:8]]))
    step(lambda: act(one, "forget", [("sib", q) for q in qids[4:6]]))
    step(lambda: act(one, "unsuspend", [("sib", q) for q in qids]))
    clock.advance(days=3)  # time alone: due is worked out at each search
    _agrees(one, ref)
    assert _listing(one) is kept


def test_another_sessions_change_is_seen(world) -> None:
    one, two, ref, _clock = world
    qids = [q.id for q in one.pack("sib").questions]
    _agrees(one, ref, ("due",))
    kept = _listing(one)
    two.suspend(("sib", qids[0]))  # another session: every card is read again and compared
    assert _rows(one, "is:suspended") == _fresh(ref, "is:suspended") != []
    assert _listing(one) is kept  # the same cards: only the changed row was replaced
    card = two.next_card()
    assert card is not None
    two.answer(card, rating=3)
    _agrees(one, ref, ("due",))
    # this service and the other one between two searches: both show
    one.suspend(("sib", qids[5]))
    two.bury(("sib", qids[6]))
    one.bury(("sib", qids[7]))
    _agrees(one, ref, ("due", "rating"))


def test_a_commit_by_another_session_right_after_this_services_own_is_seen(world, monkeypatch) -> None:
    """The narrow case: the other session commits after this service's commit and before it reads
    the versions. Both versions have moved then, so the listing is read again."""
    one, two, ref, _clock = world
    qids = [q.id for q in one.pack("sib").questions]
    _agrees(one, ref, ("due",))
    original = one._changed
    others = [lambda: two.suspend(("sib", qids[9]))]

    def changed_then_other(*keys, queue: bool = True) -> None:
        if others:
            others.pop(0)()  # the other session commits first
        original(*keys, queue=queue)

    monkeypatch.setattr(one, "_changed", changed_then_other)
    card = one.next_card()
    assert card is not None
    one.answer(card, rating=1)  # on the review path's connection (the first of its two commits)
    assert not others
    assert qids[9] in {c["question_id"] for c in _rows(one, "is:suspended")}
    _agrees(one, ref, ("due",))
    others.append(lambda: two.bury(("sib", qids[11])))
    one.suspend(("sib", qids[10]))  # on the card writer's connection
    assert not others
    assert qids[11] in {c["question_id"] for c in _rows(one, "is:buried")}
    _agrees(one, ref, ("due",))


@pytest.mark.parametrize(("keyed", "patched"), [(1000, 200), (0, 0), (1, 1)])
def test_random_changes_from_two_sessions_always_match_a_fresh_read(world, monkeypatch, keyed, patched) -> None:
    """Through every path: changed cards read by key or all read and compared, groups moved or made again."""
    from studyvm.study import cardlisting

    monkeypatch.setattr(cardlisting, "KEYED_MOST", keyed)
    monkeypatch.setattr(cardlisting, "PATCH_MOST", patched)
    one, two, ref, clock = world
    rng = random.Random(13)
    qids = [q.id for q in one.pack("sib").questions]
    for _ in range(80):
        actor = rng.choice((one, one, two))
        action = rng.choice(("answer", "suspend", "unsuspend", "bury", "unbury", "forget", "undo", "time"))
        key = ("sib", rng.choice(qids))
        if action == "answer":
            card = actor.next_card()
            if card is not None:
                actor.answer(card, rating=rng.randint(1, 4))
        elif action in ("suspend", "bury", "unbury", "forget"):
            getattr(actor, action)(key)
        elif action == "unsuspend":
            actor.suspend(key, suspended=False)
        elif action == "undo":
            actor.undo()
        else:
            clock.advance(hours=rng.choice((1, 12, 30)))
        query, sort = rng.choice(QUERIES), rng.choice(SORTS)
        reverse = rng.random() < 0.5
        assert _rows(one, query, sort, reverse) == _fresh(ref, query, sort, reverse), (action, query, sort)


def test_a_long_result_pauses_the_collector_and_gives_the_same_cards(world, monkeypatch) -> None:
    import gc

    from studyvm.study import browse

    one, _two, ref, _clock = world
    monkeypatch.setattr(browse, "GC_PAUSE_FROM", 10**9)
    plain = _rows(one, "")
    monkeypatch.setattr(browse, "GC_PAUSE_FROM", 1)
    one.caches["browse_rows"]["listing"].last = None
    assert _rows(one, "") == plain == _fresh(ref, "")
    assert gc.isenabled()
