"""HTML to plain text: the fast path for simple markup gives exactly what the full layout gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studyvm.packs.importers.htmltext import (
    _full,
    _simple,
    _simple_markup,
    html_to_text,
    html_to_text_media,
    looks_like_html,
)

BITS = st.sampled_from(
    ["<p>", "</p>", "<br>", "<br/>", "<b>", "</b>", "<i>", "</i>", "<span>", "</span>", "&amp;", "&nbsp;", " ", "\n",
     "a", "bc", "é", "  x ", "<p dir='ltr'>", "&lt;", "\t", "<strong>", "</strong>", "<em>", "</em>", "&#8364;"]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(BITS, max_size=20).map("".join))
def test_fast_path_agrees_with_the_full_layout(html):
    fast = _simple(html)
    if fast is not None:
        assert fast == _full(html)[0]


PARAGRAPH_TEXT = st.lists(
    st.sampled_from(["a", " ", "\n", "\t", "\xa0", "\u2003", "&amp;", "&nbsp;", "&#1;", "&#0;", "é", "\x01", ">"]),
    max_size=12,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(PARAGRAPH_TEXT)
def test_one_paragraph_shortcut_agrees_with_the_markup_loop(text):
    html = f"<p>{text}</p>"
    assert _simple(html) == _simple_markup(html)


def test_layout_of_lists_tables_pre_and_entities():
    assert html_to_text("<ul><li>TCP</li><li>UDP</li></ul>").splitlines() == ["  * TCP", "  * UDP"]
    assert html_to_text("<table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>").split("\n")[
        1
    ].split() == ["1", "2"]
    assert html_to_text("<pre>def f():\n    return 1</pre>") == "def f():\n    return 1"
    assert html_to_text("Tom &amp; Jerry &copy; &#8364;") == "Tom & Jerry © €"
    assert html_to_text("<script>alert(1)</script>hi<style>p{}</style>") == "hi"


def test_media_become_placeholders_and_links_keep_their_target():
    text, refs = html_to_text_media('<img src="a.png"> <img alt="switch" src="x/b%20c.jpg"> <audio src="s.ogg">')
    assert text == "[image: a.png] [image: switch (b c.jpg)] [audio: s.ogg]"
    assert [(r.kind, r.src) for r in refs] == [("image", "a.png"), ("image", "x/b c.jpg"), ("audio", "s.ogg")]
    assert html_to_text('<a href="https://moodle.org">Moodle</a>') == "Moodle (https://moodle.org)"


def test_what_counts_as_html():
    assert looks_like_html("<i>go</i>") and looks_like_html("x &amp; y")
    assert not looks_like_html("a < b & c > d") and not looks_like_html("AT&T")
