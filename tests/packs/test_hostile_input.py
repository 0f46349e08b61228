"""Whatever the input, the loader answers with diagnostics: never a traceback, never a hang."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.pack_fixtures import PACK_YAML, write_pack

from studyvm.packs.loader import load_path
from studyvm.packs.yamlsafe import MAX_FILE_BYTES

ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
questions: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _errors_for(tmp_path: Path, content: bytes) -> list[str]:
    folder = tmp_path / "pack"
    write_pack(folder, "")
    (folder / "q.yaml").write_bytes(content)
    result = load_path(folder)
    assert result.pack is None
    return [str(d) for d in result.diagnostics if d.severity == "error"]


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    errors = _errors_for(tmp_path, ALIAS_BOMB.encode())
    assert time.perf_counter() - start < 5
    assert any("alias bomb" in e for e in errors), errors


def test_binary_garbage(tmp_path: Path) -> None:
    errors = _errors_for(tmp_path, b"questions:\n  - \x00\x01\x02\xff")
    assert errors == [f"{tmp_path / 'pack' / 'q.yaml'}:2:5: error: binary data (NUL byte): not a text file"]


def test_invalid_utf8_points_at_the_byte(tmp_path: Path) -> None:
    errors = _errors_for(tmp_path, b"questions:\n  - id: caf\xe9\n")
    assert errors == [f"{tmp_path / 'pack' / 'q.yaml'}:2:12: error: invalid UTF-8 (byte 0xe9)"]


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "pack", "")
    with open(folder / "q.yaml", "wb") as handle:  # a sparse 60 MB file: cheap to make
        handle.truncate(60 * 1024 * 1024)
    result = load_path(folder)
    assert result.pack is None
    assert any("60.0 MB; the limit is" in str(d) for d in result.diagnostics)
    assert MAX_FILE_BYTES < 60 * 1024 * 1024


def test_truncated_file(tmp_path: Path) -> None:
    errors = _errors_for(tmp_path, b'questions:\n  - id: a\n    type: flip\n    prompt: "unterminated')
    assert len(errors) == 1 and "YAML syntax" in errors[0]


def test_deep_nesting(tmp_path: Path) -> None:
    errors = _errors_for(tmp_path, b"questions: " + b"[" * 5000 + b"]" * 5000)
    assert any("nesting deeper than" in e for e in errors), errors


def test_recursive_alias(tmp_path: Path) -> None:
    errors = _errors_for(tmp_path, b"questions: &a [*a]\n")
    assert errors


def test_python_tags_are_not_executed(tmp_path: Path) -> None:
    errors = _errors_for(tmp_path, b"questions: !!python/object/apply:os.system ['echo pwned']\n")
    assert errors and "unsupported" in errors[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "fuzz"
    write_pack(folder, "", PACK_YAML)
    (folder / "q.yaml").write_bytes(content)
    result = load_path(folder)
    assert result.pack is not None or result.diagnostics


YAMLISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "type",
                    "prompt",
                    "back",
                    "options",
                    "answers",
                    "text",
                    "correct",
                    "questions",
                    "tables",
                    "rows",
                    "cells",
                    "columns",
                    "title",
                    "weight",
                    "pairs",
                    "items",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["questions", "tables", "other"]), YAMLISH, max_size=3))
def test_random_structures_never_raise(tmp_path: Path, document: dict) -> None:
    import json

    folder = tmp_path / "fuzz2"
    write_pack(folder, "", PACK_YAML)
    (folder / "q.yaml").write_text(json.dumps(document))  # JSON is YAML
    result = load_path(folder)
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.col >= 1


def test_several_documents_are_refused(tmp_path: Path) -> None:
    errors = _errors_for(tmp_path, b"questions: []\n---\nquestions: []\n")
    assert (
        len(errors) == 1
        and ":2:1: error: YAML syntax: expected a single document in the stream, but found another document"
        in errors[0]
    )


def test_yaml_12_keeps_no_as_text(tmp_path: Path) -> None:
    from studyvm.packs.yamlsafe import parse_yaml_text

    data, _ = parse_yaml_text("a: no\nb: yes\nc: 010\nd: true\ne: 2005-11-13\n")
    assert data == {"a": "no", "b": "yes", "c": 10, "d": True, "e": "2005-11-13"}


def test_positions_are_found_lazily(tmp_path: Path) -> None:
    from studyvm.packs.yamlsafe import parse_yaml_text

    _, positions = parse_yaml_text("questions:\n  - id: a\n    prompt: x\n")
    assert positions.locate(("questions", 0, "prompt")) == (3, 5)
    assert positions.locate(("questions", 5)) == (1, 1)
