"""FSRS outcomes through the service equal the fsrs package's own, for fixed dates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from sqlalchemy import select

from studyvm.store.models import CardState, ReviewLog
from studyvm.study.scheduling import CardFields, retrievability, schedule
from studyvm.study.service import StudyService

from .helpers import QUESTIONS, make_pack

RATINGS = [3, 3, 1, 3, 4, 2, 1, 1, 3, 3, 3]


def _reference(ratings: list[int], times: list[datetime], fuzz: bool) -> list[fsrs.Card]:
    scheduler = fsrs.Scheduler(enable_fuzzing=fuzz)
    card = fsrs.Card(card_id=1)
    out = []
    for rating, when in zip(ratings, times, strict=True):
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=when)
        out.append(card)
    return out


@pytest.mark.parametrize("fuzz", [False, True])
def test_service_matches_fsrs_for_fixed_dates(settings, clock, fuzz) -> None:
    flip_only = make_pack(questions=[QUESTIONS[0]])
    svc = StudyService(settings, packs={"virt": flip_only}, clock=clock, tz=UTC, fuzz=fuzz)
    times = []
    with svc:
        random.seed(7)
        for rating in RATINGS:
            card = svc.next_card()
            if card is None:  # nothing due yet: jump to when the card is due
                with svc.read() as s:
                    due = s.execute(
                        select(CardState.__table__.c.due).where(CardState.__table__.c.question_id == "flip-1")
                    ).scalar()
                clock.now = due + timedelta(hours=1)
                card = svc.next_card()
            assert card.question_id == "flip-1"
            times.append(clock.now)
            svc.answer(card, rating=rating)
            clock.advance(minutes=1)
        with svc.read() as s:
            row = s.execute(select(CardState.__table__).where(CardState.__table__.c.question_id == "flip-1")).one()
            logs = s.execute(select(ReviewLog.__table__.c.rating)).scalars().all()
    random.seed(7)
    reference = _reference(RATINGS, times, fuzz)
    expected = reference[-1]
    states_before = [fsrs.State.Learning] + [c.state for c in reference[:-1]]
    lapses = sum(1 for r, st in zip(RATINGS, states_before, strict=True) if r == 1 and st == fsrs.State.Review)
    assert logs == RATINGS
    assert (row.state, row.step) == (expected.state.value, expected.step)
    assert row.stability == pytest.approx(expected.stability, rel=1e-12)
    assert row.difficulty == pytest.approx(expected.difficulty, rel=1e-12)
    assert row.due == expected.due and row.last_review == expected.last_review
    assert row.lapses == lapses >= 1


def test_schedule_step_by_step_equals_fsrs() -> None:
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    when = datetime(2026, 1, 1, 12, tzinfo=UTC)
    fields = CardFields()
    card = fsrs.Card(card_id=1)
    for rating in RATINGS:
        done = schedule(scheduler, fields, rating, when)
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=when)
        fields = done.fields
        assert (fields.state, fields.step, fields.due) == (card.state.value, card.step, card.due)
        assert fields.stability == pytest.approx(card.stability)
        when = card.due + timedelta(days=1)
        r_ours = retrievability(scheduler, fields.stability, (when - fields.last_review).days)
        assert r_ours == pytest.approx(scheduler.get_card_retrievability(card, when))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        schedule(fsrs.Scheduler(), CardFields(), 3, datetime(2026, 1, 1))


def test_leech_after_eight_lapses() -> None:
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    fields = CardFields(
        state=2,
        stability=5.0,
        difficulty=5.0,
        due=datetime(2026, 1, 1, tzinfo=UTC),
        last_review=datetime(2025, 12, 25, tzinfo=UTC),
        reps=10,
        lapses=7,
    )
    done = schedule(scheduler, fields, 1, datetime(2026, 1, 2, tzinfo=UTC))
    assert done.fields.lapses == 8 and done.became_leech
    relearning = CardFields(**{**fields.__dict__, "state": 3, "step": 0})
    assert not schedule(scheduler, relearning, 1, datetime(2026, 1, 2, tzinfo=UTC)).became_leech
