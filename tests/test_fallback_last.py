"""The catch-all (schema) rule runs last, handed the pointers the other rules report at.

The engine drops a catch-all finding at a pointer another rule reports (one defect, one
finding), so REC003 need not explain the values there; to know them it runs after the other
rules, and its findings are put back where they would have been. Nothing a user sees may
change: the findings (order, fingerprints, fixes), and the pointers a judged (run-scope)
finding is hidden at, are those of running every rule in its turn.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

import biblint.engine as engine
from biblint import Linter
from biblint.config import Config
from biblint.model import Violation
from biblint.profiles import PROFILES
from biblint.record import Record
from biblint.registry import RECORD, Context, Registry, rule
from biblint.rules.records import schema_violation
from biblint.schema import record_problems, schema_problems

from .conftest import ROOT, corpus_or_skip
from .test_gating import _fixture_inputs
from .test_schema_fast import FIXTURE_RECORDS

sys.path.insert(0, str(ROOT / "bench"))
from records import make_records


def test_a_fallback_rule_runs_last_and_is_handed_the_other_pointers():
    handed: list[Any] = []

    @rule("ZZZ001", "first", reads=RECORD)
    def first(record: Record, ctx: Any) -> Any:
        """Reports /a."""
        yield Violation("a", "/a")

    @rule("ZZZ002", "catch-all", reads=RECORD, fallback=True)
    def catch_all(record: Record, ctx: Any) -> Any:
        """Reports /a, /b and /c, noting what it was handed."""
        handed.append(ctx.state.get(engine.EXPLAINED))
        for pointer in ("/a", "/b", "/c"):
            yield Violation("catch-all", pointer)

    @rule("ZZZ003", "third", reads=RECORD)
    def third(record: Record, ctx: Any) -> Any:
        """Reports /c."""
        yield Violation("c", "/c")

    linter = Linter(Config(profile="generic"),
                    registry=Registry([first, catch_all, third]))
    found = linter.lint({"a": 1, "b": 2, "c": 3})
    assert handed == [frozenset({"/a", "/c"})]
    # In the order of the rules, the catch-all's finding where another explains none.
    assert [(f.code, f.pointer) for f in found] == [
        ("ZZZ001", "/a"), ("ZZZ002", "/b"), ("ZZZ003", "/c")]


def _in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine as before: a catch-all rule runs in its turn, handed nothing."""
    monkeypatch.setattr(engine, "_FALLBACK", 0)


def _stream_findings(stream: list[Any], profile: str | None) -> list[Any]:
    return [found for found in Linter().lint_stream(stream, profile=profile)]


def test_running_the_schema_rule_last_changes_no_finding(monkeypatch):
    """Fixture cases (streams too: the judged findings' hidden pointers), fixture records
    and seed-shaped records: the same findings, in the same order, as in turn."""
    streams: list[tuple[list[Any], str | None]] = [
        (stream, profile) for _, stream, profile in _fixture_inputs()]
    streams += [([record], None) for _, record in FIXTURE_RECORDS]
    streams.append((make_records(40), None))
    last = [_stream_findings(stream, profile) for stream, profile in streams]
    assert any(f.code == "REC003" for lists in last for found in lists for f in found)
    _in_turn(monkeypatch)
    assert [_stream_findings(stream, profile) for stream, profile in streams] == last


@pytest.mark.slow
@pytest.mark.corpus
def test_running_the_schema_rule_last_changes_no_finding_in_the_corpus(monkeypatch):
    corpus = corpus_or_skip()
    last = Linter().check_paths([corpus]).findings
    assert any(f.code == "REC003" for f in last)
    _in_turn(monkeypatch)
    assert Linter().check_paths([corpus]).findings == last


def test_the_schema_rule_skips_what_it_is_handed():
    data = make_records(2)[1]  # the seed's defects: REC003's problems, all explained
    problems = list(schema_problems(data, "aggregator.schema.json"))
    assert len(problems) > 3
    explained = frozenset(f.pointer for f in Linter(Config(ignore=("REC003",))).lint(data))

    def handed(pointers: frozenset[str] | None) -> list[str]:
        record = Record(data, PROFILES["aggregator"])  # nothing kept from another call
        context = Context(options={}, profile=record.profile)
        if pointers is not None:
            context.state[engine.EXPLAINED] = pointers
        return [v.pointer for v in schema_violation.check(record, context)]

    assert handed(None) == [p.pointer for p in problems]
    assert handed(explained) == []
    partial = frozenset(sorted(explained)[::2])
    assert handed(partial) == [p.pointer for p in problems if p.pointer not in partial]


def test_a_list_of_problems_short_of_the_skipped_ones_is_never_kept():
    """The blank-value fixes judge against every problem of the record (``breaks``), also
    after REC003 asked for its shorter list; and a whole list already kept serves it."""
    data = make_records(2)[1]
    problems = list(schema_problems(data, "aggregator.schema.json"))
    everywhere = frozenset(p.pointer for p in problems)
    record = Record(data, PROFILES["aggregator"])
    assert len(record_problems(record, everywhere)) < len(problems)
    assert record_problems(record) == problems
    assert record_problems(record, everywhere) == problems  # kept: no second validation
