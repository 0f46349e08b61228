"""HTML to plain text for question banks written in HTML (Moodle, Anki).

The layout work (paragraphs, line breaks, lists, tables, ``<pre>`` blocks with their line breaks
and indentation, entities, white space collapsed as a browser would) is done by *inscriptis*, a
maintained HTML-to-text renderer, on a tree parsed by lxml. Before rendering, media the terminal
cannot show are replaced by visible placeholders, ``[image: alt or file]``, ``[audio: file]``,
``[video: file]``, and reported to the caller, so that nothing disappears without a word; a link
keeps its target after its text. Scripts, styles and comments are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from typing import Any
from urllib.parse import unquote

_TAG_OR_ENTITY = re.compile(
    r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|/[a-zA-Z][a-zA-Z0-9]*\s*|!--.*?--)>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});",
    re.S,
)
_MEDIA_TAGS = {"img": "image", "audio": "audio", "video": "video", "embed": "media", "object": "media"}
_SOUND = re.compile(r"\[sound:([^\]]+)\]")


@dataclass(frozen=True)
class MediaRef:
    """A picture, sound or video a piece of text refers to."""

    kind: str
    """``image``, ``audio``, ``video`` or ``media``."""
    src: str
    """The reference as written, URL-decoded (``@@PLUGINFILE@@/a.png``, ``a.png``, ``https://…``)."""
    alt: str = ""

    @property
    def name(self) -> str:
        """The file name the reference ends with (``@@PLUGINFILE@@/dir/a.png`` -> ``a.png``)."""
        return self.src.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]

    def placeholder(self, shown: str | None = None) -> str:
        """The text shown instead of the media: ``[image: alt (file)]``."""
        label = shown or self.name or self.src
        if self.alt and self.alt != label:
            label = f"{self.alt} ({label})" if label else self.alt
        return f"[{self.kind}: {label}]"


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds an HTML tag, comment or entity (Moodle's auto-format renders them)."""
    return ("<" in text or "&" in text) and _TAG_OR_ENTITY.search(text) is not None


_INHERIT_SPACE = ("code", "kbd", "samp", "tt", "var", "span", "b", "strong", "i", "em", "u", "a", "font", "small")
"""Inline tags that keep the white space of their block: ``<pre><code>`` keeps its lines."""


@lru_cache(maxsize=1)
def _config() -> Any:
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig
    from inscriptis.model.html_element import HtmlElement

    css = dict(CSS_PROFILES["strict"])
    for tag in _INHERIT_SPACE:  # inscriptis gives unlisted tags normal white space, even inside <pre>
        element = HtmlElement(tag)
        element.whitespace = None  # None: inherit the block's
        css[tag] = element
    return ParserConfig(css=css, display_images=False, display_links=False)


_SIMPLE_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b([^<>]*)>")
_INLINE = frozenset(
    ("b", "strong", "i", "em", "u", "span", "sub", "sup", "s", "strike", "small", "big", "font", "code")
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


_ONE_PARAGRAPH = re.compile(r"<p>([^<>\x00\x01]*)</p>")


def _simple(html: str) -> str | None:
    """Plain text of HTML that only uses paragraphs, line breaks and inline tags, or ``None``.

    This is what most of a Moodle bank looks like (``<p>…</p>``); doing it with regular
    expressions is forty times faster than a full layout and gives the same text (a property
    test checks this against the full path).
    """
    one = _ONE_PARAGRAPH.fullmatch(html)
    if one is not None:  # Moodle's usual question text: the same result as the loop, in a third of the time
        return _tidy([_HTML_SPACE.sub(" ", unescape(one.group(1)).replace("\xa0", " ")).strip(" ")])
    return _simple_markup(html)


def _simple_markup(html: str) -> str | None:
    """:func:`_simple` for any mix of paragraphs, line breaks and inline tags."""
    if "<!" in html or "<?" in html:
        return None
    pieces: list[str] = []
    pos = 0
    stack: list[str] = []  # only well-nested markup takes this path
    for m in _SIMPLE_TAG.finditer(html):
        tag, closing, attrs = m.group(2).lower(), m.group(1) == "/", m.group(3)
        if tag == "br":
            mark = "\x01"
        elif tag != "p" and (tag not in _INLINE or "position" in attrs or "display" in attrs):
            return None
        elif closing:
            if not stack or stack.pop() != tag:
                return None
            mark = "\x00" if tag == "p" else ""
        else:
            if tag == "p" and stack:
                return None
            stack.append(tag)
            mark = "\x00" if tag == "p" else ""
        pieces += [html[pos : m.start()], mark]
        pos = m.end()
    if stack:
        return None
    pieces.append(html[pos:])
    text = "".join(pieces)
    if "<" in text or ">" in text:
        return None
    text = _HTML_SPACE.sub(" ", unescape(text).replace("\xa0", " "))
    lines: list[str] = []
    for paragraph in text.split("\x00"):
        if not paragraph.strip(" \x01"):
            continue
        if lines and lines[-1]:
            lines.append("")
        lines += [line.strip(" ") for line in paragraph.strip(" ").split("\x01")]
    return _tidy(lines)


def _tidy(lines: list[str]) -> str:
    """Lines right-trimmed, leading blank lines and runs of blank lines dropped."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    return "\n".join(out).strip("\n")


Label = Callable[[MediaRef], "str | None"]
"""Gives the name a media reference is shown with (the file kept in the pack), or ``None``."""


_STRAY_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)


def html_to_text_media(html: str, label: Label | None = None) -> tuple[str, list[MediaRef]]:
    """Plain text of an HTML fragment and the media it refers to (never raises on bad markup).

    ``label(ref)`` names the file a placeholder shows; by default the name the reference ends with.
    """
    if "<" not in html and "&" not in html:
        return " ".join(html.split()), []
    # A "<!" that opens no comment, CDATA or doctype is text an author wrote ("<![ holds?");
    # a parser would swallow it and what follows as a broken declaration.
    html = _STRAY_DECLARATION.sub("&lt;!", html)
    simple = _simple(html)
    if simple is not None:
        return simple, []
    return _full(html, label)


def _full(html: str, label: Label | None = None) -> tuple[str, list[MediaRef]]:
    """The full layout (lists, tables, ``<pre>``, media) with lxml and inscriptis."""
    import lxml.html
    from inscriptis import Inscriptis
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(html.split()), []
    media: list[MediaRef] = []
    for element in list(root.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in ("script", "style"):
            if element is not root:
                _replace(element, "")
            continue
        style = (element.get("style") or "").replace(" ", "").lower()
        if "position:absolute" in style or "display:none" in style:  # out of the text's flow
            if element is not root:
                _replace(element, "")
            continue
        kind = _MEDIA_TAGS.get(tag)
        if kind:
            src = element.get("src") or element.get("data") or ""
            if not src:
                source = element.find(".//source")
                src = source.get("src", "") if source is not None else ""
            ref = MediaRef(kind, unquote(src.strip()), " ".join((element.get("alt") or "").split()))
            media.append(ref)
            _replace(element, ref.placeholder(label(ref) if label else None))
        elif tag == "a":
            href = (element.get("href") or "").strip()
            text = element.text_content().strip()
            if _is_media_link(href):
                ref = MediaRef(_link_kind(href), unquote(href), text)
                media.append(ref)
                _replace(element, ref.placeholder(label(ref) if label else None))
            elif href.startswith(("http://", "https://")) and href != text:
                element.tail = f" ({href}){element.tail or ''}"
    text = Inscriptis(root, _config()).get_text()
    return _tidy(text.replace("\xa0", " ").split("\n")), media


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt
    from markdown_it.common.utils import escapeHtml

    # CommonMark with inline HTML, as Moodle's Markdown allows it; the HTML is then made text
    # like any other. A code span keeps its backticks: StudyVM's packs write code that way.
    md = MarkdownIt("commonmark", {"html": True})
    md.add_render_rule(
        "code_inline", lambda renderer, tokens, idx, options, env: f"`{escapeHtml(tokens[idx].content)}`"
    )
    return md


def markdown_to_html(text: str) -> str:
    """HTML of a Markdown text (Moodle's ``markdown`` format), for :func:`html_to_text_media`.

    Emphasis, headings and links become HTML (so the text reads without ``**`` or ``[..](..)``),
    code spans keep their backticks, and code blocks keep their lines.
    """
    return str(_markdown().render(text)).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (media become placeholders; never raises)."""
    return html_to_text_media(html)[0]


def sound_refs(text: str) -> tuple[str, list[MediaRef]]:
    """Anki's ``[sound:file]`` references replaced by ``[audio: file]`` placeholders."""
    refs = [MediaRef("audio", m.group(1)) for m in _SOUND.finditer(text)]
    if not refs:
        return text, []
    return _SOUND.sub(lambda m: MediaRef("audio", m.group(1)).placeholder(), text), refs


_AUDIO = (".mp3", ".ogg", ".wav", ".m4a", ".oga", ".flac")
_VIDEO = (".mp4", ".webm", ".ogv", ".mov")
_IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp")


def _link_kind(href: str) -> str:
    lower = href.lower().split("?", 1)[0]
    if lower.endswith(_AUDIO):
        return "audio"
    return "video" if lower.endswith(_VIDEO) else "image"


def _is_media_link(href: str) -> bool:
    return href.lower().split("?", 1)[0].endswith(_AUDIO + _VIDEO + _IMAGE)


def _replace(element: Any, text: str) -> None:
    """Replace ``element`` (and its children) by ``text``, keeping its tail."""
    parent = element.getparent()
    if parent is None:
        return
    joined = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)
