"""StudyVM side by side with Anki's Rust backend (the ``anki`` package) on the same history.

For each size N (questions), the same history is built on both sides: N flip questions / Basic
notes, 60% of them in the Review state (due from 10 days ago to 60 days ahead, FSRS stability and
difficulty set), the rest new, and ``10 * N`` review-log rows over two years. StudyVM reads its
questions from a YAML pack in its home folder, as the app does; Anki has FSRS on and its default
deck options (20 new, 200 reviews a day; StudyVM's defaults are the same).

Then, in rounds, each side runs in a fresh interpreter on a fresh copy of its database, the two
sides alternating (which goes first alternates too), and each reports:

- ``open_ms``: open the collection / the service (StudyVM: load the packs, open + sync);
- ``next_card``: choosing the next card, median over the reviews (``first_next_card_ms``: the first
  one, when each side builds its queue) (StudyVM ``next_card()``, which
  also returns the question and the remaining counts; Anki ``get_queued_cards()`` + a ``Card``);
- ``answer_commit``: grading Good and committing it (StudyVM ``answer()``; Anki ``answer_card()``),
  with each side's SQLite journal mode and ``synchronous`` setting under ``durability``;
- ``dashboard``: the figures the first screen shows (StudyVM: what the dashboard worker calls
  before showing them: due and new per pack, streak, reviews today; Anki: ``counts()`` +
  ``deck_due_tree()``), right after opening (``dashboard_first_ms``) and after the reviews (the median
  of 7, ``dashboard_cpu_ms`` their process CPU time, which preemption on a loaded machine does not
  inflate); StudyVM's mastery per topic, which follows on the same screen, is
  ``dashboard_mastery_ms`` (Anki's deck screen has nothing like it);
- ``full_stats``: StudyVM ``stats()`` as ``studyvm stats --json`` computes it; Anki's statistics
  screen data (``graphs(search="", days=365)``), the median of 7, and ``full_stats_cpu_ms``;
- ``peak_rss_mib``: the process's peak resident memory after open + the reviews (before stats);
- ``db_size_mb``: the database files after a checkpoint.

Ratios are StudyVM / Anki per round, then the median over rounds (below 1: StudyVM is ahead).
Needs the ``anki`` package, a benchmark-only dependency that the app never imports (AGPL)::

    .venv/bin/pip install anki==26.9.3
    .venv/bin/python bench/bench_vs_anki.py --sizes 1000,10000 [--rounds 3] [--reviews 200]
    .venv/bin/python bench/bench_vs_anki.py --sizes 100000 --rounds 2    # slow: several minutes

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

REVIEWED = 0.6
"""Share of the questions already reviewed (the rest are new)."""
LOG_PER_QUESTION = 10
"""Review-log rows per question (1,000,000 at 100,000 questions)."""
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


# -- building the history ----------------------------------------------------------------------
def write_pack(folder: Path, n: int) -> None:
    """A YAML pack ``bench`` of ``n`` flip questions (ids ``q000000``…) over 50 topics."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text("id: bench\ntitle: Bench\n")
    per_file = 10_000
    for start in range(0, n, per_file):
        lines = ["questions:\n"]
        for i in range(start, min(n, start + per_file)):
            lines.append(
                f"  - id: q{i:06d}\n    type: flip\n    topic: topic-{i % 50:02d}\n"
                f"    prompt: question {i}\n    back: answer {i}\n"
            )
        (folder / f"part{start // per_file:03d}.yaml").write_text("".join(lines))


def build_studyvm(home: Path, n: int) -> Path:
    """The StudyVM home: the pack and the database with its generated history."""
    from bench_study import generate, make_pack

    from studyvm.config import Settings
    from studyvm.store.engine import open_database

    write_pack(home / "packs" / "bench", n)
    settings = Settings(home=home, learner="bench")
    engine = open_database(settings.database_url)
    generate(engine, make_pack(n), LOG_PER_QUESTION * n)
    with engine.connect() as conn:
        conn.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    _index_packs(settings)
    return Path(settings.database_url.split("///", 1)[1])


def _index_packs(settings) -> None:
    """Load the packs once, as the app's first start does: later starts open them from their index
    (``studyvm.packs.indexcache``, in the home folder the rounds copy). ``--cold`` skips this."""
    from studyvm.packs.catalog import load_catalog

    if not os.environ.get("BENCH_COLD_PACKS"):
        load_catalog(settings)


