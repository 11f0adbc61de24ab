"""Every rule case in fixtures/rules/*.yml, and the rule-documentation contract."""

from __future__ import annotations

import pytest

from biblint.registry import NAME_RE, default_registry, missing_doc_headings
from biblint.testing import check_case, load_cases

from .conftest import FIXTURES

CASES = load_cases(FIXTURES / "rules")
RULES = list(default_registry())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case):
    check_case(case)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_docs(rule):
    assert rule.summary, f"{rule.code} has no summary line"
    assert not missing_doc_headings(rule), f"{rule.code} lacks {missing_doc_headings(rule)}"
    if "## Options" in rule.doc:  # a hand-written options section names every option
        documented = rule.doc.split("## Options", 1)[1]
        missing = [name for name in rule.options if f"`{name}`" not in documented]
        assert not missing, f"{rule.code}'s ## Options does not document {missing}"


def test_rule_options_are_kebab_case():
    names = [(r.code, name) for r in RULES for name in r.options]
    assert [n for n in names if not NAME_RE.match(n[1])] == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_failing_passing_and_fixed_cases(rule):
    mine = [c for c in CASES if c.rule == rule.code]
    assert mine, f"{rule.code} has no fixtures/rules/{rule.code}.yml"
    failing = [c for c in mine if c.data.get("violations")]
    passing = [c for c in mine if not c.data.get("violations")]
    assert failing, f"{rule.code} has no case that fails"
    if rule.scope != "input":
        assert passing, f"{rule.code} has no case that passes"
    if rule.fix is not None:
        assert any("fixed" in c.data for c in mine), f"{rule.code} has no case showing its fix"


def test_case_files_name_known_rules():
    codes = {r.code for r in RULES}
    assert {c.rule for c in CASES} <= codes
