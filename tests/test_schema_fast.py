"""The compiled validator (jsonschema-rs) against python-jsonschema: a differential test.

lint/schema.py trusts the compiled validator to say "valid" and asks python-jsonschema to
explain the rest, value by value. Both must hold for every profile schema:

- the two agree on validity: the compiled validator says valid exactly when
  python-jsonschema (with its format checker) does, and never valid when it does not;
- the problems found the fast way (only the failing values explained) are those found by
  validating the whole record with python-jsonschema: same pointers, messages, fixes, order.

Checked on every fixture record, on every corpus record (slow; skipped without the corpus)
and on Hypothesis mutations of valid records: types swapped, strings emptied or blanked,
keys removed or added, format- and pattern-bearing values corrupted (including the places
where Rust's and Python's regex dialects differ). The long Hypothesis run is tox -e fuzz.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biblint.model import join_pointer
from biblint.profiles import PROFILES
from biblint.schema import (
    _PRINTABLE,
    SchemaProblem,
    _fast,
    _portable,
    _valid_here,
    fast_valid,
    schema_problems,
    slow_schema_problems,
    validator_for,
)
from biblint.testing import load_cases

from .conftest import FIXTURES, SEED, corpus_or_skip

SCHEMAS = sorted({p.schema for p in PROFILES.values() if p.schema})


def fixture_records() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [("seed", json.loads(SEED.read_text(encoding="utf-8")))]
    for path in sorted((FIXTURES / "profiles").glob("*.json")):
        value = json.loads(path.read_text(encoding="utf-8"))
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            found.append((f"{path.name}[{index}]", item))
    for case in load_cases(FIXTURES / "rules"):
        for key in ("record", "fixed"):
            record = case.data.get(key)
            if isinstance(record, dict):
                found.append((f"{case.id}:{key}", record))
    return found


FIXTURE_RECORDS = fixture_records()


def corpus_records(corpus: Path) -> Iterator[tuple[str, Any]]:
    from .test_corpus import corpus_files, unwrap

    for path in corpus_files(corpus):
        if path.suffix.lower() not in (".json", ".jsonl", ".ndjson"):
            continue  # the JSON profiles' schemas: XML, BibTeX, RIS records have none
        text = path.read_bytes().decode("utf-8-sig")
        lines = [line for line in text.split("\n") if line.strip()]
        try:
            values = ([json.loads(line) for line in lines]
                      if path.suffix.lower() in (".jsonl", ".ndjson")
                      else list(unwrap(json.loads(text))))
        except ValueError:
            try:
                values = [json.loads(line) for line in lines]
            except ValueError:
                continue  # the one invalid file, on purpose (see test_corpus)
        for index, value in enumerate(values):
            yield f"{path.relative_to(corpus)}[{index}]", value


def python_valid(record: Any, schema: str) -> bool:
    return bool(validator_for(schema).is_valid(record))


def assert_agree(record: Any, schema: str, name: str = "") -> bool:
    """Both validators' verdicts and both paths' problems agree; returns the validity."""
    root = validator_for(schema).schema
    valid = python_valid(record, schema)
    fast = fast_valid(schema, root, record)
    if fast is not None:
        assert fast == valid, (name, schema, "compiled", fast, "python", valid)
    problems = list(schema_problems(record, schema))
    assert problems == list(slow_schema_problems(record, schema)), (name, schema)
    where = [reported_at(p) for p in problems]
    above = {pointer[:end] for pointer in where for end in range(1, len(pointer))
             if pointer[end] == "/"}  # the containers of problems
    for skip in (frozenset(where), frozenset(where[::2]), frozenset(where[1::2]),
                 frozenset(above)):
        assert_skip_agrees(record, schema, skip, problems, name)
    return valid


def reported_at(problem: SchemaProblem) -> str:
    """Where REC003 reports a problem (a missing required key: at the key's pointer)."""
    name = re.fullmatch(r"required property '(.*)' is missing", problem.message)
    return join_pointer(problem.pointer, name[1]) if name else problem.pointer


def assert_skip_agrees(record: Any, schema: str, skip: frozenset[str],
                       problems: list[SchemaProblem], name: str = "") -> None:
    """``schema_problems`` with ``skip`` leaves out only problems reported at a skipped
    pointer, and keeps every other, in order."""
    skipped = list(schema_problems(record, schema, skip))
    remaining = iter(problems)
    assert all(any(p == q for q in remaining) for p in skipped), (name, schema, skip)
    assert ([p for p in skipped if reported_at(p) not in skip]
            == [p for p in problems if reported_at(p) not in skip]), (name, schema, skip)


def test_every_profile_schema_has_a_fast_path():
    """The shipped profile schemas are all taken on by the compiled validator (a schema
    falling back to python-jsonschema entirely would pass the agreement tests unnoticed)."""
    for schema in SCHEMAS:
        assert _fast(schema) is not None, schema
        assert fast_valid(schema, validator_for(schema).schema, {}) is not None, schema


def test_fast_path_asserts_formats_and_patterns_as_python_does():
    """Where Rust's own checks would differ from python-jsonschema's, the outcome is
    python-jsonschema's: an impossible date, a pattern's ``\\S`` on a file separator
    (whitespace to Python, not to Rust), ``$`` before a final newline (Python matches it)."""
    root = validator_for("aggregator.schema.json").schema
    base = {"title": "A title", "doi": "10.1000/182"}
    cases = [
        ({**base, "publicationDate": "2025-02-30"}, False),  # format: date
        ({**base, "publicationDate": "2025-02-28"}, True),
        ({**base, "title": "\x1c"}, False),  # \S: Python's whitespace
        ({**base, "title": "\ufeff"}, True),  # \S: not whitespace to Python
        ({**base, "publicationDate": "2025\n"}, True),  # ^[0-9]{4}$ matches before "\n"
        ({**base, "abstract": "<p\u0301 text"}, False),  # \b after p: U+0301 is not \w
        ({**base, "abstract": "<p² text"}, True),  # ... and ² is
    ]
    for record, valid in cases:
        assert python_valid(record, "aggregator.schema.json") is valid, record
        assert fast_valid("aggregator.schema.json", root, record) is valid, record
        assert_agree(record, "aggregator.schema.json")


def schema_patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            elif key not in ("enum", "const", "examples", "default"):
                yield from schema_patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from schema_patterns(item)


PATTERNS = sorted({p for schema in SCHEMAS for p in schema_patterns(validator_for(schema).schema)})


def test_portable_patterns():
    """The subset of regex syntax left to Rust on printable ASCII: every pattern of the
    profile schemas is in it; whatever reads differently in the two dialects is not."""
    assert all(_portable(pattern) for pattern in PATTERNS), PATTERNS
    for pattern in ["(?i)a", "a*+", "a?+", "a**", "a(?=b)", "(?P<x>a)", r"(a)\1", "[[:alpha:]]",
                    "[a&&b]", "[a--b]", "[a~~b]", r"a\Z", r"\Aa", "a{,3}", "a{2}?", "a??", "*a",
                    "é", "[]a]", r"\n", r"[\b]", r"\p{L}", r"\x41", "a{"]:
        assert not _portable(pattern), pattern


PORTABLE_FORMS = [r"\.", r"\/", r"\+", r"\*", r"\?", r"\(", r"\)", r"\[", r"\]", r"\{", r"\}",
                  r"\|", r"\^", r"\$", r"\-", r"\\", r"[a-b-c]", r"[-a]", r"[a-]", r"[\.-z]",
                  r"[0-9,-,%]", r"[.]", r"[$^]", r"[a^]", r"[|]", r"[^a-c]", r"a{2}", r"a{1,}",
                  r"(ab)+$", r"^\S+$", r"\bx\b", r"[\w.-]+", r"^(a|b.)*$", r"\d\D\s\W"]


def test_portable_forms_match_alike():
    """Beyond the profile schemas' own patterns (users' profiles bring theirs): each form
    the portable subset allows is matched alike by Rust and Python on every string of one
    or two printable ASCII characters from a varied alphabet."""
    import itertools

    import jsonschema_rs

    probes = [chr(c) for c in range(0x20, 0x7F)] + [
        "".join(pair) for pair in itertools.product(" a-.,/\\1_x(b", repeat=2)]
    for pattern in PORTABLE_FORMS:
        assert _portable(pattern), pattern
        rust = jsonschema_rs.validator_for({"pattern": pattern})
        for text in probes:
            assert rust.is_valid(text) == (re.search(pattern, text) is not None), (pattern, text)


def test_rust_reads_the_printable_guard_as_python_does():
    import jsonschema_rs

    guard = jsonschema_rs.validator_for({"pattern": _PRINTABLE})
    for text in ["", "abc", " ~", "a b/c"]:
        assert guard.is_valid(text), text
    for text in ["abc\n", "\n", "a\x1cb", "\x7f", "é", "\u2028", "a\rb", "\t"]:
        assert not guard.is_valid(text), text


PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


@pytest.mark.parametrize("pattern", PATTERNS)
@given(data=st.data())
def test_portable_patterns_match_alike_on_printable_ascii(pattern, data):
    """Rust's match of each profile-schema pattern on printable ASCII is Python's (strings
    built mostly of the pattern's own characters and of the prefixes the patterns look
    for, so that they do match sometimes)."""
    import jsonschema_rs

    own = sorted({c for c in pattern if " " <= c <= "~"} | set("0123456789abW/.:-<> "))
    prefix = data.draw(st.sampled_from(["", "10.1000/", "10.12345/", "https://",
                                        "https://doi.org/10.", "https://openalex.org/W",
                                        "http://", "PMC", "2025", "2025-", "<", "</", "<p",
                                        "</jats:"]))
    body = data.draw(st.text(alphabet=st.sampled_from(own), max_size=16)
                     | st.text(alphabet=PRINTABLE, max_size=16))
    rust = jsonschema_rs.validator_for({"pattern": pattern})
    for sample in (prefix + body, body, body + prefix):
        assert rust.is_valid(sample) == (re.search(pattern, sample) is not None), sample


def test_values_that_are_not_plain_json_go_to_python():
    """A tuple is an array to Rust but not to python-jsonschema; a Decimal is a number to
    python-jsonschema; Rust cannot take a lone surrogate or a key that is not a string; JSON
    has no NaN: the compiled validator is not asked about any of them."""
    root = validator_for("aggregator.schema.json").schema
    base = {"title": "A title", "doi": "10.1000/182"}
    for odd in ({**base, "authors": ("A. Author",)}, {**base, "PeriodicalIF": Decimal("1.5")},
                {**base, "title": "\ud800"}, {3: "x", **base, "title": 5},
                {**base, "journal": {1: "x", "name": 5}}, {**base, "PeriodicalIF": math.nan}):
        assert fast_valid("aggregator.schema.json", root, odd) is None
        assert list(schema_problems(odd, "aggregator.schema.json")) == list(
            slow_schema_problems(odd, "aggregator.schema.json"))


def test_an_invalid_record_is_explained_only_where_it_fails(monkeypatch):
    """python-jsonschema sees the failing values, not the whole record."""
    import biblint.schema as module

    seen: list[Any] = []
    real = module._leaf_problems

    def spy(schema_file: str, node: Any, value: Any, path: tuple[str | int, ...]) -> Any:
        seen.append(path)
        return real(schema_file, node, value, path)

    monkeypatch.setattr(module, "_leaf_problems", spy)
    record = {"title": "A title", "doi": "10.1000/182", "citationCount": "12",
              "journal": {"name": "J", "volume": "", "pages": "1-2"}, "abstract": "Plain."}
    problems = list(schema_problems(record, "aggregator.schema.json"))
    assert [p.pointer for p in problems] == ["/citationCount", "/journal/volume"]
    assert seen == [("citationCount",), ("journal", "volume")]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_fixture_records_agree(schema):
    """Every fixture record against every profile schema (its own and the others, which
    gives many invalid records)."""
    verdicts = {assert_agree(record, schema, name) for name, record in FIXTURE_RECORDS}
    assert verdicts == {True, False} or schema.startswith("datacite"), verdicts


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_records_agree():
    corpus = corpus_or_skip()
    count = 0
    for name, record in corpus_records(corpus):
        for schema in SCHEMAS:
            assert_agree(record, schema, name)
        count += 1
    assert count > 1000


def test_local_verdicts_agree():
    """The fast answer to "is this value valid against this subschema" (the local verdicts
    of blank-value fixes) is python-jsonschema's, node by node of every profile schema, on
    a set of awkward values (tests/test_schema.py holds the local verdicts themselves to
    whole-record validation)."""
    values = [None, True, 0, 1, -1, 1.0, 1.5, -0.0, math.inf, math.nan, 2**70, "", " ",
              "0", "x", "\x1c", "2025-02-30", "2025-02-28", "10.1000/182", [], [""], {},
              {"name": ""}]
    for schema in SCHEMAS:
        for node in schema_nodes(validator_for(schema).schema):
            for value in values:
                python = bool(validator_for(schema).evolve(schema=node).is_valid(value))
                fast = fast_valid(schema, node, value)
                assert fast is None or fast == python, (schema, node, value)
                assert _valid_here(schema, node, value) == python


def schema_nodes(node: Any) -> Iterator[Any]:
    """The nodes of an (inlined) schema reachable through properties, items and the
    combinators: the ones the engine validates values against."""
    if not isinstance(node, dict):
        return
    yield node
    for key in ("properties", "$defs", "definitions"):
        for sub in (node.get(key) or {}).values():
            yield from schema_nodes(sub)
    for key in ("items", "additionalProperties", "not"):
        yield from schema_nodes(node.get(key))
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in node.get(key) or ():
            yield from schema_nodes(sub)


def members(data: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            child = join_pointer(pointer, key)
            yield child, value
            yield from members(value, child)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            child = join_pointer(pointer, index)
            yield child, value
            yield from members(value, child)


# Hypothesis: mutations of valid records ----------------------------------------------------

VALID = {schema: [record for _name, record in FIXTURE_RECORDS
                  if python_valid(record, schema)] for schema in SCHEMAS}

CORRUPT_STRINGS = [
    "", " ", "\t", "\x1c", "\ufeff", "\u00a0", "x", "0", "12", "-1", "1.5", "true", "null",
    "2025-02-30", "2025-02-28", "2025-13-01", "2025", "2025-02", "2025\n", " 2025-02-28",
    "2025-02-28T10:00:00Z", "2025-02-28T25:00:00", "not a uri", "http://", "https://doi.org/",
    "https://doi.org/10.1000/182", "https://doi.org/10.1000/182\n", "ftp://x", "10.1000/182",
    "10.1000/ 182", "10.1/x", "PMC0", "PMC12", "PMC12\n", "W123", "https://openalex.org/W1",
    "https://openalex.org/W1\n", "<p>x</p>", "<p\u0301", "<p²", "<jats:p>", "a" * 40,
    "0123456789abcdef0123456789abcdef01234567", "é", "医学", "\u2028",
]
"""Values that break (or only just pass) the patterns and formats of the profile schemas,
with the places where Python's and Rust's regex and whitespace rules differ."""

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 5), st.sampled_from([2**63, 2**64, -(2**70)]),
    st.sampled_from([0.0, -0.0, 1.0, 2.5, -1.5, 1e300, math.inf, -math.inf, math.nan]),
    st.sampled_from(CORRUPT_STRINGS), st.text(max_size=6),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["url", "name", "given", "family", "date-parts", "DOI", "x", ""]),
        inner, max_size=3),
    max_leaves=6,
)
ADDED_KEYS = st.sampled_from(
    ["title", "doi", "DOIUrl", "url", "abstract", "citationCount", "journal", "PMCID", "PMID",
     "publicationDate", "EPubDate", "PubModel", "JCR", "RegionNum", "authors", "DOI", "type",
     "issued", "author", "created", "published", "id", "publication_date", "externalIds",
     "attributes", "titles", "publicationYear", "paperId", "year", "x-unknown", "volume"])


