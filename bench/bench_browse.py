"""Benchmark of the card browser's search and of ``stats`` (mastery) on a big synthetic history.

Reuses :mod:`bench_study`'s generator: 100,000 questions and 1,000,000 review-log rows on
SQLite. Times, for a few typical queries (median of 3, wall and process CPU): ``find_cards``
(every match as an object, what ``cards search`` prints), the browser's first page
(``search_cards`` with ``limit=200``: the count and 200 rows; a new query on a listing already
read and sorted), the same first page with no listing kept (the first search of a session: every
card read and sorted), the first page right after this service answered a card or suspended one
(the listing kept, those cards read again), right after another session suspended one (every card
read again and compared) and the next page of a search (its matches kept). ``cards_search_print_all``
is ``cards search ''`` without the start-up: every card as an object, then as a line. Then
``stats().as_json()`` with the mastery definition. ``first_search_indexed``: the pack written as YAML
to the home folder and indexed as the app's first start does (``<home>/cache/packs``), then, per query,
a fresh process opens a service over that index (a :class:`~studyvm.packs.packindex.LazyPack`) and
times its first search (the first page): what a learner waits for at the first search of a session;
``first_search_without_statistics``: the same once the generator's ANALYZE statistics are dropped, as
in a learner's own database. Prints one JSON object.

    .venv/bin/python bench/bench_browse.py [--questions N] [--reviews N] [--first-search-only]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_study import NOW, PACK_ID, generate, make_pack  # noqa: E402

from studyvm.config import Settings  # noqa: E402
from studyvm.store.engine import open_database  # noqa: E402
from studyvm.study.browse import find_cards, search_cards  # noqa: E402
from studyvm.study.service import StudyService  # noqa: E402

PAGE = 200
"""Rows the Browse screen asks for at a time."""
QUERIES = ("is:due", "topic:topic-07 prop:lapses>0", '"question 4242"', "-is:new or is:suspended", "")
FIRST_QUERIES = ("answer 4242", "is:due", "topic:topic-07")
"""First searches of a session: a word query (the search texts), a state and a field."""


def timed(fn, runs: int = 3) -> dict[str, float]:
    """Median wall and CPU milliseconds of ``fn()`` over ``runs`` calls, and what the last returned."""
    wall, cpu, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    size = len(result) if isinstance(result, list) else getattr(result, "total", None)
    out = {"median_ms": round(statistics.median(wall) * 1000, 1), "cpu_ms": round(statistics.median(cpu) * 1000, 1)}
    return {**out, "cards": size} if size is not None else out


def after_change(svc: StudyService, change, query: str, runs: int = 3) -> dict[str, float]:
    """Median CPU and wall ms of the first page of ``query`` right after ``change()`` (not timed)."""
    wall, cpu, total = [], [], 0
    for _ in range(runs):
        change()
        t, c = time.perf_counter(), time.process_time()
        total = search_cards(svc, query, limit=PAGE).total
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "median_ms": round(statistics.median(wall) * 1000, 1),
        "cpu_ms": round(statistics.median(cpu) * 1000, 1),
        "cards": total,
    }


def answer_one(svc: StudyService) -> None:
    """Answer the next card Good, as the review screen does."""
    card = svc.next_card()
    assert card is not None
    svc.answer(card, rating=3)


_SUSPENDED = iter(range(1, 1_000_000))


def suspend_one(svc: StudyService) -> None:
    """Suspend one more card (another each call)."""
    svc.suspend((PACK_ID, f"q{next(_SUSPENDED):06d}"))


def print_all(svc: StudyService) -> int:
    """What ``studyvm cards search ''`` does: every card as a line, written to a null stream."""
    from studyvm.cli.card_cmds import write_cards

    with open(os.devnull, "w") as sink:
        write_cards(search_cards(svc, ""), sink)
    return 0


def first_search(home: Path, url: str, query: str) -> dict[str, object]:
    """In this (fresh) process: open a service over the indexed packs of ``home``, then time the
    first page of ``query`` (the packs are opened before the clock starts: that is start-up)."""
    settings = Settings(home=home, db_url=url, learner="bench")
    svc = StudyService(settings, clock=lambda: NOW).open()
    pack = svc.packs[PACK_ID]
    t, c = time.perf_counter(), time.process_time()
    total = search_cards(svc, query, limit=PAGE).total
    out = {"ms": round((time.perf_counter() - t) * 1000, 1), "cpu_ms": round((time.process_time() - c) * 1000, 1)}
    svc.close()
    return {**out, "cards": total, "pack": type(pack).__name__}


def first_searches(home: Path, url: str, questions: int, runs: int = 3) -> dict[str, object]:
    """The pack written to ``home`` and indexed (as the app's first start), then each first search in a
    child process, ``runs`` times (median CPU ms)."""
    from bench_vs_anki import write_pack

    from studyvm.packs.catalog import load_catalog

    write_pack(home / "packs" / "bench", questions)
    t = time.process_time()
    load_catalog(Settings(home=home, db_url=url, learner="bench"))
    out: dict[str, object] = {"index_cpu_ms": round((time.process_time() - t) * 1000, 1)}
    out.update(_children(home, url, runs))
    return out


def _children(home: Path, url: str, runs: int) -> dict[str, object]:
    """Each of :data:`FIRST_QUERIES` timed ``runs`` times, each in a child process (median CPU ms)."""
    out: dict[str, object] = {}
    for query in FIRST_QUERIES:
        samples = []
        for _ in range(runs):
            child = [sys.executable, __file__, "--first-search", query, "--home", str(home), "--url", url]
            samples.append(json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout))
        cpu = [float(s["cpu_ms"]) for s in samples]
        # the last run's fields first: its own cpu_ms must not hide the median
        out[query] = {**samples[-1], "cpu_ms": round(statistics.median(cpu), 1), "cpu_ms_runs": cpu}
    return out


def without_statistics(home: Path, url: str, runs: int = 3) -> dict[str, object]:
    """The first searches again once the generator's ANALYZE statistics are dropped: a learner's own
    database has none (the app never runs ANALYZE), and SQLite then plans its reads without them."""
    import sqlite3

    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
    out = _children(home, url, runs)
    with sqlite3.connect(path) as conn:  # back as the rest of the bench has always measured it
        conn.execute("ANALYZE")
    return out


def main() -> None:
    """Generate, then time the searches and the statistics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--first-search-only", action="store_true", help="only first_search_indexed")
    parser.add_argument("--first-search", help=argparse.SUPPRESS)  # the child of first_searches
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_search is not None:
        print(json.dumps(first_search(Path(args.home), args.url, args.first_search)))
        return
    pack = make_pack(args.questions)
    out: dict[str, object] = {
        "questions": args.questions,
        "reviews": args.reviews,
        "target_search_ms": 200,
        "load_average_before": os.getloadavg()[0],
    }
    with tempfile.TemporaryDirectory(prefix="studyvm-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        engine = open_database(url)
        out["generate"] = generate(engine, pack, args.reviews)
        engine.dispose()
        out["first_search_indexed"] = first_searches(Path(tmp), url, args.questions)
        out["first_search_without_statistics"] = without_statistics(Path(tmp), url)
        if args.first_search_only:
            print(json.dumps(out, indent=2))
            return
        settings = Settings(home=Path(tmp), db_url=url, learner="bench")
        svc = StudyService(settings, packs={PACK_ID: pack}, clock=lambda: NOW).open()
        find_cards(svc, "")  # the first search builds the per-pack search texts once

        def every_match(query: str) -> object:
            svc.caches["browse_rows"]["listing"].last = None  # each run filters again
            return find_cards(svc, query)

        out["search"] = {query or "(everything)": timed(lambda q=query: every_match(q)) for query in QUERIES}

        def first_page(query: str, cold: bool = False) -> object:
            if cold:  # no listing kept: it is read and sorted again
                svc.caches.pop("browse_rows", None)
            else:  # a new query: the listing and its order are kept, the last search's matches not
                svc.caches["browse_rows"]["listing"].last = None
            return search_cards(svc, query, limit=PAGE)

        out["first_page"] = {query or "(everything)": timed(lambda q=query: first_page(q)) for query in QUERIES}
        out["first_page_after_change"] = {
            query or "(everything)": timed(lambda q=query: first_page(q, cold=True)) for query in QUERIES
        }
        out["first_page_after_answer"] = {
            query or "(everything)": after_change(svc, lambda: answer_one(svc), query) for query in QUERIES
        }
        out["first_page_after_suspend"] = {
            query or "(everything)": after_change(svc, lambda: suspend_one(svc), query) for query in QUERIES
        }
        other = StudyService(settings, packs={PACK_ID: pack}, clock=lambda: NOW).open()
        out["first_page_after_other_session"] = {
            query or "(everything)": after_change(svc, lambda: suspend_one(other), query) for query in QUERIES
        }
        other.close()
        out["next_page"] = {
            query or "(everything)": timed(lambda q=query: search_cards(svc, q, offset=PAGE, limit=PAGE))
            for query in QUERIES
        }
        out["cards_search_print_all"] = timed(lambda: print_all(svc))
        out["stats_json"] = timed(lambda: json.dumps(svc.stats().as_json()))
        svc.close()
    out["load_average_after"] = os.getloadavg()[0]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
