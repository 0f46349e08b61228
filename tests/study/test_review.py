"""Review sessions: order, limits, undo, suspend, bury, leeches, pack edits, every type reviewable."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import func, select

from studyvm.config import Settings
from studyvm.store.models import CardState, ReviewDayStats, ReviewLog
from studyvm.study.service import StudyError, StudyService

from .helpers import QUESTIONS, make_pack

CARD = CardState.__table__
LOG = ReviewLog.__table__
DAY = ReviewDayStats.__table__


def _answer_right(svc, card):
    q = card.question
    right = {
        "mcq": 0,
        "multi": [0, 1],
        "true_false": False,
        "short": "lidt",
        "numerical": "4",
        "cloze": "hypercalls",
        "matching": {"Binary translation": "Full", "Hypercalls": "Para"},
        "ordering": [0, 1, 2, 3],
    }
    if q.type == "flip":
        return svc.answer(card, rating=3)
    return svc.answer(card, response=right[q.type])


def test_new_cards_in_pack_order_and_every_type_reviewable(service) -> None:
    seen = []
    while (card := service.next_card()) is not None and card.state == "new":
        out = _answer_right(service, card)
        assert out.rating == 3 and out.next_due is not None
        assert out.correct in (True, None)
        seen.append(card.question_id)
    assert seen == [q["id"] for q in QUESTIONS]


def test_wrong_is_again_right_is_good_unless_hard_or_easy(service) -> None:
    card = service.next_card()
    service.answer(card, rating=3)  # flip
    card = service.next_card()
    assert card.question_id == "mcq-1"
    out = service.answer(card, response=1)
    assert (out.rating, out.correct, out.expected) == (1, False, "Trap and emulate")
    assert out.caveat and out.source == ""
    card = service.next_card()
    out = service.answer(card, response=[0, 1], rating=4)
    assert (out.rating, out.correct) == (4, True)
    with pytest.raises(StudyError):
        service.answer(service.next_card())  # neither response nor rating


def test_the_learners_rating_is_final_after_an_auto_graded_verdict(service) -> None:
    service.answer(service.next_card(), rating=3)  # flip
    card = service.next_card()
    out = service.answer(card, response=0, rating=1)  # right, but a lucky guess: Again stays Again
    assert (out.rating, out.correct) == (1, True)
    card = service.next_card()
    out = service.answer(card, response=[0], rating=3)  # half right, passed as Good by the learner
    assert (out.rating, out.score) == (3, 0.5)
    with service.read() as session:
        stored = session.execute(select(LOG.c.rating).order_by(LOG.c.id)).scalars().all()
    assert stored == [3, 1, 3]


def test_answers_are_committed_before_returning(service, settings) -> None:
    card = service.next_card()
    service.answer(card, rating=4)
    other = StudyService(settings, packs=service.packs, tz=UTC).open()  # another connection sees it at once
    with other.read() as s:
        assert s.execute(
            select(CARD.c.question_id, LOG.c.rating).join_from(LOG, CARD, CARD.c.id == LOG.c.card_id)
        ).all() == [("flip-1", 4)]
    other.close()


def test_undo_at_least_ten_answers(settings, clock) -> None:
    many = make_pack(questions=[{"id": f"c{i}", "type": "flip", "prompt": f"p{i}", "back": "b"} for i in range(12)])
    with StudyService(settings, packs={"virt": many}, clock=clock, tz=UTC, fuzz=False) as svc:
        for _ in range(12):
            svc.answer(svc.next_card(), rating=3)
            clock.advance(seconds=5)
        undone = [svc.undo() for _ in range(11)]
        with svc.read() as s:  # the day totals follow the log through undos
            assert s.execute(select(DAY.c.reviews, DAY.c.new_cards)).all() == [(1, 1)]
        assert [u[1] for u in undone] == [f"c{i}" for i in range(11, 0, -1)]
        with svc.read() as s:
            assert s.execute(
                select(CARD.c.question_id).join_from(LOG, CARD, CARD.c.id == LOG.c.card_id)
            ).scalars().all() == ["c0"]
            states = dict(s.execute(select(CARD.c.question_id, CARD.c.state)).all())
        assert states["c0"] == 1 and all(states[f"c{i}"] == 0 for i in range(1, 12))
        assert svc.next_card().question_id == "c1"
        view = svc.card("virt", "c11")  # the card an undo put back, to show it again
        assert (view.question_id, view.state) == ("c11", "new")
        with pytest.raises(StudyError):
            svc.card("virt", "nope")
        assert svc.undo()[1] == "c0" and svc.undo() is None


def test_daily_new_limit_and_review_limit(settings, clock) -> None:
    with StudyService(settings, packs={"virt": make_pack()}, clock=clock, tz=UTC, new_per_day=2) as svc:
        for _ in range(2):
            svc.answer(svc.next_card(), rating=4)  # Easy: out of learning, due in days
        assert svc.next_card() is None
        assert svc.due_counts()["virt"].new == 0
        clock.advance(days=1)
        assert svc.due_counts()["virt"].new == 2


def test_suspend_bury_and_learn_ahead(service, clock) -> None:
    card = service.next_card()
    assert service.suspend(card)
    assert service.next_card().question_id == "mcq-1"
    service.bury(service.next_card())
    assert service.next_card().question_id == "multi-1"
    clock.advance(days=1)
    assert service.next_card().question_id == "mcq-1"  # buried until the next day
    service.suspend(("virt", "flip-1"), suspended=False)
    assert service.next_card().question_id == "flip-1"
    out = service.answer(service.next_card(), rating=1)  # Again: due in a minute
    assert (out.next_due - clock.now).total_seconds() == 60


def test_leech_is_tagged_and_suspended(settings, clock) -> None:
    one = make_pack(questions=[QUESTIONS[0]])
    with StudyService(settings, packs={"virt": one}, clock=clock, tz=UTC, fuzz=False) as svc:
        leech_seen = False
        for _ in range(60):
            card = svc.next_card()
            if card is None:
                with svc.read() as s:
                    clock.now = s.execute(select(CARD.c.due)).scalar()
                continue
            # Good until the card is in review, then forget it.
            out = svc.answer(card, rating=1 if card.state == "review" else 3)
            if out.leech:
                leech_seen = True
                break
        assert leech_seen
        with svc.read() as s:
            row = s.execute(select(CARD)).one()
        assert (row.lapses, row.leech, row.suspended) == (8, True, True)
        clock.advance(days=400)
        assert svc.next_card() is None


def test_editing_a_pack_keeps_history(settings, clock) -> None:
    with StudyService(settings, packs={"virt": make_pack()}, clock=clock, tz=UTC) as svc:
        svc.answer(svc.next_card(), rating=3)
        svc.answer(svc.next_card(), response=0)
    edited = [q for q in QUESTIONS if q["id"] != "mcq-1"] + [
        {"id": "new-1", "type": "flip", "prompt": "n", "back": "b"}
    ]
    edited[0] = {**edited[0], "prompt": "Reworded: what is the VMCS?"}
    with StudyService(settings, packs={"virt": make_pack(questions=edited)}, clock=clock, tz=UTC) as svc:
        with svc.read() as s:
            rows = {r.question_id: r for r in s.execute(select(CARD))}
            logs = (
                s.execute(select(CARD.c.question_id).join_from(LOG, CARD, CARD.c.id == LOG.c.card_id)).scalars().all()
            )
        assert rows["flip-1"].reps == 1  # unchanged id keeps its state
        assert rows["mcq-1"].removed and rows["mcq-1"].reps == 1 and "mcq-1" in logs
        assert rows["new-1"].state == 0
        clock.advance(days=30)
        seen = set()
        while (card := svc.next_card()) is not None and len(seen) < 20:
            seen.add(card.question_id)
            svc.answer(card, rating=4)
        assert "mcq-1" not in seen and "new-1" in seen
    with StudyService(settings, packs={"virt": make_pack()}, clock=clock, tz=UTC) as svc, svc.read() as s:
        restored = s.execute(select(CARD).where(CARD.c.question_id == "mcq-1")).one()
        assert not restored.removed and restored.reps == 1  # back in the pack: its state is back too


def test_mistakes_from_reviews(service) -> None:
    service.answer(service.next_card(), rating=1)  # flip forgotten
    service.answer(service.next_card(), response=1)  # mcq wrong
    assert {it.question.id for it in service.start_quiz(mistakes=True).items} == {"flip-1", "mcq-1"}
    service.answer(service.card("virt", "flip-1"), rating=3)
    service.answer(service.card("virt", "mcq-1"), response=0)
    with pytest.raises(StudyError, match="mistake bank is empty"):
        service.start_quiz(mistakes=True)


def test_unknown_pack_is_a_study_error(service) -> None:
    with pytest.raises(StudyError, match="no pack with id 'nope'"):
        service.next_card("nope")


def test_learners_are_separate(settings, clock) -> None:
    packs = {"virt": make_pack()}
    with StudyService(settings, packs=packs, clock=clock, tz=UTC) as ada:
        ada.answer(ada.next_card(), rating=3)
    settings.learner = "bob"
    with StudyService(settings, packs=packs, clock=clock, tz=UTC) as bob:
        assert bob.next_card().state == "new" and bob.stats().reviews_total == 0


def test_two_services_answer_at_once(settings, clock) -> None:
    import threading

    many = make_pack(questions=[{"id": f"c{i}", "type": "flip", "prompt": f"p{i}", "back": "b"} for i in range(30)])
    StudyService(settings, packs={"virt": many}, tz=UTC).open().close()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def learner(name: str) -> None:
        try:
            svc = StudyService(
                Settings(home=settings.home, learner=name), packs={"virt": many}, tz=UTC, new_per_day=100
            ).open()
            barrier.wait()
            for _ in range(25):
                svc.answer(svc.next_card(), rating=3)
            svc.close()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=learner, args=(n,)) for n in ("ada", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with StudyService(settings, packs={"virt": many}, tz=UTC) as svc, svc.read() as s:
        assert s.execute(select(func.count()).select_from(LOG)).scalar() == 50


def test_study_settings_from_the_settings_file(settings, clock) -> None:
    settings.home.mkdir(parents=True)
    settings.settings_file.write_text("[tui]\ntheme = 'x'\n\n[study]\ndesired_retention = 0.85\nnew_per_day = 1\n")
    with StudyService(settings, packs={"virt": make_pack()}, clock=clock, tz=UTC) as svc:
        assert svc.scheduler.desired_retention == 0.85 and svc.limits.total_new == 1
        svc.answer(svc.next_card(), rating=4)
        assert svc.next_card() is None
    settings.settings_file.write_text("[study]\ndesired_retention = 1.5\n")
    with pytest.raises(StudyError, match=r"settings.toml: error: \[study\] desired retention"):
        StudyService(settings, packs={"virt": make_pack()})
