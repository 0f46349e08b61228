"""``cards search`` prints every line in one write (issue 13 item 2): the lines are those of the
plain per-card formatting, local due dates included, in zones whose offsets or changes fall on
half and quarter hours."""

from __future__ import annotations

import io
import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from studyvm.cli.card_cmds import write_cards
from studyvm.study.browse import CardInfo, SearchPage
from studyvm.wording import plural

ZONES = ("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe", "Asia/Kolkata")


def _reference(page: SearchPage) -> str:
    """The formatting before: one card at a time, each date worked out on its own."""
    shown = f" (the first {len(page.cards)} shown)" if page.more else ""
    lines = [plural(page.total, "card") + shown]
    for c in page.cards:
        due = c.due.astimezone().strftime("%Y-%m-%d") if c.due else "-"
        flags = ",".join(sorted(c.flags - {"new", "learn", "review"})) or ""
        lines.append(
            f"{c.pack_id}/{c.question_id}  {c.state:<10} due {due:<10} ivl {c.ivl:>6.1f}d  "
            f"lapses {c.lapses:<2} last {c.last_rating_name or '-':<5} {flags:<16} {c.prompt[:60]}"
        )
    return "\n".join(lines) + "\n"


def _cards(rng: random.Random, n: int) -> list[CardInfo]:
    start = datetime(2026, 3, 27, tzinfo=UTC)  # across the spring changes of both hemispheres' zones
    out = []
    for i in range(n):
        due = None if rng.random() < 0.1 else start + timedelta(minutes=rng.randrange(60 * 24 * 14), seconds=i % 60)
        out.append(
            CardInfo(
                pack_id="p",
                question_id=f"q{i}",
                prompt=rng.choice(["short", "a long prompt " * 8]),
                topic="t",
                type="flip",
                state=rng.choice(["new", "review", "learning"]),
                due=due,
                ivl=rng.choice([0.0, 1.25, 300.5]),
                lapses=rng.randrange(12),
                reps=rng.randrange(30),
                last_rating=rng.choice([None, 1, 2, 3, 4]),
                flags=frozenset(rng.sample(["due", "review", "suspended", "buried", "leech"], rng.randrange(3))),
            )
        )
    return out


@pytest.mark.parametrize("zone", ZONES)
def test_lines_are_the_per_card_formatting(zone: str, monkeypatch) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        rng = random.Random(zone)
        cards = _cards(rng, 3000)
        # every quarter hour of two days around a change, and the minutes either side of each
        base = datetime(2026, 4, 4, tzinfo=UTC)
        for step in range(2 * 24 * 4):
            for delta in (timedelta(0), timedelta(minutes=14, seconds=59), timedelta(seconds=-1)):
                card = cards[rng.randrange(len(cards))]
                cards.append(replace(card, due=base + timedelta(minutes=15 * step) + delta))
        for more in (False, True):
            page = SearchPage(total=len(cards) + (5 if more else 0), cards=cards)
            out = io.StringIO()
            write_cards(page, out)
            assert out.getvalue() == _reference(page)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_an_empty_result_is_the_count_alone() -> None:
    out = io.StringIO()
    write_cards(SearchPage(total=0, cards=[]), out)
    assert out.getvalue() == "0 cards\n"
