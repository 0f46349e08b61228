"""Card search syntax: examples, errors, and a property test against a brute-force filter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyvm.study.browse import CardInfo
from studyvm.study.search import SearchError, parse

WORDS = ["trap", "para", "vt-x", "shadow", "binary translation"]
TOPICS = ["para", "hw", "hw-assist", "theory"]
TAGS = ["misconception", "history", "exam"]
TYPES = ["mcq", "flip", "short"]
PACKS = ["virt", "extra"]
FLAGS = ["due", "new", "learn", "review", "suspended", "buried", "leech"]


def Card(text, topic, tags, type, pack_id, flags, lapses, reps, ivl) -> CardInfo:  # noqa: N802 (reads as a type)
    """A browser card with only what a search looks at filled in."""
    return CardInfo(
        pack_id=pack_id,
        question_id="q",
        prompt=text,
        topic=topic,
        type=type,
        state="review",
        due=None,
        ivl=ivl,
        lapses=lapses,
        reps=reps,
        last_rating=None,
        tags=tags,
        flags=flags,
        text=text,
    )


cards = st.builds(
    Card,
    text=st.lists(st.sampled_from(WORDS), max_size=4).map(lambda ws: " ".join(ws)),
    topic=st.sampled_from(TOPICS),
    tags=st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
    type=st.sampled_from(TYPES),
    pack_id=st.sampled_from(PACKS),
    flags=st.frozensets(st.sampled_from(FLAGS), max_size=3),
    lapses=st.integers(0, 5),
    reps=st.integers(0, 5),
    ivl=st.sampled_from([0.0, 1.0, 2.5, 10.0]),
)

# A query as a tree of plain tuples, with its own (brute-force) meaning below.
leaves = st.one_of(
    st.sampled_from(WORDS).map(lambda w: ("text", w)),
    st.sampled_from(TOPICS).map(lambda v: ("topic", v)),
    st.sampled_from(TAGS).map(lambda v: ("tag", v)),
    st.sampled_from(TYPES).map(lambda v: ("type", v)),
    st.sampled_from(PACKS).map(lambda v: ("pack", v)),
    st.sampled_from(FLAGS).map(lambda v: ("is", v)),
    st.tuples(
        st.sampled_from(["lapses", "reps", "ivl"]),
        st.sampled_from([">", ">=", "<", "<=", "=", "!="]),
        st.integers(0, 5),
    ).map(lambda t: ("prop", t)),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(lambda t: ("not", t)),
        st.lists(inner, min_size=2, max_size=3).map(lambda ts: ("and", ts)),
        st.lists(inner, min_size=2, max_size=3).map(lambda ts: ("or", ts)),
    ),
    max_leaves=8,
)


def render(tree) -> str:
    """The query text of a tree (always parenthesised, so precedence is explicit)."""
    kind, value = tree
    if kind == "text":
        return f'"{value}"' if " " in value else value
    if kind == "prop":
        name, op, n = value
        return f"prop:{name}{op}{n}"
    if kind == "not":
        return "-" + render(value)
    if kind == "and":
        return "(" + " ".join(render(t) for t in value) + ")"
    if kind == "or":
        return "(" + " or ".join(render(t) for t in value) + ")"
    return f"{kind}:{value}"


def brute(tree, card: CardInfo) -> bool:
    """The obvious meaning of a tree on a card."""
    kind, value = tree
    ops = {
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    return {
        "text": lambda: value in card.text,
        "topic": lambda: card.topic == value,
        "tag": lambda: value in card.tags,
        "type": lambda: card.type == value,
        "pack": lambda: card.pack_id == value,
        "is": lambda: value in card.flags,
        "prop": lambda: ops[value[1]](getattr(card, value[0]), value[2]),
        "not": lambda: not brute(value, card),
        "and": lambda: all(brute(t, card) for t in value),
        "or": lambda: any(brute(t, card) for t in value),
    }[kind]()


@settings(max_examples=300, deadline=None)
@given(tree=trees, pool=st.lists(cards, min_size=1, max_size=8))
def test_search_agrees_with_a_brute_force_filter(tree, pool) -> None:
    query = parse(render(tree))
    assert [c for c in pool if query.matches(c)] == [c for c in pool if brute(tree, c)]


@settings(max_examples=200, deadline=None)
@given(a=leaves, b=leaves, c=leaves, card=cards)
def test_implicit_and_binds_tighter_than_or(a, b, c, card) -> None:
    query = parse(f"{render(a)} {render(b)} or {render(c)}")
    assert query.matches(card) == ((brute(a, card) and brute(b, card)) or brute(c, card))


def test_examples() -> None:
    card = Card(
        "binary translation of trap", "hw-assist", ("exam",), "mcq", "virt", frozenset({"due", "review"}), 3, 4, 2.5
    )
    assert parse('"binary translation" topic:hw* is:due').matches(card)
    assert parse("TRAP Tag:EXAM prop:lapses>2").matches(card)
    assert not parse("-is:due").matches(card) and parse("is:new or prop:ivl>=2.5").matches(card)
    assert parse("").matches(card) and parse('topic:"hw-assist"').matches(card)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("is:bogus", "expected one of due"),
        ("colour:red", "unknown field 'colour:'"),
        ("prop:lapses>>2", "prop:lapses>>2"),
        ("prop:speed>1", "expected prop:lapses|reps|ivl"),
        ("(trap", "never closed"),
        ("trap)", "unexpected ')'"),
        ('"trap', "unclosed quote"),
        ("topic:", "needs a value"),
        ("trap or", "ends where a term was expected"),
    ],
)
def test_bad_queries_say_where_and_why(query, message) -> None:
    with pytest.raises(SearchError) as caught:
        parse(query)
    assert message in str(caught.value)
