"""Anki export: open the package (a zip holding an SQLite collection) and check notes, GUIDs and deck."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from studyvm.packs.exporters import export_apkg
from studyvm.packs.exporters.apkg import stable_id
from studyvm.packs.loader import load_pack_dir

PACK = Path(__file__).parent / "fixtures" / "import" / "every_type_pack"


@pytest.fixture(scope="module")
def pack():
    return load_pack_dir(PACK).pack


def _open(path: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        db = tmp_path / "collection.anki2"
        db.write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(db)


@pytest.fixture
def collection(pack, tmp_path):
    out = tmp_path / "every.apkg"
    warnings = export_apkg(pack, out)
    conn = _open(out, tmp_path)
    yield conn, warnings
    conn.close()


def _notes(conn) -> dict[str, tuple[int, str, list[str]]]:
    rows = conn.execute("select guid, mid, tags, flds from notes").fetchall()
    return {guid: (mid, tags.split(), flds.split("\x1f")) for guid, mid, tags, flds in rows}


def test_one_note_per_question_with_guids_from_question_ids(pack, collection):
    conn, _ = collection
    notes = _notes(conn)
    assert set(notes) == {genanki.guid_for(pack.id, q.id) for q in pack.questions}
    assert conn.execute("select count(*) from cards").fetchone()[0] == len(pack.questions)


def test_one_deck_named_after_the_pack(pack, collection):
    conn, _ = collection
    decks = json.loads(conn.execute("select decks from col").fetchone()[0])
    ours = {int(k): d["name"] for k, d in decks.items() if d["name"] != "Default"}
    assert ours == {stable_id(pack.id, "deck"): "Every question type"}
    assert {row[0] for row in conn.execute("select did from cards")} == {stable_id(pack.id, "deck")}


def test_note_types_by_question_type(pack, collection):
    conn, _ = collection
    models = json.loads(conn.execute("select models from col").fetchone()[0])
    names = {int(k): m["name"] for k, m in models.items()}
    notes = _notes(conn)

    def model_of(qid: str) -> str:
        return names[notes[genanki.guid_for(pack.id, qid)][0]]

    assert model_of("t.flip").startswith("StudyVM Basic")
    assert model_of("t.short").startswith("StudyVM Type-in")
    assert model_of("t.cloze-one").startswith("StudyVM Cloze")
    assert model_of("t.mcq").startswith("StudyVM Basic")
    assert "{{type:Back}}" in next(m for m in models.values() if "Type-in" in m["name"])["tmpls"][0]["qfmt"]


def test_fields_tags_and_escaping(pack, collection):
    conn, warnings = collection
    notes = _notes(conn)

    def note(qid: str):
        return notes[genanki.guid_for(pack.id, qid)]

    _, tags, (front, back, extra) = note("t.flip")
    assert tags == ["basics", "cards", "week_1", "studyvm::t.flip"]  # the id, read back on import
    assert back == "Software that runs virtual machines<br>(also called a VMM)."
    assert extra.startswith("Type 1 runs on bare metal")
    _, _, (front, back, extra) = note("t.mcq")
    assert "A. Ring 0<br>B. Ring 1<br>C. Ring 2" in front  # shuffled per question (authored: 1, 0, 2)
    assert back == "B. Ring 1"
    assert "Caveat:" in extra
    _, _, (front, back, extra) = note("t.short")
    assert (front, back) == ("Intel&#x27;s virtualization extension?", "VT-x")
    assert "Also accepted: VMX" in extra
    _, _, (text, extra) = note("t.cloze-one")
    assert text == "Intel calls the guest-state structure the {{c1::VMCS}}, AMD the VMCB."
    _, _, (text, _extra) = note("t.cloze-two")
    assert text == "{{c1::EPT}} is Intel&#x27;s and {{c1::NPT}} is AMD&#x27;s nested paging."
    _, _, (front, back, _) = note("t.numerical")
    assert back == "600 cycles (± 100)"
    _, _, (front, back, _) = note("t.ordering")
    assert back.startswith("1. Guest executes a sensitive instruction<br>2. CPU saves guest state")
    assert warnings and "graded by the learner" in warnings[0]


def test_html_in_text_is_escaped(pack, tmp_path):
    q = pack.questions[0].model_copy(update={"prompt": "<script>alert(1)</script> & co"})
    out = tmp_path / "x.apkg"
    export_apkg(pack.model_copy(update={"questions": [q]}), out)
    conn = _open(out, tmp_path)
    (flds,) = conn.execute("select flds from notes").fetchone()
    assert flds.split("\x1f")[0] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"


def test_ids_are_stable_across_exports(pack, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    export_apkg(pack, first / "p.apkg", timestamp=1)
    export_apkg(pack, second / "p.apkg", timestamp=2)
    a, b = _open(first / "p.apkg", first), _open(second / "p.apkg", second)
    query = "select guid, mid from notes order by guid"
    assert a.execute(query).fetchall() == b.execute(query).fetchall()
    assert stable_id("virtualization", "deck") != stable_id("other", "deck")


def test_output_replaced_only_when_complete(pack, tmp_path):
    out = tmp_path / "p.apkg"
    out.write_bytes(b"old")
    export_apkg(pack, out)
    assert zipfile.is_zipfile(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.apkg"]


def test_progress_is_reported(pack, tmp_path):
    seen = []
    export_apkg(pack, tmp_path / "p.apkg", progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, len(pack.questions))
    assert seen[-1] == (len(pack.questions), len(pack.questions))


def test_options_are_shuffled_per_question_and_the_same_every_time(tmp_path: Path) -> None:
    from studyvm.config import builtin_content_dir
    from studyvm.packs.exporters.apkg import _basic

    pack = load_pack_dir(builtin_content_dir() / "virtualization").pack
    choices = [q for q in pack.questions if q.type == "mcq" and q.shuffle]
    right_first = sum(_basic(q, pack.id)[1].startswith("A.") for q in choices)
    assert right_first < len(choices) / 2, (right_first, len(choices))
    assert [_basic(q, pack.id) for q in choices] == [_basic(q, pack.id) for q in choices]


def test_type_change_under_the_same_id_warns(tmp_path: Path) -> None:
    from studyvm.packs.model import Pack, PackMeta

    def pack(kind: dict) -> Pack:
        return Pack(meta=PackMeta(id="p", title="P"), questions=[{"id": "a", "prompt": "Q", **kind}])

    out = tmp_path / "p.apkg"
    assert export_apkg(pack({"type": "flip", "back": "x"}), out) == []
    assert export_apkg(pack({"type": "flip", "back": "y"}), out) == []
    warnings = export_apkg(pack({"type": "short", "answers": ["y"]}), out)
    assert any("question 'a' was StudyVM Basic (p)" in w and "StudyVM Type-in (p) now" in w for w in warnings)
