"""The one helper that shows values in messages (biblint.domain.show.shown)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from biblint.domain.show import codepoints, shown


def test_strings_are_json_quoted_with_non_ascii_kept() -> None:
    assert shown("Café") == '"Café"'
    assert shown('a "b" \\ c') == '"a \\"b\\" \\\\ c"'


def test_invisible_characters_are_escaped() -> None:
    assert shown("a\u200bb\x85c\x00") == '"a\\u200bb\\u0085c\\u0000"'


def test_long_values_are_cut() -> None:
    assert shown("x" * 50, 10) == '"' + "x" * 9 + '…"'


def test_other_values_are_shown_as_json() -> None:
    assert shown(123) == "123"
    assert shown(None) == "null"
    assert shown(["a", 1]) == '["a", 1]'
    assert shown(list(range(100)), 12) == "[0, 1, 2, 3…"
    assert shown(10**5000) == "<int>"  # longer than Python prints


def test_codepoints() -> None:
    assert codepoints("\u200b\ufeff\u200b") == "U+200B, U+FEFF"
    assert codepoints("abcdefgh", 2) == "U+0061, U+0062 and 6 more"


@given(st.text(), st.integers(min_value=2, max_value=80))
def test_a_shown_string_is_json_of_a_prefix(value: str, limit: int) -> None:
    text = shown(value, limit)
    decoded = json.loads(text)
    assert len(decoded) <= max(limit, 1)
    assert value.startswith(decoded.removesuffix("…"))


@given(st.text().filter(lambda v: '"' not in v and "\\" not in v),
       st.integers(min_value=2, max_value=80))
def test_a_shown_string_fits_its_limit_with_escapes_counted(value: str, limit: int) -> None:
    """Invisible characters are shown escaped (six characters, twelve for an astral code
    point): the cut counts them so, and a message stays short whatever the value holds."""
    assert len(shown(value, limit)) <= limit + 2


def test_unassigned_astral_code_points_are_cut_by_their_escapes() -> None:
    value = "00" + "\U000191d3" * 10
    text = shown(value, 30)
    assert len(text) <= 32 and text.endswith('…"') and text.startswith('"00\\ud824\\uddd3')
