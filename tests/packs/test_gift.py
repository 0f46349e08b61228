"""GIFT import: every type, feedback, weight, text format, escape, name and category."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyvm.packs.importers.gift import GAP, import_gift, parse_gift
from studyvm.packs.importers.gift_answers import ESSAY_BACK

FIXTURES = Path(__file__).parent / "fixtures" / "import"


@pytest.fixture(scope="module")
def bank():
    result = import_gift(FIXTURES / "every_type.gift")
    return {q.id: q for q in result.questions}, result


def test_every_question_is_imported_with_its_type(bank):
    questions, result = bank
    types = [q.type for q in result.questions]
    assert len(types) == 23
    assert set(types) == {"mcq", "multi", "true_false", "short", "numerical", "matching", "flip"}
    assert questions["trap-mcq"].type == "mcq"
    assert questions["multi-negative"].type == "multi"
    assert questions["match"].type == "matching"


def test_description_is_skipped_with_a_warning(bank):
    _, result = bank
    assert [(w.line, w.severity) for w in result.warnings] == [(56, "warning")]
    assert "description" in result.warnings[0].message
    assert not any("nothing to answer" in q.prompt for q in result.questions)


def test_mcq_partial_weight_and_per_answer_feedback(bank):
    q = bank[0]["trap-mcq"]
    assert [o.credit() for o in q.options] == [100, 0, 50]
    assert q.options[0].feedback == "Right: it is privileged."
    assert q.options[2].feedback == "Half right: only when the I/O is privileged."


def test_missing_word_keeps_its_type_with_the_gap_marked(bank):
    questions, result = bank
    mcq = next(q for q in result.questions if q.prompt.startswith("The classic trap"))
    assert mcq.type == "mcq"
    assert mcq.prompt == f"The classic trap-and-emulate VMM runs the guest kernel in {GAP} on x86."
    assert [o.text for o in mcq.options if o.credit() == 100] == ["ring 1"]
    short = next(q for q in result.questions if q.prompt.startswith("Intel's hardware"))
    assert short.type == "short"
    assert short.prompt.endswith(f"called {GAP}.")
    assert [a.text for a in short.answers] == ["VT-x", "VMX"]


def test_multiple_answers_with_negative_weights(bank):
    q = bank[0]["multi-negative"]
    assert [o.credit() for o in q.options] == [50, 50, -100]
    assert q.correct_indexes() == {0, 1}
    assert q.options[2].feedback == "ADD is innocuous."


def test_true_false_with_both_feedbacks_and_general_feedback(bank):
    q = bank[0]["tf-false-feedback"]
    assert q.answer is False
    # GIFT: the first feedback is for a wrong answer (here: answering true), the second for a right one.
    assert q.feedback_true == "No: type 1 does."
    assert q.feedback_false == "Right, type 2 is hosted."
    assert q.explanation == "Type 1 = bare metal; type 2 = hosted."
    assert bank[0]["tf-true"].answer is True


def test_short_answer_weights_and_feedback(bank):
    q = bank[0]["short"]
    assert [(a.text, a.weight, a.feedback) for a in q.answers] == [
        ("VT-x", 100, "Yes."),
        ("VMX", 50, "The instruction set's name."),
    ]


def test_numerical_forms(bank):
    questions = bank[0]
    assert questions["num-exact"].answers[0].bounds() == (4, 4)
    assert questions["num-tol"].answers[0].bounds() == (500, 700)
    rng = questions["num-range"].answers[0]
    assert (rng.min, rng.max, rng.value) == (0, 3, None)
    multi = questions["num-multi"]
    assert [(a.value, a.tolerance, a.weight, a.feedback) for a in multi.answers] == [
        (2005, 0, 100, "Exactly."),
        (2005, 1, 50, "Close enough."),
    ]
    assert multi.explanation == "Any other answer: Look at the Pentium 4 662."


def test_numerical_missing_word(bank):
    _, result = bank
    q = next(q for q in result.questions if q.prompt.startswith("A byte"))
    assert q.type == "numerical"
    assert q.prompt == f"A byte holds {GAP} bits."


def test_matching_with_distractor_and_html(bank):
    q = bank[0]["match"]
    assert q.prompt == "Match each mode to its trick."
    assert [(p.left, p.right) for p in q.pairs] == [
        ("Full virtualization", "Binary translation"),
        ("Para-virtualization", "Hypercalls"),
        ("Hardware-assisted", "VM exits"),
    ]
    assert q.distractors == ["Shadow BIOS"]


def test_essay_becomes_a_flip(bank):
    questions = bank[0]
    assert questions["essay"].type == "flip"
    assert questions["essay"].back == "It had sensitive instructions that did not trap."
    assert questions["essay-bare"].back == ESSAY_BACK


def test_text_formats(bank):
    questions = bank[0]
    assert questions["html-text"].prompt == "Which register points to the page table?"
    assert questions["markdown"].prompt == "Is EPT Intel's name for nested paging?"  # rendered, as Moodle shows it
    assert questions["moodle-format"].prompt == "Name the VMCS field area for guest state."


def test_every_escape(bank):
    q = bank[0]["escapes"]
    assert q.prompt == "Escapes: ~ tilde, = equals, # hash, { brace }, backslash \\ and\na new line."
    assert q.options[0].text == "~=#{}:\\ok"
    assert q.options[0].feedback == "fb with # hash"
    assert q.options[1].text == "plain"


def test_ids_from_names_hashes_and_id_comments(bank):
    questions, result = bank
    assert "two-words-name" in questions
    assert questions["moodle.style-id"].tags == ["exam", "week 2"]
    unnamed = next(q for q in result.questions if q.prompt.startswith("Unnamed"))
    assert unnamed.id.startswith("unnamed-question-whose-id-is")
    again = parse_gift("Unnamed question whose id is a hash of its text.{T}")
    assert again.questions[0].id == unnamed.id  # stable across imports


def test_categories_become_topics(bank):
    questions = bank[0]
    assert questions["trap-mcq"].topic == "Virtualization/Traps"
    assert questions["num-exact"].topic == "Numbers"
    assert questions["spaced"].topic == "Numbers"


def test_blank_lines_inside_an_answer_block(bank):
    q = bank[0]["spaced"]
    assert [o.text for o in q.options] == ["yes", "no"]


def test_repeated_names_get_unique_ids_independent_of_order():
    blocks = ["::same::One?{T}", "::same::Two?{F}", "Three?{T}", "Three?{F}", "::other::Four?{T}"]
    ids = {q.prompt + str(q.answer): q.id for q in parse_gift("\n\n".join(blocks)).questions}
    assert len(set(ids.values())) == 5
    assert ids["Four?True"] == "other"
    assert ids["One?True"].startswith("same-") and ids["Two?False"].startswith("same-")
    swapped = {q.prompt + str(q.answer): q.id for q in parse_gift("\n\n".join(reversed(blocks))).questions}
    assert swapped == ids


def test_cyrillic_and_chinese_names_give_distinct_stable_ids():
    text = "::Вопрос 1::Да?{T}\n\n::Задача 1::Нет?{F}\n\n::質問一::はい?{T}\n\n::06- création d'instance::Oui?{T}"
    ids = [q.id for q in parse_gift(text).questions]
    assert ids == ["vopros-1", "zadacha-1", "zhiwenyi", "06-creation-dinstance"]


def test_lowercase_true_false_crlf_and_bom(tmp_path):
    path = tmp_path / "win.gift"
    path.write_bytes("\ufeff::a::Yes?{true}\r\n\r\n::b::No?{f#wrong#right}\r\n".encode())
    result = import_gift(path)
    assert [(q.id, q.type, q.answer) for q in result.questions] == [
        ("a", "true_false", True),
        ("b", "true_false", False),
    ]


def test_category_followed_by_question_in_one_block():
    result = parse_gift("$CATEGORY: top/Paging\n::ept::EPT is Intel's nested paging.{T}\n")
    assert result.questions[0].topic == "Paging"


def test_general_feedback_on_every_type():
    text = "\n\n".join(
        [
            "::m::Q?{=a ~b ####why m}",
            "::s::Q?{=a ####why s}",
            "::n::Q?{#1 ####why n}",
            "::p::Q?{=a -> 1 =b -> 2 ####why p}",
        ]
    )
    assert [q.explanation for q in parse_gift(text).questions] == ["why m", "why s", "why n", "why p"]


def test_progress_is_reported():
    seen = []
    parse_gift("\n\n".join(f"Q{i}?{{T}}" for i in range(1200)), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (1200, 1200)
    assert len(seen) >= 3


def test_moodle_export_style_file():
    # The shape Moodle's own exporter writes: question comments, [html] everywhere, %100% weights,
    # empty feedback after '#', numerical with a '~#' wrong-answer feedback, tab indentation.
    result = import_gift(FIXTURES / "moodle_export_style.gift")
    by_id = {q.id: q for q in result.questions}
    assert list(by_id) == ["vmcs", "exit-cost", "rings", "essay"]
    assert {q.topic for q in result.questions} == {"Default for VIRT/Week 1"}
    vmcs = by_id["vmcs"]
    assert (vmcs.type, vmcs.prompt) == ("short", "Which structure holds guest state on Intel?")
    assert [(a.text, a.weight, a.feedback) for a in vmcs.answers] == [
        ("VMCS", 100, "Yes & well done."),
        ("VMCB", 50, "That is AMD's."),
    ]
    cost = by_id["exit-cost"]
    assert [(a.value, a.tolerance, a.weight) for a in cost.answers] == [(600, 100, 100), (1000, 400, 50)]
    assert cost.explanation == "Depends on the CPU generation.\nAny other answer: See the table."
    assert [o.text for o in by_id["rings"].options] == ["Ring 0", "Ring 1", "Ring 2"]
    assert by_id["essay"].type == "flip"
