"""Fast paths of the REC and TYP rules against the plain forms they replace."""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from biblint.config import Config
from biblint.engine import Linter
from biblint.model import Fix, join_pointer
from biblint.rules import values
from biblint.rules.records import PRESENTATION_KEYS
from biblint.runscope import Key

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4)
    | st.sampled_from(["", " ", "\t", "\u00a0", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=8)


def plain_shapes(data: object) -> Iterator[tuple[str, object]]:
    """(pointer, value) of the members of the record and of its nested objects, two levels
    deep, not inside arrays."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        pointer = join_pointer("", key)
        yield pointer, value
        if isinstance(value, dict) and key not in values.DATA_KEYED:
            for inner, item in value.items():
                yield join_pointer(pointer, inner), item


def plain_shape_keys(profile: str, data: object) -> list[Key]:
    """TYP008's keys as written before the payload table and the kept keys: every member's
    ``_kind`` and ``_described``, its pointer built."""
    found = []
    for pointer, value in plain_shapes(data):
        kind = values._kind(value)
        if kind is not None:
            found.append(Key((profile, pointer), (kind, values._described(value))))
    return found


class Text(str):
    """A string of a library caller's own type."""


ODD = st.sampled_from([Decimal("1.5"), math.inf, (1, 2), b"x", Text("t"), Text(" "), {"x": 1}])


@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "a/b", "~", "abstract_inverted_index"]),
                                JSON | ODD, max_size=5), min_size=1, max_size=4),
       st.sampled_from(["aggregator", "crossref"]))
def test_shape_keys_are_the_plain_computation(stream, profile):
    """Over records in a row (the keys kept from one serve the next)."""
    assert_plain_shape_keys(stream, profile)


def assert_plain_shape_keys(stream: list[dict[str, object]], profile: str) -> None:
    linter = Linter(Config(select=("TYP008",)))
    context = linter.new_run().contexts["TYP008"]
    for data in stream:
        record = linter.make_record(data, profile=profile)
        context.profile = record.profile
        keys = list(values.shape_drift.check(record, context))
        assert keys == plain_shape_keys(profile, data)


def test_shape_keys_start_over_past_their_bound(monkeypatch):
    monkeypatch.setattr(values, "_MAX_SHAPE_KEYS", 3)
    monkeypatch.setattr(values, "_SHAPE_KEYS", {})
    assert_plain_shape_keys(
        [{"a": 1, "b": {"c": "x", "d": [1]}}, {"e": 1, "f": 2, "g": 3}, {"a": "s", "h": None}],
        "aggregator")
    assert values._SHAPE_KEYS["aggregator"].made == 2  # started over for the third record


def test_presentation_violations_are_unchanged():
    """REC002's prebuilt violations say what it said when it built one per record."""
    linter = Linter(Config(select=("REC002",)))
    data = {"title": "T", "doi": "10.1000/1", **{key: None for key in PRESENTATION_KEYS}}
    found = linter.lint(data, profile="aggregator")
    assert [(f.message, f.pointer, f.fix) for f in found] == [
        (f"{key} is a search-result artefact, not bibliographic data", f"/{key}",
         Fix.remove(f"/{key}", f"Remove {key}", unsafe=True)) for key in PRESENTATION_KEYS]


@given(st.text(alphabet=st.sampled_from(["a", " ", ",", ";", "|", "R", "\t"]), max_size=8))
def test_list_as_string_splits_only_delimited_strings(text):
    """TYP005 finds, without splitting a string with no delimiter, what splitting it finds."""
    found = Linter(Config(select=("TYP005",))).lint({"publicationTypes": text},
                                                     profile="s2")
    if not text.strip():
        assert found == []
        return
    assert len(found) == 1
    items = values._split_list(text)
    if not values._ANY_DELIMITER_RE.search(text) or items == [text.strip()]:
        expected = Fix.replace("/publicationTypes", [text], "Wrap the value in a one-item list")
    elif items:
        expected = Fix.replace("/publicationTypes", items,
                               f"Split into a list of {len(items)} "
                               f"item{'s' if len(items) != 1 else ''}", unsafe=True)
    else:
        expected = None
    assert found[0].fix == expected
