"""The CLI's one error boundary: every input of the adversarial report's F14-F16 ends in a message.

Each test fails with a traceback (or a leaked secret / SQL statement) without the boundary.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support.pack_fixtures import write_pack
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.cli.boundary import database_message, translate
from studyvm.errors import DatabaseError, SchemaTooNewError, StudyVMError

runner = CliRunner()


def _run(home: Path, *args: str, **kwargs):
    return runner.invoke(app, ["--home", str(home), *args], **kwargs)


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYVM_")}
    env.update(kwargs.pop("env", {}))
    return subprocess.run(
        [sys.executable, "-m", "studyvm", *args], capture_output=True, text=True, timeout=120, env=env, **kwargs
    )


def test_a_newer_schema_is_named_and_left_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, "stats").exit_code == 0
    db = home / "studyvm.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    result = _run(home, "stats")
    _no_traceback(result)
    assert result.exit_code == 1
    assert "this database was written by a newer StudyVM (schema revision 0099" in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099",)


def test_exam_minutes_inf_is_refused(tmp_path: Path) -> None:
    for value in ("inf", "1e308"):
        result = _run(tmp_path, "quiz", "--plain", "--exam", "--minutes", value, input="")
        _no_traceback(result)
        assert result.exit_code == 2 and "--minutes" in result.output


def test_export_to_a_folder_is_a_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, "pack", "add", str(write_pack(tmp_path / "src"))).exit_code == 0
    target = tmp_path / "somedir"
    target.mkdir()
    result = _run(home, "pack", "export", "demo", "-f", "json", "-o", str(target))
    _no_traceback(result)
    assert result.exit_code == 1
    assert "studyvm: error:" in result.output and "folder" in result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://x:PW1secret@h/db", "unsupported database URL scheme 'mysql'"),
        ("postgresql://x:PW2secret@[::1", "the database URL is malformed"),
        ("nonsense", "unsupported database URL scheme"),
    ],
)
def test_unusable_database_urls(tmp_path: Path, url: str, expected: str) -> None:
    result = _run(tmp_path, "--db", url, "stats")
    _no_traceback(result)
    assert result.exit_code == 1
    assert expected in result.output
    assert "secret" not in result.output


def test_learner_names_are_checked_the_same_on_every_back_end(tmp_path: Path) -> None:
    long_name = _run(tmp_path, "--learner", "x" * 201, "stats")
    _no_traceback(long_name)
    assert long_name.exit_code == 2 and "the limit is 200" in long_name.output
    escape = _run(tmp_path, "--learner", "mallory\x1b]52;c;cm0gLXJmIH4K\x1b\\", "stats")
    assert escape.exit_code == 2 and "control characters" in escape.output
    assert "\x1b" not in escape.output
    empty = _run(tmp_path, "--learner", "", "stats")
    assert empty.exit_code == 2 and "learner name is empty" in empty.output
    assert _run(tmp_path, "--learner", "x" * 200, "stats").exit_code == 0


def test_closed_stdin_and_stdout(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    closed_in = _cli("--home", home, "study", "--plain", stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert "Traceback" not in closed_in.stderr, closed_in.stderr
    assert closed_in.returncode == 0
    closed_out = subprocess.run(
        [sys.executable, "-m", "studyvm", "--home", home, "study", "--plain", "--limit", "2"],
        input="\n3\n\n3\n",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert "Traceback" not in closed_out.stderr, closed_out.stderr
    assert closed_out.returncode == 0
    with sqlite3.connect(Path(home) / "studyvm.sqlite3") as conn:  # answered blind, recorded whole
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM review_log").fetchone() == (2,)


def test_an_ascii_terminal_gets_replacement_characters(tmp_path: Path) -> None:
    result = _cli(
        "--home", str(tmp_path / "home"), "quiz", "--plain", "--n", "1", input="1\n", env={"PYTHONIOENCODING": "ascii"}
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1) for a read-only mount")
def test_a_read_only_home_is_named(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(home, "stats").exit_code == 0
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("mount namespaces are not allowed here")
    script = (
        f"mount --bind {home} {home} && mount -o remount,bind,ro {home} && "
        f"{sys.executable} -m studyvm --home {home} pack add {write_pack(tmp_path / 'src')}; echo rc=$?"
    )
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert "rc=1" in result.stdout
    assert "read-only" in result.stderr


def test_database_errors_never_show_sql() -> None:
    from sqlalchemy.exc import OperationalError

    exc = OperationalError(
        "SELECT card_state.id FROM card_state WHERE learner_id = ?",
        {"x": "secret"},
        Exception("server closed the connection unexpectedly\nThis probably means..."),
    )
    assert database_message(exc) == "server closed the connection unexpectedly"
    exit_ = translate(exc)
    assert exit_ is not None and exit_.exit_code == 1


def test_the_hierarchy() -> None:
    from studyvm.packs.importers.common import ImportProblem
    from studyvm.packs.importers.install import InstallError
    from studyvm.study.service import StudyError

    for cls in (ImportProblem, InstallError, StudyError, DatabaseError, SchemaTooNewError):
        assert issubclass(cls, StudyVMError)
    assert "newer StudyVM" in str(SchemaTooNewError("0099", "0003"))


def test_an_unexpected_error_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import studyvm.cli.pack_cmds as pack_cmds

    def boom(*_args, **_kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(pack_cmds, "load_catalog_for", boom)
    result = _run(tmp_path, "pack", "list")
    _no_traceback(result)
    assert result.exit_code == 70
    assert "internal error: RuntimeError: boom (this is a bug" in result.output
    monkeypatch.setenv("STUDYVM_DEBUG", "1")
    assert isinstance(_run(tmp_path, "pack", "list").exception, RuntimeError)


def test_a_tiny_terminal_is_refused_before_drawing() -> None:
    from studyvm.cli.tui_cmds import check_terminal_size

    with pytest.raises(StudyVMError, match="the terminal is 8x4; StudyVM needs at least 20x10"):
        check_terminal_size(os.terminal_size((8, 4)))
    check_terminal_size(os.terminal_size((20, 10)))


def test_the_tiny_terminal_advice_names_options_that_exist(tmp_path: Path) -> None:
    # bare `studyvm` (and `lab`, `stats`) take no --plain: the advice names the commands that do
    from studyvm.cli.tui_cmds import check_terminal_size

    with pytest.raises(StudyVMError) as refused:
        check_terminal_size(os.terminal_size((8, 4)))
    commands = re.findall(r"`studyvm (\w+) --plain`", str(refused.value))
    assert commands == ["study", "quiz"]
    for command in commands:
        assert "--plain" in _run(tmp_path, command, "--help").output


def test_a_damaged_database_says_what_to_do(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "studyvm.sqlite3").write_bytes(b"this is not a database at all" * 100)
    result = _run(home, "stats")
    _no_traceback(result)
    assert result.exit_code == 1 and "move" in result.output and "aside" in result.output


def test_small_refusals_up_front(tmp_path: Path) -> None:
    missing = _run(tmp_path, "--packs", str(tmp_path / "nonexistent"), "pack", "list", "--json")
    assert missing.exit_code == 0 and "nonexistent: no such folder" in missing.stderr
    bogus = _run(tmp_path, "lab", "--scenario", "bogus")
    assert bogus.exit_code == 2 and "studyvm: error: unknown scenario 'bogus'" in bogus.output


def test_gift_1e999_is_out_of_range_not_an_internal_error(tmp_path: Path) -> None:
    gift = tmp_path / "n.gift"
    gift.write_text("::N:: How big? {#1e999}\n", encoding="utf-8")
    result = _run(tmp_path / "home", "pack", "import", str(gift), "--out", str(tmp_path / "o"))
    _no_traceback(result)
    assert result.exit_code == 1
    assert "n.gift:1:" in result.output and "finite number" in result.output and "internal" not in result.output


def test_describe_gives_one_line_without_sql() -> None:
    from sqlalchemy.exc import IntegrityError

    from studyvm.errors import describe

    exc = IntegrityError("INSERT INTO learner (name) VALUES (?)", {"name": "x"}, Exception("UNIQUE failed\nDETAIL"))
    assert describe(exc) == "database error: UNIQUE failed"
    assert describe(FileNotFoundError(2, "No such file or directory", "/x")) == "/x: No such file or directory"
    assert describe(ValueError("bad\nmore")) == "ValueError: bad"
    assert describe(DatabaseError("cannot open")) == "cannot open"


def test_ctrl_c_at_a_prompt_exits_130_without_a_traceback(tmp_path: Path) -> None:
    import signal

    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYVM_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "studyvm", "--home", str(tmp_path / "home"), "study", "--plain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    assert proc.stdout.read1(4096)  # the session has begun: a question is on screen
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert b"Traceback" not in err
