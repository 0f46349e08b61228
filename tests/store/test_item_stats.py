"""Item analysis on both databases, against figures worked out by hand.

Five finished attempts (rows) of questions q1..q3 scored 0/1, plus q4 always right, q5 always
wrong, q6 answered only twice, and an unfinished attempt that must not count:

    attempt  q1 q2 q3 q4 q5   rest of q1 (= total - q1)
    A1        1  1  1  1  0   3
    A2        1  1  0  1  0   2
    A3        1  0  0  1  0   1
    A4        0  1  0  1  0   2
    A5        1  0  1  1  0   2

q1: x = 1,1,1,0,1 (mean .8), rest = 3,2,1,2,2 (mean 2): deviations .2,.2,.2,-.8,.2 and
    1,0,-1,0,0; sum of products 0 -> discrimination 0; var x = .8/4 = .2, sd = .4472.
q2: x = 1,1,0,1,0 (mean .6), rest = 3,2,2,1,3 (mean 2.2): dx .4,.4,-.6,.4,-.6, dr .8,-.2,-.2,-1.2,.8;
    sum dx dr = .32 - .08 + .12 - .48 - .48 = -.6 -> cov -.15; var x = 1.2/4 = .3, var r = 2.8/4 = .7;
    discrimination = 100 * -.15 / sqrt(.21) = -32.73.
q3: x = 1,0,0,0,1 (mean .4), rest = 3,3,2,2,2 (mean 2.4): dx .6,-.4,-.4,-.4,.6, dr .6,.6,-.4,-.4,-.4;
    sum dx dr = .36 - .24 + .16 + .16 - .24 = .2 -> cov .05; var x = .3, var r = 1.2/4 = .3;
    discrimination = 100 * .05 / .3 = 16.67.
(q4 and q5 are constant: they shift every rest by the same amount, which changes no variance.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import insert

from studyvm.store.engine import open_database, write_session
from studyvm.store.models import Attempt, AttemptAnswer, Learner
from studyvm.study.itemstats import (
    FLAG_EASY,
    FLAG_HARD,
    FLAG_NEGATIVE,
    compute_item_report,
    format_item_report,
    moments,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GRID = {
    "A1": [1, 1, 1, 1, 0],
    "A2": [1, 1, 0, 1, 0],
    "A3": [1, 0, 0, 1, 0],
    "A4": [0, 1, 0, 1, 0],
    "A5": [1, 0, 1, 1, 0],
}


def _fill(engine) -> None:
    with write_session(engine) as s:
        learner = s.execute(insert(Learner.__table__).values(name="ada", created_at=T0)).inserted_primary_key[0]

        def attempt(scores: dict[tuple[str, str], float], finished: bool = True) -> None:
            total = sum(scores.values())
            attempt_id = s.execute(
                insert(Attempt.__table__).values(
                    learner_id=learner,
                    kind="exam",
                    started_at=T0,
                    finished_at=T0 if finished else None,
                    elapsed_s=0,
                    cbm=False,
                    items="[]",
                    score=total if finished else None,
                    max_score=len(scores),
                )
            ).inserted_primary_key[0]
            for position, ((pack, qid), score) in enumerate(scores.items()):
                s.execute(
                    insert(AttemptAnswer.__table__).values(
                        attempt_id=attempt_id,
                        position=position,
                        pack_id=pack,
                        question_id=qid,
                        score=score,
                        answered_at=T0,
                    )
                )

        for name, row in GRID.items():
            scores = {("virt", f"q{i + 1}"): float(v) for i, v in enumerate(row)}
            if name in ("A1", "A2"):
                scores[("virt", "q6")] = 0.0
            attempt(scores)
        attempt({("virt", "q1"): 0.0, ("virt", "q2"): 0.0}, finished=False)  # not counted
        attempt({("other", "z1"): 0.5})


def _svc(engine) -> SimpleNamespace:
    return SimpleNamespace(engine=engine, packs={})


def test_item_analysis_matches_the_hand_computation(db_url: str) -> None:
    engine = open_database(db_url)
    _fill(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        report = compute_item_report(_svc(engine), session, pack_id="virt")
    engine.dispose()
    stats = {s.question_id: s for s in report.questions}
    assert report.attempts == 5 and set(stats) == {"q1", "q2", "q3", "q4", "q5", "q6"}
    q1, q2, q3, q4, q5, q6 = (stats[f"q{i}"] for i in range(1, 7))
    assert (q1.attempts, q1.facility, q1.sd, q1.discrimination, q1.flags) == (5, 0.8, 0.4472, 0.0, [])
    assert (q2.facility, q2.sd, q2.discrimination, q2.flags) == (0.6, 0.5477, -32.73, [FLAG_NEGATIVE])
    assert (q3.facility, q3.sd, q3.discrimination, q3.flags) == (0.4, 0.5477, 16.67, [])
    assert (q4.facility, q4.sd, q4.discrimination, q4.flags) == (1.0, 0.0, None, [FLAG_EASY])
    assert (q5.facility, q5.discrimination, q5.flags) == (0.0, None, [FLAG_HARD])
    assert (q6.attempts, q6.facility, q6.flags) == (2, 0.0, [])  # too few attempts to flag
    assert [s.question_id for s in report.questions][:3] == ["q2", "q4", "q5"]  # flagged first, worst first
    assert q1.prompt == "(no longer in its pack)"
    text = format_item_report(report)
    assert "virt/q2" in text and "-33" in text and "negative discrimination" in text
    assert report.as_json()["questions"][0]["discrimination"] == -32.73


def test_every_pack_and_an_empty_history(sqlite_url: str) -> None:
    from sqlalchemy.orm import Session

    engine = open_database(sqlite_url)
    with Session(engine) as session:
        empty = compute_item_report(_svc(engine), session)
    assert empty.questions == [] and "no finished quiz or exam attempts yet" in format_item_report(empty)
    _fill(engine)
    with Session(engine) as session:
        both = compute_item_report(_svc(engine), session)
    engine.dispose()
    assert both.attempts == 6 and {s.pack_id for s in both.questions} == {"virt", "other"}
    z1 = next(s for s in both.questions if s.question_id == "z1")
    assert (z1.attempts, z1.facility, z1.sd, z1.discrimination) == (1, 0.5, None, None)


@pytest.mark.parametrize("n", [2, 7, 40])
def test_moments_agree_with_a_two_pass_computation(n: int) -> None:
    import random
    import statistics

    rng = random.Random(n)
    xs = [rng.choice([0, 0.5, 1]) for _ in range(n)]
    rs = [rng.uniform(0, 300) for _ in range(n)]
    facility, sd, disc = moments(
        n,
        sum(xs),
        sum(x * x for x in xs),
        sum(rs),
        sum(r * r for r in rs),
        sum(x * r for x, r in zip(xs, rs, strict=True)),
    )
    assert facility == pytest.approx(statistics.fmean(xs))
    assert sd == pytest.approx(statistics.stdev(xs))
    if statistics.pvariance(xs) > 0:
        assert disc == pytest.approx(100 * statistics.correlation(xs, rs))
    else:
        assert disc is None