def places(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Paths of every value below ``data`` (not the root)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*path, index)
            yield from places(value, (*path, index))


def parent_of(data: Any, path: tuple[str | int, ...]) -> Any:
    for token in path[:-1]:
        data = data[token]
    return data


@st.composite
def mutated(draw: st.DrawFn, schema: str) -> Any:
    record = json.loads(json.dumps(draw(st.sampled_from(VALID[schema]))))
    for _ in range(draw(st.integers(1, 3))):
        spots = list(places(record))
        kind = draw(st.sampled_from(["replace", "string", "remove", "add", "swap"]))
        if kind == "add" or not spots:
            target = record
            if spots and draw(st.booleans()):
                inner = parent_of(record, (*draw(st.sampled_from(spots)), ""))
                target = inner if isinstance(inner, dict) else record
            target[draw(ADDED_KEYS)] = draw(JSON)
            continue
        path = draw(st.sampled_from(spots))
        parent = parent_of(record, path)
        old = parent[path[-1]]
        if kind == "remove":
            del parent[path[-1]]
        elif kind == "string":
            parent[path[-1]] = draw(st.sampled_from(CORRUPT_STRINGS))
        elif kind == "swap":  # the same content, another type
            parent[path[-1]] = (str(old) if not isinstance(old, str)
                                else [old] if draw(st.booleans()) else {"value": old})
        else:
            parent[path[-1]] = draw(JSON)
    return record


