"""The query plan of every ``card_state`` statement the app runs, on SQLite and PostgreSQL.

Builds the history of ``bench_study.py`` (N questions, 60% reviewed; 10 x N log rows), then runs
what a learner does (open, next card of all packs and of one, answers, the dashboard's counts,
full statistics, the browser's ``is:due``, a card's history, forget, bury) while recording every
statement sent to the database. Prints one JSON object: per database, each distinct statement that
names ``card_state`` with its plan (SQLite ``EXPLAIN QUERY PLAN`` without ``ANALYZE`` statistics,
which the app never gathers; PostgreSQL ``EXPLAIN``, costs off, after ``VACUUM ANALYZE``), and the
indexes no plan used.

    .venv/bin/python bench/bench_plans.py [--questions N] [--no-pg]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_study import NOW, PACK_ID, ROOT, generate, make_pack  # noqa: E402
from sqlalchemy import event, inspect, text  # noqa: E402

from studyvm.config import Settings  # noqa: E402
from studyvm.store.engine import is_sqlite, open_database  # noqa: E402
from studyvm.study import browse, glance  # noqa: E402
from studyvm.study.limits import DailyLimits  # noqa: E402
from studyvm.study.service import StudyService  # noqa: E402


def _shape(sql: str) -> str:
    """A statement with its literal numbers and strings blanked, to group repeats."""
    return re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", " ".join(sql.split()))


def workload(url: str, pack, home: Path) -> list[tuple[str, object]]:
    """Run a learner's session; every (statement, parameters) sent, in order."""
    seen: list[tuple[str, object]] = []
    settings = Settings(home=home, db_url=None if url.startswith("sqlite") else url, learner="bench")
    engine = open_database(url)

    @event.listens_for(engine, "before_cursor_execute")
    def _orm(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    @event.listens_for(engine, "connect")
    def _raw(dbapi_conn, _record) -> None:  # the hot path's own SQL (sqlite3 expands the values)
        if is_sqlite(engine):
            dbapi_conn.set_trace_callback(lambda sql: seen.append((sql, None)))

    engine.dispose()  # connections made from now on are traced
    svc = StudyService(settings, packs={PACK_ID: pack}, engine=engine, clock=lambda: NOW, tz=UTC).open()
    for pid in (None, PACK_ID):
        for _ in range(3):
            card = svc.next_card(pid)
            if card is not None:
                svc.answer(card, rating=3)
    svc.due_counts()
    svc.today()
    svc.stats()
    page = browse.search_cards(svc, "is:due", limit=5)
    if page.cards:
        one = page.cards[0]
        browse.history(svc, one.pack_id, one.question_id)
        browse.act(svc, "forget", [(one.pack_id, one.question_id)])
    card = svc.next_card()
    if card is not None:
        svc.bury(card)
    svc.close()
    # New cards come after the due ones: with no reviews allowed, the queue reaches them.
    svc = StudyService(
        settings, packs={PACK_ID: pack}, engine=engine, clock=lambda: NOW, tz=UTC, reviews_per_day=0
    ).open()
    for pid in (None, PACK_ID):
        card = svc.next_card(pid)
        if card is not None:
            svc.answer(card, rating=3)
    svc.close()
    if is_sqlite(engine):  # the dashboard's first figures, read before the service opens
        raw = engine.raw_connection()
        ids = {PACK_ID: [q.id for q in pack.questions]}
        glance.read_glance(raw.driver_connection, "bench", ids, NOW, UTC, DailyLimits())
        raw.close()
    engine.dispose()
    return seen


def plans(url: str, statements: list[tuple[str, object]]) -> dict[str, object]:
    """The plan of each distinct ``card_state`` statement, and the card_state indexes no plan uses."""
    engine = open_database(url)
    out: dict[str, dict[str, object]] = {}
    used: set[str] = set()
    with engine.connect() as conn:
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("card_state")}
        for sql, params in statements:
            shape = _shape(sql)
            verb = sql.lstrip().upper().startswith(("SELECT", "UPDATE", "WITH", "DELETE"))
            if "card_state" not in sql or shape in out or not verb:
                continue
            if is_sqlite(engine):
                raw = conn.connection.dbapi_connection
                rows = raw.execute("EXPLAIN QUERY PLAN " + sql, params or ()).fetchall()
                plan = [row[-1] for row in rows]
            else:
                cur = conn.connection.dbapi_connection.cursor()
                cur.execute("EXPLAIN (COSTS OFF) " + sql, params)
                plan = [row[0] for row in cur.fetchall()]
            out[shape] = {"sql": " ".join(sql.split())[:400], "plan": plan}
            for line in plan:
                used |= {name for name in indexes if re.search(rf"\b{name}\b", line)}
    engine.dispose()
    return {"statements": list(out.values()), "indexes": sorted(indexes), "unused_indexes": sorted(indexes - used)}


def run(url: str, pack, reviews: int, home: Path) -> dict[str, object]:
    """Generate, run the workload, explain."""
    engine = open_database(url)
    generate(engine, pack, reviews)
    with engine.begin() as conn:
        if is_sqlite(engine):  # the app never runs ANALYZE: plan as a learner's file is planned
            conn.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
        else:  # on PostgreSQL the learner is the role connected
            conn.execute(text("UPDATE learner SET name = current_user WHERE id = 1"))
    engine.dispose()
    return plans(url, workload(url, pack, home))


def main() -> None:
    """Parse arguments, run on SQLite and PostgreSQL, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    pack = make_pack(args.questions)
    out: dict[str, object] = {"questions": args.questions}
    with tempfile.TemporaryDirectory(prefix="studyvm-plans-") as tmp:
        out["sqlite"] = run(f"sqlite:///{tmp}/studyvm.sqlite3", pack, 10 * args.questions, Path(tmp))
        if not args.no_pg:
            sys.path.insert(0, str(ROOT / "tests"))
            from conftest import PgServer, find_pg_bindir

            bindir = find_pg_bindir()
            if bindir is None:
                out["postgresql"] = "skipped: initdb not found"
            else:
                server = PgServer(bindir)
                try:
                    server.start()
                    out["postgresql"] = run(server.new_database(), pack, 10 * args.questions, Path(tmp))
                finally:
                    server.stop()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
