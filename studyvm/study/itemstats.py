"""Item analysis for instructors (``studyvm report --items``): how each question performs.

Computed over every finished quiz and exam attempt, as Moodle's quiz statistics compute them:

- **attempts**: answers to the question in finished attempts;
- **facility index**: the mean score (0..1; every question is marked out of 1);
- **standard deviation** of the score (sample, n - 1);
- **discrimination index**: 100 x the correlation, across those attempts, between the
  question's score and the score on the *rest* of the attempt (the attempt's total minus this
  question): ``100 cov(x, r) / sqrt(var(x) var(r))``, with sample (n - 1) moments. A good
  question is answered well by those who do well elsewhere (positive); a negative index means the
  stronger learners get it wrong more often — a wrong key, or a misleading stem. It is undefined
  with fewer than two attempts or when either score never varies.

A question in a finished attempt that was never answered (an exam whose time ran out) has no
answer row and is not counted for that question; it still counts 0 in the attempt's total.

The figures come from one aggregate query (count, sums, sums of squares and of products per
question), so a class of 100 learners with 20 attempts of 300 questions each is one pass over
600,000 answers inside the database.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

import studyvm.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from studyvm.store.classdb import require_instructor
from studyvm.study.report import shown_prompt
from studyvm.wording import one_line, plural

ATTEMPT = SQLModel.metadata.tables["attempt"]
ANSWER = SQLModel.metadata.tables["attempt_answer"]
TOO_EASY = 0.90
"""A facility index at or above this flags the question as too easy."""
TOO_HARD = 0.20
"""A facility index at or below this flags the question as too hard."""
MIN_ATTEMPTS_TO_FLAG = 5
"""Below this many attempts a question is not flagged: the figures are too noisy to judge."""
FLAG_EASY, FLAG_HARD, FLAG_NEGATIVE = "too easy", "too hard", "negative discrimination"


@dataclass
class ItemStat:
    """The figures of one question."""

    pack_id: str
    question_id: str
    attempts: int
    facility: float | None
    """Mean score 0..1."""
    sd: float | None
    """Sample standard deviation of the score; ``None`` below two attempts."""
    discrimination: float | None
    """-100..100; ``None`` when undefined (see the module's docstring)."""
    flags: list[str] = field(default_factory=list)
    prompt: str = ""


@dataclass
class ItemReport:
    """Item analysis over a class (or the local history); :meth:`as_json` is ``--json``."""

    pack_id: str | None
    attempts: int
    """Finished attempts that contain at least one answer counted here."""
    questions: list[ItemStat] = field(default_factory=list)
    """Flagged questions first, then the lowest discrimination first."""

    def as_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return asdict(self)


def moments(n: int, sx: float, sxx: float, sr: float, srr: float, sxr: float) -> tuple[float | None, ...]:
    """(facility, sd, discrimination) from the count and sums of scores ``x`` and rest scores ``r``."""
    if n == 0:
        return None, None, None
    facility = sx / n
    if n < 2:
        return facility, None, None
    var_x = max(sxx - sx * sx / n, 0.0) / (n - 1)
    var_r = max(srr - sr * sr / n, 0.0) / (n - 1)
    cov = (sxr - sx * sr / n) / (n - 1)
    sd = math.sqrt(var_x)
    scale = math.sqrt(var_x * var_r)
    # Sums of squares carry rounding error of about 1e-12 of their size: treat less as no variance.
    if var_x <= 1e-12 * max(1.0, sxx / n) or var_r <= 1e-12 * max(1.0, srr / n) or scale == 0:
        return facility, sd, None
    return facility, sd, max(-100.0, min(100.0, 100 * cov / scale))


def flags_for(attempts: int, facility: float | None, discrimination: float | None) -> list[str]:
    """The warnings an instructor should see for a question (none below a few attempts)."""
    if attempts < MIN_ATTEMPTS_TO_FLAG or facility is None:
        return []
    found = []
    if facility >= TOO_EASY:
        found.append(FLAG_EASY)
    if facility <= TOO_HARD:
        found.append(FLAG_HARD)
    if discrimination is not None and discrimination < 0:
        found.append(FLAG_NEGATIVE)
    return found


def item_sums(session: Session, pack_id: str | None = None) -> list[tuple]:
    """Per question: (pack, question, n, sum x, sum x^2, sum r, sum r^2, sum x r), one pass."""
    x = ANSWER.c.score
    rest = ATTEMPT.c.score - ANSWER.c.score
    query = (
        select(
            ANSWER.c.pack_id,
            ANSWER.c.question_id,
            func.count(),
            func.sum(x),
            func.sum(x * x),
            func.sum(rest),
            func.sum(rest * rest),
            func.sum(x * rest),
        )
        .join(ATTEMPT, ATTEMPT.c.id == ANSWER.c.attempt_id)
        .where(ATTEMPT.c.finished_at.is_not(None), ATTEMPT.c.score.is_not(None))
        .group_by(ANSWER.c.pack_id, ANSWER.c.question_id)
    )
    if pack_id:
        query = query.where(ANSWER.c.pack_id == pack_id)
    return [tuple(row) for row in session.execute(query)]


def _attempt_count(session: Session, pack_id: str | None) -> int:
    query = (
        select(func.count())
        .select_from(ATTEMPT)
        .where(ATTEMPT.c.finished_at.is_not(None), ATTEMPT.c.score.is_not(None))
    )
    inner = select(ANSWER.c.id).where(ANSWER.c.attempt_id == ATTEMPT.c.id).correlate(ATTEMPT)
    if pack_id:
        inner = inner.where(ANSWER.c.pack_id == pack_id)
    return session.execute(query.where(inner.exists())).scalar_one()


def compute_item_report(svc: Any, session: Session, pack_id: str | None = None) -> ItemReport:
    """Item analysis over every learner's finished attempts (instructors only on a class database)."""
    require_instructor(svc.engine, "item analysis")
    report = ItemReport(pack_id=pack_id, attempts=_attempt_count(session, pack_id))
    packs = svc.packs
    for p, q, n, *sums in item_sums(session, pack_id):
        facility, sd, discrimination = moments(n, *(float(s or 0) for s in sums))
        pack = packs.get(p)
        question = pack.question(q) if pack else None
        report.questions.append(
            ItemStat(
                p,
                q,
                n,
                _round(facility),
                _round(sd),
                _round(discrimination, 2),
                flags_for(n, facility, discrimination),
                shown_prompt(question) if question else "(no longer in its pack)",
            )
        )
    report.questions.sort(
        key=lambda s: (
            not s.flags,
            s.discrimination is None,
            s.discrimination if s.discrimination is not None else 0.0,
            s.pack_id,
            s.question_id,
        )
    )
    return report


def item_report(svc: Any, pack_id: str | None = None) -> ItemReport:
    """:func:`compute_item_report` in a read session of the open study service ``svc``: what
    ``studyvm report --items`` prints and the app's Packs screen shows."""
    with svc.read() as session:
        return compute_item_report(svc, session, pack_id=pack_id)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def shown_figures(stat: ItemStat) -> tuple[str, str, str]:
    """(facility, sd, discrimination) as shown to people: ``85%``, ``0.36``, ``+42``; ``-`` when undefined."""
    facility = f"{stat.facility:.0%}" if stat.facility is not None else "-"
    sd = f"{stat.sd:.2f}" if stat.sd is not None else "-"
    disc = f"{stat.discrimination:+.0f}" if stat.discrimination is not None else "-"
    return facility, sd, disc


def format_item_report(report: ItemReport) -> str:
    """The human-readable ``studyvm report --items``: the figures, then the question and its flags."""
    scope = f" for pack {report.pack_id}" if report.pack_id else ""
    counts = f"{plural(len(report.questions), 'question')}, {plural(report.attempts, 'finished attempt')}"
    lines = [f"item analysis{scope}: {counts}"]
    if not report.questions:
        return "\n".join([*lines, "  no finished quiz or exam attempts yet"])
    lines += ["", f"{'attempts':>8} {'facility':>8} {'sd':>5} {'discr.':>6}  question"]
    for s in report.questions:
        facility, sd, disc = shown_figures(s)
        flags = f"  [{', '.join(s.flags)}]" if s.flags else ""
        lines.append(f"{s.attempts:>8} {facility:>8} {sd:>5} {disc:>6}  {s.pack_id}/{s.question_id}{flags}")
        lines.append(f"{'':>32}{one_line(s.prompt, 70)}")
    lines += [
        "",
        f"facility = mean score; discr. = 100 x correlation with the rest of the attempt; "
        f"flags need {MIN_ATTEMPTS_TO_FLAG}+ attempts",
    ]
    return "\n".join(lines)
