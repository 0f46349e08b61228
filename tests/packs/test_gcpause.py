"""Loading and importing run with the cyclic collector paused (linear in the pack's size), and leave it as
they found it, errors included."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from studyvm.packs import loader
from studyvm.packs.gcpause import gc_paused
from studyvm.packs.importers import import_file


def test_paused_during_and_restored_after() -> None:
    seen = []
    probe = gc_paused(lambda: seen.append(gc.isenabled()))
    assert gc.isenabled()
    before = gc.get_freeze_count()
    kept = [object() for _ in range(10)]
    probe()
    assert seen == [False] and gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)  # what was alive is out of the collector's sight

    @gc_paused
    def fails() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()
    gc.disable()
    try:
        probe()
        assert not gc.isenabled()  # left off when it was off
    finally:
        gc.enable()


def test_pack_load_and_import_run_paused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = loader.read_yaml_file

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "read_yaml_file", spy)
    (tmp_path / "pack.yaml").write_text("id: p\ntitle: P\n")
    (tmp_path / "q.yaml").write_text(
        "questions:\n  - id: a\n    type: flip\n    topic: t\n    prompt: x\n    back: y\n"
    )
    assert loader.load_pack_dir(tmp_path).pack is not None
    assert seen and not any(seen) and gc.isenabled()

    from studyvm.packs.importers import gift

    gift_seen: list[bool] = []
    real_gift = gift.import_gift
    monkeypatch.setattr(gift, "import_gift", lambda *a, **k: gift_seen.append(gc.isenabled()) or real_gift(*a, **k))
    source = tmp_path / "q.gift"
    source.write_text("::a:: Is it? {TRUE}\n")
    assert len(import_file(source, "gift").questions) == 1
    assert gift_seen == [False] and gc.isenabled()


@pytest.mark.parametrize(
    ("module", "function", "name", "text"),
    [
        ("gift", "import_gift", "b.gift", "::a::Q? {T}\n"),
        ("aiken", "import_aiken", "b.txt", "Q?\nA. x\nB. y\nANSWER: A\n"),
        ("csv_tsv", "import_csv", "b.csv", "front,back\nQ?,A\n"),
        (
            "moodle_xml",
            "import_moodle_xml",
            "b.xml",
            '<quiz><question type="truefalse"><name><text>a</text></name><questiontext format="html">'
            '<text>Q?</text></questiontext><answer fraction="100"><text>true</text></answer>'
            '<answer fraction="0"><text>false</text></answer></question></quiz>',
        ),
    ],
)
def test_each_importer_pauses_the_collector_for_any_caller(tmp_path, monkeypatch, module, function, name, text):
    # a direct call (the bench, a test, the app) gets the pause too, not only `pack import` via import_file
    from importlib import import_module

    from studyvm.packs.importers import common

    seen: list[bool] = []
    real = common.Collector.finish

    def spy(self):
        seen.append(gc.isenabled())
        return real(self)

    monkeypatch.setattr(common.Collector, "finish", spy)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = getattr(import_module(f"studyvm.packs.importers.{module}"), function)(path)
    assert len(result.questions) == 1
    assert seen == [False] and gc.isenabled()
