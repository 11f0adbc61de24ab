"""Hypothesis fuzzing of the reader, the rules and the fixer through the library API.

* the reader never raises, whatever the bytes: problems are IO00x findings with a position;
* truncated or corrupted JSON never raises, and a file that does not read is never rewritten;
* every safe fix is idempotent, clears its own finding and leaves the input alone;
* fixing a file gives exactly what :func:`biblint.fix` gives for each of its records.

Profiles (tests/conftest.py): HYPOTHESIS_PROFILE=default (100 examples), ci (the same,
derandomized), fuzz (5000 examples).
"""

from __future__ import annotations

import codecs
import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import biblint
from biblint import Applicability, Linter
from biblint.registry import default_registry
from biblint.schema import breaks

from .conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_RECORD: dict[str, Any] = json.loads(SEED_TEXT)
IO_CODES = {r.code for r in default_registry() if r.scope == "input"}
NAMES = ["x.json", "x.jsonl", "x.ndjson"]

# Other record shapes, so that the profiles besides the seed's are exercised too.
CROSSREF_WORK: dict[str, Any] = {
    "DOI": "10.1002/ecy.1234", "URL": "https://doi.org/10.1002/ecy.1234", "type":
    "journal-article", "title": ["A <i>title</i>"], "container-title": ["Ecology"],
    "page": "111-128", "volume": "98", "issue": "1", "ISSN": ["0012-9658"],
    "author": [{"given": "A", "family": "SMITH"}], "reference-count": 12,
    "is-referenced-by-count": 3, "abstract": "<jats:p>Text.</jats:p>", "member": "311",
    "prefix": "10.1002", "indexed": {"date-parts": [[2020, 1, 1]]},
    "issued": {"date-parts": [[2017]]},
}
OPENALEX_WORK: dict[str, Any] = {
    "id": "https://openalex.org/W123", "doi": "https://doi.org/10.1/abc", "title": "T",
    "display_name": "T", "publication_year": 2020, "publication_date": "2020-01-01",
    "authorships": [{"author": {"display_name": "A B"}}], "cited_by_count": 4,
    "biblio": {"volume": "1", "issue": None, "first_page": "1", "last_page": "9"},
    "ids": {"doi": "https://doi.org/10.1/abc", "pmid": "https://pubmed.ncbi.nlm.nih.gov/1"},
}
S2_PAPER: dict[str, Any] = {
    "paperId": "a" * 40, "externalIds": {"DOI": "10.1/xyz", "PubMedCentral": "123"},
    "title": "T", "year": 2020, "authors": [{"authorId": "1", "name": "A B"}],
    "journal": {"name": "J", "pages": " 1-10", "volume": "3"}, "citationCount": 1,
    "publicationDate": None, "openAccessPdf": {"url": "", "status": None},
}
CSL_ITEM: dict[str, Any] = {
    "id": "item-1", "type": "article-journal", "title": "A title.", "author": [
        {"family": "Doe", "given": "Jane"}], "container-title": "Journal", "issued": {
        "date-parts": [[2021, 5, 3]]}, "DOI": "10.1000/182123", "page": "1-10", "ISSN": "0012-9658",
}
DATACITE_DOI: dict[str, Any] = {
    "id": "10.5061/dryad.8515", "type": "dois", "attributes": {
        "doi": "10.5061/dryad.8515", "titles": [{"title": "Data from: A study"}],
        "creators": [{"name": "Doe, Jane", "nameType": "Personal"}], "publicationYear": 2011,
        "types": {"resourceTypeGeneral": "Dataset"},
        "url": "https://datadryad.org/stash/dataset/doi:10.5061/dryad.8515"},
}
BASES = [SEED_RECORD, CROSSREF_WORK, OPENALEX_WORK, S2_PAPER, CSL_ITEM, DATACITE_DOI]

# -- strategies ---------------------------------------------------------------------------------

JSONISH_TOKENS = st.sampled_from([
    "{", "}", "[", "]", ",", ":", '"', '"doi"', '"title"', '"10.1/x"', '"DOIUrl"', "null",
    "true", "false", "0", "-1.5e3", "01", "NaN", "Infinity", "-Infinity", "\n", "\r\n", " ",
    "\t", '"\\ud800"', '"\\u00e9"', '"é"', "\\", '""', "{}", "[]", '{"a": 1}', "\ufeff",
])


