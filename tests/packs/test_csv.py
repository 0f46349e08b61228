"""CSV/TSV import: front, back, tags; header rows; Anki's #separator and #columns headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyvm.packs.importers.common import ImportProblem, guid_id
from studyvm.packs.importers.csv_tsv import import_csv, parse_csv

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_csv_with_header_quotes_and_multiline_fields():
    questions = import_csv(FIXTURES / "cards.csv").questions
    assert [q.type for q in questions] == ["flip"] * 3
    first, second, third = questions
    assert (first.prompt, first.back, first.tags) == (
        "What does VMM stand for?",
        "Virtual machine monitor",
        ["basics", "acronyms"],
    )
    assert second.back == "Xen, ESXi"
    assert second.tags == ["hypervisors", "type-1"]
    assert (third.prompt, third.back) == ("A multi-line\nfront", 'and a back with "quotes"')


def test_tsv_by_suffix():
    questions = import_csv(FIXTURES / "cards.tsv").questions
    assert [q.prompt for q in questions] == ["What is a hypercall?", "What is a VM exit?"]


def test_anki_plain_text_export_headers():
    questions = import_csv(FIXTURES / "anki_notes.txt").questions
    basic, cloze = questions
    assert basic.type == "flip"
    assert basic.prompt == "VT-x adds which mode?"
    assert basic.back == "VMX root mode & non-root"
    assert basic.tags == ["hw", "intel", "imported"]
    assert basic.topic == "Virtualization/Hardware"
    assert basic.id.startswith("anki-")
    assert cloze.type == "cloze"
    assert cloze.prompt == "{{EPT}} is nested paging"
    assert cloze.explanation == "Also NPT on AMD\nHints: 1. Intel"  # the cloze hint is kept


def test_anki_type_in_notes_and_media_in_a_text_export(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(
        "#separator:tab\n#html:true\n#notetype column:1\n"
        "Basic (type in the answer)\tPort of HTTPS?\t443\n"
        'Basic\tName this topology <img src="star.png">\tstar [sound:say.mp3]\n'
    )
    result = import_csv(path)
    typed, basic = result.questions
    assert (typed.type, typed.answers[0].text) == ("short", "443")
    assert (basic.prompt, basic.back) == ("Name this topology [image: star.png]", "star [audio: say.mp3]")
    assert [w.line for w in result.warnings] == [5, 5]
    assert "'star.png' is not in a text export (export the deck as .apkg" in result.warnings[0].message


def test_columns_header_and_named_separator():
    questions = import_csv(FIXTURES / "columns.csv").questions
    assert [(q.id, q.prompt, q.back, q.topic) for q in questions] == [
        ("ring.vmm", "Which ring does the VMM use?", "Ring 0", "rings"),
        ("ring.user", "Which ring do user programs use?", "Ring 3", "rings"),
    ]


def test_no_header_means_front_back_tags_and_separator_is_sniffed():
    questions = parse_csv("Q1;A1;t1\nQ2;A2\n").questions
    assert [(q.prompt, q.back, q.tags) for q in questions] == [("Q1", "A1", ["t1"]), ("Q2", "A2", [])]


def test_ids_are_stable():
    assert [q.id for q in parse_csv("Q,A\n").questions] == [q.id for q in parse_csv("Q,B\n").questions]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("front,back\nQ1,A1\nQ2\n", 3, "only one field"),
        ("front,back\nQ1,\n", 2, "no back"),
        ("front,back\n,A\n", 2, "prompt"),
        ('front,back\nQ1,"unterminated\n', 2, "CSV syntax"),
        ("#separator:Nonsense\nQ,A\n", 1, "unknown separator"),
        ("#tags column:x\nQ,A\n", 1, "column number"),
    ],
)
def test_errors(text, line, words):
    with pytest.raises(ImportProblem) as caught:
        parse_csv(text, "cards.csv")
    assert caught.value.line == line, str(caught.value)
    assert words in caught.value.message


def test_deck_header_sets_the_topic():
    questions = parse_csv("#separator:Pipe\n#deck:Virt::Paging\nWhat is EPT?|Nested paging\n").questions
    assert [(q.prompt, q.back, q.topic) for q in questions] == [("What is EPT?", "Nested paging", "Virt/Paging")]


def test_fields_past_front_and_back_become_the_explanation_not_lost():
    # Anki's export of a note type with a third field (interop review: dropped without a word)
    text = (
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:7\n"
        "g2\tBasic\tNet\tName this\tStar\tThird <b>field</b>\tt1\n"
    )
    (q,) = parse_csv(text).questions
    assert (q.prompt, q.back, q.explanation, q.tags, q.topic) == ("Name this", "Star", "Third field", ["t1"], "Net")
    (plain,) = parse_csv("Q1,A1,t,Because,More\n").questions
    assert (plain.back, plain.tags, plain.explanation) == ("A1", ["t"], "Because\nMore")


def test_an_id_recorded_in_a_studyvm_tag_comes_back_from_anki_text_export():
    text = (
        "#separator:tab\n#guid column:1\n#tags column:4\n"
        "g1\tFront\tBack\tweek_1 studyvm::hw.vmcs\n"
        "g2\tOther\tBack\tstudyvm::../Evil_ID!\n"
        "g3\tPlain\tBack\t\n"
    )
    first, hostile, plain = parse_csv(text).questions
    assert (first.id, first.tags) == ("hw.vmcs", ["week_1"])
    assert hostile.id == "evil-id" and hostile.tags == []  # made a safe id like any other name
    assert plain.id.startswith("anki-")


def test_reversed_note_types_give_the_second_card_as_the_apkg_importer_does():
    text = (
        "#separator:tab\n#guid column:1\n#notetype column:2\n#tags column:6\n"
        "g1\tBasic (and reversed card)\tVMCS\tIntel's control structure\t\tt\n"
        "g2\tBasic (optional reversed card)\tEPT\tNested paging\ty\t\n"
        "g3\tBasic (optional reversed card)\tNPT\tAMD's\t\t\n"
    )
    questions = parse_csv(text).questions
    assert [(q.id, q.prompt, q.back, q.explanation, q.tags) for q in questions] == [
        (guid_id("g1"), "VMCS", "Intel's control structure", "", ["t"]),
        (guid_id("g1") + "-card2", "Intel's control structure", "VMCS", "", ["t"]),
        (guid_id("g2"), "EPT", "Nested paging", "", []),  # "y" is the Add Reverse switch, not an explanation
        (guid_id("g2") + "-card2", "Nested paging", "EPT", "", []),
        (guid_id("g3"), "NPT", "AMD's", "", []),
    ]
