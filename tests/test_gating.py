"""Rule gating: rules declare the canonical fields they read, and the engine calls a rule only
for records that have one of them. Skipping must never lose (or add) a finding."""

from __future__ import annotations

import copy
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from biblint import Linter
from biblint.config import Config
from biblint.model import Finding, Violation
from biblint.profiles import PROFILES
from biblint.record import Record
from biblint.registry import RECORD, STRINGS, Registry, default_registry, rule
from biblint.testing import load_cases

from .conftest import FIXTURES, ROOT
from .test_fuzz import BASES, records

sys.path.insert(0, str(ROOT / "bench"))
from records import make_records

CASES = load_cases(FIXTURES / "rules")
BUILTIN = [r for r in default_registry() if r.scope != "input"]


def _fixture_inputs() -> list[tuple[str, list[Any], str | None]]:
    """(id, a stream of records, forced profile) of every rule case, fixed forms included,
    and of the profile fixtures."""
    inputs: list[tuple[str, list[Any], str | None]] = []
    for case in CASES:
        profile = case.data.get("profile")
        if "record" in case.data:
            inputs.append((case.id, [case.data["record"]], profile))
        if "fixed" in case.data:
            inputs.append((case.id + ":fixed", [case.data["fixed"]], profile))
        if "records" in case.data:
            inputs.append((case.id + ":stream", list(case.data["records"]), profile))
    for path in sorted((FIXTURES / "profiles").glob("*.json")):
        import json

        inputs.append((path.name, [json.loads(path.read_text(encoding="utf-8"))], None))
    return inputs


def _findings(linter: Linter, stream: list[Any], profile: str | None
              ) -> list[tuple[Any, ...]]:
    return [_key(f) for findings in linter.lint_stream(stream, profile=profile)
            for f in findings]


def _key(finding: Finding) -> tuple[Any, ...]:
    fix = finding.fix
    ops = None if fix is None else (fix.applicability, fix.title,
                                    [(op.op, op.path, repr(op.value)) for op in fix.ops])
    return (finding.code, finding.pointer, finding.message, finding.fingerprint,
            finding.record, ops)


GATED = Linter()
UNGATED = Linter(gating=False)


def test_every_builtin_rule_declares_what_it_reads():
    undeclared = [r.code for r in BUILTIN if r.reads is None]
    assert undeclared == []


def test_most_builtin_rules_are_gated():
    """The declarations are specific: only rules that walk the whole record run always."""
    gated = [r.code for r in BUILTIN if r.gated]
    assert len(gated) > len(BUILTIN) // 2


def test_reads_names_canonical_fields_only():
    with pytest.raises(ValueError, match="doi_link"):
        rule("ZZZ001", "zzz", reads=("doi", "doi_link"))
    with pytest.raises(ValueError, match="nothing"):
        rule("ZZZ001", "zzz", reads=())


@pytest.mark.parametrize("entry", _fixture_inputs(), ids=lambda e: e[0])
def test_gating_loses_no_finding_on_fixtures(entry):
    _, stream, profile = entry
    assert _findings(GATED, stream, profile) == _findings(UNGATED, stream, profile)


def test_gating_loses_no_finding_on_bench_records():
    stream = make_records(300)
    assert _findings(GATED, stream, None) == _findings(UNGATED, stream, None)


@st.composite
def sparse_records(draw: st.DrawFn) -> dict[str, Any]:
    """A base record of some shape (or a mutation of it) with most of its keys dropped, so
    that many canonical fields are absent and many rules are skipped."""
    record = copy.deepcopy(draw(st.one_of(st.sampled_from(BASES), records())))
    keys = sorted(record)
    kept = draw(st.lists(st.sampled_from(keys), max_size=6, unique=True)) if keys else []
    return {key: record[key] for key in keys if key in kept}


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(records(), sparse_records()), st.sampled_from([None, *sorted(PROFILES)]))
@example({}, None)
@example({"doi": None}, "aggregator")
def test_gating_loses_no_finding_on_generated_records(record, profile):
    assert _findings(GATED, [record], profile) == _findings(UNGATED, [record], profile)


@given(st.one_of(records(), sparse_records()), st.sampled_from(sorted(PROFILES)))
def test_present_fields_are_the_fields_found(record, profile):
    made = Record(record, PROFILES[profile])
    expected = {name for name in PROFILES[profile].fields
                if Record(record, PROFILES[profile]).field(name) is not None}
    assert made.present() == expected


