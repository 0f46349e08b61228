"""Card search with a useful subset of Anki's syntax: parse a query once, then test cards.

Syntax (case-insensitive; terms side by side must all match):

=======================  =========================================================
``virt``                 the word anywhere in the question's text (prompt, answers)
``"exact phrase"``       the phrase anywhere in the text
``topic:para``           the topic (``*`` matches any run of characters: ``topic:hw*``)
``tag:misconception``    a tag of the question
``type:mcq``             the question type
``pack:virtualization``  the pack id
``is:due``               due now; also ``new``, ``learn``, ``review``, ``suspended``,
                         ``buried``, ``leech``
``prop:lapses>2``        a number compared: ``lapses``, ``reps`` or ``ivl`` (days), with
                         ``>``, ``>=``, ``<``, ``<=``, ``=`` or ``!=``
``-term``                not this term
``a or b``               either; ``and`` is implied between terms and binds tighter
``( … )``                grouping
=======================  =========================================================

:func:`parse` raises :class:`SearchError` (with the position) for a query it cannot read; the
node it returns has ``matches(card)`` for any object with the :class:`Searchable` attributes.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Protocol

FIELDS = ("topic", "tag", "type", "pack", "is", "prop")
STATES = ("due", "new", "learn", "review", "suspended", "buried", "leech")
PROPS = ("lapses", "reps", "ivl")
OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}


class SearchError(ValueError):
    """A query that cannot be read; the message says where and why."""


class Searchable(Protocol):
    """What a search looks at in a card."""

    text: str
    """Prompt and answers, lower-cased, for words and phrases."""
    topic: str
    tags: tuple[str, ...]
    type: str
    pack_id: str
    flags: frozenset[str]
    """Which of :data:`STATES` hold for the card now."""
    lapses: int
    reps: int

    @property
    def ivl(self) -> float:
        """Days between the last review and the due date (0 for a new card)."""
        ...


@dataclass(frozen=True)
class Term:
    """One search term: ``field`` (``""`` for free text) and its value, as written."""

    field: str
    value: str

    @cached_property
    def _lower(self) -> str:
        return self.value.lower()

    @cached_property
    def _prop(self) -> tuple[str, Callable[[float, float], bool], float]:
        name, op, number = split_prop(self.value)
        return name, OPS[op], number

    def matches(self, card: Searchable) -> bool:
        """True when ``card`` satisfies this term (the value is read once, then kept: a search tests
        every card)."""
        value = self._lower
        if not self.field:
            return value in card.text
        if self.field == "topic":
            return fnmatchcase(card.topic.lower(), value)
        if self.field == "tag":
            return any(fnmatchcase(tag.lower(), value) for tag in card.tags)
        if self.field == "type":
            return fnmatchcase(card.type.lower(), value)
        if self.field == "pack":
            return fnmatchcase(card.pack_id.lower(), value)
        if self.field == "is":
            return value in card.flags
        name, test, number = self._prop
        return test(float(getattr(card, name)), number)


@dataclass(frozen=True)
class Not:
    """The opposite of ``node``."""

    node: Node

    def matches(self, card: Searchable) -> bool:
        """True when ``node`` does not match."""
        return not self.node.matches(card)


@dataclass(frozen=True)
class And:
    """Every one of ``nodes`` (an empty ``And`` matches every card)."""

    nodes: tuple[Node, ...]

    def matches(self, card: Searchable) -> bool:
        """True when all match."""
        for node in self.nodes:  # noqa: SIM110 (a plain loop: cheaper than all() over a generator, per card)
            if not node.matches(card):
                return False
        return True


@dataclass(frozen=True)
class Or:
    """Any one of ``nodes``."""

    nodes: tuple[Node, ...]

    def matches(self, card: Searchable) -> bool:
        """True when one matches."""
        return any(n.matches(card) for n in self.nodes)


Node = Term | Not | And | Or

_PROP = re.compile(r"^([a-z]+)(>=|<=|!=|>|<|=)(-?\d+(?:\.\d+)?)$")
_TOKEN = re.compile(r'\s*(?:(\()|(\))|(-)(?=\S)|"((?:[^"\\]|\\.)*)"|([a-z]+):"((?:[^"\\]|\\.)*)"|([^\s()"]+))', re.I)


def split_prop(value: str) -> tuple[str, str, float]:
    """``lapses>2`` -> (``lapses``, ``>``, 2.0); :class:`SearchError` otherwise."""
    found = _PROP.match(value.lower())
    if not found or found.group(1) not in PROPS:
        raise SearchError(f"prop:{value}: expected prop:{'|'.join(PROPS)} then one of > >= < <= = != and a number")
    return found.group(1), found.group(2), float(found.group(3))


def _term(field: str, value: str, where: int) -> Term:
    field = field.lower()
    if field not in FIELDS:
        raise SearchError(f"column {where + 1}: unknown field '{field}:' (known: {', '.join(FIELDS)})")
    if not value:
        raise SearchError(f"column {where + 1}: '{field}:' needs a value")
    if field == "is" and value.lower() not in STATES:
        raise SearchError(f"column {where + 1}: is:{value}: expected one of {', '.join(STATES)}")
    if field == "prop":
        split_prop(value)
    return Term(field, value)


def _tokens(query: str) -> list[tuple[str, object, int]]:
    """(kind, value, position): kinds ``(``, ``)``, ``-``, ``or``, ``and``, ``term``."""
    out: list[tuple[str, object, int]] = []
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        found = _TOKEN.match(query, pos)
        if not found or found.end() == pos:
            raise SearchError(f"column {pos + 1}: cannot read {query[pos:].strip()[:20]!r} (an unclosed quote?)")
        start = found.start() + len(found.group(0)) - len(found.group(0).lstrip())
        opened, closed, minus, phrase, qfield, qvalue, word = found.groups()
        if opened:
            out.append(("(", None, start))
        elif closed:
            out.append((")", None, start))
        elif minus:
            out.append(("-", None, start))
        elif phrase is not None:
            out.append(("term", Term("", phrase.replace('\\"', '"')), start))
        elif qfield is not None:
            out.append(("term", _term(qfield, qvalue.replace('\\"', '"'), start), start))
        elif word.lower() in ("or", "and"):
            out.append((word.lower(), None, start))
        elif ":" in word:
            field, _, value = word.partition(":")
            out.append(("term", _term(field, value, start), start))
        else:
            out.append(("term", Term("", word), start))
        pos = found.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, object, int]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, object, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def either(self) -> Node:
        parts = [self.both()]
        while self.peek() == "or":
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def both(self) -> Node:
        parts = [self.unary()]
        while self.peek() not in (None, ")", "or"):
            if self.peek() == "and":
                self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node:
        if self.peek() is None:
            raise SearchError("the query ends where a term was expected")
        kind, value, where = self.take()
        if kind == "-":
            return Not(self.unary())
        if kind == "(":
            inner = self.either()
            if self.peek() != ")":
                raise SearchError(f"column {where + 1}: '(' is never closed")
            self.take()
            return inner
        if kind == "term":
            assert isinstance(value, Term)
            return value
        raise SearchError(f"column {where + 1}: unexpected '{kind}'")


def parse(query: str) -> Node:
    """The search tree of ``query`` (an empty query matches every card)."""
    tokens = _tokens(query)
    if not tokens:
        return And(())
    parser = _Parser(tokens)
    node = parser.either()
    if parser.peek() is not None:
        _kind, _value, where = parser.tokens[parser.i]
        raise SearchError(f"column {where + 1}: unexpected ')'")
    return node
