"""The JSON export holds the fully resolved pack and loads back to the same questions."""

from __future__ import annotations

import json
from pathlib import Path

from support.pack_fixtures import write_pack

from studyvm.packs.loader import load_path


def test_export_then_load_gives_the_same_pack(tmp_path: Path) -> None:
    pack = load_path(write_pack(tmp_path / "p")).pack
    assert pack is not None
    exported = pack.export_dict()
    assert exported["id"] == "demo"
    first = exported["questions"][0]
    for key in ("id", "type", "prompt", "explanation", "topic", "tags", "source", "caveat", "demo"):
        assert key in first
    assert any(q["generated_from"] == "t1" for q in exported["questions"])
    out = tmp_path / "demo.json"
    out.write_text(json.dumps(exported))
    again = load_path(out)
    assert again.ok, again.diagnostics
    assert [q.model_dump() for q in again.pack.questions] == [q.model_dump() for q in pack.questions]
    assert again.pack.meta == pack.meta


def test_broken_export_is_reported(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    out.write_text('{"format": "studyvm-pack/1", "id": "x"')
    result = load_path(out)
    assert not result.ok and "invalid JSON" in str(result.diagnostics[0])
