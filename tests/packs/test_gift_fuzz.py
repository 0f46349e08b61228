"""Property tests: garbage never breaks the GIFT reader, and export -> import is the identity."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyvm.packs.exporters.gift import export_gift
from studyvm.packs.importers.common import ImportProblem
from studyvm.packs.importers.gift import parse_gift
from studyvm.packs.model import Pack, PackMeta

GIFT_BITS = st.sampled_from(
    ["{", "}", "~", "=", "#", "####", "::", "->", "%50%", "%-100%", "\\", "\\n", "\n", "\n\n", "//", "$CATEGORY:",
     "[html]", "[plain]", "<b>", "&amp;", "T", "FALSE", "..", ":", "1.5", " ", "x", "é", "\t", "\x85", "\u2028"]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(GIFT_BITS, max_size=40).map("".join)))
def test_garbage_raises_only_import_problem(text):
    try:
        result = parse_gift(text, "fuzz.gift")
    except ImportProblem as problem:
        assert problem.line >= 1 and problem.col >= 1
        assert str(problem).startswith("fuzz.gift:")
        return
    ids = [q.id for q in result.questions]
    assert len(ids) == len(set(ids))


# Text that a pack may hold: stripped, no carriage returns, '->' only where GIFT can hold it.
_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\x85\u2028\u2029")
TEXT = (
    st.lists(st.one_of(_CHARS, st.sampled_from(list("~=#{}:\\[]<&\n"))), min_size=1, max_size=12)
    .map("".join)
    .map(str.strip)
    .filter(lambda s: bool(s) and "->" not in s)
)
WEIGHT = st.sampled_from([5, 10, 25, 33.33333, 50, 75, 90])
TAG = st.text(alphabet="abcxyz-_ ]", min_size=1, max_size=6).map(lambda s: " ".join(s.split())).filter(bool)


def _common(draw, kind):
    return {
        "type": kind,
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True)),
        "prompt": draw(TEXT),
        "explanation": draw(st.one_of(st.just(""), TEXT)),
        "tags": draw(st.lists(TAG, max_size=2)),
        "caveat": draw(st.one_of(st.just(""), TEXT)),
    }


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(["flip", "mcq", "multi", "true_false", "short", "numerical", "matching", "cloze"]))
    q = _common(draw, kind)
    if kind == "flip":
        q["back"] = draw(TEXT)
    elif kind == "mcq":
        others = draw(st.lists(st.tuples(TEXT, st.one_of(st.none(), WEIGHT), TEXT | st.just("")), min_size=1))
        q["options"] = [{"text": draw(TEXT), "correct": True}] + [
            {"text": t, "weight": w, "feedback": f} for t, w, f in others
        ]
    elif kind == "multi":
        q["options"] = [{"text": draw(TEXT), "weight": 50}] + [
            {"text": t, "weight": w}
            for t, w in draw(st.lists(st.tuples(TEXT, WEIGHT.map(lambda w: -w)), min_size=1, max_size=3))
        ]
    elif kind == "true_false":
        q.update(
            answer=draw(st.booleans()), feedback_true=draw(TEXT | st.just("")), feedback_false=draw(TEXT | st.just(""))
        )
    elif kind == "short":
        q["answers"] = [{"text": draw(TEXT)}] + [
            {"text": t, "weight": w, "feedback": f}
            for t, w, f in draw(st.lists(st.tuples(TEXT, WEIGHT, TEXT), max_size=2))
        ]
    elif kind == "numerical":
        number = st.floats(-1e9, 1e9, allow_nan=False)
        low, span = draw(number), draw(st.floats(0, 1e6))
        q["answers"] = [{"value": draw(number), "tolerance": span}, {"min": low, "max": low + span, "weight": 50}]
    elif kind == "matching":
        lefts = draw(st.lists(TEXT, min_size=2, max_size=4, unique=True))
        q["pairs"] = [{"left": left, "right": draw(TEXT)} for left in lefts]
        q["distractors"] = draw(st.lists(TEXT, max_size=2))
    else:
        alternatives = draw(st.lists(TEXT.filter(lambda s: not set(s) & set("{}|\n")), min_size=1, max_size=2))
        before, after = (
            draw(TEXT.filter(lambda s: "{" not in s and "_____" not in s)),
            draw(st.sampled_from(["", " end."])),
        )
        q["prompt"] = f"{before} {{{{{'|'.join(alternatives)}}}}}{after}"
    return q


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(), min_size=1, max_size=4, unique_by=lambda q: q["id"]))
def test_export_then_import_gives_the_same_questions(raw):
    pack = Pack(meta=PackMeta(id="fuzz", title="Fuzz"), questions=raw)
    text, _warnings = export_gift(pack)
    back = parse_gift(text, "fuzz.gift").questions
    assert [q.model_dump() for q in back] == [q.model_dump() for q in pack.questions]
