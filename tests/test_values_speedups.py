"""Fast paths of the REC and TYP rules against the plain forms they replace."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from biblint.config import Config
from biblint.engine import Linter
from biblint.model import Fix
from biblint.rules import values
from biblint.rules.records import PRESENTATION_KEYS
from biblint.runscope import Key

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
