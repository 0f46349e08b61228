"""The pack index's text columns give back exactly the strings stored, and refuse a damaged layout."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyvm.packs.textcolumns import decode_columns, encode_columns

ANY_TEXT = st.text(st.characters(blacklist_categories=()))  # surrogates included


@given(st.lists(st.lists(ANY_TEXT, max_size=20), max_size=4))
def test_columns_round_trip(columns: list[list[str]]) -> None:
    decoded = decode_columns(encode_columns(columns))
    assert [col.tolist() for col in decoded] == columns
    assert [list(col) for col in decoded] == columns
    for col, strings in zip(decoded, columns, strict=True):
        assert len(col) == len(strings)
        assert all(col[i] == s for i, s in enumerate(strings))
        if strings:
            assert col[-1] == strings[-1] and col[1:] == strings[1:]


@pytest.mark.parametrize("cut", [1, 8, 30, -1])
def test_a_truncated_or_padded_layout_is_refused(cut: int) -> None:
    data = encode_columns([["alpha", "βeta"], ["x"]])
    with pytest.raises(ValueError):
        decode_columns(data[:cut])
    with pytest.raises(ValueError):
        decode_columns(data + b"\0")
