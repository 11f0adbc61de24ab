"""DOI parsing and normalisation in biblint.domain.doi: examples and properties (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from biblint.domain.doi import (
    analyse_doi,
    canonical_doi_url,
    doi_from_url,
    doi_key,
    doi_match_key,
    is_doi,
    is_short_doi,
    map_lookalikes,
    normalise_doi,
)
from biblint.rules.doi import CODES, doi_message

# -- examples -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1177/15266028251361770", "10.1177/15266028251361770"),
        (" 10.1177/15266028251361770\u200b", "10.1177/15266028251361770"),
        ("https://doi.org/10.1177/15266028251361770", "10.1177/15266028251361770"),
        ("http://dx.doi.org/10.1103/PhysRevB.92.125113", "10.1103/PhysRevB.92.125113"),
        ("doi:10.1093/nar/gkz1031", "10.1093/nar/gkz1031"),
        ("DOI: 10.1093/nar/gkz1031", "10.1093/nar/gkz1031"),
        ("info:doi/10.1093/nar/gkz1031", "10.1093/nar/gkz1031"),
        ("10.1177%2F15266028251361770", "10.1177/15266028251361770"),
        ("10.1002/(SICI)1097-4636(199706)35:4<419::AID-JBM3>3.0.CO;2-E",
         "10.1002/(SICI)1097-4636(199706)35:4<419::AID-JBM3>3.0.CO;2-E"),
        ("10.5067/terra+aqua/ceres/cldtyphist_l3.004",
         "10.5067/terra+aqua/ceres/cldtyphist_l3.004"),
        ("10.1000/café", "10.1000/café"),
    ],
)
def test_normalise_doi(value: str, expected: str) -> None:
    assert normalise_doi(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, 10, "", " ", "N/A", "10.1177", "15266028251361770", "10.1000/{ABC}",
     "10.1000/abc\\_def", "10.1/a b", "10.1177%2F1526%20602", "doi:", "https://doi.org/"],
)
def test_normalise_doi_refuses(value: object) -> None:
    assert normalise_doi(value) is None


def test_doi_key_folds_ascii_only() -> None:
    assert doi_key("10.1103/PhysRevB.92") == "10.1103/physrevb.92"
    assert doi_key("https://doi.org/10.1000/ÄBC") == "10.1000/Äbc"
    assert doi_key("10.1000/ΣIGMA") == "10.1000/Σigma"


def test_doi_match_key_joins_spellings() -> None:
    keys = {
        doi_match_key(v)
        for v in ("10.1002/(SICI)1097-4636(199706)35:4<419::AID-JBM3>3.0.CO;2-E",
                  "https://doi.org/10.1002/(sici)1097-4636(199706)35:4<419::aid-jbm3>3.0.co;2-e",
                  "10.1002/%28SICI%291097-4636%28199706%2935%3A4%3C419%3A%3AAID-JBM3%3E3.0.CO%3B2-E",
                  " doi:10.1002/(SICI)1097-4636(199706)35:4&lt;419::AID-JBM3&gt;3.0.CO;2-E")
    }
    assert len(keys) == 1 and None not in keys


def test_doi_from_url() -> None:
    assert doi_from_url("https://doi.org/10.1093/nar/gkz1031") == "10.1093/nar/gkz1031"
    assert doi_from_url("http://dx.doi.org/10.1002/%28SICI%291") == "10.1002/(SICI)1"
    assert doi_from_url("https://journals.sagepub.com/doi/10.1177/x") is None
    assert doi_from_url("10.1093/nar/gkz1031") is None
    assert doi_from_url(None) is None


def test_canonical_doi_url() -> None:
    assert canonical_doi_url("http://dx.doi.org/10.1/x") == "https://doi.org/10.1/x"
    assert canonical_doi_url("HTTPS://WWW.DOI.ORG/10.1/x") == "https://doi.org/10.1/x"
    assert canonical_doi_url("https://doi.org/10.1/x") is None
    assert canonical_doi_url("http://dx.doi.org/") is None


def test_short_doi_and_lookalikes() -> None:
    assert is_short_doi("10/gfzxgh") and is_short_doi("https://doi.org/10/gfzxgh")
    assert not is_short_doi("10.1093/nar")
    assert map_lookalikes("１０.１０００/abc–123") == "10.1000/abc-123"
    assert map_lookalikes("10.1000/café") == "10.1000/café"


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("10.1177/15266028251361770", []),
        (" https://doi.org/10.1177/15266028251361770.", ["DOI004", "DOI003", "DOI005"]),
        ("10.31857/S0026898423030163, EDN: CHWIKZ", ["DOI007"]),
        ("10.320l/eid1408.071304", ["DOI002"]),
        ("10.21105/joss", ["DOI009"]),
        ("10.1000/abc–123", ["DOI010"]),
        ("10/gfzxgh", ["DOI001"]),
        ("10.1177%2F15266028251361770", ["DOI006"]),
    ],
)
def test_analyse_doi_codes(value: str, codes: list[str]) -> None:
    assert [CODES[p.kind] for p in analyse_doi(value).problems] == codes


def test_registered_dois_are_only_checked_mechanically() -> None:
    assert analyse_doi("10.1038/nature12373.", registered=True).problems == ()
    assert [CODES[p.kind] for p in analyse_doi(" 10.1/x", registered=True).problems] == ["DOI004"]


def test_url_form() -> None:
    assert analyse_doi("https://doi.org/10.7717/peerj.4375", url_form=True).problems == ()
    (problem,) = analyse_doi("doi:10.7717/peerj.4375", url_form=True).problems
    assert problem.fixed == "https://doi.org/10.7717/peerj.4375"
    (problem,) = analyse_doi("https://doi.org/10.7717/peerj.4375.", url_form=True).problems
    assert problem.fixed == "https://doi.org/10.7717/peerj.4375"


# -- properties ---------------------------------------------------------------------------

_DOIISH = st.from_regex(
    r"\A(?:https?://(?:dx\.)?doi\.org/|doi: ?| |\u200b)?10[.,] ?[0-9lO]{1,6}/"
    r"[A-Za-z0-9.()<>;:%\-–_/ ,]{0,24}[.,;)\]]?\s?\Z"
)


@given(st.one_of(st.text(), _DOIISH), st.booleans(), st.booleans())
@example("10.1/" + "(" * 50, False, False)
@example("doi:" * 10 + "10.1/x", True, False)
@example("\ud800", False, False)
@example("0\x1f\x1e\x1d\x1c\x1b\x1a\x08\x07\x06\x7f\x80\x81", False, False)  # tox -e fuzz
def test_analysis_never_raises(value: str, url_form: bool, registered: bool) -> None:
    analysis = analyse_doi(value, url_form=url_form, registered=registered)
    for problem in analysis.problems:
        assert CODES[problem.kind].startswith("DOI") and len(doi_message(problem)) < 120
        if problem.fixed is not None:
            assert isinstance(problem.fixed, str)
    for function in (normalise_doi, doi_from_url, doi_match_key, is_short_doi,
                     map_lookalikes, canonical_doi_url, is_doi, doi_key):
        function(value)  # type: ignore[operator]


@given(st.one_of(st.text(), _DOIISH))
@example("https://doi.org/https://doi.org/10.1/x")
@example("10.1/x%2525")
def test_normalise_doi_is_idempotent_and_valid(value: str) -> None:
    result = normalise_doi(value)
    if result is not None:
        assert is_doi(result)
        assert normalise_doi(result) == result


@given(st.one_of(st.text(), _DOIISH))
def test_normalise_doi_keeps_valid_dois(value: str) -> None:
    if is_doi(value):
        assert normalise_doi(value) == value


@given(st.text().map(lambda suffix: "10.1234/" + suffix.strip()))
@example("10.1234/ÄΣİK")
def test_doi_key_folds_only_ascii_capitals(value: str) -> None:
    key = doi_key(value)
    assert len(key) == len(value)
    for before, after in zip(value, key, strict=True):
        assert after == before or ("A" <= before <= "Z" and after == before.lower())


def _settle(value: str, *, url_form: bool = False, unsafe: bool = True) -> str:
    """Apply the analysis's fixes one at a time until none is left (as the fixer does)."""
    seen = {value}
    for _ in range(20):
        fixes = [p.fixed for p in analyse_doi(value, url_form=url_form).problems
                 if p.fixed is not None and p.fixed != value
                 and (unsafe or CODES[p.kind] in {"DOI003", "DOI004", "DOI006"})]
        if not fixes:
            return value
        value = fixes[0]
        assert value not in seen, f"fixes cycle at {value!r}"
        seen.add(value)
    raise AssertionError(f"fixes do not converge for {value!r}")


