"""The ``studyvm pack`` commands, driven through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from support.pack_fixtures import write_pack
from typer.testing import CliRunner

from studyvm.cli import app

runner = CliRunner()


def _run(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


def test_validate_ok_and_errors(tmp_path: Path) -> None:
    good = write_pack(tmp_path / "good")
    result = _run(tmp_path, "pack", "validate", str(good))
    assert result.exit_code == 0, result.output
    bad = write_pack(tmp_path / "bad", "questions:\n  - {id: a, type: flip, prompt: p}\n")
    result = _run(tmp_path, "pack", "validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad / 'q.yaml'}:2:5: error: missing required field 'back'" in result.output


def test_validate_missing_path(tmp_path: Path) -> None:
    result = _run(tmp_path, "pack", "validate", str(tmp_path / "nothing"))
    assert result.exit_code == 1
    assert "no such file or folder" in result.output


def test_add_list_show_export(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = write_pack(tmp_path / "src")
    result = _run(home, "pack", "add", str(folder))
    assert result.exit_code == 0, result.output
    assert (home / "packs" / "demo" / "pack.yaml").is_file()
    listed = _run(home, "pack", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rows["demo"]["origin"] == "user"
    assert rows["demo"]["questions"] > 9
    shown = _run(home, "pack", "show", "demo")
    assert shown.exit_code == 0 and "Demo pack" in shown.output
    out = tmp_path / "demo.json"
    exported = _run(home, "pack", "export", "demo", "--format", "json", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text())["questions"][0]["id"] == "q.flip"
    again = _run(home, "pack", "add", str(folder))
    assert again.exit_code == 1 and "already used" in again.output
    assert _run(home, "pack", "add", "--force", str(folder)).exit_code == 0


def test_add_refuses_a_broken_pack_whole(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = write_pack(
        tmp_path / "bad", "questions:\n  - {id: a, type: mcq, prompt: p, options: [{text: x}, {text: y}]}\n"
    )
    result = _run(home, "pack", "add", str(bad))
    assert result.exit_code == 1
    assert "nothing was installed" in result.output
    assert not (home / "packs" / "demo").exists()


def test_unknown_pack_id(tmp_path: Path) -> None:
    result = _run(tmp_path, "pack", "show", "nope")
    assert result.exit_code == 1 and "no pack with id 'nope'" in result.output


def test_schema_is_json(tmp_path: Path) -> None:
    result = _run(tmp_path, "pack", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "McqQuestion" in schema["$defs"]
    assert json.loads(_run(tmp_path, "pack", "schema", "pack").stdout)["title"] == "PackMeta"


def test_duplicate_pack_id_names_both_places(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, "pack", "add", str(write_pack(tmp_path / "src"))).exit_code == 0
    extra = tmp_path / "extra"
    write_pack(extra / "copy")
    result = runner.invoke(app, ["--home", str(home), "--packs", str(extra), "pack", "list"])
    assert "pack id 'demo' is already used by" in result.output
