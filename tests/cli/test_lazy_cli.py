"""The root command loads its commands' modules on demand (studyvm.cli.lazy), and the command line
behaves exactly as when every area was registered up front: the same help, the same errors."""

from __future__ import annotations

import copy
import importlib
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.cli.boundary import BoundaryGroup
from studyvm.cli.lazy import AREAS, COMMANDS, trimmed

runner = CliRunner()
CMD_MODULES = sorted({name for modules in AREAS.values() for name in modules})
SIM_MODULES = {
    "studyvm.cli.sim_cmds",
    "studyvm.cli.sim_costs_cmds",
    "studyvm.cli.sim_paper_cmds",
    "studyvm.cli.sim_view_cmds",
}
ALL_CMD_MODULES = {*CMD_MODULES, *SIM_MODULES, "studyvm.cli.instructor_cmds"}


def _eager_app() -> typer.Typer:
    """The root app as it was before it was lazy: the same settings and root callback, every area's
    ``register`` called on it directly (media, pack, lint, study, card, sim, tui, class, config)."""
    eager = copy.copy(app)
    eager.info = copy.copy(app.info)
    eager.info.cls = BoundaryGroup
    eager.registered_commands, eager.registered_groups = [], []
    for name in ("media", "pack", "lint", "study", "card", "sim", "tui", "class", "config"):
        importlib.import_module(f"studyvm.cli.{name}_cmds").register(eager)
    return eager


EAGER = _eager_app()


def _paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path under ``command`` (click's own walk: list_commands, get_command)."""
    yield path
    if hasattr(command, "list_commands"):
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            yield from _paths(command.get_command(ctx, name), (*path, name))


EAGER_PATHS = list(_paths(typer.main.get_command(EAGER)))


def _same(args: list[str], width: int = 80) -> str:
    lazy = runner.invoke(app, args, terminal_width=width)
    eager = runner.invoke(EAGER, args, terminal_width=width)
    assert (lazy.output, lazy.exit_code) == (eager.output, eager.exit_code), args
    return lazy.output


def test_the_table_is_every_command_in_the_eager_order() -> None:
    eager = typer.main.get_command(EAGER)
    assert list(COMMANDS) == eager.list_commands(typer.Context(eager))
    assert list(typer.main.get_command(app).list_commands(typer.Context(eager))) == list(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_one_line_help_is_the_real_docstring(name: str) -> None:
    real = typer.main.get_command(EAGER).commands[name]  # type: ignore[attr-defined]
    assert COMMANDS[name].summary == " ".join(real.help.split("\n\n")[0].split())
    assert real.short_help is None and not real.hidden and not real.deprecated  # the table would not show them
    loaded = typer.main.get_command(app).get_command(typer.Context(real), name)  # type: ignore[attr-defined]
    assert loaded.help == real.help


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_root_help_is_the_eager_ones(width: int) -> None:
    out = _same(["--help"], width)
    assert all(f"\n  {name} " in out for name in COMMANDS)


def test_the_walk_finds_every_command() -> None:
    assert {
        ("sim", "list"),
        ("pack", "lint"),
        ("pack", "media"),
        ("pack", "import"),
        ("lab",),
        ("class", "init"),
    } <= set(EAGER_PATHS)
    assert len(EAGER_PATHS) > 40
    assert list(_paths(typer.main.get_command(app))) == EAGER_PATHS


@pytest.mark.parametrize("path", EAGER_PATHS, ids=lambda p: " ".join(p) or "studyvm")
def test_every_help_is_the_eager_ones(path: tuple[str, ...]) -> None:
    _same([*path, "--help"])


@pytest.mark.parametrize(
    "args",
    [
        ["simm"],  # no such command, with "Did you mean"
        ["nope", "x"],
        ["--bogus"],
        ["pack"],  # a group with no command: its help, exit 2
        ["sim", "lst"],  # no such sub-command
        ["sim", "--bogus", "list"],
        ["sim", "list", "--bogus"],
        ["sim", "run", "--scale", "x"],
        ["sim", "run", "--scale", "0"],
        ["quiz", "--n", "zero"],
        ["config", "limits", "--new", "x"],
        ["--version"],
    ],
    ids=" ".join,
)
def test_errors_and_exit_codes_are_the_eager_ones(args: list[str], tmp_path: Any) -> None:
    _same(["--home", str(tmp_path), *args])


def test_a_run_is_the_eager_ones(tmp_path: Any) -> None:
    out = _same(["--home", str(tmp_path), "sim", "list", "--json"])
    assert '"workloads"' in out


def test_a_command_converts_only_what_it_runs() -> None:
    from studyvm.cli.lazy import area_app

    sim = trimmed(area_app("sim"), "sim", ["list"])
    assert sim.registered_commands == [] and len(sim.registered_groups) == 1  # no doctor
    assert [c.name for c in sim.registered_groups[0].typer_instance.registered_commands] == ["list"]
    whole = trimmed(area_app("sim"), "sim", ["nope"])  # an unknown word: the group whole, for its message
    assert len(whole.registered_groups[0].typer_instance.registered_commands) > 10
    quiz = trimmed(area_app("study"), "quiz", ["--n"])
    assert [c.name for c in quiz.registered_commands] == ["quiz"] and quiz.registered_groups == []


LOADED = """
import sys
sys.argv = ["studyvm", *{argv!r}]
from studyvm.console import main
try:
    main()
except SystemExit:
    pass
import gc
print("FROZEN", gc.get_freeze_count())
print("LOADED", ",".join(sorted(m for m in sys.modules if m.startswith("studyvm.cli.") and m.endswith("_cmds"))))
"""


def _started(argv: list[str], tmp_path: Any) -> dict[str, str]:
    """What ``studyvm *argv`` left behind, run as the console script in a fresh interpreter."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "STUDYVM_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", LOADED.format(argv=argv)], capture_output=True, text=True, env=env, check=True
    )
    found = dict(line.partition(" ")[::2] for line in done.stdout.splitlines()[-2:])
    assert set(found) == {"FROZEN", "LOADED"}, done.stdout + done.stderr
    return found


def _loaded(argv: list[str], tmp_path: Any) -> set[str]:
    return set(filter(None, _started(argv, tmp_path)["LOADED"].split(",")))


def test_root_help_imports_no_command_module(tmp_path: Any) -> None:
    assert _loaded(["--help"], tmp_path) == set()


def test_the_console_script_freezes_what_the_parser_loaded(tmp_path: Any) -> None:
    assert int(_started(["--version"], tmp_path)["FROZEN"]) > 10_000  # typer's objects and the command line's


def test_sim_list_imports_only_the_sim_commands(tmp_path: Any) -> None:
    loaded = _loaded(["sim", "list"], tmp_path)
    assert "studyvm.cli.sim_cmds" in loaded
    assert not loaded & (ALL_CMD_MODULES - SIM_MODULES), loaded


def test_pack_lint_loads_the_pack_area(tmp_path: Any) -> None:
    loaded = _loaded(["pack", "lint", "--help"], tmp_path)
    assert {"studyvm.cli.pack_cmds", "studyvm.cli.lint_cmds", "studyvm.cli.media_cmds"} <= loaded
    assert not loaded & SIM_MODULES
