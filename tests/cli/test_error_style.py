"""One style of error: every refusal of `pack …` (validate aside, whose listing is its output)
ends with one `studyvm: error: …` line printed by the boundary, after any `path:line:col:` lines."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from support.pack_fixtures import write_pack
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.packs import mediarefs

runner = CliRunner()
Case = Callable[[Path], list[str]]


def _gift(tmp: Path, text: str = "::a::Q? {T}\n") -> str:
    path = tmp / "bank.gift"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _installed(tmp: Path, media: bool = False) -> Path:
    """A pack installed in the test's home (``media``: with a media/ file)."""
    folder = write_pack(tmp / "home" / "packs" / "demo")
    if media:
        (folder / "media").mkdir()
        (folder / "media" / "a.png").write_bytes(b"\x89PNG")
    return folder


def _after_install(*args: str, media: bool = False) -> Case:
    """A case that first installs the demo pack, then runs ``args``."""

    def case(tmp: Path) -> list[str]:
        _installed(tmp, media)
        return list(args)

    return case


def _zip(tmp: Path) -> list[str]:
    path = tmp / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "hello")
    return ["pack", "import", str(path)]


def _not_loadable_target(tmp: Path) -> list[str]:
    (tmp / "home" / "packs" / "demo").mkdir(parents=True)
    return ["pack", "add", str(write_pack(tmp / "src"))]


def _add_again(tmp: Path) -> list[str]:
    _installed(tmp)
    return ["pack", "add", str(write_pack(tmp / "src"))]


def _taken_id(tmp: Path) -> list[str]:
    _installed(tmp)
    return ["pack", "import", _gift(tmp), "--id", "demo"]


def _out_exists(tmp: Path) -> list[str]:
    (tmp / "out").mkdir()
    (tmp / "out" / "x").write_text("x")
    return ["pack", "import", _gift(tmp), "--out", str(tmp / "out")]


CASES: dict[str, Case] = {
    "show: unknown pack": lambda tmp: ["pack", "show", "nope"],
    "export: apkg to stdout": _after_install("pack", "export", "demo", "-f", "apkg", "-o", "-"),
    "add: not a folder": lambda tmp: ["pack", "add", _gift(tmp)],
    "add: pack with errors": lambda tmp: [
        "pack", "add", str(write_pack(tmp / "bad", "questions:\n  - {id: a, type: flip, prompt: p}\n"))
    ],
    "add: id already installed": _add_again,
    "add: target not a pack": _not_loadable_target,
    "import: zip but not Anki": _zip,
    "import: unknown format": lambda tmp: ["pack", "import", _gift(tmp), "--format", "qti"],
    "import: history without apkg": lambda tmp: ["pack", "import", _gift(tmp), "--with-history"],
    "import: bad id": lambda tmp: ["pack", "import", _gift(tmp), "--id", "Bad Id!"],
    "import: problems in the file": lambda tmp: ["pack", "import", _gift(tmp, "::a::Q? {#twelve}\n\n::b::R? {#x}\n")],
    "import: only skipped entries": lambda tmp: ["pack", "import", _gift(tmp, "Just a description.\n")],
    "import: no questions": lambda tmp: ["pack", "import", _gift(tmp, "// only a comment\n")],
    "import: id used by another pack": _taken_id,
    "import: --out is not a pack": _out_exists,
    "media: no such file": _after_install("pack", "media", "demo", "b.png", media=True),
    "media: no opener": _after_install("pack", "media", "demo", "a.png", "--open", media=True),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_each_refusal_ends_with_one_boundary_error_line(name: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(mediarefs, "open_with_system", lambda path: False)
    args = CASES[name](tmp_path)
    result = runner.invoke(app, ["--home", str(tmp_path / "home"), *args])
    assert result.exit_code not in (0, None) and "Traceback" not in result.output, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("studyvm: error: "), result.stderr
    assert sum(line.startswith("studyvm: error:") for line in lines) == 1, result.stderr
    assert not any(line.startswith("error:") for line in lines), result.stderr  # the old, unprefixed style
    positioned = [line for line in lines[:-1] if ": error: " in line]
    assert all(line.split(":")[1].isdigit() for line in positioned), positioned  # only path:line:col: lines


def test_problems_are_listed_with_their_place_before_the_summary(tmp_path: Path) -> None:
    bank = _gift(tmp_path, "::a::Q? {#twelve}\n\n::b::R? {#x}\n")
    result = runner.invoke(app, ["--home", str(tmp_path / "home"), "pack", "import", bank])
    assert result.stderr.splitlines() == [
        f"{bank}:1:11: error: not a number: 'twelve'",
        f"{bank}:3:11: error: not a number: 'x'",
        f"studyvm: error: {bank}: 2 errors; nothing was imported",
    ]
