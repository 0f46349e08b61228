"""F1: escape sequences from a pack, a file name, a YAML key or a learner name never reach the terminal.

A pack with an escape sequence in every field (tests/support/hostile_corpus.py) goes through every
command that shows text; each output, stdout and stderr, is checked byte for byte for ESC, the
8-bit CSI, BEL, C1 string starters and bidi overrides, and for the visible form of the payload
(the text is shown, only inert).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support.hostile_corpus import PACK_ID, PAYLOAD, assert_inert, write_hostile_pack, write_invalid_pack
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.textsafe import InertStream, inert, inert_name

runner = CliRunner()
VISIBLE = "\\x1b]52;c;cm0gLXJmIH4K"
"""How the clipboard write is shown: as text."""


def _run(home: Path, *args: str, input: str | None = None):
    result = runner.invoke(app, ["--home", str(home), *args], input=input)
    both = result.stdout_bytes + result.stderr_bytes
    assert_inert(both, " ".join(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with the hostile pack installed."""
    home = tmp_path / "home"
    result = _run(home, "pack", "add", str(write_hostile_pack(tmp_path / "src")))
    assert result.exit_code == 0, result.output
    return home


def test_inert_keeps_newline_and_tab_and_shows_the_rest() -> None:
    assert inert("a\nb\tc") == "a\nb\tc"
    assert inert("x\x1b[2Jy\x9b\x07\r") == "x\\x1b[2Jy\\x9b\\x07\\x0d"
    assert inert("\u202egnp.exe") == "\\u202egnp.exe"
    assert inert_name("a\nb") == "a\\x0ab"
    assert inert("plain text, ünïcode — ok") == "plain text, ünïcode — ok"


def test_the_stream_filter_keeps_carriage_return_for_progress_bars() -> None:
    import io

    raw = io.StringIO()
    stream = InertStream(raw)
    stream.write("\rbar [###] \x1b]0;x\x07")
    assert raw.getvalue() == "\rbar [###] \\x1b]0;x\\x07"
    with pytest.raises(AttributeError):
        stream.buffer  # noqa: B018 -- bytes must not bypass the filter


def test_pack_commands(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "src" / PACK_ID
    assert _run(home, "pack", "validate", str(src)).exit_code == 0
    shown = _run(home, "pack", "show", PACK_ID)
    assert shown.exit_code == 0 and VISIBLE in shown.output
    listed = _run(home, "pack", "list")
    assert listed.exit_code == 0 and VISIBLE in listed.output
    assert _run(home, "pack", "list", "--json").exit_code == 0
    for fmt in ("gift", "json"):
        exported = _run(home, "pack", "export", PACK_ID, "-f", fmt, "-o", "-")
        assert exported.exit_code == 0, exported.output


def test_validate_quotes_hostile_file_names_and_keys(tmp_path: Path) -> None:
    result = _run(tmp_path / "home", "pack", "validate", str(write_invalid_pack(tmp_path)))
    assert result.exit_code == 1
    assert "q\\x1b]0;PWNED-TITLE\\x07.yaml" in result.output
    assert "bad\\x1b]52;c;cm0gLXJmIH4K" in result.output


def test_plain_study_quiz_and_exam(home: Path) -> None:
    study = _run(home, "study", "--plain", "--pack", PACK_ID, input="\n3\n" * 40)
    assert study.exit_code == 0 and VISIBLE in study.output
    quiz = _run(home, "quiz", "--plain", "--pack", PACK_ID, "--n", "9", input="1\n" * 40)
    assert quiz.exit_code == 0 and VISIBLE in quiz.output
    exam = _run(home, "quiz", "--plain", "--exam", "--pack", PACK_ID, "--n", "9", input="1\n" * 40)
    assert exam.exit_code == 0
    assert _run(home, "stats").exit_code == 0
    assert _run(home, "stats", "--json").exit_code == 0


def test_report_shows_a_hostile_learner_name_inert(home: Path) -> None:
    assert _run(home, "--learner", "mallory", "study", "--plain", "--pack", PACK_ID, input="\n3\n").exit_code == 0
    with sqlite3.connect(home / "studyvm.sqlite3") as conn:  # a name written by an older StudyVM
        conn.execute("UPDATE learner SET name = ? WHERE name = 'mallory'", (f"mallory{PAYLOAD}",))
    result = _run(home, "report")
    assert result.exit_code == 0
    assert "mallory\\x1b]52" in result.output
    assert _run(home, "report", "--json").exit_code == 0


def test_import_with_a_hostile_file_name_and_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    gift = tmp_path / "bank\x1b]0;PWNED\x07.gift"
    gift.write_text(f"::q1:: Which? {PAYLOAD} {{=right {PAYLOAD} ~wrong}}\n", encoding="utf-8")
    result = _run(home, "pack", "import", str(gift), "--id", "bank")
    assert result.exit_code == 0, result.output
    assert _run(home, "pack", "show", "bank").exit_code == 0
    broken = tmp_path / "broken\x1b[2J.gift"
    broken.write_text("::q1:: Which? {=right ~wrong\n", encoding="utf-8")
    assert _run(home, "pack", "import", str(broken), "--id", "broken").exit_code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["pack", "show", f"x{PAYLOAD}"],
        ["study", "--plain", "--pack", f"x{PAYLOAD}"],
        ["quiz", "--plain", "--topic", f"x{PAYLOAD}"],
        ["pack", "validate", f"/nonexistent/x{PAYLOAD}"],
        ["pack", "add", f"/nonexistent/x{PAYLOAD}"],
        ["pack", "import", f"/nonexistent/x{PAYLOAD}.gift"],
        ["pack", "export", f"x{PAYLOAD}", "-o", "-"],
        ["--db", "sqlite:///{file}/x" + PAYLOAD + "/db", "stats"],
        ["--db", f"x{PAYLOAD}://u@h/db", "stats"],
        ["lab", "--scenario", f"x{PAYLOAD}"],
        ["sim", "run", "--workload", f"x{PAYLOAD}"],
    ],
)
def test_error_messages_quote_user_supplied_names_inert(tmp_path: Path, args: list[str]) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    result = _run(tmp_path / "home", *[a.replace("{file}", str(a_file)) for a in args], input="")
    assert result.exit_code != 0


def test_a_warning_quoting_a_missing_packs_folder_is_inert(tmp_path: Path) -> None:
    result = _run(tmp_path / "home", "--packs", str(tmp_path / f"x{PAYLOAD}"), "pack", "list")
    assert result.exit_code == 0 and "no such folder" in result.stderr
