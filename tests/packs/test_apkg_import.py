"""Anki package import: both generations, every stock note type, decks, tags, GUIDs, media, history."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from anki_builder import build_current, build_legacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_gift_fuzz import TEXT

from studyvm.packs.importers import guess_format
from studyvm.packs.importers.apkg import guid_id, import_apkg
from studyvm.packs.importers.common import ImportProblem


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("legacy")
    build_legacy(folder / "deck.apkg", folder / "media")
    return import_apkg(folder / "deck.apkg")


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    folder = tmp_path_factory.mktemp("current")
    build_current(folder / "deck.apkg", folder)
    return import_apkg(folder / "deck.apkg", with_history=True)


def _by_prompt(result):
    return {q.prompt: q for q in result.questions}


def test_legacy_note_types_become_flip_both_ways_short_and_cloze(legacy):
    qs = _by_prompt(legacy)
    basic = qs["What does TCP stand for?"]
    assert (basic.type, basic.back, basic.topic, basic.tags) == (
        "flip",
        "Transmission & Control",
        "Networks/Week 1",
        ["net"],
    )
    forward, backward = qs["hund"], qs["dog"]
    assert (forward.back, backward.back) == ("dog", "hund")
    assert forward.id == guid_id("rev-guid") and backward.id == guid_id("rev-guid") + "-card2"
    typed = qs["Port of HTTPS?"]
    assert (typed.type, [a.text for a in typed.answers]) == ("short", ["443"])
    cloze = qs["A {{router}} joins {{networks}}."]
    assert (cloze.type, cloze.topic, cloze.tags) == ("cloze", "Networks/Week 2", ["cloze", "week::2"])
    assert cloze.explanation == "Layer 3.\nHints: 1. device"


def test_legacy_media_kept_and_missing_named(legacy):
    qs = _by_prompt(legacy)
    assert qs["Name this topology [image: topology.png]"].back == "star [audio: hello.mp3]"
    assert legacy.media["topology.png"].startswith(b"\x89PNG") and legacy.media["hello.mp3"] == b"ID3fake-mp3"
    (warning,) = legacy.warnings
    assert "note 'Missing': image 'gone.png' is not in the package" in warning.message


def test_current_package_with_zstd_collection_and_media(current):
    qs = _by_prompt(current)
    assert qs["Picture [image: pic.png]"].back == "Ответ 0"
    assert current.media["pic.png"].startswith(b"\x89PNG")
    assert qs["Вопрос 1?"].topic == "Спорт/Неделя 1" and qs["Вопрос 1?"].tags == ["sport", "ru"]
    assert qs["Moscow is the capital of {{Russia}}."].explanation == "Geography"
    assert {q.id for q in current.questions} >= {guid_id("guid-1"), guid_id("guid-cloze")}


def test_review_log_comes_back_by_question(current):
    assert current.history == {
        guid_id("guid-1"): [(1_700_000_000_000, 3, 1), (1_700_086_400_000, 4, 4)],
        guid_id("guid-cloze"): [(1_700_000_000_001, 1, 0)],
    }


def test_reimporting_an_updated_deck_keeps_the_ids(tmp_path):
    build_current(tmp_path / "a.apkg", tmp_path, notes=3)
    build_current(tmp_path / "b.apkg", tmp_path, notes=5)
    first = {q.id for q in import_apkg(tmp_path / "a.apkg").questions}
    second = {q.id for q in import_apkg(tmp_path / "b.apkg").questions}
    assert first < second


def test_detected_and_broken_packages_are_refused_clearly(tmp_path):
    build_current(tmp_path / "deck.bin", tmp_path)
    assert guess_format(tmp_path / "deck.bin") == "apkg"
    (tmp_path / "not.apkg").write_bytes(b"hello")
    with pytest.raises(ImportProblem, match="not a zip file"):
        import_apkg(tmp_path / "not.apkg")
    with zipfile.ZipFile(tmp_path / "empty.apkg", "w") as archive:
        archive.writestr("readme.txt", "nothing")
    with pytest.raises(ImportProblem, match="no collection.anki2"):
        import_apkg(tmp_path / "empty.apkg")
    with zipfile.ZipFile(tmp_path / "garbage.apkg", "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfdgarbage")
    with pytest.raises(ImportProblem, match="broken zstd data"):
        import_apkg(tmp_path / "garbage.apkg")


def test_studyvm_export_imports_back_with_its_types(tmp_path: Path):
    from studyvm.packs.exporters.apkg import export_apkg
    from studyvm.packs.model import Pack, PackMeta

    pack = Pack(
        meta=PackMeta(id="p", title="P"),
        questions=[
            {"type": "flip", "id": "a", "prompt": "Front <b>", "back": "Back & more"},
            {"type": "short", "id": "b", "prompt": "Type it", "answers": ["VT-x"]},
            {"type": "cloze", "id": "c", "prompt": "Gap {{here}} and {{there|also}}."},
        ],
    )
    export_apkg(pack, tmp_path / "p.apkg")
    back = {q.prompt: q for q in import_apkg(tmp_path / "p.apkg").questions}
    assert back["Front <b>"].back == "Back & more"
    assert back["Type it"].type == "short" and back["Type it"].answers[0].text == "VT-x"
    assert back["Gap {{here}} and {{there}}."].type == "cloze"  # the export asks the first alternative


def _tidy(text: str) -> bool:
    """Text HTML can carry exactly: single spaces, no blank lines, nothing at line ends."""
    lines = text.split("\n")
    return all(line and " ".join(line.split()) == line for line in lines)


_CARD_TEXT = TEXT.filter(_tidy).filter(lambda s: "{{" not in s and "[sound:" not in s and "<" not in s)


@st.composite
def anki_questions(draw):
    kind = draw(st.sampled_from(["flip", "short", "cloze"]))
    qid = draw(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True))
    if kind == "flip":
        return {"type": "flip", "id": qid, "prompt": draw(_CARD_TEXT), "back": draw(_CARD_TEXT)}
    if kind == "short":
        return {"type": "short", "id": qid, "prompt": draw(_CARD_TEXT), "answers": [draw(_CARD_TEXT)]}
    gap = draw(_CARD_TEXT.filter(lambda s: not set(s) & set("{}|:\n")))
    return {"type": "cloze", "id": qid, "prompt": f"{draw(_CARD_TEXT.filter(lambda s: '{' not in s))} {{{{{gap}}}}}"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(anki_questions(), min_size=1, max_size=4, unique_by=lambda q: q["id"]))
def test_export_then_import_keeps_what_anki_holds(tmp_path_factory, raw):
    from studyvm.packs.exporters.apkg import export_apkg
    from studyvm.packs.model import Pack, PackMeta

    pack = Pack(meta=PackMeta(id="fuzz", title="Fuzz"), questions=raw)
    out = tmp_path_factory.mktemp("rt") / "fuzz.apkg"
    export_apkg(pack, out)
    back = import_apkg(out).questions

    def essence(q):
        answer = q.back if q.type == "flip" else [a.text for a in q.answers] if q.type == "short" else None
        return (q.id, q.type, q.prompt, answer)  # ids too: the export records them (studyvm:: tag)

    assert sorted(map(essence, back), key=str) == sorted(map(essence, pack.questions), key=str)


def test_media_refused_by_kind_is_named(tmp_path):
    import json as _json

    with zipfile.ZipFile(tmp_path / "deck.apkg", "w") as archive:
        folder = tmp_path / "src"
        build_legacy(folder / "deck.apkg", folder / "media")
        with zipfile.ZipFile(folder / "deck.apkg") as source:
            names = _json.loads(source.read("media"))
            member = next(k for k, v in names.items() if v == "topology.png")
            names[member] = "topology.exe"
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "collection.anki2":
                    db = folder / "c.sqlite"
                    db.write_bytes(data)
                    import sqlite3

                    con = sqlite3.connect(db)
                    con.execute("UPDATE notes SET flds = replace(flds, 'topology.png', 'topology.exe')")
                    con.commit()
                    con.close()
                    data = db.read_bytes()
                archive.writestr(info.filename, _json.dumps(names) if info.filename == "media" else data)
    result = import_apkg(tmp_path / "deck.apkg")
    assert "topology.exe" not in result.media
    assert any("'topology.exe' is not a picture, sound or video file" in w.message for w in result.warnings)


def test_a_round_trip_through_anki_keeps_every_id_and_no_id_tag(tmp_path: Path):
    from studyvm.config import builtin_content_dir
    from studyvm.packs.exporters.apkg import export_apkg
    from studyvm.packs.loader import load_pack_dir

    pack = load_pack_dir(builtin_content_dir() / "virtualization").pack
    assert pack is not None
    export_apkg(pack, tmp_path / "v.apkg")
    back = import_apkg(tmp_path / "v.apkg").questions
    assert sorted(q.id for q in back) == sorted(q.id for q in pack.questions)  # was 0 of them (interop review)
    assert not any(t.startswith("studyvm::") for q in back for t in q.tags)
