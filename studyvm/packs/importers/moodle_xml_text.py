"""Moodle XML text elements as plain text, with their embedded files kept as media.

:class:`QuestionText` reads one ``<question>``: its name, its text elements in any of Moodle's
formats (``html``, ``moodle_auto_format``, ``plain_text``, ``markdown``) and the base64
``<file>`` elements that go with them, which are kept (see
:class:`~studyvm.packs.importers.media.MediaStore`) and shown as placeholders.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from xml.sax.saxutils import escape

from studyvm.packs.importers.htmltext import MediaRef, html_to_text_media, looks_like_html, markdown_to_html

_TAG = re.compile(r"</?[A-Za-z!?][^>]*>")
"""An HTML tag or comment; a ``<`` followed by a space or digit is text, as for PHP's ``strip_tags``."""


def inner_text(node: Any) -> str:
    """The text of ``node``'s ``<text>`` child, else ``node``'s own text (children scanned
    directly: a few times faster than an lxml path search, which matters at 10,000 questions)."""
    for child in node:
        if child.tag == "text":
            return child.text or ""
    return node.text or ""


def child_text(el: Any, tag: str = "") -> str:
    """Text of ``el/tag/text`` (or of ``el/tag`` when it has no ``text``), stripped; '' when absent."""
    if not tag:
        return inner_text(el).strip()
    for child in el:
        if child.tag == tag:
            return inner_text(child).strip()
    return ""


class QuestionText:
    """Reads one ``<question>``: its texts, files and media, with warnings naming it."""

    def __init__(self, el: Any, reader: Any) -> None:
        self.el = el
        self.reader = reader
        self.line = el.sourceline or 1
        self.children: dict[str, list[Any]] = {}
        """The question's child elements by tag, in order (read once: lxml's ``find`` is slow)."""
        self.comments: list[Any] = []
        """The question's other child nodes (comments, processing instructions), in order."""
        for child in el:
            if isinstance(child.tag, str):
                self.children.setdefault(child.tag, []).append(child)
            else:
                self.comments.append(child)
        self.name = _TAG.sub("", self.value("name")).strip()
        """The question name without HTML tags, as Moodle's importer cleans it (``PARAM_TEXT``)."""
        self.files: dict[str, str] = {}
        if reader.has_files:
            for file_el in el.iter("file"):
                self.keep_file(file_el)

    def kid(self, tag: str) -> Any:
        """The question's first ``<tag>`` child, or ``None``."""
        found = self.children.get(tag)
        return found[0] if found else None

    def all(self, tag: str) -> list[Any]:
        """Every ``<tag>`` child of the question, in order."""
        return self.children.get(tag, [])

    def value(self, tag: str) -> str:
        """The stripped text of the question's ``<tag>`` child (or of its ``<text>``), '' if absent."""
        node = self.kid(tag)
        return inner_text(node).strip() if node is not None else ""

    @property
    def label(self) -> str:
        return " ".join(self.name.split())[:50] or f"line {self.line}"

    def warn(self, message: str, line: int | None = None) -> None:
        self.reader.out.warn(line or self.line, 1, f"question '{self.label}': {message}")

    def keep_file(self, file_el: Any) -> None:
        self._keep(file_el.get("name") or "", file_el.text or "", file_el.sourceline)

    def _keep(self, name: str, encoded: str, line: int | None) -> bool:
        try:
            data = base64.b64decode(encoded.strip(), validate=False)
        except (binascii.Error, ValueError):
            self.warn(f"file '{name}' is not valid base64: dropped", line)
            return False
        stored, why = self.reader.media.add(name, data)
        if stored is None:
            self.warn(f"file {why}: dropped", line)
            return False
        self.files[name] = stored
        return True

    def legacy_image(self) -> str:
        """The placeholder of a Moodle 1.9 picture (``<image>`` + ``<image_base64>``), '' if none.

        Moodle's importer appends such a picture to the question text, so it is kept and shown
        at the end of the prompt; a named picture without its data is reported, not dropped silently.
        """
        image = self.kid("image")
        name = (image.text or "").strip().replace("/", "_") if image is not None else ""
        if not name:
            return ""
        data = self.kid("image_base64")
        encoded = (data.text or "") if data is not None else ""
        line = image.sourceline
        if not encoded.strip():
            self.warn(f"picture '{name}' (Moodle 1.9 <image>) is not embedded in the file: dropped", line)
            return ""
        if not self._keep(name, encoded, line):
            return ""
        return self.plain(f'<img src="@@PLUGINFILE@@/{escape(name, {chr(34): "&quot;"})}">', "html", line)

    def media_label(self, ref: MediaRef) -> str | None:
        if ref.src.startswith("@@PLUGINFILE@@"):
            return self.files.get(ref.src.removeprefix("@@PLUGINFILE@@/").lstrip("/")) or self.files.get(ref.name)
        return None

    def text(self, container: Any, default_format: str = "moodle_auto_format") -> str:
        """A text element (``<questiontext>``, ``<feedback>``, ``<answer>``…) as plain text."""
        if container is None:
            return ""
        fmt = container.get("format") or default_format
        return self.plain(inner_text(container), fmt, container.sourceline)

    def plain(self, raw: str, fmt: str, line: int | None = None) -> str:
        if fmt == "moodle_auto_format" and looks_like_html(raw):
            raw, fmt = raw.strip().replace("\n", "<br>"), "html"
        elif fmt == "markdown":  # rendered as Moodle shows it: no ** or [text](url) left
            raw, fmt = markdown_to_html(raw), "html"
        if fmt != "html":
            return raw.strip()
        text, refs = html_to_text_media(raw, self.media_label)
        for ref in refs:
            if self.media_label(ref) is None:
                where = "not in the file" if ref.src.startswith("@@PLUGINFILE@@") else "outside the file"
                self.warn(f"{ref.kind} '{ref.src}' is {where}; shown as {ref.placeholder()}", line)
        return text
