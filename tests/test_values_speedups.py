"""Fast paths of the REC and TYP rules against the plain forms they replace."""

from __future__ import annotations

import math
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from biblint.config import Config
from biblint.engine import Linter
from biblint.model import Fix
from biblint.rules import values
from biblint.rules.records import PRESENTATION_KEYS
from biblint.runscope import Key
from biblint.testing import load_cases

from .conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from records import make_records

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4)
    | st.sampled_from(["", " ", "\t", "\u00a0", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=8)


def plain_shape_keys(profile: str, data: object) -> list[Key]:
    """TYP008's keys as written before the payload table: ``_kind`` and ``_described``."""
    found = []
    for pointer, value in values._shapes(data):
        kind = values._kind(value)
        if kind is not None:
            found.append(Key((profile, pointer), (kind, values._described(value))))
    return found


@given(st.dictionaries(st.sampled_from(["a", "b", "a/b", "abstract_inverted_index"]),
                       JSON | st.sampled_from([Decimal("1.5"), math.inf, (1, 2), b"x"]),
                       max_size=5))
def test_shape_keys_are_the_plain_computation(data):
    linter = Linter(Config(select=("TYP008",)))
    record = linter.make_record(data, profile="aggregator")
    context = linter.new_run().contexts["TYP008"]
    context.profile = record.profile
    keys = list(values.shape_drift.check(record, context))
    assert keys == plain_shape_keys("aggregator", data)


def test_presentation_violations_are_unchanged():
    """REC002's prebuilt violations say what it said when it built one per record."""
    linter = Linter(Config(select=("REC002",)))
    data = {"title": "T", "doi": "10.1000/1", **{key: None for key in PRESENTATION_KEYS}}
    found = linter.lint(data, profile="aggregator")
    assert [(f.message, f.pointer, f.fix) for f in found] == [
        (f"{key} is a search-result artefact, not bibliographic data", f"/{key}",
         Fix.remove(f"/{key}", f"Remove {key}", unsafe=True)) for key in PRESENTATION_KEYS]


# The string and number prefilters of TYP002, TYP003, TYP004 and TYP007 -------------------

PREFILTERED = ("TYP002", "TYP003", "TYP004", "TYP007")
PREFILTERS = ("_may_hold_empty", "_may_hold_blank", "_may_hold_placeholder",
              "_number_candidates")
STRINGS = st.one_of(
    st.sampled_from(["", " ", "\t", "\n", "\u00a0", "\u3000", "\u200b", " x ", "x", "null",
                     "N/A", "Nan", "NaN", "-", "--", "(:unav)", ":unav", "(:etal)", "1.5",
                     " 0.93 ", "1.5000000000000002", "0000-00-00", "is"]),
    st.text(max_size=5))
KEYS = st.sampled_from(["title", "score", "PeriodicalIF", "fwci", "isOpenAccess", "volume",
                        "family", "given", "name", "a/b", "x~y", "relevance_score"])
RECORDS = st.dictionaries(KEYS, st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.floats(allow_nan=False) | STRINGS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=10), max_size=6)


def findings_with_and_without_prefilters(data: object, profile: str) -> tuple[list, list]:
    linter = Linter(Config(select=PREFILTERED))
    fast = linter.lint(data, profile=profile)
    with pytest.MonkeyPatch.context() as patch:
        for name in PREFILTERS:  # each replaced by "every string or member may be reported"
            patch.setattr(values, name, (lambda items: items) if name == "_number_candidates"
                          else (lambda strings: True))
        slow = linter.lint(data, profile=profile)
    return fast, slow


@given(data=RECORDS, profile=st.sampled_from(["aggregator", "s2", "crossref", "openalex",
                                               "csl", "datacite", "generic"]))
def test_prefilters_change_no_finding(data, profile):
    fast, slow = findings_with_and_without_prefilters(data, profile)
    assert fast == slow


def test_prefilters_change_no_finding_on_fixtures_and_bench_records():
    records = [case.data["record"] for case in load_cases(FIXTURES / "rules")
               if case.rule in PREFILTERED and isinstance(case.data.get("record"), dict)]
    records += make_records(20)
    assert len(records) > 40
    reported = 0
    for data in records:
        fast, slow = findings_with_and_without_prefilters(data, None)
        assert fast == slow, data
        reported += len(fast)
    assert reported > 20