@pytest.mark.parametrize("schema", SCHEMAS)
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_records_agree(schema, data):
    if not VALID[schema]:
        pytest.skip(f"no fixture record is valid against {schema}")
    assert_agree(data.draw(mutated(schema)), schema)


def test_importing_biblint_compiles_no_schema():
    """Cold start: the compiled validator is built on first use, once per schema."""
    import subprocess
    import sys

    code = ("import sys, biblint, biblint.rules; from biblint.schema import _fast; "
            "print('jsonschema_rs' in sys.modules, _fast.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "0"]
    assert _fast("aggregator.schema.json") is _fast("aggregator.schema.json")


# Schemas of users' own profiles: the fast path is generic ---------------------------------

SYNTHETIC: dict[str, dict[str, Any]] = {
    "synthetic-2020.json": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object", "required": ["a"],
        "properties": {
            "a": {"type": "string", "pattern": "^x"},
            "b": False,
            "c": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["d"], "properties": {"d": {"enum": [1, "1", None]}},
                "additionalProperties": {"type": "integer"}}},
            "e": {"oneOf": [{"type": "integer"}, {"type": "string", "format": "date"}]},
            "f": {"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"const": 0}},
            "g": {"not": {"type": "null"}},
            "h": {"type": "object", "additionalProperties": False,
                  "properties": {"i": {"type": "boolean"}}},
            "j": {"$ref": "#/$defs/node"},
            "k": {"type": "string", "format": "uri"},
            # Recursion through the root and through a property: "#" and "#/properties/t"
            # name the root's parts, not the node's, wherever the node is compiled.
            "r": {"type": "object", "properties": {"up": {"$ref": "#"}}},
            "t": {"type": "object", "properties": {"t": {"type": "integer"}, "kids": {
                "type": "array", "items": {"$ref": "#/properties/t"}}}},
        },
        "additionalProperties": {"type": ["string", "null"], "maxLength": 3},
        "$defs": {"node": {"type": "object", "properties": {
            "next": {"$ref": "#/$defs/node"},
            "v": {"type": "number", "minimum": 0, "exclusiveMaximum": 10}}}},
    },
    "synthetic-07.json": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "definitions": {"s": {"type": "string", "pattern": "\\S", "minLength": 1}},
        "properties": {
            "a": {"$ref": "#/definitions/s"},
            "n": {"type": ["integer", "null"], "maximum": 5},
            "l": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
            "c": {"type": "array", "items": {"$ref": "#/definitions/s"}, "maxItems": 2},
        },
        "required": ["a", "n"],
    },
    "synthetic-loop.json": {  # a definition that refers back to the root
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object", "required": ["a"],
        "properties": {"w": {"$ref": "#/$defs/loop"}, "a": {"type": "string", "minLength": 1}},
        "$defs": {"loop": {"type": "object", "properties": {
            "back": {"$ref": "#"}, "n": {"type": "integer"}}}},
    },
    "synthetic-unsupported.json": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object", "patternProperties": {"^x": {"type": "integer"}},
        "properties": {"a": {"type": "string"}},
    },
}


