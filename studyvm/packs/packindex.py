"""What listing and scheduling need of a pack's questions, without the questions themselves.

A :class:`QuestionIndex` holds, per question and in the pack's order, its id, topic, tags, type
and demo: enough to sync cards, count topics, fill the dashboard and filter a quiz. Strings are
shared (a topic used by 2,000 questions is one object), so 100,000 questions cost a few MB
instead of the ~150 MB their pydantic models take.

A :class:`LazyPack` is what the catalog hands out for a pack read from its on-disk index
(:mod:`studyvm.packs.indexcache`): it answers like a :class:`~studyvm.packs.model.Pack`
(``id``, ``meta``, ``tables``, ``questions``, ``question()``, ``topics()``, ``export_dict()``)
but builds a question's pydantic model only when it is asked for.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, overload

if TYPE_CHECKING:
    from studyvm.packs.model import ComparisonTable, PackMeta


class Entry(NamedTuple):
    """One question as the index knows it (made on demand, never stored)."""

    id: str
    topic: str
    tags: tuple[str, ...]
    type: str
    demo: str | None
    family: str | None = None


SCANS_BEFORE_MAP = 8
"""Lookups by id answered by scanning the id list before an id -> position map is built."""


@dataclass
class QuestionIndex:
    """Parallel columns, one row per question in the pack's order (the card's ``position``)."""

    ids: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    tags: list[tuple[str, ...]] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    demos: dict[int, str] = field(default_factory=dict)
    """Position -> demo id, for the few questions that have one."""
    families: dict[int, str] = field(default_factory=dict)
    """Position -> family key (:mod:`studyvm.packs.family`), for the questions that have siblings."""
    _members: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)
    _position: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _scans: int = field(default=0, repr=False, compare=False)

    @classmethod
    def of(cls, questions: Iterable[Any]) -> QuestionIndex:
        """The index of parsed questions (anything with ``id``, ``topic``, ``tags``, ``type``, ``demo``)."""
        from studyvm.packs.family import family_key

        index = cls()
        for question in questions:
            family = family_key(question)
            index.add(question.id, question.topic, tuple(question.tags), question.type, question.demo, family)
        return index

    def add(
        self, qid: str, topic: str, tags: tuple[str, ...], qtype: str, demo: str | None, family: str | None = None
    ) -> None:
        """Append one question (strings interned: equal topics, tag sets and types share one object)."""
        if demo:
            self.demos[len(self.ids)] = demo
        if family:
            self.families[len(self.ids)] = family
        self.ids.append(qid)
        self.topics.append(sys.intern(topic))
        self.tags.append(_shared_tags(tags))
        self.types.append(sys.intern(qtype))

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, question_id: str) -> int | None:
        """The position of ``question_id`` in the pack, or ``None``."""
        if self._position is None:
            # The first few lookups (the first cards of a session) scan the list, in C, in about a
            # millisecond at 100,000 questions; building the map costs tens of them, so only then.
            self._scans += 1
            if self._scans <= SCANS_BEFORE_MAP:
                try:
                    return self.ids.index(question_id)
                except ValueError:
                    return None
            self._position = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._position.get(question_id)

    def positions(self) -> dict[str, int]:
        """Question id -> position, for every question (made once; :meth:`position` then uses it)."""
        if self._position is None:
            self._position = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._position

    def entry(self, pos: int) -> Entry:
        """The indexed fields of the question at ``pos``."""
        demo, family = self.demos.get(pos), self.families.get(pos)
        return Entry(self.ids[pos], self.topics[pos], self.tags[pos], self.types[pos], demo, family)

    def family_members(self, key: str) -> list[str]:
        """The ids of the questions of family ``key``, in pack order (grouped on first use)."""
        if self._members is None:
            members: dict[str, list[str]] = {}
            for pos, family in sorted(self.families.items()):
                members.setdefault(family, []).append(self.ids[pos])
            self._members = members
        return self._members.get(key, [])

    def entries(self) -> Iterator[Entry]:
        """Every question's indexed fields, in order."""
        return (self.entry(pos) for pos in range(len(self.ids)))

    def topic_names(self) -> list[str]:
        """Topics in first-seen order."""
        return list(dict.fromkeys(self.topics))


_TAG_SETS: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}


def _shared_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    # Most questions share a handful of tag sets: keep one tuple of each.
    return _TAG_SETS.setdefault(tuple(sys.intern(t) for t in tags), tags) if tags else ()


PARSED_KEPT = 512
"""Parsed questions a :class:`LazyPack` keeps (most recently used): a study session's worth."""


