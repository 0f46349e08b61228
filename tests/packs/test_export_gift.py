"""GIFT export: what GIFT can hold comes back identical; the rest is converted and reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studyvm.config import builtin_content_dir
from studyvm.packs.exporters import export_gift
from studyvm.packs.exporters.gift import esc, num
from studyvm.packs.importers.gift import parse_gift
from studyvm.packs.loader import load_pack_dir
from studyvm.packs.model import Pack, PackMeta

PACK = Path(__file__).parent / "fixtures" / "import" / "every_type_pack"


@pytest.fixture(scope="module")
def pack():
    result = load_pack_dir(PACK)
    assert result.ok, [str(d) for d in result.diagnostics]
    return result.pack


@pytest.fixture(scope="module")
def exported(pack):
    return export_gift(pack)


def test_every_type_round_trips_exactly(pack, exported):
    # ordering and a cloze with several gaps too (newcomer m17: they came back as matching and flip)
    text, _ = exported
    back = {q.id: q for q in parse_gift(text, "out.gift").questions}
    assert set(back) == {q.id for q in pack.questions}
    for q in pack.questions:
        assert back[q.id].model_dump() == q.model_dump(), q.id


def test_what_gift_cannot_hold_is_converted_for_moodle_and_warned_once(exported):
    text, warnings = exported
    # what Moodle reads: the studyvm comments dropped, as Moodle ignores them
    moodle = {q.id: q for q in parse_gift(re.sub(r"(?m)^// studyvm: .*\n", "", text), "out.gift").questions}
    ordering = moodle["t.ordering"]
    assert ordering.type == "matching"
    assert [(p.left, p.right) for p in ordering.pairs][0] == ("Guest executes a sensitive instruction", "1")
    assert ordering.prompt.endswith("(Match each item to its position; 1 is first.)")
    cloze = moodle["t.cloze-two"]
    assert cloze.type == "flip"
    assert cloze.prompt == "_____ is Intel's and _____ is AMD's nested paging."
    assert cloze.back == "1. EPT\n2. NPT | RVI"
    assert any(
        w.startswith("1 ordering question exported as matching (item -> position) (t.ordering)") for w in warnings
    )
    assert any(
        w.startswith("1 cloze with several gaps exported as essays listing the answers (t.cloze-two)") for w in warnings
    )
    assert any("'// studyvm:' comments" in w for w in warnings)
    assert not any(w.startswith("question 't.") for w in warnings)  # one line per kind, not per question


def test_moodle_readable_shapes(exported):
    text, _ = exported
    assert "$CATEGORY: basics" in text
    assert "// [id:t.flip] [tag:cards] [tag:week 1]" in text
    assert "::t.tf::Popek and Goldberg published their theorem in 1974.{TRUE#It was 1974.#Right, in CACM.}" in text
    assert "{FALSE#No, VMware came first (1999).}" in text
    assert "~%-50%VirtualBox" in text  # flag-only multi: equal shares, wrong picks cost the same
    assert "=%50%300..1000#Order of magnitude right." in text
    assert "= -> SVM-X" in text
    assert "\\{braces\\} \\#hash \\~tilde" in text
    assert "{=VMCS =virtual machine control structure ####Both hold guest and host state.}, AMD the VMCB." in text


def test_escape_and_number_helpers():
    assert esc("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
    assert (num(1822.0), num(0.0005), num(-3.5)) == ("1822", "0.0005", "-3.5")


def test_html_looking_text_is_marked_plain():
    pack = load_pack_dir(PACK).pack
    q = pack.questions[0].model_copy(update={"prompt": "Is <b> a tag & more?"})
    text, _ = export_gift(pack.model_copy(update={"questions": [q]}))
    assert "::t.flip::[plain]Is <b> a tag & more?" in text
    assert parse_gift(text).questions[0].prompt == "Is <b> a tag & more?"


def test_weights_are_written_as_moodle_grades_and_read_back_exactly():
    pack = load_pack_dir(PACK).pack
    q = next(q for q in pack.questions if q.id == "t.multi-weights")
    options = [o.model_copy(update={"weight": w}) for o, w in zip(q.options, (33.3, 66.7, -100), strict=True)]
    changed = pack.model_copy(update={"questions": [q.model_copy(update={"options": options})]})
    text, warnings = export_gift(changed)
    assert "%33.33333%" in text and "%66.66667%" in text and "%33.3%" not in text
    assert any("(33.3% as 33.33333%; 66.7% as 66.66667%) in 1 question (t.multi-weights)" in w for w in warnings)
    assert [o.weight for o in parse_gift(text).questions[0].options] == [33.3, 66.7, -100]
    options = [o.model_copy(update={"weight": w}) for o, w in zip(q.options, (12.3, 87.7, -100), strict=True)]
    _, warnings = export_gift(pack.model_copy(update={"questions": [q.model_copy(update={"options": options})]}))
    assert any("weights that Moodle does not accept (StudyVM does): 12.3% 87.7%" in w for w in warnings)


def test_choice_options_are_shuffled_per_question_and_read_back_in_order():
    pack = load_pack_dir(builtin_content_dir() / "virtualization").pack
    text, _ = export_gift(pack)
    assert text == export_gift(pack)[0]  # deterministic
    choices = [q for q in pack.questions if q.type == "mcq" and q.shuffle]
    firsts = 0
    for block in text.split("\n\n"):
        head = next((q for q in choices if f"::{q.id}::" in block), None)
        if head is not None:
            answers = [line.strip() for line in block.splitlines() if line.strip()[:1] in "=~"]
            firsts += bool(answers) and answers[0].startswith("=")
    assert firsts < len(choices) / 2, (firsts, len(choices))
    back = {q.id: q for q in parse_gift(text).questions}
    assert all([o.text for o in back[q.id].options] == [o.text for o in q.options] for q in choices)


def test_builtin_pack_round_trips():
    result = load_pack_dir(builtin_content_dir() / "virtualization")
    assert result.ok
    text, warnings = export_gift(result.pack)
    back = {q.id: q for q in parse_gift(text, "builtin.gift").questions}
    assert len(back) == len(result.pack.questions)
    assert any("ordering questions exported as matching" in w for w in warnings)  # there are some to restore
    for q in result.pack.questions:  # generated questions come back as plain authored ones
        assert back[q.id].model_dump() == q.model_dump() | {"generated_from": None}, q.id


def test_progress_is_reported(pack):
    seen = []
    export_gift(pack, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(pack.questions), len(pack.questions))


def test_missing_word_questions_are_written_in_missing_word_form():
    questions = parse_gift("Grant is {~buried =entombed ~living} in Grant's tomb.\n\nIt has {#8} bits.").questions
    text, _ = export_gift(Pack(meta=PackMeta(id="m", title="M"), questions=questions))
    assert "Grant is {~buried =entombed ~living} in Grant's tomb." in text
    assert "It has {#8} bits." in text
    assert parse_gift(text).questions == questions


def test_weights_moved_to_moodle_grades_are_one_warning_not_one_per_question():
    # newcomer m17: the built-in pack's thirds gave a warning per question
    pack = load_pack_dir(builtin_content_dir() / "virtualization").pack
    _, warnings = export_gift(pack)
    snapped = [w for w in warnings if "nearest of Moodle's grades" in w]
    assert len(snapped) == 1, snapped
    assert "33.3% as 33.33333%" in snapped[0] and "StudyVM reads the exact weights back" in snapped[0]
    assert not any(w.startswith("question '") and "Moodle's grades" in w for w in warnings)


def test_an_ordering_comment_that_does_not_fit_its_matching_is_an_error():
    from studyvm.packs.importers.common import ImportProblem

    fits = '// studyvm: {"ordering":true}\n::o::Order them{=b -> 2 =a -> 1}\n'
    q = parse_gift(fits).questions[0]
    assert (q.type, q.items, q.prompt) == ("ordering", ["a", "b"], "Order them")
    with pytest.raises(ImportProblem, match="'ordering' does not fit"):
        parse_gift('// studyvm: {"ordering":true}\n::o::Order them{=b -> 3 =a -> 1}\n')
