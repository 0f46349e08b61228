"""Benchmark of the study engine on a big synthetic history, on SQLite and PostgreSQL.

100,000 questions (one pack, 50 topics) and 1,000,000 review-log rows over two years; 60% of
the cards reviewed, the rest new. Measures: choosing the next due card (``next_card``),
recording an answer with its commit (``answer``, median), ``stats`` as ``studyvm stats --json``
computes it (wall time, and for SQLite the process CPU time, which other load on the machine does
not inflate), and the database size. Prints one JSON object, with the load average around the run.

    .venv/bin/python bench/bench_study.py [--questions N] [--reviews N] [--pg-url URL | --no-pg]

Without ``--pg-url`` a throwaway PostgreSQL server is started like the test suite does, when
``initdb`` is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studyvm.config import Settings  # noqa: E402
from studyvm.packs.model import FlipQuestion, Pack, PackMeta  # noqa: E402
from studyvm.store.engine import is_sqlite, open_database  # noqa: E402
from studyvm.store.models import ReviewLog  # noqa: E402
from studyvm.study.service import StudyService  # noqa: E402
from studyvm.study.sync import ids_fingerprint  # noqa: E402

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PACK_ID = "bench"


def make_pack(n: int) -> Pack:
    """A pack of ``n`` flip questions over 50 topics, built without validation (it is synthetic)."""
    questions = [
        FlipQuestion.model_construct(id=f"q{i:06d}", type="flip", prompt=f"question {i}", back=f"answer {i}",
                                     topic=f"topic-{i % 50:02d}", tags=[], explanation="", caveat="", source=None,
                                     demo=None, generated_from=None)
        for i in range(n)
    ]
    return Pack.model_construct(meta=PackMeta(id=PACK_ID, title="Bench"), questions=questions, tables=[],
                                location="", origin="file")


def _ts(moment: datetime, sqlite: bool) -> str | datetime:
    naive = moment.replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else naive


def generate(engine, pack: Pack, reviews: int, rng: random.Random) -> dict[str, float]:
    """Insert the learner, every card (60% reviewed) and the review log with bulk inserts."""
    sqlite = is_sqlite(engine)
    ids = [q.id for q in pack.questions]
    log_indexes = list(ReviewLog.__table__.indexes)
    with engine.begin() as conn:  # bulk load without the log's indexes, then build them once
        for index in log_indexes:
            index.drop(conn)
    reviewed = int(len(ids) * 0.6)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if sqlite:
            cur.execute("BEGIN")  # the engine's connections run in autocommit unless told
        cur.execute("INSERT INTO learner (id, name, created_at) VALUES (1, 'bench', %s)" if not sqlite else
                    "INSERT INTO learner (id, name, created_at) VALUES (1, 'bench', ?)", (_ts(NOW, sqlite),))
        cards = []
        for pos, qid in enumerate(ids):
            if pos < reviewed:
                due = NOW + timedelta(hours=rng.uniform(-24 * 10, 24 * 60))
                last = due - timedelta(days=rng.uniform(1, 40))
                cards.append((1, PACK_ID, qid, pos, 1, 2, None, rng.uniform(1, 200), rng.uniform(1, 10),
                              _ts(due, sqlite), _ts(last, sqlite), rng.randint(1, 30), rng.randint(0, 3),
                              False, False, False))
            else:
                cards.append((1, PACK_ID, qid, pos, 0, 0, None, None, None, None, None, 0, 0, False, False, False))
        cols = ("learner_id, pack_id, question_id, position, queue, state, step, stability, difficulty, due, "
                "last_review, reps, lapses, suspended, leech, removed")
        mark = "?" if sqlite else "%s"
        insert_cards = f"INSERT INTO card_state ({cols}) VALUES ({', '.join([mark] * 16)})"
        log_cols = "learner_id, pack_id, question_id, rating, reviewed_at, review_day, duration_ms, state_before"
        insert_log = f"INSERT INTO review_log ({log_cols}) VALUES ({', '.join([mark] * 8)})"
        first = (NOW - timedelta(days=730)).date()
        days = [(first + timedelta(days=i)) for i in range(730)]  # history ends yesterday: today is fresh
        day_text = [d.isoformat() for d in days]
        day_ord = [d.toordinal() for d in days]
        ratings, states = (1, 3, 3, 3, 3, 2, 4), (0, 1, 2, 2, 2, 2, 3)
        rand = rng.random

        per_day: dict[int, list[int]] = {}

        def log_rows(count: int):
            # Plain string and integer arithmetic: a datetime per row would triple the generation time.
            for _ in range(count):
                day = int(rand() * 730)
                sec = int(rand() * 86400)
                stamp = f"{day_text[day]} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.000000"
                rating, state = ratings[int(rand() * 7)], states[int(rand() * 7)]
                totals = per_day.setdefault(day_ord[day], [0, 0, 0, 0])
                totals[0] += 1
                totals[1] += state == 0
                totals[2] += state == 2
                totals[3] += state == 2 and rating == 1
                yield (1, PACK_ID, ids[int(rand() * reviewed)], rating, stamp, day_ord[day], 2000 + int(rand() * 18000),
                       state)

        if sqlite:
            cur.executemany(insert_cards, cards)
            batch = 100_000
            for done in range(0, reviews, batch):
                cur.executemany(insert_log, list(log_rows(min(batch, reviews - done))))
        else:
            with cur.copy(f"COPY card_state ({cols}) FROM STDIN") as copy:
                for row in cards:
                    copy.write_row(row)
            with cur.copy(f"COPY review_log ({log_cols}) FROM STDIN") as copy:
                for row in log_rows(reviews):
                    copy.write_row(row)
        cur.executemany(
            "INSERT INTO review_day_stats (learner_id, review_day, reviews, new_cards, review_cards, lapses)"
            f" VALUES (1, {', '.join([mark] * 5)})",
            [(day, *totals) for day, totals in per_day.items()],
        )
        cur.execute(f"INSERT INTO pack_sync (learner_id, pack_id, ids_hash) VALUES (1, {mark}, {mark})",
                    (PACK_ID, ids_fingerprint(ids)))
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for index in log_indexes:
            index.create(conn)
        conn.exec_driver_sql("ANALYZE")
    return {"generate_s": round(time.perf_counter() - started, 2)}


def _ms(samples: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(samples) * 1000, 3), "max_ms": round(max(samples) * 1000, 3)}


def measure(url: str, pack: Pack, home: Path) -> dict[str, object]:
    """Open the service on the generated database and time the hot paths."""
    clock = lambda: NOW  # noqa: E731  (a fixed "now": every run sees the same due cards)
    settings = Settings(home=home, db_url=url, learner="bench")
    svc = StudyService(settings, packs={PACK_ID: pack}, clock=clock, tz=UTC)  # default daily limits
    t = time.perf_counter()
    svc.open()
    open_s = time.perf_counter() - t
    pick, record = [], []
    for _ in range(200):
        t = time.perf_counter()
        card = svc.next_card()
        pick.append(time.perf_counter() - t)
        t = time.perf_counter()
        svc.answer(card, rating=3)
        record.append(time.perf_counter() - t)
    stat_times, stat_cpu = [], []
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        json.dumps(svc.stats().as_json())
        stat_times.append(time.perf_counter() - t)
        stat_cpu.append(time.process_time() - c)
    with svc.engine.connect() as conn:
        if is_sqlite(svc.engine):
            conn.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # outside a transaction
            path = Path(url.split("///", 1)[1])
            size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        else:
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        logs = conn.execute(text("SELECT count(*) FROM review_log")).scalar()
    svc.close()
    return {
        "open_s": round(open_s, 3),
        "review_log_rows": logs,
        "next_card": _ms(pick),
        "answer_commit": _ms(record),
        "stats_json": {**_ms(stat_times), "cpu_median_ms": round(statistics.median(stat_cpu) * 1000, 1)},
        "db_size_mb": round(size / 1e6, 1),
    }


def run(url: str, pack: Pack, reviews: int, home: Path) -> dict[str, object]:
    """Generate then measure on one database."""
    engine = open_database(url)
    figures = generate(engine, pack, reviews, random.Random(42))
    engine.dispose()
    figures.update(measure(url, pack, home))
    return figures


def main() -> None:
    """Parse arguments, run on SQLite and PostgreSQL, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default=os.environ.get("STUDYVM_BENCH_PG_URL"))
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    pack = make_pack(args.questions)
    out: dict[str, object] = {"questions": args.questions, "reviews": args.reviews,
                              "targets": {"next_card_ms": 5, "answer_commit_median_ms": 10, "stats_json_ms": 500}}
    out["load_average_before"] = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="studyvm-bench-") as tmp:
        out["sqlite"] = run(f"sqlite:///{tmp}/bench.sqlite3", pack, args.reviews, Path(tmp))
        if not args.no_pg:
            out["postgresql"] = _run_pg(args.pg_url, pack, args.reviews, Path(tmp))
    out["load_average_after"] = os.getloadavg()[0]
    out["cpus"] = os.cpu_count()
    print(json.dumps(out, indent=2))


def _run_pg(url: str | None, pack: Pack, reviews: int, home: Path) -> object:
    if url:
        return run(url, pack, reviews, home)
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import PgServer, find_pg_bindir

    bindir = find_pg_bindir()
    if bindir is None:
        return "skipped: initdb not found"
    server = PgServer(bindir)
    try:
        server.start()
        return run(server.new_database(), pack, reviews, home)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
