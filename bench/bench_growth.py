"""Is loading and importing linear in the number of questions? Microseconds per question at 1k, 10k, 100k.

- ``pack_load``: ``load_pack_dir`` (parse + validate + check) of a generated YAML pack of every
  question type (``bench_packs.make_generated_pack``), 10 files;
- ``gift_import``: ``import_file(path, "gift")`` (what ``studyvm pack import`` runs) of a
  generated GIFT file of every type GIFT holds (``bench_import_export.generated_pack``, exported).

Each figure is the best of ``--repeat`` runs, in CPU microseconds per question (the process's CPU
time: other load on a shared machine inflates it far less than wall time);
``growth_100000_over_1000`` is the 100k figure over the 1k one (1.0 is linear).

    .venv/bin/python bench/bench_growth.py [--sizes 1000,10000,100000] [--repeat 2]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _best_us(func, n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()  # CPU time: other load on the machine inflates it far less
        result = func()
        best = min(best, time.process_time() - started)
        del result
    return round(best / n * 1e6, 1)


def main() -> None:
    """Measure both operations at each size, print JSON."""
    from bench_import_export import generated_pack
    from bench_packs import make_generated_pack

    from studyvm.packs.exporters.gift import export_gift
    from studyvm.packs.importers import import_file
    from studyvm.packs.loader import load_pack_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    out: dict[str, dict[str, float]] = {"pack_load_us_per_question": {}, "gift_import_us_per_question": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = make_generated_pack(Path(tmp) / f"pack{n}", count=n, files=10)
            loaded = load_pack_dir(folder)
            assert loaded.pack is not None and len(loaded.pack.questions) == n, loaded.diagnostics[:3]
            del loaded
            out["pack_load_us_per_question"][str(n)] = _best_us(lambda f=folder: load_pack_dir(f), n, args.repeat)
            gift = Path(tmp) / f"bench{n}.gift"
            gift.write_text(export_gift(generated_pack(n))[0], encoding="utf-8")
            out["gift_import_us_per_question"][str(n)] = _best_us(lambda g=gift: import_file(g, "gift"), n, args.repeat)
    for figures in list(out.values()):
        keys = list(figures)
        if len(keys) > 1:
            figures[f"growth_{keys[-1]}_over_{keys[0]}"] = round(figures[keys[-1]] / figures[keys[0]], 2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
