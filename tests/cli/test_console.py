"""The ``studyvm`` console script: alone it opens the app without the command line's parser, doing
the root command's start-up; with arguments it is the command line."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyvm import console, launch

SCRIPT = """
import sys
from studyvm.console import main
try:
    main()
finally:
    print("TYPER", "typer" in sys.modules, file=sys.__stdout__)
"""


def _studyvm(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "STUDYVM_HOME": str(tmp_path / "home"), **env}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, env=environ, timeout=120, check=False
    )


def test_alone_a_bad_setting_is_one_line_and_an_exit_code(tmp_path: Path) -> None:
    done = _studyvm(tmp_path, STUDYVM_LEARNER="ada\x1b[2J")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("studyvm: error: ") and "Traceback" not in done.stderr, done.stderr
    assert "\x1b" not in done.stderr


def test_with_arguments_it_is_the_command_line(tmp_path: Path) -> None:
    done = _studyvm(tmp_path, "--version")
    assert done.returncode == 0 and done.stdout.startswith("studyvm "), done.stderr
    assert "TYPER True" in done.stdout


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, str]]:
    """``studyvm`` alone, with the app replaced by a recorder (settings, screen)."""
    calls: list[tuple[object, str]] = []

    def run_app(settings: object, screen: str = "dashboard", **_options: object) -> int:
        calls.append((settings, screen))
        return 0

    monkeypatch.setattr(launch, "run_app", run_app)
    monkeypatch.setattr(sys, "argv", ["studyvm"])
    monkeypatch.setenv("STUDYVM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYVM_LEARNER", "ada")
    return calls


def test_alone_it_opens_the_dashboard_after_the_root_commands_start_up(
    tmp_path: Path, started: list[tuple[object, str]]
) -> None:
    home = tmp_path / "home"
    (home / ".staging" / "pack-x1y2z3").mkdir(parents=True)  # what a killed `pack add` left behind
    with pytest.raises(SystemExit) as ended:
        console.main()
    assert ended.value.code == 0
    ((settings, screen),) = started
    assert screen == "dashboard" and settings.home == home and settings.learner == "ada"  # type: ignore[attr-defined]
    assert not (home / ".staging" / "pack-x1y2z3").exists()


def test_alone_an_error_in_the_app_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exploded(*_a: object, **_k: object) -> int:
        raise RuntimeError("widget exploded\nsecond line")

    monkeypatch.setattr(launch, "run_app", exploded)
    monkeypatch.setattr(sys, "argv", ["studyvm"])
    monkeypatch.setenv("STUDYVM_HOME", str(tmp_path / "home"))
    with pytest.raises(SystemExit) as ended:
        console.main()
    assert ended.value.code == 70
    err = capsys.readouterr().err
    assert "studyvm: error: internal error: RuntimeError: widget exploded (this is a bug" in err
    assert "second line" not in err


def test_no_leftovers_no_staging_code(tmp_path: Path) -> None:
    """Most starts have nothing to clean and skip loading the staging code (ctypes, secrets)."""
    from studyvm.config import Settings

    settings = Settings(home=tmp_path / "home", learner="ada")
    assert not launch._may_have_leftovers(settings)
    (settings.user_packs_dir / ".tmp-old").mkdir(parents=True)
    assert launch._may_have_leftovers(settings)


def test_a_command_without_settings_file_or_leftovers_loads_neither_checker(tmp_path: Path) -> None:
    """Every command ran the settings check (tomllib) and the leftovers' cleaner (ctypes, secrets)
    even with no settings file and nothing to clean."""
    probe = SCRIPT.replace(
        '"TYPER", "typer" in sys.modules',
        '"SKIPPED", "studyvm.settings_check" not in sys.modules and "studyvm.packs.staging" not in sys.modules',
    )
    environ = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "STUDYVM_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", probe, "sim", "list"], capture_output=True, text=True, env=environ, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "SKIPPED True" in done.stdout, done.stdout[-500:]
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "settings.toml").write_text("[study]\nretention = 7\n")
    done = subprocess.run(
        [sys.executable, "-c", probe, "sim", "list"], capture_output=True, text=True, env=environ, timeout=120
    )
    assert "retention" in done.stderr  # with a file, it is still checked


@pytest.fixture
def collector() -> Iterator[None]:
    """The garbage collector as it was, afterwards (the launcher's pause and freeze undone)."""
    was_on = gc.isenabled()
    yield
    launch.resume_gc()
    gc.unfreeze()
    if was_on:
        gc.enable()


@pytest.mark.usefixtures("collector")
def test_the_collector_is_paused_until_resumed_then_frozen_once() -> None:
    gc.enable()
    launch.pause_gc()
    assert not gc.isenabled()
    launch.resume_gc()
    assert gc.isenabled() and gc.get_freeze_count() > 0
    gc.unfreeze()
    launch.resume_gc()  # a second resume (the app's end after its first paint) freezes nothing more
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector")
def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    launch.pause_gc()
    launch.resume_gc()
    assert not gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector")
def test_an_error_before_the_first_paint_resumes_the_collector(started: list[tuple[object, str]], monkeypatch) -> None:
    gc.enable()

    def fails(settings: object, screen: str = "dashboard", **_options: object) -> int:
        assert not gc.isenabled()  # paused while the app starts
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(launch, "run_app", fails)
    assert console.open_dashboard() == 1
    assert gc.isenabled() and gc.get_freeze_count() == 0  # nothing painted: nothing frozen


@pytest.mark.usefixtures("collector")
def test_an_app_that_never_paints_leaves_the_collector_on(started: list[tuple[object, str]]) -> None:
    gc.enable()
    with pytest.raises(SystemExit):
        console.main()  # the recorder stands in for the app
    assert started and gc.isenabled() and gc.get_freeze_count() == 0
