"""Moodle XML import: every type, categories, ids, tags, feedback, formats, media and safe parsing."""

from __future__ import annotations

import base64
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


def _bank(*questions: str) -> bytes:
    return ("<?xml version='1.0' encoding='UTF-8'?>\n<quiz>\n" + "\n".join(questions) + "\n</quiz>\n").encode()


def _choice(name: str, single: str, *fractions: str, comment: str = "") -> str:
    answers = "".join(f'<answer fraction="{f}"><text>option {i}</text></answer>' for i, f in enumerate(fractions))
    return (
        f'<question type="multichoice"><name><text>{name}</text></name>{comment}'
        f"<questiontext><text>Pick one about {name}.</text></questiontext><single>{single}</single>{answers}</question>"
    )


def test_grades_off_moodle_grade_list_skip_the_question_as_moodle_does():
    doc = _bank(
        _choice("thirds", "false", "33", "33.33333", "-50"),
        _choice("close enough", "false", "33.3333", "66.66667", "-100"),
        _choice("flagged", "false", "9.09091", "0", comment='<!-- studyvm: {"flags": true} -->'),
        '<question type="shortanswer"><name><text>typed</text></name><questiontext><text>Name it.</text>'
        '</questiontext><answer fraction="100"><text>VMX</text></answer><answer fraction="45"><text>VT</text></answer>'
        "</question>",
        '<question type="numerical"><name><text>count</text></name><questiontext><text>How many?</text>'
        '</questiontext><answer fraction="100"><text>4</text></answer><answer fraction="12"><text>5</text></answer>'
        "</question>",
    )
    result = parse_moodle_xml(doc, "grades.xml")
    assert [q.id for q in result.questions] == ["close-enough", "flagged"]
    assert [o.credit() for o in result.questions[0].options] == [33.3333, 66.66667, -100]
    skipped = [w.message for w in result.warnings]
    assert skipped == [
        "question 'thirds': answer grade 33 % is not on Moodle's grade list (33.33333 %, 50 %…): skipped, as Moodle does",
        "question 'typed': answer grade 45 % is not on Moodle's grade list (33.33333 %, 50 %…): skipped, as Moodle does",
        "question 'count': answer grade 12 % is not on Moodle's grade list (33.33333 %, 50 %…): skipped, as Moodle does",
    ]


def test_a_moodle_19_picture_field_is_kept_at_the_end_of_the_prompt():
    dot = b"\x89PNG\r\n\x1a\n" + b"a tiny stand-in picture"
    doc = _bank(
        _choice("with picture", "true", "100", "0").replace(
            "</questiontext>",
            f"</questiontext><image>maps/dot.png</image><image_base64>\n{base64.b64encode(dot).decode()}\n</image_base64>",
        ),
        _choice("picture elsewhere", "true", "100", "0").replace(
            "</questiontext>", "</questiontext><image>far.png</image>"
        ),
    )
    result = parse_moodle_xml(doc, "old.xml")
    assert [q.prompt for q in result.questions] == [
        "Pick one about with picture. [image: maps_dot.png]",
        "Pick one about picture elsewhere.",
    ]
    assert result.media == {"maps_dot.png": dot}
    assert [w.message for w in result.warnings] == [
        "question 'picture elsewhere': picture 'far.png' (Moodle 1.9 <image>) is not embedded in the file: dropped"
    ]


def test_files_of_a_skipped_question_are_not_kept():
    dot = base64.b64encode(b"\x89PNG\r\n\x1a\nstand-in").decode()

    def question(kind: str, name: str, text: str) -> str:
        return (
            f'<question type="{kind}"><name><text>{name}</text></name><questiontext format="html">'
            f'<text><![CDATA[<img src="@@PLUGINFILE@@/{name}.png"> {text}]]></text>'
            f'<file name="{name}.png" encoding="base64">{dot}</file></questiontext>'
            '<answer fraction="100"><text>yes</text></answer><answer fraction="0"><text>no</text></answer></question>'
        )

    doc = _bank(question("cloze", "gap", "Pick {1:MULTICHOICE:=yes~no}"), question("truefalse", "plain", "Is it?"))
    result = parse_moodle_xml(doc, "files.xml")
    assert [q.id for q in result.questions] == ["plain"]
    assert list(result.media) == ["plain.png"]


def test_html_tags_in_a_name_are_dropped_as_moodle_cleans_names():
    doc = _bank(
        _choice("<![CDATA[<b>Traps</b> & <i>exits</i>: cost < 2]]>", "true", "100", "10"),
        _choice("<![CDATA[<em>Odd</em> grade]]>", "true", "100", "37"),
    )
    result = parse_moodle_xml(doc, "names.xml")
    assert [q.id for q in result.questions] == ["traps-exits-cost-2"]
    assert result.warnings[0].message.startswith("question 'Odd grade': answer grade 37 %")


