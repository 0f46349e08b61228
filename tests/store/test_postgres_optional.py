"""PostgreSQL is an optional extra (newcomer review m21: every install pulled in psycopg-binary):
without the driver, a PostgreSQL URL gets a message saying what to install, never a traceback."""

from __future__ import annotations

import importlib.util

import pytest
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.errors import DatabaseError
from studyvm.store.engine import make_engine

REAL_FIND_SPEC = importlib.util.find_spec


@pytest.fixture
def no_psycopg(monkeypatch):
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else REAL_FIND_SPEC(name, *a)
    )


def test_a_postgres_url_without_the_driver_says_what_to_install(no_psycopg) -> None:
    with pytest.raises(DatabaseError, match=r"pip install 'studyvm\[postgres\]'"):
        make_engine("postgresql://teacher@dbhost/klass")


def test_the_command_line_reports_it_as_an_error(no_psycopg, tmp_path) -> None:
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "--db", "postgresql://t@h/k", "stats"])
    assert result.exit_code != 0
    assert "studyvm: error: PostgreSQL support is not installed" in result.output
    assert "Traceback" not in result.output


def test_sqlite_needs_no_driver(no_psycopg, tmp_path) -> None:
    make_engine(f"sqlite:///{tmp_path / 'x.db'}").dispose()
