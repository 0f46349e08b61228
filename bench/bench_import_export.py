"""Benchmark instructor import/export; prints one JSON object of figures (seconds).

- ``gift_import_10k_s``: parse and validate a 10,000-question GIFT file (target <= 2 s);
- ``install_10k_s``: writing those questions as a pack folder (temporary folder, read-back check, rename);
- ``pack_import_cli_10k_s``: the whole ``studyvm pack import`` command, interpreter start included;
- ``apkg_export_builtin_s``: export the built-in pack to .apkg (target <= 1 s), or a generated
  pack of the same size when the built-in pack does not validate;
- ``gift_export_*``: GIFT export of the same packs. ``*_cpu_s`` are CPU seconds of the same runs;
- ``moodle_xml_import_10k_s``: parse and validate a 10,000-question Moodle XML file whose question
  texts are HTML paragraphs, as Moodle writes them (target <= 2 s); ``moodle_xml_cli_10k_s`` the
  whole command; ``moodle_xml_export_10k_s`` writing it;
- ``apkg_import_10k_s``: read a 10,000-note .apkg (StudyVM's own export of the same pack: Basic,
  type-in and Cloze notes) into validated questions (target <= 2 s); ``apkg_cli_10k_s`` the command.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studyvm.config import builtin_content_dir
from studyvm.packs.exporters.apkg import export_apkg
from studyvm.packs.exporters.gift import export_gift
from studyvm.packs.exporters.moodle_xml import export_moodle_xml
from studyvm.packs.importers.apkg import import_apkg
from studyvm.packs.importers.gift import import_gift
from studyvm.packs.importers.install import install
from studyvm.packs.importers.moodle_xml import import_moodle_xml
from studyvm.packs.loader import load_pack_dir
from studyvm.packs.model import Pack, PackMeta

ROOT = Path(__file__).resolve().parents[1]


def generated_pack(n: int) -> Pack:
    """``n`` questions cycling through every type GIFT holds, with feedback, weights and escapes."""
    makers = [
        lambda i: {"type": "mcq", "prompt": f"Question {i}: which ring {{0}} runs the VMM?",
                   "options": [{"text": "Ring 0", "correct": True, "feedback": "Yes #1"},
                               {"text": "Ring 3"}, {"text": "Ring 1", "weight": 50}]},
        lambda i: {"type": "multi", "prompt": f"Question {i}: sensitive instructions?",
                   "options": [{"text": "POPF", "weight": 50}, {"text": "SGDT", "weight": 50},
                               {"text": "ADD", "weight": -100}]},
        lambda i: {"type": "true_false", "prompt": f"Statement {i}: EPT removes shadow paging.", "answer": True,
                   "feedback_false": "It does."},
        lambda i: {"type": "short", "prompt": f"Question {i}: Intel's extension?",
                   "answers": ["VT-x", {"text": "VMX", "weight": 50}]},
        lambda i: {"type": "numerical", "prompt": f"Question {i}: exit cost?",
                   "answers": [{"value": 600, "tolerance": 100}, {"min": 100, "max": 2000, "weight": 50}]},
        lambda i: {"type": "matching", "prompt": f"Question {i}: match.",
                   "pairs": [{"left": "Intel", "right": "VT-x"}, {"left": "AMD", "right": "AMD-V"}],
                   "distractors": ["ARM-V"]},
        lambda i: {"type": "flip", "prompt": f"Card {i}: what is a hypercall?", "back": "A call\ninto the VMM."},
        lambda i: {"type": "cloze", "prompt": f"Cloze {i}: Intel's structure is the {{{{VMCS}}}}."},
    ]  # fmt: skip
    questions = []
    for i in range(n):
        q = makers[i % len(makers)](i)
        q.update(id=f"q{i:05d}", topic=f"topic-{i // 1500}", explanation=f"Because {i}.", tags=["bench"])
        questions.append(q)
    return Pack(meta=PackMeta(id="bench", title="Bench"), questions=questions)


def timed(fn):
    """(wall seconds, value); the CPU seconds of the last call are kept in ``timed.cpu``."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    timed.cpu = round(time.process_time() - cpu, 3)
    return time.perf_counter() - start, value


