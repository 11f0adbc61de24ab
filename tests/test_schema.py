"""lint/schema.py: the local judgement of a fix against the schema agrees with validating the
whole record before and after, on every record the fixtures hold and on generated ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonpatch
import pytest
from hypothesis import given
from hypothesis import strategies as st

from biblint.model import Fix, join_pointer
from biblint.profiles import PROFILES, detect_profile, get_profile, load_schema
from biblint.schema import _PLAIN, _local_verdict, breaks
from biblint.testing import load_cases

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCHEMAS = sorted({p.schema for p in PROFILES.values() if p.schema})


def members(data: Any, pointer: str = "") -> Iterator[tuple[str, Any, bool]]:
    """Every value below ``data`` with its pointer and whether its parent is an object."""
    if isinstance(data, dict):
        for key, value in data.items():
            child = join_pointer(pointer, key)
            yield child, value, True
            yield from members(value, child)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            child = join_pointer(pointer, index)
            yield child, value, False
            yield from members(value, child)


def slow_verdict(record: Any, fix: Fix, schema: str) -> bool:
    fixed = jsonpatch.apply_patch(record, [op.to_dict() for op in fix.ops], in_place=False)
    return breaks(fixed, schema) <= breaks(record, schema)


def sample_records() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for path in sorted((FIXTURES / "profiles").glob("*.json")):
        value = json.loads(path.read_text(encoding="utf-8"))
        for item in value if isinstance(value, list) else [value]:
            found.append((path.name, item))
    for case in load_cases(FIXTURES / "rules"):
        record = case.data.get("record")
        if isinstance(record, dict):
            found.append((case.id, record))
    seed = json.loads((FIXTURES / "seed" / "seed-record.json").read_text(encoding="utf-8"))
    found.append(("seed", seed))
    return found


def fixes_for(record: Any) -> Iterator[Fix]:
    for pointer, _value, in_object in members(record):
        yield Fix.replace(pointer, None, "null")
        yield Fix.replace(pointer, 0, "zero")
        if in_object:
            yield Fix.remove(pointer, "remove")


def test_every_profile_schema_is_judged_locally_somewhere():
    """The fast path is taken (not always the fallback) for every shipped profile schema."""
    seed = json.loads((FIXTURES / "seed" / "seed-record.json").read_text(encoding="utf-8"))
    assert _local_verdict(seed, Fix.replace("/EPubDate", None, "null"),
                          "aggregator.schema.json") is True
    assert _local_verdict(seed, Fix.remove("/title", "remove"),
                          "aggregator.schema.json") is False  # required
    assert _local_verdict({"journal": {"volume": "3"}}, Fix.replace("/journal/volume", 0, "0"),
                          "aggregator.schema.json") is False  # not a text


@pytest.mark.parametrize("schema", SCHEMAS)
def test_local_verdict_agrees_with_whole_record_validation(schema):
    judged = 0
    for name, record in sample_records():
        for fix in fixes_for(record):
            local = _local_verdict(record, fix, schema)
            if local is None:
                continue
            judged += 1
            assert local == slow_verdict(record, fix, schema), (name, schema, fix)
    # A root with a combinator (DataCite's allOf, for the attributes-only form) always takes
    # the whole-record path; every other schema is judged locally for some fixes.
    assert judged > 0 or not _PLAIN.issuperset(load_schema(schema))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", " ", "x", "10.1/x",
                                                                       "2025-02-30", "PMC1"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["title", "doi", "journal", "volume", "pages", "author",
                                       "given", "family", "DOI", "id", "type", "issued",
                                       "attributes", "titles", "name", "url", "PMCID"]),
                      inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.sampled_from(["title", "doi", "journal", "DOI", "id", "type",
                                        "author", "attributes", "PMCID", "issued"]),
                       _JSON, max_size=5))
def test_local_verdict_agrees_on_generated_records(record):
    schema = get_profile(detect_profile(record).name).schema or "aggregator.schema.json"
    for fix in fixes_for(record):
        local = _local_verdict(record, fix, schema)
        if local is not None:
            assert local == slow_verdict(record, fix, schema), fix


def test_local_verdict_follows_each_record_along_a_kept_route():
    """The nodes kept for a pointer (the way through objects) serve only a record whose
    values on the way are objects: a list there is walked as such."""
    schema = "aggregator.schema.json"
    fix = Fix.replace("/authors/0", None, "Write null")
    as_object = {"title": "T", "authors": {"0": ""}}
    as_list = {"title": "T", "authors": [""]}
    for record in (as_object, as_list, as_object):
        local = _local_verdict(record, fix, schema)
        assert local is None or local == slow_verdict(record, fix, schema), record
    assert _local_verdict(as_list, fix, schema) is not None
