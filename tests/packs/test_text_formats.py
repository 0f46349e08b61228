"""GIFT's [markdown], [html], [moodle] and [plain] texts, and Moodle XML's markdown, import as Moodle
shows them, as plain text (newcomer review m17: a [markdown] prompt stayed `What is **KVM**?`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyvm.packs.importers.gift import parse_gift
from studyvm.packs.importers.htmltext import html_to_text, markdown_to_html
from studyvm.packs.importers.moodle_xml import parse_moodle_xml


def _conformance() -> Path | None:
    """../shared/conformance/gift from the main checkout or from a worktree under wt/."""
    here = Path(__file__).resolve()
    return next((p / "shared/conformance/gift" for p in here.parents if (p / "shared/conformance/gift").is_dir()), None)


CONFORMANCE = _conformance()


def _prompts(text: str) -> dict[str, str]:
    return {q.id: q.prompt for q in parse_gift(text).questions}


def test_markdown_prompt_reads_without_its_markup() -> None:
    prompts = _prompts(
        "::kvm::[markdown]What is **KVM**? See _the_ [docs](https://linux-kvm.org) and run `kvm-ok`.{=a ~b}\n\n"
        "::list::[markdown]# Modes\\n\\nPick *one*\\:\\n\\n- full\\n- para\\n\\n```\\nvmx  on\\n  vmexit\\n```{=a ~b}\n"
    )
    assert prompts["kvm"] == "What is KVM? See the docs (https://linux-kvm.org) and run `kvm-ok`."
    assert prompts["list"] == "Modes\n\nPick one:\n\n  * full\n  * para\nvmx  on\n  vmexit"


def test_markdown_answers_and_feedback_and_inherited_format() -> None:
    q = parse_gift(
        "::q::[markdown]Which is **type 1**?{=[markdown]**Xen**#[markdown]_right_ ~*QEMU*#*no*}\n"
    ).questions[0]
    # an answer with no prefix of its own takes the question's format, as in Moodle
    assert [(o.text, o.feedback) for o in q.options] == [("Xen", "right"), ("QEMU", "no")]


def test_html_from_markdown_is_made_safe_text() -> None:
    prompts = _prompts("::x::[markdown]Run <b>this</b><script>alert(1)</script> ![chip](vtx.png)?{=a ~b}\n")
    assert prompts["x"] == "Run this [image: chip (vtx.png)]?"


def test_html_moodle_and_plain_formats() -> None:
    prompts = _prompts(
        "::h::[html]<p>What is <b>VT-x</b> &amp; <i>AMD-V</i>?</p><script>x()</script>{=a ~b}\n\n"
        "::m::[moodle]What is **KVM** <b>here</b>?{=a ~b}\n\n"
        "::p::[plain]What is **KVM** <b>here</b>?{=a ~b}\n\n"
        "::d::What is **KVM**?{=a ~b}\n"
    )
    assert prompts["h"] == "What is VT-x & AMD-V?"
    assert prompts["m"] == "What is **KVM** here?"  # Moodle's auto-format renders HTML, not Markdown
    assert prompts["p"] == "What is **KVM** <b>here</b>?"  # plain is shown as written
    assert prompts["d"] == "What is **KVM**?"


def test_code_in_a_pre_block_keeps_its_lines() -> None:
    # inscriptis gave <code> normal white space even inside <pre>: the lines ran together
    assert html_to_text("<p>x</p><pre><code>mov  cr3, eax\n  hlt\n</code></pre>") == "x\n\nmov  cr3, eax\n  hlt"
    assert markdown_to_html("`a`") == "<p>`a`</p>"


def test_moodle_xml_markdown_text_is_rendered() -> None:
    doc = (
        b'<?xml version="1.0"?><quiz><question type="shortanswer"><name><text>md</text></name>'
        b'<questiontext format="markdown"><text>Name **the** instruction.</text></questiontext>'
        b'<answer fraction="100"><text>VMLAUNCH</text></answer></question></quiz>'
    )
    assert parse_moodle_xml(doc, "md.xml").questions[0].prompt == "Name the instruction."


@pytest.mark.skipif(CONFORMANCE is None, reason="../shared/conformance is not available")
def test_moodle_examples_markdown_question() -> None:
    assert CONFORMANCE is not None
    text = (CONFORMANCE / "moodle-examples.gift.txt").read_text(encoding="utf-8")
    assert "[markdown]Who's buried in **Grant's tomb**?" in text  # the file still has what this checks
    prompts = [q.prompt for q in parse_gift(text).questions]
    assert "Who's buried in Grant's tomb?" in prompts
    assert not any("**" in p for p in prompts)
    fixture = parse_gift((CONFORMANCE / "moodle-questions.gift.txt").read_text(encoding="utf-8"))
    activities = next(q for q in fixture.questions if q.id == "moodle-activities")
    assert [p.left for p in activities.pairs][-1] == "A collection of web pages that anyone can add to or edit."
