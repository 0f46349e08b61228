"""Logging: nothing until configured; the home's log keeps warnings; --log-file keeps a debug log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studyvm import logs
from studyvm.cli import app


@pytest.fixture(autouse=True)
def _reset_handlers():
    yield
    logs.configure(Path("/nonexistent-home"))  # detaches the file handler again


def test_no_home_no_log_file_logs_nowhere(tmp_path: Path) -> None:
    assert logs.configure(tmp_path / "missing") is None
    assert not (tmp_path / "missing").exists()  # the log never creates the home


def test_the_home_log_keeps_warnings_only(tmp_path: Path) -> None:
    target = logs.configure(tmp_path)
    assert target == tmp_path / logs.LOG_NAME
    logging.getLogger("studyvm.study.service").debug("not kept")
    logging.getLogger("studyvm.packs.catalog").warning("kept")
    text = target.read_text(encoding="utf-8")
    assert "WARNING studyvm.packs.catalog: kept" in text and "not kept" not in text


def test_log_file_option_writes_a_debug_log(tmp_path: Path) -> None:
    log = tmp_path / "debug.log"
    result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "--log-file", str(log), "pack", "list"])
    assert result.exit_code == 0, result.output
    assert "DEBUG studyvm.packs.catalog: catalog:" in log.read_text(encoding="utf-8")
