"""Property tests of the one sanitizer: whatever text a pack or an importer gives the model, what
the model holds has no control character but newline and tab, and nothing else changes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from studyvm.packs.model import QUESTION_ADAPTER, PackMeta
from studyvm.textsafe import inert, inert_name

NASTY = st.text(
    alphabet=st.one_of(st.characters(max_codepoint=0x2070), st.sampled_from("\x1b\x9b\x07\x90\x9d\r")),
    min_size=1,
    max_size=40,
)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@given(NASTY)
def test_inert_leaves_nothing_a_terminal_obeys_and_is_idempotent(text: str) -> None:
    shown = inert(text)
    assert not UNSAFE.search(shown)
    assert inert(shown) == shown
    assert "\n" not in inert_name(text) and "\t" not in inert_name(text)
    if not UNSAFE.search(text):
        assert shown == text


@given(NASTY.filter(str.strip), NASTY.filter(str.strip), st.lists(NASTY.filter(str.strip), max_size=3))
def test_every_field_of_a_validated_question_is_inert(prompt: str, back: str, tags: list[str]) -> None:
    question = QUESTION_ADAPTER.validate_python(
        {
            "id": "q",
            "type": "flip",
            "prompt": prompt,
            "back": back,
            "tags": tags,
            "explanation": prompt,
            "caveat": back,
            "topic": prompt,
            "source": {"note": "n", "section": back},
        }
    )
    dumped = question.model_dump_json()
    for value in (
        question.prompt,
        question.back,
        question.explanation,
        question.caveat,
        question.topic,
        question.source.section,
        *question.tags,
    ):
        assert not UNSAFE.search(value), value
    assert "\\u001b" not in dumped


@given(NASTY.filter(str.strip))
def test_pack_metadata_is_inert(title: str) -> None:
    meta = PackMeta.model_validate({"id": "p", "title": title, "authors": [title], "description": title})
    assert not any(UNSAFE.search(v) for v in (meta.title, meta.description, *meta.authors))
