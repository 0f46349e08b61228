"""The launch path stays light: no pydantic for ``studyvm --help`` or ``studyvm sim list``, and the
plain converter that replaces typer's pydantic one gives the same values and clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.cli.coercion import PlainValue, plain_kind

runner = CliRunner()

LAUNCH = """
import sys
sys.argv = ["studyvm", *{argv!r}]
from studyvm.cli import main
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("pydantic", "sqlalchemy", "sqlmodel", "textual", "yaml", "minisim.machine") if m in sys.modules)
print("HEAVY", ",".join(heavy))
"""


@pytest.mark.parametrize("argv", [["--help"], ["sim", "list"], ["sim", "list", "--json"], ["sim", "--help"]])
def test_launch_imports_no_pydantic(argv: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-c", LAUNCH.format(argv=argv)], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1].strip() == "HEAVY", out


class _Info:
    min = max = parser = click_type = None
    clamp = False
    exists = writable = resolve_path = allow_dash = False
    file_okay = dir_okay = readable = True
    path_type = None


def test_plain_kinds() -> None:
    info = _Info()
    assert plain_kind(int, info) == (int, False)
    assert plain_kind(Path | None, info) == (Path, False)
    assert plain_kind(list[Path], info) == (Path, True)
    assert plain_kind(str | int | None, info) is None
    checked = _Info()
    checked.exists = True
    assert plain_kind(Path, checked) is None  # typer checks the path itself


class _Param:
    multiple = False
    nargs = 1
    name = "n"

    def get_error_hint(self, ctx) -> str:
        return "'--n'"


def test_plain_value_converts_and_refuses() -> None:
    import typer

    assert PlainValue(int, False).coerce("7", _Param(), None) == 7
    assert PlainValue(float, False).coerce("1e3", _Param(), None) == 1000.0
    assert PlainValue(Path, True).coerce(("a", "b"), _Param(), None) == [Path("a"), Path("b")]
    assert PlainValue(bool, False).coerce("yes", _Param(), None) is True
    assert PlainValue(int, False).coerce(None, _Param(), None) is None
    with pytest.raises(typer.BadParameter, match="'x' is not a valid integer"):
        PlainValue(int, False).coerce("x", _Param(), None)
    with pytest.raises(typer.BadParameter, match="below the minimum"):
        PlainValue(int, False, 1).coerce("0", _Param(), None)


def test_bad_values_are_clear_errors_through_the_cli() -> None:
    r = runner.invoke(app, ["sim", "run", "--scale", "x"])
    assert r.exit_code == 2 and "'x' is not a valid integer" in r.output
    r = runner.invoke(app, ["sim", "run", "--scale", "0"])
    assert r.exit_code == 2 and "below the minimum" in r.output