_ALPHA = [("alpha-question", "true_false", "Alpha")]
MOODLE_FIXTURES = {
    # file: ([(id, type, topic)...], words every warning of the file must contain, media kept)
    "broken_cloze_questions": (
        [],
        ["without embedded answers"] * 2 + ["MULTICHOICE gap"] * 2 + ["'zero' is not a number"],
        [],
    ),
    "categories_reverse_order": ([("tau-question", "flip", "Sigma/Tau"), ("sigma-question", "short", "Sigma")], [], []),
    "category_with_description": (_ALPHA, [], []),
    "deprecated_category": (_ALPHA, [], []),
    "error_invalid_grades": ([], ["'Question with invalid grades : x > 1 & x < 2': answer grade 33 %"], []),
    "export_category": (_ALPHA, [], []),
    "html_chars_in_idnumbers": ([("t-f", "true_false", "Alpha")], [], []),
    "multianswer": ([], ["'cloze with images': cloze gap 1"], []),
    "multichoice": (
        [("greeting", "mcq", "Default for testhead/Multichoice")],
        [],
        ["bonjour.mp3", "flag-uk.jpg", "flag-france.jpg", "flag-german.jpg", "flag-denmark.jpg"],
    ),
    "nested_categories": ([("zeta-question", "true_false", "Delta/Epsilon/Zeta")], [], []),
    "nested_categories_with_questions": (
        [
            ("iota-question", "true_false", "Iota"),
            ("kappa-essay-question", "flip", "Iota/Kappa"),
            ("kappa-question", "true_false", "Iota/Kappa"),
            ("lambda-question", "true_false", "Iota/Kappa/Lambda"),
            ("mu-question", "true_false", "Iota/Mu"),
        ],
        [],
        [],
    ),
    "old_format_file": ([("pi-question", "true_false", "Pi"), ("rho-question", "true_false", "Pi/Rho")], [], []),
    "sample_questions_with_old_image_tag": (
        [("mcq-with-image", "mcq", "Default for Test images in backup")],
        ["'cloze question with image': cloze gap 1"],
        ["moodle.png"],
    ),
    "truefalse": (
        [
            ("moodle-acronym-false", "true_false", "Default for testhead/TrueFalse"),
            ("moodle-acronym-true", "true_false", "Default for testhead/TrueFalse"),
        ],
        [],
        ["logo.jpg", "infos.jpg", "thumbdown.jpg", "thumbup.jpg"],
    ),
}


def _moodle(name: str):
    path = MOODLE_DIR / f"{name}.xml"
    if not path.is_file():
        pytest.skip(f"Moodle's fixture {path} is not available")
    return import_moodle_xml(path)


@pytest.mark.skipif(not MOODLE_DIR.is_dir(), reason="Moodle's XML fixtures are not available")
@pytest.mark.parametrize("name", sorted(MOODLE_FIXTURES))
def test_moodle_fixtures_conformance(name):
    """Each of Moodle's own fixtures: the questions Moodle keeps, the ones it refuses, their files."""
    questions, warnings, media = MOODLE_FIXTURES[name]
    result = _moodle(name)
    assert [(q.id, q.type, q.topic) for q in result.questions] == questions
    assert len(result.warnings) == len(warnings)
    for warning, words in zip(result.warnings, warnings, strict=True):
        assert words in warning.message
    assert sorted(result.media) == sorted(media)


@pytest.mark.skipif(not MOODLE_DIR.is_dir(), reason="Moodle's XML fixtures are not available")
def test_moodle_fixtures_content():
    """Stems, answers, grades and feedback of Moodle's fixtures as Moodle's importer reads them."""
    short = _moodle("categories_reverse_order").questions[1]
    assert short.prompt == "Testing Sigma Question"
    assert [(a.text, a.weight) for a in short.answers] == [("yes", 100), ("no", 0), ("may be", 0)]
    tf_false, tf_true = _moodle("truefalse").questions
    assert (tf_false.answer, tf_true.answer) == (False, True)
    assert tf_false.prompt.startswith("Moodle [image: Moodle logo (logo.jpg)] is an acronym for Modular")
    assert tf_false.feedback_true == "[image: Thumb down (thumbdown.jpg)] Your answer is incorrect."
    assert tf_false.feedback_false == "[image: Thumb up (thumbup.jpg)] Your answer is correct."
    assert "documentation about Moodle (http://docs.moodle.org/en/About_Moodle)" in tf_true.explanation
    greeting = _moodle("multichoice").questions[0]
    assert greeting.prompt == "[audio: Listen to this greeting: (bonjour.mp3)]\n\nWhat language is being spoken?"
    assert [(o.text.split("] ")[-1], o.credit(), o.feedback) for o in greeting.options] == [
        ("English", 0, "Sorry, listen again."),
        ("French", 100, "Yes, well done!"),
        ("German", 0, "Sorry, listen again."),
        ("Danish", 0, "Sorry, listen again."),
    ]
    old = _moodle("sample_questions_with_old_image_tag")
    assert old.questions[0].prompt.endswith("used in Moodle 1.9 [image: moodle.png]")
    assert [(o.text, o.credit()) for o in old.questions[0].options] == [
        ("wrong answer", 0),
        ("another wrong answer", 0),
        ("right answer", 100),
    ]
    assert old.media["moodle.png"].startswith(b"\x89PNG")
