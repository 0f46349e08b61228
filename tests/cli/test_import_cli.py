"""``studyvm pack import``: install or write a pack, all or nothing, with located errors."""

from __future__ import annotations

import io
from pathlib import Path

from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.cli.progress import TtyProgress
from studyvm.packs.importers.install import base_name, pack_id_for
from studyvm.packs.loader import load_pack_dir

FIXTURES = Path(__file__).resolve().parents[1] / "packs" / "fixtures" / "import"
runner = CliRunner()


def _run(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), "pack", "import", *args])


def _installed(home: Path) -> list[str]:
    packs = home / "packs"
    return sorted(p.name for p in packs.iterdir()) if packs.is_dir() else []


def test_gift_is_installed_and_loads(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = _run(home, str(FIXTURES / "every_type.gift"))
    assert result.exit_code == 0, result.output
    assert "Imported 23 questions" in result.stdout
    assert "every_type.gift:56:1: warning: description" in result.stderr
    assert _installed(home) == ["every-type"]
    loaded = load_pack_dir(home / "packs" / "every-type")
    assert loaded.ok and len(loaded.pack.questions) == 23
    assert loaded.pack.meta.title == "every_type"
    listed = runner.invoke(app, ["--home", str(home), "pack", "list"])
    assert "every-type" in listed.output


def test_existing_pack_is_refused_unless_forced(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, str(FIXTURES / "cards.csv"), "--id", "cards").exit_code == 0
    again = _run(home, str(FIXTURES / "cards.tsv"), "--id", "cards")
    assert again.exit_code == 1
    assert "already exists (use --force" in again.stderr
    assert len(load_pack_dir(home / "packs" / "cards").pack.questions) == 3
    forced = _run(home, str(FIXTURES / "cards.tsv"), "--id", "cards", "--force", "--title", "TSV cards")
    assert forced.exit_code == 0, forced.output
    pack = load_pack_dir(home / "packs" / "cards").pack
    assert (len(pack.questions), pack.meta.title) == (2, "TSV cards")
    assert _installed(home) == ["cards"]  # no temporary folders left behind


def test_out_writes_an_editable_pack(tmp_path: Path) -> None:
    out = tmp_path / "edit"
    result = _run(tmp_path / "home", str(FIXTURES / "bank.aiken"), "--out", str(out), "--id", "aiken-bank")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["pack.yaml", "questions.yaml"]
    assert load_pack_dir(out).pack.id == "aiken-bank"
    assert _installed(tmp_path / "home") == []
    assert _run(tmp_path / "home", str(FIXTURES / "bank.aiken"), "--out", str(out)).exit_code == 1


def test_format_from_suffix_option_and_anki_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    aiken_as_txt = tmp_path / "bank.txt"
    aiken_as_txt.write_text((FIXTURES / "bank.aiken").read_text(encoding="utf-8"), encoding="utf-8")
    assert _run(home, str(aiken_as_txt)).exit_code == 1  # .txt means GIFT
    result = _run(home, str(aiken_as_txt), "--format", "aiken")
    assert result.exit_code == 0, result.output
    anki = _run(home, str(FIXTURES / "anki_notes.txt"))
    assert anki.exit_code == 0, anki.output
    assert "1 flip, 1 cloze" in anki.stdout
    unknown = tmp_path / "bank.xyz"
    unknown.write_text("Q?{T}\n", encoding="utf-8")
    refused = _run(home, str(unknown))
    assert refused.exit_code == 1
    assert "give --format" in refused.stderr


def test_error_anywhere_imports_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bank = tmp_path / "bank.gift"
    bank.write_text("Good?{T}\n\n" * 20 + "::bad::Bad?{#twelve}\n", encoding="utf-8")
    result = _run(home, str(bank))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{bank}:41:14: error: not a number: 'twelve'"
    assert "Traceback" not in result.output
    assert _installed(home) == []


def test_bad_ids_and_clashes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = _run(home, str(FIXTURES / "cards.csv"), "--id", "Not An Id")
    assert bad.exit_code == 1 and "invalid pack id" in bad.stderr
    clash = _run(home, str(FIXTURES / "cards.csv"), "--id", "virtualization")
    assert clash.exit_code == 1 and "already used by" in clash.stderr
    empty = tmp_path / "empty.gift"
    empty.write_text("// only a comment\n", encoding="utf-8")
    nothing = _run(home, str(empty))
    assert nothing.exit_code == 1 and "no questions found" in nothing.stderr
    assert _installed(home) == []


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_after_the_delay() -> None:
    tty = _Tty()
    bar = TtyProgress("importing", delay=0.0, stream=tty)
    bar(5, 10)
    bar.close()
    assert "importing [###############...............]  50%" in tty.getvalue()
    assert tty.getvalue().endswith("\n")
    quiet = _Tty()
    slow = TtyProgress("importing", delay=60.0, stream=quiet)
    slow(5, 10)
    slow.close()
    assert quiet.getvalue() == ""
    pipe = io.StringIO()
    piped = TtyProgress("importing", delay=0.0, stream=pipe)
    piped(5, 10)
    assert pipe.getvalue() == ""


def test_default_id_and_title_from_the_file_name() -> None:
    assert pack_id_for(Path("Moodle Examples.gift.txt")) == "moodle-examples"
    assert base_name(Path("Week 1.GIFT")) == "Week 1"
    assert pack_id_for(Path("!!!.csv")) == "imported"