ANKI_CARDS = """
UPDATE cards SET type = 2, queue = 2, due = :today + (abs(random()) % 70) - 10,
       ivl = 1 + abs(random()) % 200, factor = 2500, reps = 1 + abs(random()) % 30, lapses = abs(random()) % 4,
       data = '{"s":' || (1 + (abs(random()) % 199000) / 1000.0) || ',"d":' || (1 + (abs(random()) % 9000) / 1000.0)
              || ',"lrt":' || (:now_s - 86400 * (1 + abs(random()) % 40)) || '}'
WHERE id IN (SELECT id FROM cards ORDER BY id LIMIT :reviewed)
"""
ANKI_LOG = """
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < :count - 1),
r AS MATERIALIZED (SELECT k, abs(random()) % :reviewed AS q FROM n)
INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)
SELECT :first_ms + r.k * :step_ms, m.id, -1,
       CASE abs(random()) % 7 WHEN 0 THEN 1 WHEN 5 THEN 2 WHEN 6 THEN 4 ELSE 3 END,
       1 + abs(random()) % 100, abs(random()) % 100, 2500, 2000 + abs(random()) % 18000, abs(random()) % 4
FROM r JOIN bench_map AS m ON m.i = r.q
"""


def build_anki(folder: Path, n: int) -> Path:
    """An Anki collection with the same history: Basic notes, FSRS on, the review log."""
    from anki.collection import AddNoteRequest, Collection

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "collection.anki2"
    col = Collection(str(path))
    col.set_config("fsrs", True)
    basic = col.models.by_name("Basic")
    deck = col.decks.id("Bench")
    col.decks.select(deck)  # the queue is built for the current deck
    requests = []
    for i in range(n):
        note = col.new_note(basic)
        note["Front"], note["Back"] = f"question {i}", f"answer {i}"
        note.tags = [f"topic-{i % 50:02d}"]
        requests.append(AddNoteRequest(note=note, deck_id=deck))
    col.add_notes(requests)
    reviewed = int(n * REVIEWED)
    now_s = int(time.time())
    col.db.execute(
        ANKI_CARDS.replace(":today", str(col.sched.today))
        .replace(":now_s", str(now_s))
        .replace(":reviewed", str(reviewed))
    )
    col.db.execute("CREATE TABLE bench_map AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM cards")
    col.db.execute("CREATE INDEX bench_map_i ON bench_map (i)")
    count = LOG_PER_QUESTION * n
    span_ms = 730 * 86_400_000
    sql = (
        ANKI_LOG.replace(":count", str(count))
        .replace(":first_ms", str(now_s * 1000 - span_ms))
        .replace(":step_ms", str(span_ms // count))
        .replace(":reviewed", str(reviewed))
    )
    col.db.execute(sql)
    col.db.execute("DROP TABLE bench_map")
    col.db.execute("ANALYZE")
    col.close()
    return path


# -- measuring, in a child process -------------------------------------------------------------
def _ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3) if samples else 0.0


SAMPLES = 7
"""Dashboards and full statistics timed per run (the median is kept)."""


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) ``work`` took. On a loaded machine a call of a few
    milliseconds is often preempted for a whole time slice: the CPU time is not."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _rss_mib() -> float:
    """Peak resident memory of this process so far (VmHWM: ``ru_maxrss`` would include the parent's,
    which Linux carries over an exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _files_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6, 2)


def studyvm_dashboard(svc) -> object:
    """What the dashboard worker computes before its figures are shown (due and new per pack, streak,
    reviews today, the next step; mastery per topic follows, see ``dashboard_mastery_ms``)."""
    from studyvm.study.overview import fill_dashboard
    from studyvm.study.views import Dashboard, PackSummary

    packs = [PackSummary(id=p, title=p, origin="", location="", questions=0, topics=[]) for p in svc.packs]
    data = Dashboard(packs=packs, failed=[])
    fill_dashboard(svc, data, mastery=False)
    return data


def svc_mastery(svc) -> object:
    """The dashboard's mastery per topic (StudyVM only: Anki's deck screen has no such figure)."""
    from studyvm.study.stats import mastery_by_topic

    return mastery_by_topic(svc)


def anki_dashboard(col) -> object:
    """What Anki's deck screen shows: the counts and the deck tree with its due/new/learning figures."""
    return col.sched.counts(), col.sched.deck_due_tree()