class LazyQuestions(Sequence[Any]):
    """A pack's questions as a sequence whose items are parsed when read (and not all kept)."""

    def __init__(self, pack: LazyPack) -> None:
        self._pack = pack

    def __len__(self) -> int:
        return len(self._pack.index)

    @overload
    def __getitem__(self, pos: int) -> Any: ...
    @overload
    def __getitem__(self, pos: slice) -> list[Any]: ...
    def __getitem__(self, pos: int | slice) -> Any:
        if isinstance(pos, slice):
            return [self._pack.at(i) for i in range(len(self))[pos]]
        if pos < 0:
            pos += len(self)
        if not 0 <= pos < len(self):
            raise IndexError("question position out of range")
        return self._pack.at(pos)

    def __iter__(self) -> Iterator[Any]:
        # Read in order without filling the recently-used cache: an export walks 100,000 questions.
        for pos in range(len(self)):
            yield self._pack.at(pos, keep=False)


class PackHead(NamedTuple):
    """What a list of packs shows of one: plain strings, read without the pack model."""

    id: str
    title: str
    version: str
    description: str

    @classmethod
    def of(cls, meta: Any) -> PackHead:
        """The head of a :class:`~studyvm.packs.model.PackMeta` (or of its JSON form, a dict)."""
        fields = meta if isinstance(meta, dict) else vars(meta)
        return cls(*(str(fields.get(name, "")) for name in cls._fields))


class LazyPack:
    """A pack whose questions are parsed one by one, when shown, graded or exported.

    ``load(pos)`` returns the pydantic question at a position (see
    :class:`studyvm.packs.indexcache.Records`); the most recently used ones are kept. ``meta``
    and ``tables`` come as their JSON form and are validated into the model (by ``validate``)
    when first read, so opening a pack and listing it (:attr:`head`, :attr:`index`) loads
    neither pydantic nor YAML.
    """

    def __init__(
        self,
        meta: dict[str, Any],
        tables: list[dict[str, Any]],
        index: QuestionIndex,
        load: Callable[[int], Any],
        validate: Callable[[dict[str, Any], list[dict[str, Any]]], tuple[PackMeta, list[ComparisonTable]]],
        location: str = "",
        origin: str = "file",
        texts: Callable[[], tuple[Sequence[str], Sequence[str]] | None] | None = None,
    ) -> None:
        self.head = PackHead.of(meta)
        self.index = index
        self._raw: tuple[dict[str, Any], list[dict[str, Any]]] | None = (meta, tables)
        self._meta: PackMeta | None = None
        self._tables: list[ComparisonTable] = []
        self.location = location
        self.origin = origin
        self._load = load
        self._validate_head = validate
        self._texts = texts
        self._kept: OrderedDict[int, Any] = OrderedDict()
        self._lock = threading.Lock()  # the TUI's workers may read questions from two threads

    @property
    def id(self) -> str:
        """The pack id."""
        return self.head.id

    @property
    def meta(self) -> PackMeta:
        """The pack's ``pack.yaml``, as the model."""
        self._validate()
        assert self._meta is not None
        return self._meta

    @property
    def tables(self) -> list[ComparisonTable]:
        """The comparison tables, as the model."""
        self._validate()
        return self._tables

    def _validate(self) -> None:
        with self._lock:
            if self._raw is not None:
                self._meta, self._tables = self._validate_head(*self._raw)
                self._raw = None

    @property
    def questions(self) -> LazyQuestions:
        """Every question, in the pack's order, parsed as it is read."""
        return LazyQuestions(self)

    def at(self, pos: int, keep: bool = True) -> Any:
        """The question at position ``pos``, parsed now unless it was recently."""
        with self._lock:
            found = self._kept.get(pos)
            if found is not None:
                self._kept.move_to_end(pos)
                return found
        question = self._load(pos)
        if keep:
            with self._lock:
                self._kept[pos] = question
                if len(self._kept) > PARSED_KEPT:
                    self._kept.popitem(last=False)
        return question

    def listing_texts(self) -> tuple[Sequence[str], Sequence[str]] | None:
        """Every question's prompt on one line and its search text (:mod:`studyvm.packs.answertext`),
        in pack order, as the index stores them (read from the file each call); ``None`` when the
        index has none to give (the caller parses the questions)."""
        return self._texts() if self._texts is not None else None

    def question(self, question_id: str) -> Any:
        """The question with ``question_id``, or ``None``."""
        pos = self.index.position(question_id)
        return None if pos is None else self.at(pos)

    def topics(self) -> list[str]:
        """Topics in first-seen order."""
        return self.index.topic_names()

    def export_dict(self) -> dict[str, Any]:
        """The JSON export, as :meth:`studyvm.packs.model.Pack.export_dict` makes it."""
        return export_body(self.meta, self.tables, self.questions)

    def __repr__(self) -> str:
        return f"LazyPack(id={self.id!r}, questions={len(self.index)}, location={self.location!r})"


def export_body(meta: PackMeta, tables: list[ComparisonTable], questions: Iterable[Any]) -> dict[str, Any]:
    """The JSON export of a pack (``studyvm pack export --format json``): metadata, tables, questions."""
    return {
        "format": "studyvm-pack/1",
        **meta.model_dump(mode="json"),
        "tables": [t.model_dump(mode="json") for t in tables],
        "questions": [q.model_dump(mode="json") for q in questions],
    }
