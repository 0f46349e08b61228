"""Moodle's own GIFT files (from ../shared/conformance, when present) import completely, with Moodle's types."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from studyvm.packs.exporters.gift import export_gift
from studyvm.packs.importers.gift import GAP, import_gift, parse_gift
from studyvm.packs.model import Pack, PackMeta

# ../shared from the main checkout, ../../shared from a worktree under wt/
CONFORMANCE = next(
    (
        p / "shared/conformance/gift"
        for p in Path(__file__).resolve().parents
        if (p / "shared/conformance/gift").is_dir()
    ),
    Path("/nonexistent"),
)
pytestmark = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="../shared/conformance is not available")


def test_moodle_examples_every_question_with_its_type():
    result = import_gift(CONFORMANCE / "moodle-examples.gift.txt")
    assert result.warnings == []
    assert len(result.questions) == 43
    assert Counter(q.type for q in result.questions) == {
        "mcq": 16,
        "short": 9,
        "numerical": 8,
        "true_false": 5,
        "matching": 3,
        "multi": 2,
    }
    by_id = {q.id: q for q in result.questions}
    assert by_id["grants-tomb"].prompt == f"Grant is {GAP} in Grant's tomb."
    control = by_id["gift-control-characters"]
    assert [o.text for o in control.options] == ["~", "=", "#", "{", "}", "\\"]
    assert control.options[5].credit() == 100
    assert by_id["numerical-example"].answers[1].weight == 50


def test_moodle_fixture_essay_matching_and_feedback():
    result = import_gift(CONFORMANCE / "moodle-questions.gift.txt")
    by_id = {q.id: q for q in result.questions}
    assert len(result.questions) == 9
    assert by_id["q8"].type == "flip"
    activities = by_id["moodle-activities"]
    assert activities.prompt == "Match the activity to the description."
    assert activities.distractors == ["Chat"]
    assert [o.credit() for o in by_id["colours"].options] == [50, -100, 50, -100]
    assert by_id["q5"].answers[0].bounds() == (1, 5)
    tf = by_id["q1"]
    assert (tf.answer, tf.feedback_true, tf.feedback_false) == (
        False,
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )
    assert tf.explanation.startswith("This is, of course")


def test_moodle_files_survive_export_and_reimport():
    for name in ("moodle-examples.gift.txt", "moodle-questions.gift.txt"):
        questions = import_gift(CONFORMANCE / name).questions
        text, warnings = export_gift(Pack(meta=PackMeta(id="moodle", title="Moodle"), questions=questions))
        assert warnings == []
        assert parse_gift(text).questions == questions
