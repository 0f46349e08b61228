"""GIFT import errors: each one stops the import at ``path:line:col`` with a message a person can act on."""

from __future__ import annotations

import pytest

from studyvm.packs.importers.common import ImportProblem
from studyvm.packs.importers.gift import import_gift, parse_gift

CASES = [
    # (GIFT text, line, column, words the message must contain)
    ("Q?{=a ~b\n\nNext?{T}", 3, 6, "'{' inside an answer block"),
    ("Q?=a ~b}", 1, 8, "'}' without an opening '{'"),
    ("Q?{=a ~b", 1, 3, "never closed"),
    ("Q?{T} and {F}", 1, 11, "second answer block"),
    ("::unclosed name Q?{T}", 1, 1, "never closed with '::'"),
    ("Q?{\n  =a\n  ~%150%b\n}", 3, 4, "weight 150% is outside"),
    ("Q?{~a ~b}", 1, 3, "at least one correct option"),
    ("Q?{~%50%a}", 1, 3, "options needs at least 2, found 1"),
    ("Q?{=a ~  #feedback only}", 1, 3, "options needs at least 2, found 1"),
    ("Q?{#abc}", 1, 5, "not a number: 'abc'"),
    ("Q?{#\n =1:x}", 2, 3, "not a number: 'x'"),
    ("Q?{#5..1}", 1, 5, "'min' is greater than 'max'"),
    ("Q?{#1:-2}", 1, 5, "greater than or equal to 0"),
    ("Q?{#}", 1, 5, "without a number"),
    ("Q?{=a -> 1 =b}", 1, 13, "without '->'"),
    ("Q?{=a -> 1 =b -> }", 1, 13, "nothing after '->'"),
    ("Q?{=a -> 1 =a -> 2}", 1, 3, "must be distinct"),
    ("Q?{=a -> 1}", 1, 3, "pairs needs at least 2, found 1"),
    ("Q?{=%-50%a}", 1, 5, "outside 0..100%"),
    ("{T}", 1, 1, "prompt"),
    ("// studyvm: {not json\nQ?{T}", 1, 1, "invalid studyvm comment"),
    ('// studyvm: {"evil": 1}\nQ?{T}', 1, 1, "studyvm comment keys"),
    ("::bad id::Q?{T}\n\n// [id:UPPER CASE]\nQ2?{T}", None, None, None),  # both ids are slugged: no error
]


@pytest.mark.parametrize(("text", "line", "col", "words"), CASES)
def test_error_position_and_message(text, line, col, words):
    if words is None:
        assert len(parse_gift(text, "bank.gift").questions) == 2
        return
    with pytest.raises(ImportProblem) as caught:
        parse_gift(text, "bank.gift")
    problem = caught.value
    assert (problem.line, problem.col) == (line, col), str(problem)
    assert words in problem.message
    assert str(problem).startswith(f"bank.gift:{line}:{col}: error: ")


def test_columns_count_escapes_in_the_file():
    # The bad weight sits after two escaped characters; the column is the file's, not the parser's.
    text = "Q \\{\\}?{=a ~%200%b}"
    with pytest.raises(ImportProblem) as caught:
        parse_gift(text)
    assert caught.value.col == text.index("%200%") + 1


def test_an_error_late_in_the_file_imports_nothing(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text("Good?{T}\n\n" * 50 + "Bad?{#x}\n", encoding="utf-8")
    with pytest.raises(ImportProblem) as caught:
        import_gift(path)
    assert caught.value.line == 101
    assert caught.value.path == str(path)


@pytest.mark.parametrize(
    ("raw", "words"),
    [(b"Q?{T}\n\xff\xfe", "invalid UTF-8"), (b"Q?{T}\x00", "binary data")],
)
def test_undecodable_files(tmp_path, raw, words):
    path = tmp_path / "bank.gift"
    path.write_bytes(raw)
    with pytest.raises(ImportProblem) as caught:
        import_gift(path)
    assert words in caught.value.message


def test_missing_file(tmp_path):
    with pytest.raises(ImportProblem) as caught:
        import_gift(tmp_path / "nope.gift")
    assert "cannot read file" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("::a::Q?{T}".encode("utf-16"), "UTF-16 text: save it as UTF-8"),
        ("::a::Q?{T}".encode("utf-16-le"), "UTF-16 text: save it as UTF-8"),
        ("Café?{T}".encode("cp1252"), "save it as UTF-8"),
    ],
)
def test_encodings_get_a_way_out(tmp_path, raw, words):
    path = tmp_path / "bank.gift"
    path.write_bytes(raw)
    with pytest.raises(ImportProblem, match=words):
        import_gift(path)
