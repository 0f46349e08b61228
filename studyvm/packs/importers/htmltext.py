"""HTML to plain text with the standard library, for question banks written in HTML.

Tags are dropped, entities decoded, runs of white space collapsed as a browser would, and
block elements (paragraphs, line breaks, list items, table rows) become line breaks, so that
what a learner reads in the terminal is what the author saw in Moodle or Anki.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "blockquote", "hr", "section", "article", "dd", "dt", "dl",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title"}
_SPACES = re.compile(r"[ \t\r\n\f]+")
_BREAKS = re.compile(r"\s*\n\s*")


class _TextParser(HTMLParser):
    """Collects text, turning block boundaries into newlines and ignoring scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        elif tag == "img":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(_SPACES.sub(" ", data).replace("\xa0", " "))


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (never raises on malformed markup)."""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # the stdlib parser asserts on `<![` and `<!x` it cannot read
        parser = _TextParser()
        parser.feed(html.replace("<!", "&lt;!"))  # such a declaration is shown as the text it is
        parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in _BREAKS.split(text)]
    return "\n".join(line for line in lines if line).strip()
