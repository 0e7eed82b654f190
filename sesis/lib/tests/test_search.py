from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesis.lib.search import _next_prefix, prefix_q, search_key

KEYS = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)


@pytest.mark.parametrize(
    ("text", "key"),
    [("O'Brien", "OBRIEN"), ("  de la Cruz ", "DELACRUZ"), ("Muñoz", "MUNOZ"), ("Zoë-Ann", "ZOEANN"), ("---", "")],
)
def test_search_key_folds_case_accents_and_punctuation(text: str, key: str) -> None:
    assert search_key(text) == key


@given(prefix=KEYS, key=KEYS)
def test_the_prefix_range_holds_exactly_the_keys_that_start_with_the_prefix(prefix: str, key: str) -> None:
    upper = _next_prefix(prefix)
    in_range = key >= prefix and (upper is None or key < upper)
    assert in_range == key.startswith(prefix)


def test_an_empty_search_key_filters_nothing() -> None:
    assert str(prefix_q("last_name_key", "'")) == str(prefix_q("last_name_key", ""))
