"""Every value in --help has a human name (newcomer review p5: `<list[Path]>`, `<int range>`, `<str>`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from studyvm.cli import app

TYPE_NAMES = re.compile(r"<list\[|range>|<(?:str|int|float|path|Path|bool)>")
"""What typer prints for a value without a name."""


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of every command and sub-command, the root included (hidden ones too), found as click
    finds them (the root loads its commands on demand, see studyvm.cli.lazy)."""
    yield path
    if hasattr(command, "list_commands"):
        ctx = typer.Context(command)
        for name in sorted(command.list_commands(ctx)):
            yield from _commands(command.get_command(ctx, name), (*path, name))


ALL = list(_commands(typer.main.get_command(app)))


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_walk_finds_every_area() -> None:
    # a walk that found nothing could not fail below
    assert {("cards", "search"), ("pack", "validate"), ("sim", "compare"), ("config", "limits"), ("quiz",)} <= set(ALL)
    assert len(ALL) > 40


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "studyvm")
def test_no_value_is_named_by_its_type(path: tuple[str, ...]) -> None:
    out = _help(path)
    assert not TYPE_NAMES.search(out), TYPE_NAMES.search(out)
    assert not re.search(r"\b(?:TEXT|PATH|NUMBER)\b", out.split("Options:")[-1]), out


def test_values_read_as_what_they_are() -> None:
    quiz = _help(("quiz",))
    assert "--n N " in quiz and "--pack PACK " in quiz and "--minutes MINUTES " in quiz
    assert "--pass-mark PERCENT " in quiz
    search = _help(("cards", "search"))
    assert "Usage: studyvm cards search [OPTIONS] [QUERY]" in search and "\n  QUERY  " in search
    assert "--sort FIELD " in search and "--limit N " in search
    validate = _help(("pack", "validate"))
    assert "{PATH}..." in validate and "\n  PATH...  " in validate
    root = _help(())
    assert "--home FOLDER " in root and "--db URL " in root and "--packs FOLDER… " in root
    compare = _help(("sim", "compare"))
    assert "--workload WORKLOAD " in compare and "--set NAME=CYCLES… " in compare
    assert "KIND <questions|pack>" in _help(("pack", "schema"))  # a choice keeps its list
