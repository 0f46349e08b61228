"""Option values in --help read as plain names (newcomer review p5: `<int range>`, `<str>`)."""

from __future__ import annotations

from typer.testing import CliRunner

from studyvm.cli import app


def test_option_values_have_plain_names() -> None:
    out = CliRunner().invoke(app, ["quiz", "--help"], terminal_width=120).output
    assert "--n N " in out and "--pack TEXT " in out and "--minutes NUMBER " in out
    assert "<int range>" not in out and "<str>" not in out and "<float range>" not in out
