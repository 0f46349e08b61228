"""The nesting and alias caps hold on every parse path, in StudyVM's own words (adversary F2, F9)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from studyvm.packs.yamldepth import NestingTooDeep, check_nesting, clearly_shallow
from studyvm.packs.yamlsafe import MAX_ALIAS_CHARS, MAX_DEPTH, YamlProblem, parse_yaml_text

TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"

DEEP_TEXTS = {
    "flow sequences": "questions: " + "[" * 5000 + "]" * 5000,
    "flow mappings": "questions: " + "{a: " * 300 + "1" + "}" * 300,
    "block sequences on one line": "questions:\n  " + "- " * 14000 + "x\n",
    "block sequences, wide spacing": "questions:\n  " + "-   " * 14000 + "x\n",
    "block sequences on many lines": "".join(" " * (2 * i) + "-\n" for i in range(200)) + " " * 400 + "x\n",
    "block mappings": "".join(" " * i + "k:\n" for i in range(3000)) + " " * 3000 + "x\n",
    "just over the cap": "".join(" " * i + "k:\n" for i in range(MAX_DEPTH + 1)) + " " * (MAX_DEPTH + 1) + "x\n",
    "flow after a quoted key": '"k": ' + "[" * 200 + "]" * 200,
    "flow after an anchor": "k: &a " + "[" * 200 + "]" * 200,
}


@pytest.mark.parametrize("text", DEEP_TEXTS.values(), ids=DEEP_TEXTS.keys())
def test_deep_nesting_is_refused_in_our_words(text: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml_text(text)
    assert caught.value.message == TOO_DEEP
    assert caught.value.line >= 1 and caught.value.col >= 1


def test_block_nesting_that_crashed_the_parser_is_a_message_in_a_fresh_process(tmp_path: Path) -> None:
    # Run where a segfault cannot take the test runner down with it.
    script = textwrap.dedent(
        """
        from studyvm.packs.yamlsafe import YamlProblem, parse_yaml_text
        try:
            parse_yaml_text("questions:\\n  " + "- " * 20000 + "x\\n")
        except YamlProblem as problem:
            print(problem.message)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == TOO_DEEP


def test_moderate_nesting_is_accepted() -> None:
    text = "questions:\n  - id: a\n    options:\n      - text: x\n        tags: [a, [b, {c: d}]]\n"
    data, _ = parse_yaml_text(text)
    assert data["questions"][0]["options"][0]["tags"] == ["a", ["b", {"c": "d"}]]


def test_brackets_and_dashes_inside_text_are_not_nesting() -> None:
    text = (
        "p: |\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
        "  - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - x\n"
        "q: 'it''s [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n"
        'r: "a \\" [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["\n'
        "s: a[0] and b[1]\n"
    )
    data, _ = parse_yaml_text(text)
    assert data["s"] == "a[0] and b[1]"


def _nested(depth: int, flow: bool, mapping: bool) -> str:
    """``depth`` collections nested in one another around a scalar (which is not a level)."""
    value: object = "leaf"
    for _ in range(depth):
        value = {"k": value} if mapping else [value]
    return yaml.safe_dump(value, default_flow_style=flow, width=10_000)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3 * MAX_DEPTH), st.booleans(), st.booleans())
def test_the_scanner_never_undercounts(depth: int, flow: bool, mapping: bool) -> None:
    """Generated nesting: refused whenever deeper than the cap, accepted when clearly under it."""
    text = _nested(depth, flow, mapping)
    if depth > MAX_DEPTH:
        with pytest.raises(NestingTooDeep):
            check_nesting(text, MAX_DEPTH)
    elif depth <= MAX_DEPTH // 2:
        check_nesting(text, MAX_DEPTH)


def test_the_quick_bound_clears_a_large_ordinary_pack() -> None:
    text = "questions:\n" + "".join(
        f"  - id: q{i}\n    type: mcq\n    prompt: what is {i}?\n    options: [a, b, c]\n" for i in range(2000)
    )
    assert clearly_shallow(text, MAX_DEPTH)


def test_long_string_alias_bomb_is_refused_at_once() -> None:
    # 100 KB of text referenced 5,000 times would expand to 500 MB.
    bomb = "a: &a '" + "x" * 100_000 + "'\nb: [" + ",".join(["*a"] * 5000) + "]\n"
    with pytest.raises(YamlProblem) as caught:
        parse_yaml_text(bomb)
    assert f"more than {MAX_ALIAS_CHARS:,} characters" in caught.value.message


def test_modest_aliases_still_work() -> None:
    data, _ = parse_yaml_text("a: &a shared text\nb: [*a, *a]\n")
    assert data["b"] == ["shared text", "shared text"]


def test_repeated_names_get_ids_in_linear_time() -> None:
    """Adversary F11: 20,000 questions named alike took 24 s (each id searched from -2 again)."""
    from studyvm.packs.importers.common import IdMaker

    class CountingSet(set):
        probes = 0

        def __contains__(self, item: object) -> bool:
            CountingSet.probes += 1
            return super().__contains__(item)

    maker = IdMaker()
    maker._used = CountingSet()
    ids = [maker.take("a") for _ in range(20_000)]
    assert ids[:3] == ["a", "a-2", "a-3"] and ids[-1] == "a-20000"
    assert len(set(ids)) == len(ids)
    assert CountingSet.probes < 3 * 20_000  # the quadratic search made ~2 * 10^8 probes
    assert maker.take("a-5") == "a-5-2"  # an id that is itself taken still finds a free one