@pytest.fixture(scope="module")
def synthetic() -> Iterator[None]:
    """The synthetic schemas readable by name (validators are cached by name, and these
    names are not the shipped schemas')."""
    import biblint.schema as module

    real = module.load_schema
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "load_schema",
                      lambda name: SYNTHETIC[name] if name in SYNTHETIC else real(name))
        yield


def test_a_schema_with_keywords_the_fast_path_does_not_take_on_is_python_s(synthetic):
    assert _fast("synthetic-unsupported.json") is None
    record = {"a": "x", "n": None}
    assert fast_valid("synthetic-unsupported.json", {}, record) is None
    for schema in ("synthetic-2020.json", "synthetic-07.json"):
        root = validator_for(schema).schema
        assert fast_valid(schema, root, record) is True, schema  # compiled, recursion and all
        assert fast_valid(schema, root, {"a": 1, "n": None}) is False, schema
    # A node whose $ref names the root (or a part of it) is not compiled on its own...
    root = validator_for("synthetic-2020.json").schema
    assert fast_valid("synthetic-2020.json", root["properties"]["r"], {"up": {"a": 1}}) is None
    assert fast_valid("synthetic-2020.json", root["properties"]["t"], {"t": 1}) is None
    # So is one whose $refs lead, through the definitions, back to the root.
    root = validator_for("synthetic-loop.json").schema
    assert fast_valid("synthetic-loop.json", root, {"a": "x", "w": {"n": 1}}) is True
    assert fast_valid("synthetic-loop.json", root["properties"]["w"], {"n": 1}) is None
    for record in ({"a": "x", "w": {"back": {"a": ""}}}, {"a": "x", "w": {"back": {"a": "y",
                   "w": {"n": "1", "back": {}}}}}):
        assert_agree(record, "synthetic-loop.json")
    # ... and records through it are explained as python-jsonschema explains them.
    for record in ({"a": "x", "r": {"up": {"a": 1}}}, {"a": "x", "r": {"up": {"a": "x"}}},
                   {"a": "x", "t": {"kids": [{"kids": [{"t": "1"}]}]}}):
        assert_agree(record, "synthetic-2020.json")


