"""The compact undo snapshot (``review_log.prev``): exact round trip, older snapshots still read,
an undo through either form restores the card, and the size it saves."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from study.helpers import FakeClock, make_pack
from studyvm.config import Settings
from studyvm.study import undosnap
from studyvm.study.scheduling import CardFields
from studyvm.study.service import StudyService

T0 = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
REVIEW = CardFields(
    state=2,
    step=None,
    stability=23.718264915338113,
    difficulty=6.142930856812231,
    due=datetime(2026, 6, 1, 9, 14, 3, 118271, tzinfo=UTC),
    last_review=datetime(2026, 5, 9, 17, 40, 51, 902114, tzinfo=UTC),
    reps=7,
    lapses=1,
)


def _old_form(fields: CardFields, suspended: bool, leech: bool, buried: datetime | None, last: int | None) -> str:
    """The JSON object the app wrote before the compact form."""
    return json.dumps(
        {
            **fields.as_dict(),
            "suspended": suspended,
            "leech": leech,
            "buried_until": buried.isoformat() if buried else None,
            "last_rating": last,
        }
    )


@pytest.mark.parametrize(
    ("fields", "suspended", "leech", "buried", "last"),
    [
        (REVIEW, False, False, None, 3),
        (REVIEW, True, True, datetime(2026, 6, 2, 4, 0, 0, 1, tzinfo=UTC), 1),
        (REVIEW, False, True, None, None),
        (CardFields(state=0), False, False, None, None),
        (
            CardFields(
                state=1,
                step=1,
                stability=0.4,
                difficulty=9.99,
                due=datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            ),
            True,
            False,
            None,
            2,
        ),
    ],
)
def test_compact_and_old_snapshots_decode_to_the_same_card(fields, suspended, leech, buried, last) -> None:
    compact = undosnap.decode(undosnap.encode(fields, suspended, leech, buried, last))
    old = undosnap.decode(_old_form(fields, suspended, leech, buried, last))
    assert compact == old
    assert (compact.fields, compact.suspended, compact.leech, compact.buried_until, compact.last_rating) == (
        fields,
        suspended,
        leech,
        buried,
        last,
    )
    assert compact.has_last_rating


def test_a_naive_time_is_kept_as_utc() -> None:
    naive = CardFields(state=2, due=datetime(2026, 6, 1, 9, 0), last_review=datetime(2026, 5, 1, 9, 0))
    back = undosnap.decode(undosnap.encode(naive, False, False, None, 3)).fields
    assert back.due == datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    assert back.last_review == datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def test_an_object_snapshot_from_before_last_rating_says_so() -> None:
    data = json.loads(_old_form(REVIEW, False, False, None, None))
    del data["last_rating"]
    assert not undosnap.decode(json.dumps(data)).has_last_rating


@pytest.mark.parametrize("bad", ["[2, 1]", "[]", '"x"', "[1,2,null,1.0,1.0,0,0,1,0,0,null]"])
def test_an_unknown_snapshot_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown undo snapshot"):
        undosnap.decode(bad)


def test_the_compact_form_is_under_a_third_of_the_old() -> None:
    compact = undosnap.encode(REVIEW, False, False, None, 3)
    assert len(compact) < 100 and 3 * len(compact) < len(_old_form(REVIEW, False, False, None, 3))


def _row(svc: StudyService) -> tuple:
    with svc.engine.connect() as conn:
        return tuple(conn.execute(text("SELECT * FROM card_state WHERE question_id = 'flip-1'")).one())


@pytest.mark.parametrize("form", ["compact", "old"])
def test_undo_restores_the_card_from_either_form(tmp_path: Path, form: str) -> None:
    clock = FakeClock(T0)
    pack = make_pack()
    settings = Settings(home=tmp_path, learner="ada")
    with StudyService(settings, packs={pack.id: pack}, clock=clock, tz=UTC, fuzz=False, seed=1) as svc:
        svc.answer(svc.card("virt", "flip-1"), rating=3)
        clock.advance(days=30)
        before = _row(svc)
        svc.answer(svc.card("virt", "flip-1"), rating=1)
        assert _row(svc) != before
        with svc.engine.begin() as conn:
            prev = conn.execute(text("SELECT prev FROM review_log ORDER BY id DESC LIMIT 1")).scalar_one()
            assert prev.startswith("[1,")
            if form == "old":
                snap = undosnap.decode(prev)
                old = _old_form(snap.fields, snap.suspended, snap.leech, snap.buried_until, snap.last_rating)
                conn.execute(
                    text("UPDATE review_log SET prev = :p WHERE id = (SELECT max(id) FROM review_log)"), {"p": old}
                )
        assert svc.undo() == ("virt", "flip-1")
        assert _row(svc) == before
