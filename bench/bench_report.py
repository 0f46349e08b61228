"""Benchmark of the instructor's item analysis (``studyvm report --items``) on a class database.

100 learners x 20 finished attempts x 300 questions = 600,000 answers, on PostgreSQL set up with
``class init`` (row-level security on), read by the instructor, a non-superuser owner, so the
policies are in the path. Scores are drawn from a simple ability/difficulty model so that the
figures are not degenerate. Measures the item analysis as the command computes it (the query,
the statistics and the text: first run and median of five) and the whole command in a fresh
process (``studyvm --db URL report --items --json``, which also starts Python and loads the
built-in packs), next to the same command over an empty SQLite history (that start-up alone).
Prints one JSON object, with the load average around the run.

    .venv/bin/python bench/bench_report.py [--learners N] [--attempts N] [--questions N]

A throwaway PostgreSQL server is started like the test suite does (``initdb`` must be installed).
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

from bench_study import PACK_ID, make_pack  # the same synthetic pack (run from bench/)
from sqlalchemy import text

from studyvm.config import Settings
from studyvm.store.classdb import init_class
from studyvm.store.engine import make_engine, writer
from studyvm.study.itemstats import compute_item_report, format_item_report
from studyvm.study.service import StudyService

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 1000

# Everything is generated inside the database. Learner l has ability l / learners, question q has
# difficulty q / questions; the chance of a right answer is a logistic of their difference.
GENERATE = """
INSERT INTO learner (name, created_at)
SELECT 's' || lpad(l::text, 4, '0'), now() FROM generate_series(0, :learners - 1) AS l;

INSERT INTO attempt (learner_id, kind, started_at, finished_at, elapsed_s, cbm, items, max_score)
SELECT l.id, 'exam', now(), now(), 600, false, '[]', :questions
FROM learner l CROSS JOIN generate_series(1, :attempts);

INSERT INTO attempt_answer (attempt_id, position, pack_id, question_id, score, answered_at)
SELECT a.id, q, 'bench', 'q' || lpad(q::text, 6, '0'),
       CASE WHEN random() < 1 / (1 + exp(-4 * (substr(l.name, 2)::float / :learners - q::float / :questions + 0.2)))
            THEN 1 ELSE 0 END,
       now()
FROM attempt a JOIN learner l ON l.id = a.learner_id CROSS JOIN generate_series(0, :questions - 1) AS q;

UPDATE attempt SET score = t.total
FROM (SELECT attempt_id, sum(score) AS total FROM attempt_answer GROUP BY attempt_id) AS t
WHERE attempt.id = t.attempt_id;
"""


def generate(owner_url: str, learners: int, attempts: int, questions: int) -> dict[str, float]:
    """Set the class up as its owner and fill it; returns the seconds taken and the row count."""
    engine = make_engine(owner_url)
    started = time.perf_counter()
    init_class(engine)
    params = {"learners": learners, "attempts": attempts, "questions": questions}
    with writer(engine).connect() as conn, conn.begin():
        for statement in filter(str.strip, GENERATE.split(";")):
            conn.execute(text(statement), params)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        answers = conn.exec_driver_sql("SELECT count(*) FROM attempt_answer").scalar()
    engine.dispose()
    return {"generate_s": round(time.perf_counter() - started, 2), "answers": answers}


def _command(home: Path, *db: str) -> tuple[float, int]:
    """Wall milliseconds and exit code of ``studyvm [--db URL] report --items --json`` in a new process."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "studyvm", "--home", str(home), *db, "report", "--items", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    return (time.perf_counter() - started) * 1000, proc.returncode


def measure(owner_url: str, home: Path, questions: int) -> dict[str, object]:
    """Time the item analysis as ``report --items`` computes it, in process and as a command."""
    settings = Settings(home=home, db_url=owner_url)
    svc = StudyService(settings, packs={PACK_ID: make_pack(questions)}).open(as_learner=False)
    times = []
    for _ in range(6):
        started = time.perf_counter()
        with svc.read() as session:
            report = compute_item_report(svc, session)
        format_item_report(report)
        times.append((time.perf_counter() - started) * 1000)
    svc.close()
    flagged = sum(1 for s in report.questions if s.flags)
    discriminations = [s.discrimination for s in report.questions if s.discrimination is not None]
    command_ms, code = _command(home, "--db", owner_url)
    baseline_ms, _ = _command(home)  # the same command over an empty local SQLite history
    return {
        "item_report_first_ms": round(times[0], 1),
        "item_report_median_ms": round(statistics.median(times[1:]), 1),
        "command_wall_ms": round(command_ms, 1),
        "command_exit_code": code,
        "command_on_empty_sqlite_ms": round(baseline_ms, 1),
        "questions_reported": len(report.questions),
        "attempts_reported": report.attempts,
        "flagged": flagged,
        "discrimination_median": round(statistics.median(discriminations), 1) if discriminations else None,
    }


def main() -> None:
    """Parse arguments, start a throwaway server, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--attempts", type=int, default=20)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import PgServer, find_pg_bindir

    bindir = find_pg_bindir()
    if bindir is None:
        print(json.dumps({"skipped": "initdb not found"}))
        return
    out: dict[str, object] = {
        "learners": args.learners,
        "attempts_per_learner": args.attempts,
        "questions": args.questions,
        "target_ms": TARGET_MS,
        "load_average_before": os.getloadavg()[0],
    }
    server = PgServer(bindir)
    try:
        server.start()
        teacher = server.new_role("teacher", "CREATEROLE")
        url = server.new_database(owner=teacher).replace("://studyvm@", f"://{teacher}@", 1)
        out.update(generate(url, args.learners, args.attempts, args.questions))
        with tempfile.TemporaryDirectory(prefix="studyvm-bench-") as tmp:
            out.update(measure(url, Path(tmp), args.questions))
    finally:
        server.stop()
    out["load_average_after"] = os.getloadavg()[0]
    out["cpus"] = os.cpu_count()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