def measure_studyvm(home: Path, reviews: int) -> dict[str, object]:
    """Open the service as the app does and time the hot paths."""
    from studyvm.config import Settings
    from studyvm.study.service import StudyService

    t = time.perf_counter()
    svc = StudyService(Settings(home=home, learner="bench"), clock=lambda: NOW, tz=UTC)
    svc.open()
    open_s = time.perf_counter() - t
    t = time.perf_counter()
    studyvm_dashboard(svc)  # the first screen, just opened: the review queue is built here
    cold = time.perf_counter() - t
    pick, record = [], []
    for _ in range(reviews):
        t = time.perf_counter()
        card = svc.next_card()
        pick.append(time.perf_counter() - t)
        if card is None:
            break
        t = time.perf_counter()
        svc.answer(card, rating=3)
        record.append(time.perf_counter() - t)
    rss = _rss_mib()
    dash, full = [], []
    for _ in range(SAMPLES):
        dash.append(_timed(lambda: studyvm_dashboard(svc)))
        full.append(_timed(lambda: json.dumps(svc.stats().as_json())))
    t = time.perf_counter()
    svc_mastery(svc)
    mastery_ms = round((time.perf_counter() - t) * 1000, 1)
    with svc.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        durability = {
            "journal_mode": raw.execute("PRAGMA journal_mode").fetchone()[0],
            "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[
                raw.execute("PRAGMA synchronous").fetchone()[0]
            ],
        }
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    svc.close()
    figures = _figures(open_s, cold, pick, record, rss, dash, full, durability, _files_mb(home / "studyvm.sqlite3"))
    return {**figures, "dashboard_mastery_ms": mastery_ms}


def measure_anki(path: Path, reviews: int) -> dict[str, object]:
    """Open the collection and time the same operations through the Rust backend."""
    from anki import collection  # first: anki.cards cannot be imported on its own
    from anki.cards import Card
    from anki.scheduler_pb2 import CardAnswer

    t = time.perf_counter()
    col = collection.Collection(str(path))
    open_s = time.perf_counter() - t
    t = time.perf_counter()
    anki_dashboard(col)
    cold = time.perf_counter() - t
    pick, record = [], []
    for _ in range(reviews):
        t = time.perf_counter()
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            pick.append(time.perf_counter() - t)
            break
        top = queued.cards[0]
        card = Card(col)
        card._load_from_backend_card(top.card)
        card.start_timer()
        pick.append(time.perf_counter() - t)
        t = time.perf_counter()
        col.sched.answer_card(col.sched.build_answer(card=card, states=top.states, rating=CardAnswer.GOOD))
        record.append(time.perf_counter() - t)
    rss = _rss_mib()
    dash, full = [], []
    for _ in range(SAMPLES):
        dash.append(_timed(lambda: anki_dashboard(col)))
        full.append(_timed(lambda: col._backend.graphs(search="", days=365)))
    durability = {
        "journal_mode": col.db.scalar("PRAGMA journal_mode"),
        "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[col.db.scalar("PRAGMA synchronous")],
    }
    col.close()
    return _figures(open_s, cold, pick, record, rss, dash, full, durability, _files_mb(path))


def _figures(open_s, cold, pick, record, rss, dash, full, durability, size) -> dict[str, object]:
    return {
        "open_ms": round(open_s * 1000, 1),
        "reviews": len(record),
        "next_card_ms": _ms(pick),
        "first_next_card_ms": round(pick[0] * 1000, 3) if pick else 0.0,
        "answer_commit_ms": _ms(record),
        "durability": durability,
        "dashboard_first_ms": round(cold * 1000, 3),
        "dashboard_ms": _ms([w for w, _c in dash]),
        "dashboard_cpu_ms": _ms([c for _w, c in dash]),
        "full_stats_ms": _ms([w for w, _c in full]),
        "full_stats_cpu_ms": _ms([c for _w, c in full]),
        "peak_rss_mib": rss,
        "db_size_mb": size,
    }


# -- the parent: build, then interleaved rounds -------------------------------------------------
def _child(side: str, target: Path, reviews: int) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", side, "--target", str(target), "--reviews", str(reviews)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{side} child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