@st.composite
def jsonish_bytes(draw: st.DrawFn) -> bytes:
    """Bytes that are often almost JSON: tokens in some encoding, with or without a BOM."""
    text = "".join(draw(st.lists(JSONISH_TOKENS, max_size=40)))
    encoding = draw(st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le"]))
    data = text.encode(encoding, "surrogatepass")
    bom = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE,
           "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}[encoding]
    if encoding != "utf-8" or draw(st.booleans()):
        data = bom + data
    if draw(st.booleans()):
        position = draw(st.integers(0, len(data)))
        data = data[:position] + draw(st.binary(min_size=1, max_size=3)) + data[position:]
    return data


ANY_BYTES = st.one_of(st.binary(max_size=200), jsonish_bytes())


def check_result(result: biblint.FileResult) -> None:
    assert isinstance(result, biblint.FileResult)
    assert result.errors == []
    for finding in result.findings:
        assert isinstance(finding, biblint.Finding)
        if finding.code.startswith("IO"):
            assert finding.code in IO_CODES - {"IO001"}
            assert finding.line is not None and finding.line >= 1
            assert finding.column is not None and finding.column >= 1
            assert finding.fix is None


@pytest.mark.parametrize("name", NAMES)
@given(data=ANY_BYTES)
@example(data=b"")
@example(data=b"\xef\xbb\xbf")
@example(data=b"\xff\xfe\x00")
@example(data=b'{"a": 1}\n\xff\n')
@example(data=b"[" * 5000)
def test_reader_never_raises_on_arbitrary_bytes(name, data):
    result = Linter().check_bytes(data, name)
    check_result(result)
    new, fixed = Linter().fix_bytes(data, name)
    check_result(fixed)
    if any(f.code in IO_CODES for f in result.findings):
        assert new == data  # a file that does not read is never rewritten


# -- mutations of valid JSON text ---------------------------------------------------------------

VALID_TEXTS = [
    ("seed.json", SEED_TEXT),
    ("seed-min.json", json.dumps(SEED_RECORD, ensure_ascii=False, separators=(",", ":"))),
    ("seed-ascii.json", json.dumps(SEED_RECORD, indent=1)),
    ("dump.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in BASES)),
    ("page.json", json.dumps({"message-type": "work-list",
                              "message": {"items": [CROSSREF_WORK, CROSSREF_WORK]}}, indent=2)),
    ("results.json", json.dumps({"results": [OPENALEX_WORK]})),
]


@st.composite
def mutated_texts(draw: st.DrawFn) -> tuple[str, bytes]:
    name, text = draw(st.sampled_from(VALID_TEXTS))
    data = text.encode("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "insert", "delete", "replace"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            data = data[:position]
        elif kind == "insert":
            data = data[:position] + bytes([draw(st.integers(0, 255))]) + data[position:]
        elif kind == "delete":
            data = data[:position] + data[position + 1:]
        else:
            data = data[:position] + bytes([draw(st.integers(0, 255))]) + data[position + 1:]
    return name, data


@given(mutated_texts())
def test_mutated_json_never_raises(case):
    name, data = case
    result = Linter().check_bytes(data, name)
    check_result(result)
    new, fixed = Linter().fix_bytes(data, name)
    check_result(fixed)
    if any(f.code in IO_CODES for f in result.findings):
        assert new == data


# -- records: mutations of the seed and of the other shapes -------------------------------------

STRINGS = st.one_of(
    st.sampled_from(["", " ", "  \t", "0", "00", "0012", "1e3", "12-15", "e1234", "N/A",
                     "null", "None", "<p>x</p>", "<p><p>Text</p>", "<jats:p>Abstract</jats:p>",
                     "<i>Title</i>.", "A &amp; B", "Title.", "TITLE IN CAPS.", "10.1/x",
                     "https://doi.org/10.1177/15266028251361770", "doi:10.1/X",
                     "PMC123", "123", "Smith J, Doe A", "Smith, J.; Doe, A.", "2020-13-45",
                     "2025-08-23", "\u00a0x\u00a0", "caf\u00c3\u00a9", "x\u200b", "\ud800"]),
    st.text(max_size=20),
    st.text(alphabet="0123456789 -–,.", max_size=8),
    st.from_regex(r"<(p|i|b|sup|jats:p)>[a-z ]{0,8}(</\1>)?", fullmatch=True),
)
SCALARS = st.one_of(
    STRINGS,
    st.integers(min_value=-(2**63), max_value=2**63),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(STRINGS, max_size=4),
    st.lists(st.one_of(SCALARS, st.dictionaries(st.sampled_from(["name", "given", "family"]),
                                                STRINGS, max_size=3)), max_size=3),
    st.dictionaries(st.sampled_from(["name", "volume", "pages", "issue", "url"]), SCALARS,
                    max_size=4),
)


def _pointers(value: Any, pointer: str = "") -> list[str]:
    found = [pointer] if pointer else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_pointers(child, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_pointers(child, f"{pointer}/{index}"))
    return found


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A base record with a few values replaced, removed or added."""
    record = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 6))):
        pointers = _pointers(record)
        action = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add"]))
        if action == "add" or not pointers:
            key = draw(st.one_of(st.sampled_from(sorted(SEED_RECORD)), st.text(max_size=6)))
            record[key] = draw(VALUES)
            continue
        pointer = draw(st.sampled_from(pointers))
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        parent: Any = record
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last: Any = int(parts[-1]) if isinstance(parent, list) else parts[-1]
        if action == "remove":
            del parent[last]
        else:
            parent[last] = draw(VALUES)
    return record


def schema_breaks(record: Any, original: Any) -> set[str]:
    """Pointers where ``record`` breaks the schema of ``original``'s profile."""
    profile = Linter().make_record(original).profile
    if not profile.schema or not isinstance(record, dict):
        return set()
    return breaks(record, profile.schema)


def safe_fixable(findings: list[biblint.Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in findings
            if f.fix is not None and f.fix.applicability is Applicability.SAFE]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(records())
@example(SEED_RECORD)
@example(CROSSREF_WORK)
@example(OPENALEX_WORK)
@example(S2_PAPER)
@example(CSL_ITEM)
@example(DATACITE_DOI)
def test_safe_fixes_are_idempotent_and_clear_their_findings(record):
    before = copy.deepcopy(record)
    findings = biblint.lint(record)
    assert record == before
    first = biblint.fix(record)
    assert record == before, "biblint.fix mutated its input"
    assert first.record is not record
    # Idempotent: fixing the fixed record changes nothing.
    second = biblint.fix(first.record)
    assert second.fixed == []
    assert second.record == first.record
    # Nothing safe-fixable is left, and what remains is what lint reports.
    remaining = biblint.lint(first.record)
    assert safe_fixable(remaining) == []
    assert sorted((f.code, f.pointer) for f in remaining) == sorted(
        (f.code, f.pointer) for f in first.remaining)
    # Every safe-fixable finding of the input was fixed (or removed by another fix).
    assert set(safe_fixable(findings)) <= {(f.code, f.pointer) for f in first.fixed} | {
        (f.code, f.pointer) for f in findings if f not in first.fixed}
    assert all(f in findings for f in first.fixed)
    # The output is still JSON, and fixing broke nothing its profile's schema states.
    assert json.loads(json.dumps(first.record, allow_nan=False)) == first.record
    assert schema_breaks(first.record, record) <= schema_breaks(record, record)
    # Unsafe fixes too: still converge, still leave the input alone.
    unsafe = biblint.fix(record, unsafe=True)
    assert record == before
    assert biblint.fix(unsafe.record, unsafe=True).fixed == []


# -- write-back ---------------------------------------------------------------------------------


def _exact(value: Any) -> str:
    """A comparison key that tells 0 from 0.0 and 1 from True (Python's == does not)."""
    return json.dumps(value, sort_keys=True)


def _dump_json(value: Any, indent: Any, ensure_ascii: bool) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(records(), min_size=1, max_size=4),
    st.sampled_from(["array", "jsonl", "single"]),
    st.sampled_from([None, 1, 2, 4, "\t"]),
    st.booleans(),
)
def test_fixing_a_file_gives_what_fix_gives_each_record(items, layout, indent, ensure_ascii):
    if layout == "single":
        items = items[:1]
        text = _dump_json(items[0], indent, ensure_ascii)
        name = "one.json"
    elif layout == "array":
        text = _dump_json(items, indent, ensure_ascii)
        name = "many.json"
    else:
        text = "".join(_dump_json(r, None, ensure_ascii) + "\n" for r in items)
        name = "many.jsonl"
    # A lone surrogate is written as its escape (raw, it is not UTF-8).
    data = text.encode("utf-8", "backslashreplace")
    expected = [biblint.fix(r).record for r in items]
    new, result = Linter().fix_bytes(data, name)
    assert result.errors == [], result.errors
    if layout == "jsonl":
        # Split on "\n" only: str.splitlines() also splits at U+0085 and U+2028.
        new_lines = new.decode("utf-8").split("\n")
        assert new_lines.pop() == ""
        got = [json.loads(line) for line in new_lines]
        assert len(got) == len(items)
        old_lines = data.decode("utf-8").split("\n")
        for before, after, old, line in zip(items, expected, old_lines, new_lines, strict=False):
            if _exact(after) == _exact(before):
                assert line == old  # untouched records keep their bytes
    elif layout == "array":
        got = json.loads(new)
    else:
        got = [json.loads(new)]
    assert _exact(got) == _exact(expected)
    if _exact(expected) == _exact(items):
        assert new == data
    assert safe_fixable(result.findings) == []
    assert not any(f.code in IO_CODES for f in result.findings)


def test_lone_surrogate_in_a_record_key():
    """A lone surrogate (a \\ud800 escape) in a DOI still gives findings, not a crash."""
    record = dict(SEED_RECORD, doi="10.1177/\ud800")
    assert isinstance(biblint.lint(record), list)
    result = Linter().check_bytes(json.dumps(record).encode(), "s.json")
    assert result.errors == []
