"""Property tests (F14, item 10): every importer, fed random bytes or format-shaped garbage, either
imports or says where the problem is; it never raises anything else, never hangs, and every text it
imports is inert (no control character reaches a pack).

Each example runs under an alarm as a bound on hanging (an import of a few KB takes milliseconds;
the alarm is 20 s, so it is no speed assertion, only a guard that turns a hang into a failure).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyvm.packs.importers import FORMATS, import_file
from studyvm.packs.importers.common import ImportProblem
from studyvm.textsafe import has_controls

PIECES = {
    "gift": ["::", "{", "}", "~", "=", "#", "->", "%50%", "[html]", "<![", "<!x", "<b>", "&amp;", "\\", "\n\n",
             "$CATEGORY: a/b", "T", "1e999", "1..2", ":", "\x1b]52;c;x\x07", "\x9b2J"],
    "aiken": ["Q?\n", "A. a\n", "B) b\n", "ANSWER: A\n", "ANSWER: Z\n", "\n", "\x1b[2J", "C. \x07\n"],
    "csv": ["a,b\n", "\"", ",", "\t", "#separator:tab\n", "#html:true\n", "<i>x</i>", "\n", "\x1b]8;;u\x1b\\",
            "front,back,tags\n"],
}  # fmt: skip
SUFFIX = {"gift": ".gift", "aiken": ".aiken", "csv": ".csv"}


@contextmanager
def hang_guard(seconds: int = 20) -> Iterator[None]:
    """Fail (rather than hang the suite) if the body runs longer than ``seconds``."""

    def _alarm(*_args: object) -> None:
        raise TimeoutError(f"an import ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _texts(question) -> Iterator[str]:
    data = question.model_dump()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _check(fmt: str, raw: bytes, folder: Path) -> None:
    path = folder / f"fuzz{SUFFIX[fmt]}"
    path.write_bytes(raw)
    with hang_guard():
        try:
            result = import_file(path, fmt)
        except ImportProblem as problem:
            assert problem.line >= 1 and problem.col >= 1
            assert str(problem).startswith(str(path))
            return
    ids = [q.id for q in result.questions]
    assert len(ids) == len(set(ids))
    for question in result.questions:
        for text in _texts(question):
            assert not has_controls(text), (fmt, text)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=2000))
def test_random_bytes(fmt: str, raw: bytes, tmp_path: Path) -> None:
    _check(fmt, raw, tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_format_shaped_garbage(fmt: str, data: st.DataObject, tmp_path: Path) -> None:
    parts = data.draw(st.lists(st.one_of(st.sampled_from(PIECES[fmt]), st.text(max_size=6)), max_size=60))
    _check(fmt, "".join(parts).encode("utf-8", "surrogatepass"), tmp_path)


def test_the_html_declarations_the_stdlib_parser_asserts_on(tmp_path: Path) -> None:
    path = tmp_path / "h.gift"
    path.write_text("::VMCS::[html]<p>Which <![ holds?</p>{=a ~b}\n\n::C::[html]<![CDATx[ x {=a ~b}\n")
    result = import_file(path, "gift")
    assert [q.prompt for q in result.questions] == ["Which <![ holds?", "<![CDATx[ x"]
