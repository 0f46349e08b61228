"""What the browser knows of each pack's questions (:class:`PackTexts`): topic, type and tags from the
pack index, the prompt on one line and the search text from the index's stored text columns, by
position in the pack. Used by the listing (:mod:`studyvm.study.cardlisting`); headless."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from studyvm.packs.answertext import listed_prompt, search_text
from studyvm.packs.gcpause import gc_paused
from studyvm.packs.textcolumns import TextColumn

if TYPE_CHECKING:
    from studyvm.study.servicebase import ServiceBase

FIELDS = ("topic", "type", "tags", "prompt", "text")
"""What a listing knows of each card's question, column by column
(:meth:`~studyvm.study.cardlisting.Listing.column`): the prompt on one line, and the search text
(:func:`studyvm.packs.answertext.search_text`)."""


class PackTexts:
    """What the browser needs of one pack's questions, by position in the pack: topic, type and tags
    from the pack index, and each question's prompt on one line and search text, read at first use
    from the on-disk index (:meth:`~studyvm.packs.packindex.LazyPack.listing_texts`): no question is
    parsed. A pack parsed in full, or an index whose texts are damaged, makes them from the questions."""

    def __init__(self, pack: Any) -> None:
        index = pack.index
        self.index = index
        self._pack = pack
        self._values: dict[str, list[Any]] = {"topic": index.topics, "type": index.types, "tags": index.tags}
        self._stored: dict[str, Sequence[str]] = {}

    def values(self, name: str) -> list[Any]:
        """One of :data:`FIELDS` for every question, in pack order."""
        known = self._values.get(name)
        if known is None:
            stored = self._texts()[name]
            known = self._values[name] = stored.tolist() if isinstance(stored, TextColumn) else list(stored)
        return known

    def one(self, name: str, pos: int) -> Any:
        """One of :data:`FIELDS` of the question at ``pos`` (a page's rows: no whole column made)."""
        known = self._values.get(name)
        return known[pos] if known is not None else self._texts()[name][pos]

    def containing(self, value: str) -> list[int]:
        """The positions, ascending, of the questions whose search text holds ``value`` (lower-case):
        searched in the stored column's one text when there is one (no string made per question)."""
        stored = self._texts()["text"]
        if isinstance(stored, TextColumn):
            return stored.containing(value)
        return [p for p, text in enumerate(self.values("text")) if value in text]

    def occurrences(self, value: str) -> int:
        """A cheap guess at how many questions hold ``value`` (0 when the texts are not stored)."""
        stored = self._texts()["text"]
        return stored.occurrences(value) if isinstance(stored, TextColumn) else 0

    def _texts(self) -> dict[str, Sequence[str]]:
        if not self._stored:
            stored = self._pack.listing_texts() if hasattr(self._pack, "listing_texts") else None
            self._stored["prompt"], self._stored["text"] = stored if stored is not None else _parsed_texts(self._pack)
        return self._stored


@gc_paused  # an indexed pack parses every question here (about 1.1 s at 100,000): only when its texts are damaged
def _parsed_texts(pack: Any) -> tuple[list[str], list[str]]:
    questions = list(pack.questions)
    return [listed_prompt(q) for q in questions], [search_text(q) for q in questions]


def pack_texts(svc: ServiceBase, pack: Any) -> PackTexts:
    """The :class:`PackTexts` of ``pack``, kept on the service."""
    cache = svc.caches.setdefault("browse_texts", {})
    found = cache.get(pack.id)
    if found is None:
        found = cache[pack.id] = PackTexts(pack)
    return found
