"""Packages written by Anki itself (the official ``anki`` library, AGPL: test-only and optional).

Skipped unless ``anki`` is installed (``pip install anki``); it is never a StudyVM dependency.
Both of the generations Anki writes are read: the current one (``collection.anki21b``) and the
legacy one it still offers for older versions.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from anki_builder import png

from studyvm.packs.importers.apkg import import_apkg

anki_collection = pytest.importorskip("anki.collection")


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    from anki.decks import DeckId

    folder = tmp_path_factory.mktemp("anki")
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    deck = DeckId(col.decks.id("Networks::Week 1"))
    (folder / "pic.png").write_bytes(png())
    picture = col.media.add_file(str(folder / "pic.png"))

    def add(model: str, fields: list[str], tags: tuple[str, ...] = ()) -> None:
        note = col.new_note(col.models.by_name(model))
        for index, value in enumerate(fields):
            note.fields[index] = value
        note.tags = list(tags)
        col.add_note(note, deck)

    add("Basic", ["What is <b>TCP</b>?", "A protocol &amp; more"], ("net",))
    add("Basic (and reversed card)", ["hund", "dog"])
    add("Basic (type in the answer)", ["Port of HTTPS?", "443"])
    add("Cloze", ["A {{c1::router::device}} joins {{c2::networks}}.", "Layer 3"])
    add("Basic", [f'Name this <img src="{picture}">', "star"])
    card = col.get_card(col.find_cards("hund")[0])
    card.start_timer()
    col.sched.answerCard(card, 3)
    out = {}
    for legacy, name in ((False, "current.apkg"), (True, "legacy.apkg")):
        options = anki_collection.ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=True, legacy=legacy
        )
        col.export_anki_package(out_path=str(folder / name), options=options, limit=None)
        out[name] = folder / name
    col.close()
    return out


@pytest.mark.parametrize("name", ["current.apkg", "legacy.apkg"])
def test_anki_packages_of_both_generations(packages, name):
    result = import_apkg(packages[name], with_history=True)
    found = {(q.type, q.prompt): q for q in result.questions}
    assert set(found) == {
        ("flip", "What is TCP?"),
        ("flip", "hund"),
        ("flip", "dog"),
        ("short", "Port of HTTPS?"),
        ("cloze", "A {{router}} joins {{networks}}."),
        ("flip", "Name this [image: pic.png]"),
    }
    assert found[("flip", "What is TCP?")].back == "A protocol & more"
    assert found[("flip", "What is TCP?")].topic == "Networks/Week 1"
    assert found[("cloze", "A {{router}} joins {{networks}}.")].explanation == "Layer 3\nHints: 1. device"
    assert result.media["pic.png"] == png()
    assert [len(reviews) for reviews in result.history.values()] == [1]
    assert next(iter(result.history)) == found[("flip", "hund")].id
