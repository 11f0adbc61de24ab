"""The engine's fast paths give exactly what the plain ways give (findings, positions)."""

from __future__ import annotations

import ast
import json
import pickle
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biblint import Linter, jsonspan
from biblint.jsonspan import Node, SpanError, scan
from biblint.model import Finding, Fix, Severity, make_finding
from biblint.report import RenderOptions, sarif
from biblint.report import json as json_report
from biblint.report.jsontext import compact, dumps_indented

from .conftest import CORPUS, SEED
from .test_jsonspan import dumped

_FIELDS = st.tuples(
    st.text(max_size=8), st.text(max_size=8), st.sampled_from(list(Severity)),
    st.text(max_size=20), st.text(max_size=12),
    st.none() | st.builds(Fix.replace, st.text(max_size=5), st.integers(), st.text(max_size=5)),
    st.none() | st.text(max_size=5), st.none() | st.integers(0, 99),
    st.none() | st.integers(1, 99), st.none() | st.integers(1, 99), st.text(max_size=20))


@settings(max_examples=100, deadline=None)
@given(_FIELDS)
def test_make_finding_is_the_dataclass(fields: tuple[object, ...]) -> None:
    made, plain = make_finding(*fields), Finding(*fields)  # type: ignore[arg-type]
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert made.__dict__ == plain.__dict__ and list(made.__dict__) == list(plain.__dict__)
    assert pickle.dumps(made) == pickle.dumps(plain) and pickle.loads(pickle.dumps(made)) == plain
    assert made.to_dict() == plain.to_dict() and made.sort_key() == plain.sort_key()


# -- jsonspan: whole simple members in one match --------------------------------------------


def _tree(node: Node) -> Any:
    """Every span of a node's tree (mapping every level)."""
    spans = (node.start, node.end, node.key_start, node.key_end)
    if node.members is not None:
        return spans, "{", [(key, _tree(child)) for key, child in node.members.items()]
    if node.items is not None:
        return spans, "[", [_tree(child) for child in node.items]
    return spans


def _scanned(text: str, along: str = "") -> Any:
    try:
        return _tree(scan(text, along=along))
    except SpanError as exc:
        return "SpanError", str(exc)


def _general(text: str, along: str = "") -> Any:
    """The scan without the one-match path (a pattern that never matches)."""
    saved = jsonspan._SIMPLE_MEMBER
    jsonspan._SIMPLE_MEMBER = re.compile(r"(?!)")
    try:
        return _scanned(text, along)
    finally:
        jsonspan._SIMPLE_MEMBER = saved


_BROKEN = st.sampled_from(['"', "\\", ",", "}", "]", ":", "0", "-", "NaN", "e", "\n", "\x01",
                           "tru", "1.", "01", " "])


@settings(max_examples=300, deadline=None)
@given(dumped(), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3), _BROKEN),
                          max_size=3))
def test_simple_members_map_as_the_general_path(case: tuple[Any, str],
                                                edits: list[tuple[int, int, str]]) -> None:
    """Spans, and errors of broken texts, are those of the general path, whatever the text."""
    _, text = case
    for at, cut, insert in edits:  # some edits break the text: the errors must agree too
        at %= len(text) + 1
        text = text[:at] + insert + text[at + cut:]
    assert _scanned(text) == _general(text)


def test_simple_members_on_the_seed_and_corpus_lines() -> None:
    texts = [SEED.read_text(encoding="utf-8")]
    for path in sorted(CORPUS.glob("**/*.json*")) if CORPUS.is_dir() else []:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        texts.extend(text.splitlines()[:200] if path.suffix == ".jsonl" else [text])
    for text in texts:
        assert _scanned(text) == _general(text)
    assert _scanned('{"a": 1, "b": "x", "c": null}')[2][1] == ("b", (14, 17, 9, 12))


# -- report JSON text: the standard library's, byte for byte ---------------------------------

_LEAVES = (st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats()
           | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\n\x00\x1f\x7f')
                     | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=8)
           | st.sampled_from([Severity.ERROR, 0.0, -0.0, 1e16, 1e-7, float("inf")]))
_VALUES = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.text(max_size=4), inner, max_size=4),
    st.dictionaries(st.integers() | st.none() | st.floats(), inner, max_size=2)),
    max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(_VALUES)
def test_report_json_text_is_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)
    try:
        expected = json.dumps(value, ensure_ascii=False)
    except TypeError:
        return
    assert compact(value) == expected


def test_report_json_text_of_a_real_report() -> None:
    report = Linter().check_paths([SEED], jobs=1)
    for render in (json_report.as_dict, sarif.as_dict):
        value = render(report, RenderOptions())
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):  # what the standard encoder refuses, refused the same way
        dumps_indented({"a": object()})


def test_the_cli_imports_no_report_it_does_not_write() -> None:
    """Cold start: the reports are imported when asked for (``biblint.report.REPORTERS`` is
    lazy), so checking one file in the text format does not import HTML, JUnit or SARIF."""
    code = ("import sys, biblint.cli\n"
            "from biblint.report import REPORTERS, STREAMING\n"
            "print(sorted(m for m in sys.modules if m.startswith('biblint.report.')))\n"
            "assert callable(REPORTERS['html']) and callable(STREAMING['text'])\n"
            "print('biblint.report.html' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    loaded = set(ast.literal_eval(out[0]))
    assert not loaded & {"biblint.report.html", "biblint.report.junit", "biblint.report.sarif",
                         "biblint.report.gitlab"}
    assert out[1] == "True"


def test_record_fields_are_the_profiles_pointers_looked_up() -> None:
    """Record.field's precompiled lookups (a one-token pointer read as a key) find what
    following each of the profile's pointers in order finds, for every profile, on every
    record of the fixtures and the corpus (each record read as every profile)."""
    from biblint.profiles import installed_profiles
    from biblint.record import _MISSING, Record, _lookup

    from .test_profiles import _every_record

    profiles = list(installed_profiles())
    for data in _every_record():
        for profile in profiles:
            record = Record(data, profile)
            for name, pointers in profile.fields.items():
                expected = None
                for pointer in pointers:  # the definition: token by token (_lookup)
                    value = _lookup(data, pointer)
                    if value is not _MISSING:
                        expected = (pointer, value)
                        break
                found = record.field(name)
                assert (None if found is None else (found.pointer, found.value)) == expected
