"""Moodle XML import: every type, categories, ids, tags, feedback, formats, media and safe parsing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studyvm.packs.importers import guess_format
from studyvm.packs.importers.common import ImportProblem
from studyvm.packs.importers.moodle_xml import import_moodle_xml, parse_moodle_xml
from studyvm.study.grading import grade

FIXTURES = Path(__file__).parent / "fixtures" / "import"
# Moodle's own fixtures (question/format/xml/tests/fixtures, GPL) are not copied into the project;
# put them in this folder (or point STUDYVM_MOODLE_XML_FIXTURES at one) to run the conformance test.
MOODLE_DIR = Path(
    os.environ.get("STUDYVM_MOODLE_XML_FIXTURES", Path(__file__).parents[3] / "shared/conformance/moodle-xml")
)


@pytest.fixture(scope="module")
def bank():
    result = import_moodle_xml(FIXTURES / "moodle_bank.xml")
    return {q.id: q for q in result.questions}, result


def test_every_supported_type_and_the_skipped_ones(bank):
    questions, result = bank
    assert {q.id: q.type for q in questions.values()} == {
        "which-traps": "mcq",
        "sensitive": "multi",
        "popek-goldberg": "true_false",
        "vopros-1": "short",
        "exit-cost": "numerical",
        "match-modes": "matching",
        "explain-shadow-paging": "flip",
        "cloze-fits": "cloze",
        "picture": "mcq",
    }
    skipped = " ".join(w.message for w in result.warnings)
    for words in ("'Intro': description", "'Formula': calculated", "'Cloze with choices': cloze gap 1"):
        assert words in skipped


def test_categories_ids_tags_and_feedback(bank):
    questions, result = bank
    q = questions["which-traps"]
    assert (q.topic, q.tags) == ("Week 1/Traps", ["x86", "privilege"])
    assert q.prompt == "Which instruction traps in ring 3?"
    assert [(o.text, o.credit(), o.feedback) for o in q.options] == [
        ("HLT", 100, "Yes."),
        ("ADD", 0, ""),
        ("POPF (silently)", 33.33333, ""),
    ]
    assert q.explanation == "Privileged instructions trap.\nIncorrect: Read chapter 2 again."
    assert any("empty answer dropped" in w.message and w.line == 19 for w in result.warnings)
    assert questions["vopros-1"].topic == "Week 2"


def test_true_false_numerical_short_and_matching(bank):
    questions, result = bank
    tf = questions["popek-goldberg"]
    assert (tf.answer, tf.feedback_false) == (False, "Right.")
    assert tf.feedback_true.startswith("No: 17")
    number = questions["exit-cost"]
    assert (number.unit, number.answers[0].bounds()) == ("cycles", (500.0, 1500.0))
    assert "Any other answer: Far off." in number.explanation
    assert any("kcycles" in w.message for w in result.warnings)
    short = questions["vopros-1"]
    assert grade(short, "vmx").score == 0.5
    assert grade(short, "SVM").feedback == "Think of Intel's name."
    matching = questions["match-modes"]
    assert [p.left for p in matching.pairs] == ["Full", "Para"] and matching.distractors == ["interrupts"]


def test_essay_html_and_cloze(bank):
    questions, _ = bank
    essay = questions["explain-shadow-paging"]
    assert essay.back.startswith("The VMM keeps")
    assert "* shadow tables" in essay.prompt
    assert essay.prompt.endswith("mov cr3, eax\n  ; traps")
    assert questions["cloze-fits"].prompt == "Intel calls it {{VT-x|VMX}} and it has {{2}} modes."


def test_embedded_files_are_kept_and_missing_ones_named(bank):
    questions, result = bank
    assert questions["picture"].prompt == "What is shown? [image: a red dot (red-dot.png)] and [image: missing.png]"
    assert list(result.media) == ["red-dot.png"] and result.media["red-dot.png"].startswith(b"\x89PNG")
    assert any("'Picture': image '@@PLUGINFILE@@/missing.png' is not in the file" in w.message for w in result.warnings)


def test_detected_from_content_whatever_the_name(tmp_path):
    copy = tmp_path / "export.txt"
    copy.write_bytes((FIXTURES / "moodle_bank.xml").read_bytes())
    assert guess_format(copy) == "moodle-xml"
    assert guess_format(FIXTURES / "moodle_bank.xml") == "moodle-xml"


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><quiz>&b;</quiz>',
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>',
    ],
)
def test_entities_are_refused(doc):
    with pytest.raises(ImportProblem) as caught:
        parse_moodle_xml(doc, "evil.xml")
    assert "declares entities" in str(caught.value)


def test_syntax_errors_and_every_problem_are_located():
    with pytest.raises(ImportProblem) as caught:
        parse_moodle_xml(b"<quiz>\n<question type='truefalse'>\n</quiz>", "broken.xml")
    assert str(caught.value).startswith("broken.xml:3:") and "XML syntax" in str(caught.value)
    doc = (
        b"<quiz>\n<question type='numerical'><name><text>a</text></name>\n"
        b"<questiontext><text>Q?</text></questiontext>\n<answer fraction='100'><text>ten</text></answer>\n</question>\n"
        b"<question type='multichoice'><questiontext><text>R?</text></questiontext><single>true</single>\n"
        b"<answer fraction='x'><text>a</text></answer></question>\n"
        b"<question type='multichoice'><questiontext><text>S?</text></questiontext><single>true</single>\n"
        b"<answer fraction='0'><text>a</text></answer><answer fraction='0'><text>b</text></answer></question></quiz>"
    )
    with pytest.raises(ImportProblem) as caught:
        parse_moodle_xml(doc, "bank.xml")
    lines = str(caught.value).splitlines()
    assert lines[0] == "bank.xml:4:1: error: not a number: 'ten'"
    assert lines[1] == "bank.xml:7:1: error: answer fraction 'x' is not a number"
    assert lines[2].startswith("bank.xml:8:1: error: mcq: an mcq needs a fully correct option")
    assert lines[3] == "bank.xml: 3 errors; nothing was imported"


def test_not_a_quiz_is_refused():
    with pytest.raises(ImportProblem, match="not Moodle's <quiz>"):
        parse_moodle_xml(b"<html><body/></html>", "page.xml")


@pytest.mark.skipif(not MOODLE_DIR.is_dir(), reason="Moodle's XML fixtures are not available")
def test_moodle_fixtures_conformance():
    nested = import_moodle_xml(MOODLE_DIR / "nested_categories_with_questions.xml").questions
    assert [(q.type, q.topic) for q in nested] == [
        ("true_false", "Iota"),
        ("flip", "Iota/Kappa"),
        ("true_false", "Iota/Kappa"),
        ("true_false", "Iota/Kappa/Lambda"),
        ("true_false", "Iota/Mu"),
    ]
    broken = import_moodle_xml(MOODLE_DIR / "broken_cloze_questions.xml")
    assert broken.questions == [] and len(broken.warnings) == 5