RATIO_KEYS = (
    "next_card_ms",
    "first_next_card_ms",
    "answer_commit_ms",
    "dashboard_first_ms",
    "dashboard_ms",
    "dashboard_cpu_ms",
    "full_stats_ms",
    "full_stats_cpu_ms",
    "peak_rss_mib",
    "db_size_mb",
    "open_ms",
)


def run_size(n: int, rounds: int, reviews: int, tmp: Path) -> dict[str, object]:
    """Build both histories of size ``n`` and measure them in alternating rounds."""
    t = time.perf_counter()
    svm_db = build_studyvm(tmp / "svm-pristine", n)
    svm_build = time.perf_counter() - t
    t = time.perf_counter()
    anki_db = build_anki(tmp / "anki-pristine", n)
    anki_build = time.perf_counter() - t
    runs: dict[str, list[dict[str, object]]] = {"studyvm": [], "anki": []}
    for r in range(rounds):
        order = ("studyvm", "anki") if r % 2 == 0 else ("anki", "studyvm")
        for side in order:
            work = tmp / f"{side}-round"
            shutil.rmtree(work, ignore_errors=True)
            if side == "studyvm":
                shutil.copytree(svm_db.parent, work)
                target = work
            else:
                shutil.copytree(anki_db.parent, work)
                target = work / anki_db.name
            runs[side].append(_child(side, target, reviews))
            shutil.rmtree(work, ignore_errors=True)
    ratios = {key: _ratio([s[key] for s in runs["studyvm"]], [a[key] for a in runs["anki"]]) for key in RATIO_KEYS}
    return {
        "questions": n,
        "review_log_rows": LOG_PER_QUESTION * n,
        "build_s": {"studyvm": round(svm_build, 1), "anki": round(anki_build, 1)},
        "studyvm": _median_run(runs["studyvm"]),
        "anki": _median_run(runs["anki"]),
        "ratio_studyvm_over_anki": ratios,
    }


def _ratio(ours: list[float], theirs: list[float]) -> float | None:
    """The median over rounds of ours / theirs (``None`` when a side measured nothing)."""
    pairs = [o / t for o, t in zip(ours, theirs, strict=True) if t]
    return round(statistics.median(pairs), 2) if pairs else None


def _median_run(runs: list[dict[str, object]]) -> dict[str, object]:
    out = dict(runs[0])
    for key in RATIO_KEYS:
        out[key] = round(statistics.median(r[key] for r in runs), 3)
    return out


def _compile_studyvm() -> None:
    """Compile StudyVM's modules to bytecode first, as ``pip install`` does (and did for ``anki`` and every
    other installed package): run from a source tree with ``PYTHONDONTWRITEBYTECODE`` set, each child would
    otherwise compile every module it imports, a cost no installed copy pays."""
    import compileall

    compileall.compile_dir(str(ROOT / "studyvm"), quiet=1)


def main() -> None:
    """Parse arguments; run as the parent (build + rounds) or as one measuring child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated question counts")
    parser.add_argument("--rounds", type=int, default=3, help="runs per side, alternating")
    parser.add_argument("--reviews", type=int, default=200, help="cards answered per run")
    parser.add_argument(
        "--cold", action="store_true", help="StudyVM parses its pack at every start (no index built beforehand)"
    )
    parser.add_argument("--child", choices=["studyvm", "anki"], help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "studyvm":
        print(json.dumps(measure_studyvm(args.target, args.reviews)))
        return
    if args.child == "anki":
        print(json.dumps(measure_anki(args.target, args.reviews)))
        return
    try:
        import anki  # noqa: F401
    except ImportError:
        raise SystemExit("bench_vs_anki needs the anki package: .venv/bin/pip install anki==26.9.3") from None
    if args.cold:
        os.environ["BENCH_COLD_PACKS"] = "1"
    _compile_studyvm()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    out: dict[str, object] = {
        "studyvm_packs": "parsed at every start" if args.cold else "opened from their index (built before the rounds)",
        "studyvm_bytecode": "compiled before the rounds, as an install does",
        "load_average_before": os.getloadavg()[0],
        "rounds": args.rounds,
        "reviews_per_run": args.reviews,
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="studyvm-vs-anki-") as tmp:
        for n in sizes:
            out["sizes"].append(run_size(n, args.rounds, args.reviews, Path(tmp) / str(n)))
    out["load_average_after"] = os.getloadavg()[0]
    out["cpus"] = os.cpu_count()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