SYNTHETIC_KEYS = st.sampled_from([*"abcdefghijklnrtvwx", "next", "xy", "i", "up", "kids",
                                  "back"])
SYNTHETIC_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(SYNTHETIC_KEYS, inner, max_size=3),
    max_leaves=8,
)


@pytest.mark.parametrize("schema", sorted(SYNTHETIC))
@given(record=st.dictionaries(SYNTHETIC_KEYS, SYNTHETIC_JSON, max_size=6))
def test_synthetic_schemas_agree(synthetic, schema, record):
    assert_agree(record, schema)


# Scalars explained from cached causes (lint/schema.py, "Explaining a scalar without
# python-jsonschema") ------------------------------------------------------------------------

def python_leaf_problems(schema: str, node: Any, value: Any,
                         path: tuple[str | int, ...]) -> list[Any]:
    """What python-jsonschema alone says of ``value`` against ``node`` at ``path``."""
    from biblint.schema import _explained, _node_validator

    errors = list(_node_validator(schema, node).iter_errors(value))
    for error in errors:
        error.path.extendleft(reversed(path))
    return list(_explained(errors))


def test_container_keywords_yield_nothing_for_scalars():
    """The keywords the cached causes skip never yield an error for a scalar, in any draft
    of the profile schemas (the functions are python-jsonschema's own)."""
    from biblint.schema import CONTAINER_KEYWORDS

    rules: dict[str, Any] = {"required": ["a"], "minProperties": 1, "maxProperties": 0,
                             "minItems": 1, "maxItems": 0, "minContains": 1, "maxContains": 0,
                             "uniqueItems": True, "dependentRequired": {"a": ["b"]},
                             "dependencies": {"a": ["b"]}, "prefixItems": [False],
                             "items": False, "additionalItems": False, "contains": False,
                             "unevaluatedItems": False, "unevaluatedProperties": False,
                             "propertyNames": False, "additionalProperties": False,
                             "patternProperties": {"": False}, "properties": {"a": False},
                             "dependentSchemas": {"a": False}}
    assert set(rules) == CONTAINER_KEYWORDS
    scalars = [None, True, False, 0, 1, -1, 2**70, 1.5, "", " ", "a", "0"]
    for schema in SCHEMAS:
        validator = validator_for(schema)
        for name, function in validator.VALIDATORS.items():
            if name not in CONTAINER_KEYWORDS:
                continue
            for value in scalars:
                schema_node = {name: rules[name]}
                assert list(function(validator, rules[name], value, schema_node)) == [], (
                    schema, name, value)


