"""Property tests: StudyVM -> Moodle XML -> StudyVM gives the same questions, for every type."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_gift_fuzz import TEXT, questions

from studyvm.packs.exporters.moodle_xml import _NOT_XML, export_moodle_xml
from studyvm.packs.importers.common import ImportProblem
from studyvm.packs.importers.moodle_xml import parse_moodle_xml
from studyvm.packs.model import Pack, PackMeta

TOPIC = st.sampled_from(["general", "Week 1", "Networks/Routing", "Вопросы", "a & b <c>"])


@st.composite
def any_question(draw):
    """Every type Moodle XML holds: GIFT's generator, plus ordering, topics, sources and demos."""
    if draw(st.integers(0, 8)) == 0:
        q = {
            "type": "ordering",
            "id": draw(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True)),
            "prompt": draw(TEXT),
            "items": draw(st.lists(TEXT, min_size=2, max_size=4, unique=True)),
        }
    else:
        q = draw(questions())
    q["topic"] = draw(TOPIC)
    if draw(st.booleans()):
        q["source"] = {"note": "notes", "section": draw(st.one_of(st.just(""), TEXT))}
    if draw(st.booleans()):
        q["demo"] = "popf-equivalence"
    if q["type"] in ("mcq", "multi") and draw(st.booleans()):
        q["shuffle"] = False
    if q["type"] == "numerical" and draw(st.booleans()):
        q["unit"] = draw(st.sampled_from(["ms", "cycles", "µs"]))
    if q["type"] == "multi" and draw(st.booleans()):  # correct flags instead of weights
        q["options"] = [{"text": o["text"], "correct": i == 0} for i, o in enumerate(q["options"])]
    return q


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_question(), min_size=1, max_size=5, unique_by=lambda q: q["id"]))
def test_export_then_import_gives_the_same_questions(raw):
    assume(not _NOT_XML.search(json.dumps(raw, ensure_ascii=False)))  # XML cannot hold these at all
    pack = Pack(meta=PackMeta(id="fuzz", title="Fuzz -- test"), questions=raw)
    text, _warnings = export_moodle_xml(pack)
    back = parse_moodle_xml(text.encode("utf-8"), "fuzz.xml").questions
    assert [q.model_dump() for q in back] == [q.model_dump() for q in pack.questions]


def test_characters_xml_cannot_hold_are_reported():
    pack = Pack(
        meta=PackMeta(id="p", title="P"), questions=[{"type": "flip", "id": "a", "prompt": "x\ufffe", "back": "b"}]
    )
    text, warnings = export_moodle_xml(pack)
    assert warnings == ["question 'a': control characters that XML cannot hold were left out"]
    assert parse_moodle_xml(text.encode(), "p.xml").questions[0].prompt == "x"


XML_BITS = st.sampled_from(
    ["<quiz>", "</quiz>", '<question type="multichoice">', "</question>", "<answer fraction='x'>", "<text>",
     "</text>", "<![CDATA[", "]]>", "&amp;", "&bogus;", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "{1:SA:=x}", "<single>",
     "true", "</single>", '<question type="cloze">', "<questiontext>", "</questiontext>", "x", "\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(XML_BITS, max_size=30).map("".join))
def test_garbage_raises_only_import_problem(text):
    try:
        parse_moodle_xml(text.encode("utf-8"), "fuzz.xml")
    except ImportProblem as problem:
        assert problem.line >= 1 and problem.col >= 1
        assert str(problem).startswith("fuzz.xml:")
