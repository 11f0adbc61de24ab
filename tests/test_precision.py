"""Precision of the rules on conventions that only user-defined profiles show, and on
patterns the YAML rule cases cannot express (profile detection, run scope, helpers)."""

from __future__ import annotations

import biblint
from biblint.engine import Linter
from biblint.profiles import profile_from_config


def _codes(findings: list[biblint.Finding], code: str) -> list[tuple[str, str]]:
    return [(f.pointer, f.message) for f in findings if f.code == code]


def _linter_with(name: str, table: dict[str, object], code: str) -> Linter:
    profile = profile_from_config(name, table)
    return Linter(biblint.Config(select=(code,), profiles=(profile,)))


def test_metrics_without_year_where_the_shape_could_say_it() -> None:
    """JRN004 asks for the metrics' year in a shape with metrics that does not declare them
    undated; the aggregator declares them undated (fixtures/rules/JRN004.yml)."""
    table = {"fields": {"title": "/title"}, "conventions": ["journal-metrics"],
             "detect": {"keys": ["ImpactFactor", "PeriodicalIF"], "min": 1}}
    linter = _linter_with("metrics", table, "JRN004")
    found = linter.lint({"title": "T", "PeriodicalIF": 1.5, "JCR": "Q3"}, profile="metrics")
    assert [p for p, m in _codes(found, "JRN004") if "without the year" in m] == [
        "/PeriodicalIF"]
    dated = linter.lint({"title": "T", "PeriodicalIF": 1.5, "IFYear": 2024}, profile="metrics")
    assert _codes(dated, "JRN004") == []


def test_one_defect_one_finding_missing_title() -> None:
    record = {"doi": "10.1000/abc1", "DOIUrl": "https://doi.org/10.1000/abc1", "year": 2020,
              "PeriodicalName": "J"}
    found = [(f.code, f.pointer) for f in biblint.lint(record) if f.code.startswith("REC")]
    assert found == [("REC001", "/title")]


def test_one_defect_one_finding_identifier_whitespace() -> None:
    from biblint.rules.text import IDENTIFIER_WHITESPACE_RULES

    ids = {"doi": "DOI", "pmid": "PubMed", "pmcid": "PubMedCentral", "arxiv": "ArXiv"}
    values = {"doi": "10.1000/xyz1", "pmid": "123", "pmcid": "PMC456", "arxiv": "2101.00001"}
    for name, code in IDENTIFIER_WHITESPACE_RULES.items():
        record = {"paperId": "649def34f8be52c8b66281af98ae884c09aef38b", "title": "T",
                  "externalIds": {ids[name]: values[name] + " "}}
        found = [f for f in biblint.lint(record) if f.pointer == f"/externalIds/{ids[name]}"]
        assert [f.code for f in found] == [code], (name, [(f.code, f.message) for f in found])
        assert found[0].fix is not None and found[0].fix.ops[0].value == values[name]


def test_openalex_select_responses_are_detected_from_their_keys() -> None:
    from biblint.profiles import detect_profile

    selected = [
        {"doi": "https://doi.org/10.1/x", "open_access": {"is_oa": True, "oa_url": None}},
        {"id": "https://openalex.org/W1", "doi": "https://doi.org/10.1/x"},
        {"doi": "https://doi.org/10.1/x", "cited_by_count": 3},
        {"title": "T", "authorships": []},
        {"ids": {"openalex": "https://openalex.org/W1"}, "title": "T"},
    ]
    assert [detect_profile(r).name for r in selected] == ["openalex"] * len(selected)
    others = [
        {"doi": "https://doi.org/10.1/x", "title": "T"},
        {"open_access": "yes", "title": "T"},
        # a DOAJ article: its own id, created_date and last_updated are no OpenAlex keys
        {"id": "e58f08a11ecb495ead55a44ad4f89808", "created_date": "2020-01-01T00:00:00Z",
         "last_updated": "2020-01-02T00:00:00Z", "bibjson": {"title": "T"}},
    ]
    assert [detect_profile(r).name for r in others] == ["generic"] * len(others)


def test_recasing_never_adds_a_combining_dot() -> None:
    from biblint.domain.casing import lower, titlecase

    assert lower("İSTANBUL") == "istanbul"
    assert lower("KILIÇ İNCE", turkish=True) == "kılıç ince"
    assert titlecase("THE İSTANBUL CONVENTION AND TURKISH LAW") == (
        "The İstanbul Convention and Turkish Law")
    assert "\u0307" not in titlecase("TÜRKİYE'DE İKLİM DEĞİŞİKLİĞİ")


def test_duplicate_scope_is_a_validated_rule_option() -> None:
    import pytest

    with pytest.raises(biblint.ConfigError, match="scope"):
        Linter(biblint.Config(rules={"DUP001": {"scope": "everything"}}))
    records = [
        {"DOI": "10.1038/nature12373", "title": ["T"], "member": "297", "prefix": "10.1038",
         "indexed": {"date-parts": [[2024, 1, 1]]}},
        {"id": "n", "type": "article-journal", "title": "T", "DOI": "10.1038/nature12373",
         "container-title": "Nature"},
    ]
    by_default = Linter(biblint.Config(select=("DUP001",)))
    assert [f for fs in by_default.lint_stream(records) for f in fs] == []
    whole_run = Linter(biblint.Config(select=("DUP001",), rules={"DUP001": {"scope": "run"}}))
    assert [f.code for fs in whole_run.lint_stream(records) for f in fs] == ["DUP001"]