def _counting_registry(calls: list[str]) -> Registry:
    @rule("ZZZ001", "needs-doi", reads=("doi",))
    def needs_doi(record: Record, ctx: Any) -> Any:
        """Counts its calls."""
        calls.append("doi")
        yield from ()

    @rule("ZZZ002", "needs-pages-or-title", reads=("pages", "title"))
    def needs_pages(record: Record, ctx: Any) -> Any:
        """Counts its calls."""
        calls.append("pages-or-title")
        yield Violation("seen", "")

    @rule("ZZZ003", "walks-strings", reads=STRINGS)
    def walks(record: Record, ctx: Any) -> Any:
        """Counts its calls."""
        calls.append("strings")
        yield from ()

    @rule("ZZZ004", "whole-record", reads=RECORD)
    def whole(record: Record, ctx: Any) -> Any:
        """Counts its calls."""
        calls.append("record")
        yield from ()

    @rule("ZZZ005", "undeclared")
    def undeclared(record: Record, ctx: Any) -> Any:
        """Counts its calls."""
        calls.append("undeclared")
        yield from ()

    return Registry([needs_doi, needs_pages, walks, whole, undeclared])


def test_engine_skips_rules_whose_fields_are_absent():
    calls: list[str] = []
    linter = Linter(Config(profile="generic"), registry=_counting_registry(calls))
    found = linter.lint({"title": None, "unmapped": 1})  # a null value is present
    assert calls == ["pages-or-title", "strings", "record", "undeclared"]
    assert [f.code for f in found] == ["ZZZ002"]
    calls.clear()
    linter.lint({"DOI": "10.1/x", "page": "1-2"})  # generic: /DOI and /page are its pointers
    assert calls == ["doi", "pages-or-title", "strings", "record", "undeclared"]
    calls.clear()
    Linter(Config(profile="generic"), registry=_counting_registry(calls),
           gating=False).lint({})
    assert calls == ["doi", "pages-or-title", "strings", "record", "undeclared"]


def test_plans_are_shared_by_records_with_the_same_fields():
    linter = Linter(Config(profile="aggregator"))
    state = linter.new_run()
    for data in make_records(20):
        linter.lint_record(linter.make_record(data), state)
    assert len(state.plans) <= 2


def test_ignored_rules_are_not_called_even_when_their_fields_are_present():
    calls: list[str] = []
    linter = Linter(Config(profile="generic"), registry=_counting_registry(calls))
    record = linter.make_record({"doi": "10.1/x"})
    linter.lint_record(record, linter.new_run(), frozenset({"ZZZ001", "ZZZ005"}))
    assert calls == ["strings", "record"]


def test_nested_pointers_count_as_present_only_when_they_resolve():
    aggregator = PROFILES["aggregator"]
    assert "pages" in Record({"journal": {"pages": None}}, aggregator).present()
    assert "pages" not in Record({"journal": {"name": "J"}}, aggregator).present()
    assert "pages" not in Record({"journal": "J"}, aggregator).present()
    assert Record(["not", "an", "object"], aggregator).present() == frozenset()


class _Tracing(Record):
    """A record that notes the canonical fields a rule asks for."""

    __slots__ = ("asked",)

    def __init__(self, data: Any, profile: Any) -> None:
        super().__init__(data, profile)
        self.asked: set[str] = set()

    def field(self, name: str) -> Any:
        self.asked.add(name)
        return super().field(name)


def _case_records() -> list[tuple[Any, str | None]]:
    return [(record, profile) for _, stream, profile in _fixture_inputs() for record in stream]


def test_gated_rules_ask_only_for_fields_they_declare():
    """Every canonical field a gated rule reads on any fixture is among its ``reads`` (a rule
    that came to read another field must declare it, or gating could skip it wrongly)."""
    from biblint.registry import Context

    linter = Linter()
    undeclared: dict[str, set[str]] = {}
    for data, profile in _case_records():
        chosen = linter.make_record(data, profile=profile).profile
        for item in BUILTIN:
            if not item.gated:
                continue
            record = _Tracing(data, chosen)
            context = Context(options=item.default_options(), profile=chosen)
            list(item.check(record, context))
            extra = record.asked - item.reads  # type: ignore[operator]
            if extra:
                undeclared.setdefault(item.code, set()).update(extra)
    assert undeclared == {}
