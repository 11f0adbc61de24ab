"""Page parsing in biblint.domain.pages: examples and properties (Hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from biblint.domain.pages import (
    article_number_reason,
    expand_elided,
    is_page_list,
    normalise_separator,
    parse_pages,
    roman_value,
)


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("123-45", "123-145"),
        ("1199-205", "1199-1205"),
        ("12-9", "12-19"),
        ("2489-95", "2489-2495"),
        ("20 - 8", "20 - 28"),
        ("S12-9", "S12-19"),
        ("S12-S9", "S12-S19"),
        ("123–45", "123–145"),
        (" 123-45 ", "123-145"),
        ("123-3", "123-123"),
    ],
)
def test_expand_elided(text: str, expanded: str) -> None:
    assert expand_elided(text) == expanded


@pytest.mark.parametrize(
    "text",
    ["123-145", "145-123", "129-5", "1-6", "01-06", "e1-e10", "vi-vii", "xii-ix", "N110-P5",
     "123", "e30", "34-6, 87-91", "", "abc", "123a-45", "1199-205-3"],
)
def test_not_soundly_elided(text: str) -> None:
    assert expand_elided(text) is None


@pytest.mark.parametrize(
    ("text", "start", "end", "reversed_", "span"),
    [
        ("123-145", "123", "145", False, 23),
        ("145-123", "145", "123", True, None),
        ("129-5", "129", "5", True, None),
        ("123-45", "123", "45", False, 23),
        ("D480 - D489", "D480", "D489", False, 10),
        ("S1487-S1513", "S1487", "S1513", False, 27),
        ("e1-e10", "e1", "e10", False, 10),
        ("vi-vii", "vi", "vii", False, 2),
        ("xii-ix", "xii", "ix", True, None),
        ("pp. 6 – 13", "6", "13", False, 8),
        ("p. 603", "603", None, False, None),
        ("123--145", "123", "145", False, 23),
        ("xi-12", "xi", "12", False, None),
        ("N110-P5", "N110", "P5", False, None),
        ("\n          487-488\n        ", "487", "488", False, 2),
    ],
)
def test_parse_pages(text: str, start: str, end: str | None, reversed_: bool,
                     span: int | None) -> None:
    parsed = parse_pages(text)
    assert parsed is not None
    assert parsed.start.text == start
    assert (parsed.end.text if parsed.end else None) == end
    assert parsed.reversed is reversed_
    assert parsed.span == span


@pytest.mark.parametrize(
    "text",
    ["e941209-1 - e941209-4", "286:1-286:12", "111-128_1", "no-no", "1308-1309.e1",
     "34-6, 87-91", "No Pagination Specified", "Bd. 28 Nr. 2 (2001)", "1-2-3", "", "---"],
)
def test_not_a_page_range(text: str) -> None:
    assert parse_pages(text) is None


@pytest.mark.parametrize(
    ("text", "spaced", "dash", "expected"),
    [
        ("pp. 6 – 13", False, "-", "6-13"),
        ("123--145", False, "-", "123-145"),
        ("6 — 13", True, "-", "6 - 13"),
        ("797 – 810", False, "\u2013", "797–810"),
        ("p. 603", False, "-", "603"),
        ("123-145", False, "-", "123-145"),
    ],
)
def test_normalise_separator(text: str, spaced: bool, dash: str, expected: str) -> None:
    assert normalise_separator(text, spaced=spaced, dash=dash) == expected


@pytest.mark.parametrize(
    ("text", "listed"),
    [("34-6, 87-91", True), ("1-4; 10", True), ("112-9 passim", True), ("passim", True),
     ("A1, A12 contd", True), ("12-14, 20 passim", True), ("34-36", False),
     ("111-128_1", False), ("No Pagination Specified", False), ("", False)],
)
def test_is_page_list(text: str, listed: bool) -> None:
    assert is_page_list(text) is listed


@pytest.mark.parametrize(
    ("text", "doi", "reason"),
    [
        ("15266028251361770", "10.1177/15266028251361770", "is the DOI suffix (an article number)"),
        ("107382", "10.1016/j.compbiolchem.2020.107382",
         "is the end of the DOI (an article number)"),
        ("3865", "10.1103/PhysRevLett.77.3865", None),
        ("e0123456", None, "is an e-locator"),
        ("20170387", None, "is a long number (an article number)"),
        ("123-145", "10.1000/x", None),
    ],
)
def test_article_number_reason(text: str, doi: str | None, reason: str | None) -> None:
    found = article_number_reason(text, doi)
    assert (found[0] if found else None) == reason


# -- properties ------------------------------------------------------------------------------

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _to_roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


_PAGE = st.from_regex(r"\A[A-Za-z]{0,2}[0-9]{1,7}\Z")
_RANGES = st.builds(
    lambda a, sep, b: f"{a}{sep}{b}", _PAGE,
    st.sampled_from(["-", "--", "–", "—", " - ", " – ", "‐", "−"]), _PAGE,
)
_NUMERIC_RANGES = st.builds(lambda a, b: f"{a}-{b}", st.integers(0, 10**7), st.integers(0, 10**7))


@given(st.one_of(st.text(), _RANGES, _NUMERIC_RANGES, st.integers(), st.none()))
@example("1" * 10_000)
@example("pp. 6 – 13")
@example("x" * 15)
def test_parsers_never_raise(text: Any) -> None:
    parsed = parse_pages(text)
    if parsed is not None:
        _ = (parsed.first, parsed.last, parsed.reversed, parsed.span, parsed.elided)
    expand_elided(text)
    normalise_separator(text)
    is_page_list(text)
    article_number_reason(text, "10.1000/abc.123456")
    roman_value(text)


@given(st.one_of(_NUMERIC_RANGES, _RANGES, st.text()))
@example("1199-205")
@example("0123-45")
@example("123-3")
def test_elided_expansion_runs_forward_and_is_idempotent(text: str) -> None:
    expanded = expand_elided(text)
    if expanded is None:
        return
    parsed = parse_pages(expanded)
    assert parsed is not None and parsed.last is not None
    assert parsed.last >= parsed.first
    assert not parsed.elided
    assert expand_elided(expanded) is None  # expanding again changes nothing
    assert parsed.start == parse_pages(text).start  # type: ignore[union-attr]


@given(st.integers(1, 10**6), st.integers(1, 10**4))
def test_elision_of_a_full_range_expands_back(first: int, length: int) -> None:
    a, b = str(first), str(first + length)
    if len(a) != len(b):
        return
    common = 0
    while common < len(a) - 1 and a[common] == b[common]:
        common += 1
    elided = f"{a}-{b[common:]}"
    assert expand_elided(elided) in (None, f"{a}-{b}")
    if common:
        assert expand_elided(elided) == f"{a}-{b}"


@given(st.one_of(_RANGES, st.text()), st.booleans())
def test_normalise_separator_is_idempotent_and_keeps_the_pages(text: str, spaced: bool) -> None:
    once = normalise_separator(text, spaced=spaced)
    if once is None:
        return
    assert normalise_separator(once, spaced=spaced) == once
    before, after = parse_pages(text), parse_pages(once)
    assert before is not None and after is not None
    assert (before.start, before.end) == (after.start, after.end)
    assert after.label == ""


@given(st.integers(1, 3999))
def test_roman_round_trip(number: int) -> None:
    assert roman_value(_to_roman(number)) == number
    assert roman_value(_to_roman(number).upper()) == number
