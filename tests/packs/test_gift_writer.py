"""The pack writer: what it writes, the pack loader reads back identically (GIFT imports go through it)."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyvm.packs.importers.gift import import_gift
from studyvm.packs.loader import load_pack_dir
from studyvm.packs.model import PackMeta
from studyvm.packs.writer import dump_yaml, write_pack, write_pack_files
from studyvm.packs.yamlsafe import parse_yaml_text

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TRICKY = ["1e3", "0o17", "0x1F", ".inf", "yes", "No", "~", "null", "True", "12:30", "- item", "# not a comment",
          "a: b", "a #b", "'quoted'", '"dq"', "[x]", "{y}", "&anchor", "*alias", "!tag", "%dir", "@at", "`tick`",
          "trailing ", " leading", "tab\there", "multi\nline", "multi\n  indented\n\nblank", "ends\n", "\u2028",
          "a\x85b", "bell\x07", "del\x7f", "é ünïcödé ✓", "emoji 😀", "back\\slash", "---", "...", "|", ">"]  # fmt: skip


def _reads_back(data: dict) -> None:
    text = dump_yaml(data)
    assert parse_yaml_text(text)[0] == data, text
    yaml.compose(text, Loader=yaml.SafeLoader)  # positions are found with PyYAML: it must parse too


def test_tricky_scalars_read_back() -> None:
    for value in TRICKY:
        _reads_back({"k": value, "l": [value], "m": [{"a": value, "b": [value]}]})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_text_reads_back(value: str) -> None:
    _reads_back({"k": value, "l": [value, 1.5, -3, True, None], "m": [{"a": value}]})


def test_imported_bank_written_and_loaded_back_identically(tmp_path: Path) -> None:
    questions = import_gift(FIXTURES / "every_type.gift").questions
    write_pack_files(tmp_path / "p", PackMeta(id="p", title="P"), questions)
    loaded = load_pack_dir(tmp_path / "p")
    assert loaded.ok, [str(d) for d in loaded.diagnostics]
    assert loaded.pack.questions == questions
    text = (tmp_path / "p" / "questions.yaml").read_text(encoding="utf-8")
    assert "- id: trap-mcq\n    type: mcq\n    prompt: Which instruction traps in user mode?" in text


def test_pack_with_tables_keeps_only_authored_questions(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "pack.yaml").write_text("id: t\ntitle: T\n", encoding="utf-8")
    (source / "q.yaml").write_text(
        "questions:\n  - {id: a, type: flip, prompt: p, back: b}\n"
        "tables:\n  - id: tab\n    title: Tab\n    columns: [X, Y]\n    rows:\n      - {aspect: Speed, cells: [fast, slow]}\n",
        encoding="utf-8",
    )
    pack = load_pack_dir(source).pack
    files = write_pack(pack, tmp_path / "out")
    assert [f.name for f in files] == ["pack.yaml", "questions.yaml", "tables.yaml"]
    again = load_pack_dir(tmp_path / "out").pack
    assert [q.id for q in again.questions] == [q.id for q in pack.questions]
    assert again.questions == pack.questions


def test_big_banks_are_split_across_files(tmp_path: Path, monkeypatch) -> None:
    from studyvm.packs import writer

    monkeypatch.setattr(writer, "QUESTIONS_PER_FILE", 10)
    questions = import_gift(FIXTURES / "every_type.gift").questions
    files = write_pack_files(tmp_path / "p", PackMeta(id="p", title="P"), questions)
    assert [f.name for f in files] == ["pack.yaml", "questions-001.yaml", "questions-002.yaml", "questions-003.yaml"]
    assert load_pack_dir(tmp_path / "p").pack.questions == questions