LEAF_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 5),
                         st.sampled_from([2**63, -(2**70)]), st.sampled_from(CORRUPT_STRINGS),
                         st.text(max_size=6))
NODES = [(schema, node) for schema in SCHEMAS
         for node in schema_nodes(validator_for(schema).schema)]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(place=st.sampled_from(NODES), first=LEAF_SCALARS, second=LEAF_SCALARS)
def test_scalars_explained_from_cached_causes_as_python_does(place, first, second):
    """A scalar explained from the causes another value of its class left in the cache gets
    python-jsonschema's own problems: pointer, message and fix."""
    import biblint.schema as module

    schema, node = place
    module._CAUSES.clear()
    module._LEAF_PROBLEMS.clear()
    for value in (first, second):
        path = ("x", 0)
        expected = python_leaf_problems(schema, node, value, path)
        assert module._leaf_problems(schema, node, value, path) == expected, (node, value)


def test_scalars_of_one_class_share_their_causes():
    """"273" and "12" in place of an integer: python-jsonschema explains the first only."""
    import biblint.schema as module

    schema = "aggregator.schema.json"
    node = validator_for(schema).schema["properties"]["citationCount"]
    module._CAUSES.clear()
    assert module._atoms(schema, node) is not None
    calls: list[Any] = []
    real = module._causes
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_causes", lambda *args: calls.append(args) or real(*args))
        for text in ("273", "12", "x"):
            assert module._leaf_problems(schema, node, text, ("citationCount",)) == (
                python_leaf_problems(schema, node, text, ("citationCount",)))
    assert len(calls) == 1


def test_skipping_keeps_problems_that_depend_on_a_skipped_value(tmp_path):
    """A problem outside the skipped pointers that a skipped value causes (through ``if``)
    stays: a value is replaced for one validation of the rest only under decomposable
    nodes, where no member's problems depend on another's value."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {"a": {"type": ["integer", "null"]}, "b": {"type": "string"}},
              "if": {"properties": {"a": {"type": "string"}}, "required": ["a"]},
              "then": {"required": ["c"]}}
    path = tmp_path / "if.schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    record = {"a": "x", "b": "y"}
    problems = list(schema_problems(record, str(path)))
    assert sorted(reported_at(p) for p in problems) == ["/a", "/c"]
    assert fast_valid(str(path), validator_for(str(path)).schema, record) is False
    assert [reported_at(p) for p in schema_problems(record, str(path), frozenset({"/a"}))
            if reported_at(p) != "/a"] == ["/c"]
    assert_skip_agrees(record, str(path), frozenset({"/a"}), problems)
