"""Identifier parsing in biblint.domain.identifiers: examples and properties (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from biblint.domain.doi import doi_suffix
from biblint.domain.identifiers import PMCID_RE, normalise_pmcid


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PMC10581430", "PMC10581430"),
        ("pmc123", "PMC123"),
        ("PMC 123", "PMC123"),
        ("PMC:123", "PMC123"),
        ("PMC-123", "PMC123"),
        (" PMC123 ", "PMC123"),
        ("PMC123\n", "PMC123"),
        ("\u00a0PMC123", "PMC123"),
        ("PMCID: PMC5832410", "PMC5832410"),
        ("pmcid:123", "PMC123"),
        ("123", "PMC123"),
        ("0123", "PMC123"),
        ("PMC0123", "PMC123"),
        (123, "PMC123"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/7123338", "PMC7123338"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7123338/", "PMC7123338"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC7123338/", "PMC7123338"),
        ("https://europepmc.org/article/PMC/PMC7123338", "PMC7123338"),
    ],
)
def test_normalise_pmcid_unambiguous(value: object, expected: str) -> None:
    assert normalise_pmcid(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None, "", " ", "PMC", "PMC0", "0", 0, -5, True, False, 1.0, [], {}, "PMC123.1",
        "PMC12a", "PMID 123", "PMC١٢٣", "１２３", "doi:10.1/x", "PMC 12 34", "PMC+123",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123/pdf/x.pdf", 10**30,
    ],
)
def test_normalise_pmcid_refuses_to_guess(value: object) -> None:
    assert normalise_pmcid(value) is None


_PMCISH = st.from_regex(r"\A\s*(?:PMCID\s*:?\s*)?(?:[pP][mM][cC])?[ :_-]?0*[0-9]{1,9}\s*\Z")


@given(st.one_of(st.text(), _PMCISH, st.integers(), st.none(), st.booleans(), st.floats()))
@example("PMC123")
@example("\x00")
def test_normalise_pmcid_never_raises_and_is_idempotent(value: object) -> None:
    result = normalise_pmcid(value)
    if result is not None:
        assert PMCID_RE.fullmatch(result), result
        assert normalise_pmcid(result) == result


@given(st.integers(min_value=1, max_value=10**12))
def test_normalise_pmcid_keeps_the_number(number: int) -> None:
    for form in (str(number), f"PMC{number}", f"pmc {number}", f" PMC:{number} ", number):
        assert normalise_pmcid(form) == f"PMC{number}"


def test_doi_suffix() -> None:
    assert doi_suffix("10.1177/15266028251361770") == "15266028251361770"
    assert doi_suffix("https://doi.org/10.1093/femsec/fiv167") == "femsec/fiv167"
    assert doi_suffix("10.1177/") is None
    assert doi_suffix("not a doi") is None
