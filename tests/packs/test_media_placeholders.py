"""Media placeholders: the files a question names, and `pack validate` on files missing from media/."""

from __future__ import annotations

from pathlib import Path

from support.pack_fixtures import write_pack
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.packs.loader import load_pack_dir
from studyvm.packs.mediarefs import placeholder_files, question_media

runner = CliRunner()

QUESTIONS = """\
questions:
  - id: q.switch
    type: mcq
    prompt: "Which device is this? [image: a switch (switch.png)]"
    options:
      - {text: Switch, correct: true}
      - {text: "Router [image: router.jpg]"}
  - id: q.sound
    type: flip
    prompt: Listen.
    back: |
      It says hello.
      [audio: hello.mp3]
  - id: q.plain
    type: flip
    prompt: "A list [image: 3] and an alt-only [image: a topology] name no file."
    back: ok
"""


def test_placeholder_files_reads_every_label_form() -> None:
    text = "[image: switch (switch.png)] [audio: hi.MP3] [image: just alt] [video: x (clip.mp4)] [note: a.png]"
    assert placeholder_files(text) == [("image", "switch.png"), ("audio", "hi.MP3"), ("video", "clip.mp4")]
    assert placeholder_files("no brackets here") == []


def test_question_media_lists_files_from_every_field_once(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p", QUESTIONS)
    pack = load_pack_dir(folder).pack
    assert pack is not None
    by_id = {q.id: q for q in pack.questions}
    assert question_media(by_id["q.switch"]) == ["switch.png", "router.jpg"]
    assert question_media(by_id["q.sound"]) == ["hello.mp3"]
    assert question_media(by_id["q.plain"]) == []


def test_validate_warns_at_the_field_of_each_missing_file(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p", QUESTIONS)
    (folder / "media").mkdir()
    (folder / "media" / "switch.png").write_bytes(b"\x89PNG")
    result = runner.invoke(app, ["--home", str(tmp_path / "home"), "pack", "validate", str(folder)])
    assert result.exit_code == 0, result.output  # warnings: the placeholder still says what is missing
    questions = folder / "q.yaml"
    lines = [line for line in result.stdout.splitlines() if "media/" in line]
    assert lines == [
        f"{questions}:7:10: warning: question 'q.switch': [image: …] names 'router.jpg', which is not in the "
        "pack's media/ folder (add the file, or remove the placeholder)",
        f"{questions}:11:5: warning: question 'q.sound': [audio: …] names 'hello.mp3', which is not in the "
        "pack's media/ folder (add the file, or remove the placeholder)",
    ]
    assert "0 errors, 2 warnings" in result.stderr


def test_a_name_that_could_not_be_stored_is_missing_even_if_a_file_matches(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p", 'questions:\n  - {id: a, type: flip, prompt: "[image: ..png]", back: b}\n')
    (folder / "media").mkdir()
    (folder / "media" / "..png").write_bytes(b"x")
    result = load_pack_dir(folder, check_media=True)
    assert [d.message.split(",")[0] for d in result.diagnostics] == ["question 'a': [image: …] names '..png'"]


def test_loading_without_the_check_is_quiet(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p", QUESTIONS)
    assert load_pack_dir(folder).diagnostics == []