_BASE = st.from_regex(
    r"\A10\.[1-9][0-9]{3,5}/[a-z][a-z0-9.\-]{0,8}(?:\([0-9]{2}\))?[a-z0-9.\-]{0,4}[0-9]\Z")
_ORDER = ("dash", "prefix-space", "encode", "period", "junk", "resolver", "scheme", "paren",
          "zwsp", "space")
"""Decorations in the order values pick them up (a bracket goes around a `doi:` label...)."""
_DECORATIONS = st.lists(st.sampled_from(_ORDER), max_size=4, unique=True)


def _decorate(base: str, decorations: list[str]) -> str:
    value = base
    for decoration in sorted(decorations, key=_ORDER.index):
        if decoration == "dash":
            value = value.replace("-", "\u2013")
        elif decoration == "prefix-space":
            value = value.replace("10.", "10. ", 1) if value.startswith("10.") else value
        elif decoration == "encode":
            value = value.replace("/", "%2F", 1) if value.startswith("10.") else value
        elif decoration == "period":
            value = value + "."
        elif decoration == "paren":
            value = f"({value})"
        elif decoration == "junk":
            value = value + " [doi]"
        elif decoration == "zwsp":
            value = value + "\u200b"
        elif decoration == "space":
            value = " " + value + " "
        elif decoration == "resolver":
            value = "https://doi.org/" + value
        elif decoration == "scheme":
            value = "doi:" + value
    return value


