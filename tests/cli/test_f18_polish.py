"""Adversary F18 polish: no folders made by a typo, pack.yaml that is not a file, !!binary refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.pack_fixtures import write_pack
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.errors import DatabaseError
from studyvm.packs.loader import load_pack_dir
from studyvm.store.engine import make_engine


def _run(home: Path, *args: str):
    return CliRunner().invoke(app, ["--home", str(home), *args])


def test_export_to_a_missing_folder_makes_no_folders(tmp_path: Path) -> None:
    target = tmp_path / "typo" / "dir" / "x.json"
    result = _run(tmp_path / "home", "pack", "export", "virtualization", "-o", str(target))
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert not (tmp_path / "typo").exists()


def test_a_sqlite_url_in_a_missing_folder_makes_no_folders(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        make_engine(f"sqlite:///{tmp_path / 'typo' / 'x.sqlite3'}")
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_pack_yaml_that_is_not_a_file_is_named_as_such(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    if kind == "folder":
        (folder / "pack.yaml").mkdir()
    else:
        os.mkfifo(folder / "pack.yaml")
    result = load_pack_dir(folder)
    assert result.pack is None
    message = str(result.diagnostics[0])
    assert "pack.yaml is" in message and "missing" not in message


def test_binary_values_are_refused(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p", "")
    (folder / "q.yaml").write_text("questions:\n  - {id: a, type: flip, prompt: !!binary aGVsbG8=, back: b}\n")
    result = load_pack_dir(folder)
    assert result.pack is None
    assert any("!!binary" in str(d) for d in result.diagnostics)
