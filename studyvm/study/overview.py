"""What the dashboard, the packs screen and the statistics screen show, as plain data.

Each function reads the catalog and the study service and returns a view from
:mod:`studyvm.study.views`; the shells only draw them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from studyvm.study.scheduling import day_of
from studyvm.study.views import Dashboard, FailedPack, PackSummary, StatsData, TopicMastery
from studyvm.wording import plural

if TYPE_CHECKING:
    from studyvm.packs.catalog import Catalog
    from studyvm.study.service import StudyService
    from studyvm.study.stats import Stats


def pack_summaries(catalog: Catalog) -> tuple[list[PackSummary], list[FailedPack]]:
    """Every loaded pack (counts not filled in) and every pack that failed to load."""
    packs = [
        PackSummary(
            id=p.id,
            title=p.head.title,
            origin=p.origin,
            location=p.location,
            questions=len(p.index),
            topics=p.topics(),
            description=p.head.description,
            version=p.head.version,
            demos=len(p.index.demos),
        )
        for p in catalog.packs.values()
    ]
    failed = [FailedPack(loc, [str(d) for d in diags]) for loc, diags in catalog.failed.items()]
    if catalog.diagnostics:
        # problems between packs (two packs with one id), not of one folder: say so in words (p4)
        failed.append(FailedPack("packs in conflict", [str(d) for d in catalog.diagnostics]))
    return packs, failed


def mastery_of(stats: Stats) -> list[TopicMastery]:
    """Mastery per topic (mastered N of M), weakest first, then by name.

    With more than one pack, each pack's topics come together, named ``pack · topic`` (pack id:
    short, so a narrow screen cuts neither), so one pack's ``general`` is never mixed with another's.
    """
    packs = {p: topics for p, topics in stats.mastered_by_pack_topic.items() if topics}
    if len(packs) <= 1:
        rows = [
            TopicMastery(topic, count.fraction, count.questions, count.mastered, count.seen)
            for topic, count in stats.mastered_by_topic.items()
        ]
        return sorted(rows, key=lambda m: (m.mastery, m.topic))
    out: list[TopicMastery] = []
    for pack_id in sorted(packs):
        rows = [
            TopicMastery(f"{pack_id} · {topic}", c.fraction, c.questions, c.mastered, c.seen)
            for topic, c in packs[pack_id].items()
        ]
        out += sorted(rows, key=lambda m: (m.mastery, m.topic))
    return out


def suggest(due_now: int, new_total: int, known: bool = True) -> tuple[str, str]:
    """The dashboard's next step: (what to do, the screen that does it).

    ``known=False``: the counts could not be read (progress unavailable), so offer a quiz.
    """
    if not known:
        return "start a practice quiz (z)", "quiz"
    if due_now:
        return f"review {plural(due_now, 'due card')} — press n", "review"
    if new_total:
        return f"learn {plural(new_total, 'new card')} — press n", "review"
    return "all done for today: try a practice quiz — press n", "quiz"


def fill_counts(service: StudyService, packs: list[PackSummary]) -> None:
    """Cards due now and new cards available today, per pack (the same figures everywhere), and each
    pack's daily limits."""
    from studyvm.study.limits import describe

    counts = service.due_counts()
    for pack in packs:
        count = counts.get(pack.id)
        if count is not None:
            pack.due, pack.new = count.due, count.new
        pack.limits = describe(service.limits, pack.id)


def fill_dashboard(service: StudyService, data: Dashboard, mastery: bool = True) -> None:
    """Due and new counts per pack, streak, today's reviews, the next step and (``mastery``) the mastery
    per topic. The counts come from the review queue and the per-day totals, cheap however long the
    history; mastery reads every reviewed card, so a screen may ask for it afterwards
    (:func:`fill_mastery`)."""
    counts = {pid: (c.due, c.new) for pid, c in service.due_counts().items()}
    show_counts(data, counts, *service.today())
    if mastery:
        fill_mastery(service, data)


def show_counts(data: Dashboard, counts: dict[str, tuple[int, int]], streak: int, reviews_today: int) -> None:
    """Put (due, new) per pack, the streak, today's reviews and the next step into ``data``."""
    for pack in data.packs:
        count = counts.get(pack.id)
        if count is not None:
            pack.due, pack.new = count
    data.due_now = sum(p.due for p in data.packs)
    data.streak = streak
    data.reviews_today = reviews_today
    data.suggestion, data.suggested_screen = suggest(data.due_now, sum(p.new for p in data.packs))


def fill_mastery(service: StudyService, data: Dashboard) -> None:
    """Mastery per topic (mastered N of M, see :func:`studyvm.study.stats.is_mastered`), weakest first."""
    from studyvm.study.stats import topic_mastery

    by_topic = topic_mastery(service)
    rows = [TopicMastery(topic, c.fraction, c.questions, c.mastered, c.seen) for topic, c in by_topic.items()]
    data.mastery = sorted(rows, key=lambda m: (m.mastery, m.topic))


def stats_view(service: StudyService) -> StatsData:
    """Statistics of the learner, ready to draw."""
    s = service.stats()
    today = day_of(service.clock(), service.tz)
    return StatsData(
        today=date.fromordinal(today),
        reviews_total=s.reviews_total,
        reviews_today=s.reviews_today,
        due_now=s.due_now,
        streak=s.streak,
        retention=s.retention,
        heatmap={date.fromisoformat(d): n for d, n in s.heatmap.items()},
        forecast=list(s.forecast.values()),
        mastery=mastery_of(s),
        exams=[(str(e["date"])[:10], float(e["percent"])) for e in s.exams],
        retention_by_week=service.retention_by_week(),
    )