@given(_BASE, _DECORATIONS)
@example("10.1000/a-1", ["dash", "period", "junk"])
@example("10.1000/a1", ["paren", "period", "resolver"])
def test_fixes_recover_the_doi(base: str, decorations: list[str]) -> None:
    assume(not analyse_doi(base).problems)
    value = _decorate(base, decorations)
    assert _settle(value) == base
    analysis = analyse_doi(_settle(value, unsafe=False))
    assert not [p for p in analysis.problems
                if CODES[p.kind] in {"DOI003", "DOI004", "DOI006"} and p.fixed is not None]


@given(_BASE)
def test_safe_normalisation_keeps_doi001_validity(base: str) -> None:
    assume(is_doi(base))
    for value in (" " + base, "https://doi.org/" + base, "doi:" + base,
                  base.replace("/", "%2F", 1), base + "\u200b"):
        assert normalise_doi(value) == base
        assert doi_match_key(value) == doi_key(base)


def test_every_defect_kind_has_a_rule_and_a_message() -> None:
    """The domain returns kinds; the DOI rules own the codes and the messages."""
    from biblint.domain.doi import DoiDefect, DoiProblem

    for kind in DoiDefect:
        assert CODES[kind].startswith("DOI")
        assert doi_message(DoiProblem(kind, "x\u200by")) != ""
    (problem,) = analyse_doi("10.1000/abc.2020.17\u200b").problems
    assert problem.kind is DoiDefect.INVISIBLE
    assert doi_message(problem) == "invisible character in the DOI (U+200B)"
