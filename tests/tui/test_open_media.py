"""The "Open media" key (o) on the question screens: the file a placeholder names, opened through
the same function as ``studyvm pack media ID NAME --open``; every failure is a notification."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyvm.packs import mediarefs
from studyvm.packs.catalog import Catalog
from studyvm.packs.loader import load_pack_dir
from studyvm.tui.app import make_app
from studyvm.tui.backend import Backend

from .conftest import FIXED_NOW
from .helpers import settle

PACK = "id: media\ntitle: Media pack\n"
QUESTIONS = """\
questions:
  - id: a.pic
    type: flip
    prompt: "Which device is this? [image: a switch (switch.png)]"
    back: "A switch; it says [audio: hello.mp3]"
  - id: b.plain
    type: mcq
    shuffle: false
    prompt: No picture here.
    options:
      - {text: Right, correct: true}
      - {text: Wrong}
"""


@pytest.fixture
def media_backend(settings, tmp_path: Path) -> tuple[Backend, Path]:
    folder = tmp_path / "packs" / "media"
    (folder / "media").mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "q.yaml").write_text(QUESTIONS, encoding="utf-8")
    (folder / "media" / "switch.png").write_bytes(b"\x89PNG")
    pack = load_pack_dir(folder).pack
    assert pack is not None
    backend = Backend(settings, catalog=Catalog(packs={"media": pack}), clock=lambda: FIXED_NOW, fuzz=False, seed=7)
    return backend, folder


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    """Files handed to the system opener (which pretends to succeed)."""
    calls: list[Path] = []
    monkeypatch.setattr(mediarefs, "open_with_system", lambda path: calls.append(path) or True)
    return calls


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize("screen", ["review", "quiz"])
async def test_o_opens_each_file_in_turn_and_a_missing_one_is_a_notification(settings, media_backend, opened, screen):
    backend, folder = media_backend
    app = make_app(settings, screen=screen, backend=backend, pack="media", n=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.screen.question_card.question.id == "a.pic"
        await pilot.press("o")
        await settle(pilot, app)
        assert opened == [folder / "media" / "switch.png"]
        assert "Opened switch.png (1 of 2: press o for the next)." in messages(app)
        await pilot.press("o")  # the second file is not in media/: said, not opened
        await settle(pilot, app)
        assert opened == [folder / "media" / "switch.png"]
        assert "'hello.mp3' is not in the pack's media folder." in messages(app)
        assert app.screen.question_card is not None  # still on the question


async def test_no_opener_and_no_media_are_notifications(settings, media_backend, monkeypatch):
    backend, folder = media_backend
    monkeypatch.setattr(mediarefs, "open_with_system", lambda path: False)
    app = make_app(settings, screen="review", backend=backend, pack="media")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("o")
        await settle(pilot, app)
        assert f"No program could open {folder / 'media' / 'switch.png'}." in messages(app)
        await pilot.press("space", "3")  # to the next card, which names no file
        await settle(pilot, app)
        assert app.screen.question_card.question.id == "b.plain"
        await pilot.press("o")
        await settle(pilot, app)
        assert "This question has no picture, sound or video." in messages(app)


def test_the_command_line_opens_through_the_same_function(tmp_path: Path, monkeypatch, opened) -> None:
    from typer.testing import CliRunner

    from studyvm.cli import app as cli

    home = tmp_path / "home"
    folder = home / "packs" / "media"
    (folder / "media").mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "q.yaml").write_text(QUESTIONS, encoding="utf-8")
    (folder / "media" / "switch.png").write_bytes(b"\x89PNG")
    result = CliRunner().invoke(cli, ["--home", str(home), "pack", "media", "media", "switch.png", "--open"])
    assert result.exit_code == 0, result.output
    assert opened == [folder / "media" / "switch.png"]
    monkeypatch.setattr(mediarefs, "open_with_system", lambda path: False)
    result = CliRunner().invoke(cli, ["--home", str(home), "pack", "media", "media", "switch.png", "--open"])
    assert result.exit_code == 1 and result.stderr.startswith("studyvm: error: no program could open")
