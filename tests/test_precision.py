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
