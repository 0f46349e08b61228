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
    assert result.stderr.splitlines() == [
        f"{bank}:41:14: error: not a number: 'twelve'",
        f"studyvm: error: {bank}: 1 error; nothing was imported",
    ]
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


def test_moodle_xml_import_keeps_media_and_media_command_finds_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = _run(home, str(FIXTURES / "moodle_bank.xml"), "--id", "moodle-bank")
    assert result.exit_code == 0, result.output
    assert "Imported 9 questions" in result.stdout
    assert "Kept 1 media files" in result.stdout
    assert (home / "packs" / "moodle-bank" / "media" / "red-dot.png").read_bytes().startswith(b"\x89PNG")
    assert load_pack_dir(home / "packs" / "moodle-bank").ok
    listed = runner.invoke(app, ["--home", str(home), "pack", "media", "moodle-bank"])
    assert listed.exit_code == 0 and listed.stdout.strip().endswith("red-dot.png")
    one = runner.invoke(app, ["--home", str(home), "pack", "media", "moodle-bank", "red-dot.png"])
    assert one.exit_code == 0 and one.stdout.strip() == str(home / "packs" / "moodle-bank" / "media" / "red-dot.png")
    bad = runner.invoke(app, ["--home", str(home), "pack", "media", "moodle-bank", "../pack.yaml"])
    assert bad.exit_code == 1 and "has no media file" in bad.stderr


def _import_export_import(home: Path, source: Path, fmt: str, first: str, second: str, out: Path) -> None:
    """Import ``source`` as pack ``first``, export it as ``fmt`` to ``out``, import that as ``second``."""
    assert _run(home, str(source), "--id", first).exit_code == 0
    exported = runner.invoke(app, ["--home", str(home), "pack", "export", first, "-f", fmt, "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    again = _run(home, str(out), "--id", second)
    assert again.exit_code == 0, again.output


def test_moodle_xml_export_imports_back(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "every.xml"
    _import_export_import(home, FIXTURES / "every_type.gift", "moodle-xml", "every", "every-again", out)
    assert out.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>')
    first = load_pack_dir(home / "packs" / "every").pack
    second = load_pack_dir(home / "packs" / "every-again").pack
    assert [q.model_dump() for q in second.questions] == [q.model_dump() for q in first.questions]


def test_every_error_is_listed_and_nothing_installed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bank = tmp_path / "bank.gift"
    bank.write_text("::a::Q? {=x ~%150%y}\n\n::b::R? {#abc}\n\n::c::Fine? {T}\n")
    result = _run(home, str(bank))
    assert result.exit_code == 1
    assert [line.split(":")[1] for line in result.stderr.splitlines()[:2]] == ["1", "3"]
    assert "2 errors; nothing was imported" in result.stderr
    assert _installed(home) == []


def test_unknown_binary_and_with_history_misuse_are_clear(tmp_path: Path) -> None:
    bank = tmp_path / "bank.gift"
    bank.write_text("Q? {T}\n")
    result = _run(tmp_path / "home", str(bank), "--with-history")
    assert result.exit_code == 1 and "--with-history needs an Anki package" in result.stderr


def test_apkg_import_with_history_replays_the_reviews(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(FIXTURES.parent.parent))
    from anki_builder import build_current

    from studyvm.config import Settings
    from studyvm.packs.importers.apkg import guid_id
    from studyvm.study.service import StudyService

    home = tmp_path / "home"
    build_current(tmp_path / "Sport deck.apkg", tmp_path)
    result = _run(home, str(tmp_path / "Sport deck.apkg"), "--with-history")
    assert result.exit_code == 0, result.output
    assert "Imported 4 questions (3 flip, 1 cloze)" in result.stdout
    assert "Brought 3 Anki reviews of 2 questions" in result.stdout
    assert (home / "packs" / "sport-deck" / "media" / "pic.png").is_file()
    with StudyService(Settings(home=home)) as svc:
        assert svc.card("sport-deck", guid_id("guid-1")).state == "review"
        assert svc.card("sport-deck", guid_id("guid-2")).state == "new"
        from studyvm.study.browse import find_cards, history

        listed = {c.question_id: c for c in find_cards(svc, "pack:sport-deck")}  # the last rating kept on the card
        assert listed[guid_id("guid-1")].last_rating is not None and listed[guid_id("guid-2")].last_rating is None
        assert history(svc, "sport-deck", guid_id("guid-1"))  # found along the log's card_id index
    with_out = _run(home, str(tmp_path / "Sport deck.apkg"), "--with-history", "--out", str(tmp_path / "x"))
    assert with_out.exit_code == 1 and "cannot be used with --out" in with_out.stderr


def test_export_warns_when_a_question_changed_type_under_the_same_id(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bank = tmp_path / "bank.gift"
    bank.write_text("::a::Which ring? {=0 ~3}\n\n::b::Name it {=VT-x}\n")
    assert _run(home, str(bank), "--id", "bank").exit_code == 0
    for fmt in ("gift", "moodle-xml", "apkg"):
        out = tmp_path / f"export.{fmt}"
        first = runner.invoke(app, ["--home", str(home), "pack", "export", "bank", "-f", fmt, "-o", str(out)])
        assert first.exit_code == 0 and "was " not in first.stderr, first.output
    bank.write_text("::a::Which ring? {=0 ~3}\n\n::b::Name it {}\n")
    assert _run(home, str(bank), "--id", "bank", "--force").exit_code == 0
    for fmt in ("gift", "moodle-xml", "apkg"):
        out = tmp_path / f"export.{fmt}"
        again = runner.invoke(app, ["--home", str(home), "pack", "export", "bank", "-f", fmt, "-o", str(out)])
        assert again.exit_code == 0, again.output
        assert "question 'b' was " in again.stderr and "question 'a'" not in again.stderr, (fmt, again.stderr)


def test_a_zip_that_is_not_anki_is_named(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "qti.zip", "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
    result = _run(tmp_path / "home", str(tmp_path / "qti.zip"))
    assert result.exit_code == 1 and "not an Anki package (QTI and other zip formats" in result.stderr


def test_media_survive_moodle_xml_to_studyvm_to_anki_and_back(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _import_export_import(home, FIXTURES / "moodle_bank.xml", "apkg", "moodle-bank", "from-anki", tmp_path / "b.apkg")
    pack = load_pack_dir(home / "packs" / "from-anki").pack
    assert any(q.prompt.startswith("What is shown? [image: a red dot (red-dot.png)]") for q in pack.questions)
    kept = home / "packs" / "from-anki" / "media" / "red-dot.png"
    assert kept.read_bytes() == (home / "packs" / "moodle-bank" / "media" / "red-dot.png").read_bytes()


def test_media_survive_a_moodle_xml_round_trip(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "bank.xml"
    _import_export_import(home, FIXTURES / "moodle_bank.xml", "moodle-xml", "moodle-bank", "again", out)
    assert '<file name="red-dot.png" path="/" encoding="base64">' in out.read_text()
    first = load_pack_dir(home / "packs" / "moodle-bank").pack
    second = load_pack_dir(home / "packs" / "again").pack
    assert [q.model_dump() for q in second.questions] == [q.model_dump() for q in first.questions]
    assert (home / "packs" / "again" / "media" / "red-dot.png").is_file()
