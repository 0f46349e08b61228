"""``studyvm config limits``: show and set the daily limits of every pack or of one (issue 13 item 9)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from studyvm.cli import app

runner = CliRunner()


def _run(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), "config", "limits", *args])


def test_set_and_show_the_limits_of_one_pack_and_of_every_pack(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shown = _run(home)
    assert shown.exit_code == 0 and "every pack: 20 new and 200 reviews a day" in shown.output
    done = _run(home, "virtualization", "--new", "5")
    assert done.exit_code == 0, done.output
    assert "virtualization: 5 new and 200 reviews a day (this pack's own)" in done.output
    assert _run(home, "--reviews", "150").exit_code == 0
    settings = tomllib.loads((home / "settings.toml").read_text(encoding="utf-8"))
    assert settings["limits"] == {"reviews_per_day": 150, "packs": {"virtualization": {"new_per_day": 5}}}
    assert "virtualization: 5 new and 150 reviews a day" in _run(home).output
    check = runner.invoke(app, ["--home", str(home), "config", "check"])
    assert check.exit_code == 0, check.output


def test_bad_requests_are_refused_with_a_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    unknown = _run(home, "nope", "--new", "3")
    assert unknown.exit_code == 2 and "no pack with id 'nope'" in unknown.output
    negative = _run(home, "--new", "-1")
    assert negative.exit_code == 2 and "a daily limit must be 0 or more" in negative.output
    assert not (home / "settings.toml").exists()
    home.mkdir(parents=True, exist_ok=True)
    (home / "settings.toml").write_text("limits = { new_per_day = 3 }\n", encoding="utf-8")
    inline = _run(home, "--new", "4")
    assert inline.exit_code == 2 and "edit it by hand" in inline.output
    assert (home / "settings.toml").read_text(encoding="utf-8") == "limits = { new_per_day = 3 }\n"
