"""Where a big StudyVM database's bytes go: bytes per table and index, from SQLite's ``dbstat``.

Builds the same history as ``bench_study.py`` (N questions, 10 x N review-log rows; 100,000 and
1,000,000 by default) in a throwaway SQLite database, checkpoints it, and prints one JSON object:
the file size, and for every table and index its bytes (``SUM(pgsize)``) and its share. The
generated log has no undo snapshots (``prev``) while the app writes one with every answer, so
``--with-undo`` fills ``prev`` with the snapshot an answer writes (a reviewed card before it was
answered), to show what a real history costs too.

    .venv/bin/python bench/bench_dbsize.py [--questions N] [--reviews N] [--with-undo]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_study import NOW, generate, make_pack  # noqa: E402

from studyvm.store.engine import open_database  # noqa: E402
from studyvm.study.card_writes import undo_snapshot  # noqa: E402
from studyvm.study.cards import CardRow  # noqa: E402
from studyvm.study.scheduling import CardFields  # noqa: E402


def sample_snapshot() -> str:
    """The undo snapshot the app writes for a typical answer: a Review card, FSRS floats in full."""
    fields = CardFields(
        state=2,
        step=None,
        stability=23.718264915338113,
        difficulty=6.142930856812231,
        due=datetime(2026, 6, 1, 9, 14, 3, 118271, tzinfo=UTC),
        last_review=datetime(2026, 5, 9, 17, 40, 51, 902114, tzinfo=UTC),
        reps=7,
        lapses=1,
    )
    card = CardRow(
        id=1,
        pack_id="bench",
        question_id="q000001",
        queue=2,
        fields=fields,
        suspended=False,
        leech=False,
        removed=False,
        buried_until=None,
        last_rating=3,
    )
    return undo_snapshot(card)


def sizes(path: Path) -> dict[str, object]:
    """Bytes per table and index (``dbstat``), largest first, with the file's size."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC, name").fetchall()
        kinds = dict(con.execute("SELECT name, type FROM sqlite_master").fetchall())
    finally:
        con.close()
    total = sum(size for _, size in rows)
    return {
        "file_bytes": path.stat().st_size,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "objects": [
            {
                "name": name,
                "kind": kinds.get(name, "internal"),
                "bytes": size,
                "mb": round(size / 1e6, 2),
                "share": round(size / total, 3),
            }
            for name, size in rows
        ],
    }


def main() -> None:
    """Build the history, measure, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=None, help="review-log rows (default 10 x questions)")
    parser.add_argument("--with-undo", action="store_true", help="fill each log row's undo snapshot")
    args = parser.parse_args()
    reviews = args.reviews if args.reviews is not None else 10 * args.questions
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "studyvm.db"
        engine = open_database(f"sqlite:///{path}")
        started = time.perf_counter()
        generated = generate(engine, make_pack(args.questions), reviews)
        engine.dispose()
        snapshot = sample_snapshot() if args.with_undo else None
        con = sqlite3.connect(path)
        if snapshot is not None:
            con.execute("UPDATE review_log SET prev = ?", (snapshot,))
            con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("VACUUM")
        con.close()
        result = {
            "questions": args.questions,
            "reviews": reviews,
            "undo_snapshot_bytes": len(snapshot) if snapshot else 0,
            "build_s": round(time.perf_counter() - started, 1),
            **generated,
            **sizes(path),
            "now": NOW.isoformat(),
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