def cli_import(source: Path, home: Path) -> tuple[float, float]:
    """Wall and CPU seconds of a whole ``studyvm pack import`` run (interpreter start included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    exe = Path(sys.executable).with_name("studyvm")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "studyvm.cli"]
    subprocess.run([*cmd, "--home", str(home), "pack", "import", str(source)], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


_PLAIN_QUESTION = re.compile(r'<questiontext format="plain_text"><text>(.*?)</text>', re.S)


def moodle_xml(big: Pack, tmp_path: Path, figures: dict[str, object]) -> None:
    """Moodle XML figures: export, then import of the same bank with HTML question texts."""
    seconds, (text, _) = timed(lambda: export_moodle_xml(big))
    figures["moodle_xml_export_10k_s"] = round(seconds, 3)
    html = '<questiontext format="html"><text>&lt;p&gt;{}&lt;/p&gt;</text>'
    text = _PLAIN_QUESTION.sub(lambda m: html.format(m.group(1)), text)
    source = tmp_path / "bank.xml"
    source.write_text(text, encoding="utf-8")
    figures["moodle_xml_file_mb"] = round(source.stat().st_size / 1_048_576, 2)
    seconds, result = timed(lambda: import_moodle_xml(source))
    figures["moodle_xml_import_10k_s"] = round(seconds, 3)
    figures["moodle_xml_import_10k_cpu_s"] = timed.cpu
    figures["moodle_xml_import_questions"] = len(result.questions)
    wall, _cpu = cli_import(source, tmp_path / "home-xml")
    figures["moodle_xml_cli_10k_s"] = round(wall, 3)


def main() -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        big = generated_pack(10_000)
        seconds, (text, _) = timed(lambda: export_gift(big))
        figures["gift_export_10k_s"] = round(seconds, 3)
        source = tmp_path / "bank.gift"
        source.write_text(text, encoding="utf-8")
        figures["gift_file_mb"] = round(source.stat().st_size / 1_048_576, 2)
        seconds, result = timed(lambda: import_gift(source))
        figures["gift_import_10k_s"] = round(seconds, 3)
        figures["gift_import_10k_cpu_s"] = timed.cpu
        figures["gift_import_questions"] = len(result.questions)
        meta = PackMeta(id="bank", title="Bank")
        seconds, _ = timed(lambda: install(meta, result.questions, tmp_path / "packs" / "bank"))
        figures["install_10k_s"] = round(seconds, 3)
        figures["install_10k_cpu_s"] = timed.cpu
        wall, cpu = cli_import(source, tmp_path / "home")
        figures["pack_import_cli_10k_s"] = round(wall, 3)
        figures["pack_import_cli_10k_cpu_s"] = round(cpu, 3)

        loaded = load_pack_dir(builtin_content_dir() / "virtualization")
        pack = loaded.pack if loaded.ok else generated_pack(320)
        figures["apkg_pack"] = "builtin" if loaded.ok else "generated-320"
        figures["apkg_questions"] = len(pack.questions)
        seconds, _ = timed(lambda: export_apkg(pack, tmp_path / "pack.apkg"))
        figures["apkg_export_builtin_s"] = round(seconds, 3)
        figures["apkg_export_builtin_cpu_s"] = timed.cpu
        seconds, _ = timed(lambda: export_gift(pack))
        figures["gift_export_builtin_s"] = round(seconds, 3)
        seconds, _ = timed(lambda: export_apkg(big, tmp_path / "big.apkg"))
        figures["apkg_export_10k_s"] = round(seconds, 3)
        moodle_xml(big, tmp_path, figures)
        seconds, result = timed(lambda: import_apkg(tmp_path / "big.apkg"))
        figures["apkg_import_10k_s"] = round(seconds, 3)
        figures["apkg_import_10k_cpu_s"] = timed.cpu
        figures["apkg_import_questions"] = len(result.questions)
        wall, cpu = cli_import(tmp_path / "big.apkg", tmp_path / "home-apkg")
        figures["apkg_cli_10k_s"] = round(wall, 3)
    figures["targets"] = {
        "gift_import_10k_s": 2.0,
        "apkg_export_builtin_s": 1.0,
        "moodle_xml_import_10k_s": 2.0,
        "apkg_import_10k_s": 2.0,
    }
    figures["load_average_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine inflates wall times
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
