"""The source-map scanner agrees with json.loads on every value of every JSON text."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonpointer import JsonPointerException

from biblint.jsonspan import LineIndex, Node, SpanError, scan
from biblint.model import join_pointer, resolve_pointer

# -- strategies ---------------------------------------------------------------------------------

# Text with the awkward cases: quotes, backslashes, control characters, non-ASCII, astral
# characters and lone surrogates (json.dumps escapes them; json.loads gives them back).
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\/\b\f\n\r\t {}[]:,'),
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    ),
    max_size=12,
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(TEXT, children, max_size=5),
    ),
    max_leaves=30,
)
WHITESPACE = st.text(alphabet=" \t\n\r", max_size=3)


@st.composite
def dumped(draw: st.DrawFn) -> tuple[Any, str]:
    """A JSON value and a text of it in a random style."""
    value = draw(JSON_VALUES)
    indent = draw(st.sampled_from([None, 0, 1, 2, 4, "\t", " \r\n"]))
    item_sep = draw(st.sampled_from([",", ", ", " ,", " , ", ",\t"]))
    key_sep = draw(st.sampled_from([":", ": ", " :", " : ", ":\n"]))
    if indent is not None:
        item_sep = item_sep.rstrip()  # json.dumps adds the newline and indent itself
    text = json.dumps(value, indent=indent, separators=(item_sep, key_sep),
                      ensure_ascii=draw(st.booleans()), sort_keys=draw(st.booleans()))
    # The value as the text holds it (sort_keys changes the key order).
    return json.loads(text), draw(WHITESPACE) + text + draw(WHITESPACE)


def walk(value: Any, node: Node, pointer: str = "") -> Iterator[tuple[str, Any, Node]]:
    """(pointer, value, node) for every value, checking the tree's shape on the way."""
    yield pointer, value, node
    if isinstance(value, dict):
        assert node.is_object and not node.is_array
        assert node.members is not None
        assert list(node.members) == list(value)
        for key, child in value.items():
            yield from walk(child, node.members[key], join_pointer(pointer, key))
    elif isinstance(value, list):
        assert node.is_array and not node.is_object
        assert node.items is not None
        assert len(node.items) == len(value)
        for index, child in enumerate(value):
            yield from walk(child, node.items[index], f"{pointer}/{index}")
    else:
        assert node.members is None and node.items is None


def same(a: Any, b: Any) -> bool:
    """Equality that also tells 1 from 1.0 and True from 1."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


# -- properties ---------------------------------------------------------------------------------


@given(dumped())
def test_every_node_slice_loads_back_to_its_value(case):
    value, text = case
    root = scan(text)
    assert text[:root.start].strip(" \t\n\r") == ""
    assert text[root.end:].strip(" \t\n\r") == ""
    for pointer, expected, node in walk(value, root):
        assert 0 <= node.start < node.end <= len(text)
        assert same(json.loads(text[node.start:node.end]), expected), pointer
        assert same(json.loads(text[node.start:node.end]), resolve_pointer(value, pointer))
        assert root.find(pointer) is node
        assert root.nearest(pointer) is node


@given(dumped())
def test_member_key_spans_hold_the_key(case):
    value, text = case
    root = scan(text)
    for _pointer, expected, node in walk(value, root):
        if isinstance(expected, dict):
            assert node.members is not None
            previous_end = node.start
            for key, child in node.members.items():
                assert child.key_start is not None and child.key_end is not None
                assert previous_end < child.key_start < child.key_end < child.start
                assert json.loads(text[child.key_start:child.key_end]) == key
                between = text[child.key_end:child.start]
                assert between.strip(" \t\n\r") == ":"
                previous_end = child.end
        elif isinstance(expected, list):
            assert node.items is not None
            for child in node.items:
                assert child.key_start is None and child.key_end is None
    assert root.key_start is None


@given(dumped(), st.text(alphabet="x \n", max_size=5))
def test_scan_from_an_offset(case, prefix):
    """JSON Lines: the scanner starts at a line's offset and stops after one value."""
    value, text = case
    full = prefix + "\n" + text + "\n" + json.dumps(value) + "\n"
    root = scan(full, len(prefix) + 1)
    assert same(json.loads(full[root.start:root.end]), value)


# Tokens: keys, and ASCII array indexes. (Node.child also takes "01" or non-ASCII digits as
# an index where RFC 6901 does not; rules never write such pointers.) "-" (the end of an
# array) resolves to nothing.
TOKENS = st.one_of(TEXT.filter(lambda t: not t.isdigit() and t != "-"),
                   st.sampled_from(["0", "1", "2"]))


@given(dumped(), st.lists(TOKENS, min_size=1, max_size=4))
def test_find_and_nearest(case, tokens):
    value, text = case
    root = scan(text)
    pointer = join_pointer("", *tokens)
    found = root.find(pointer)
    nearest = root.nearest(pointer)
    try:
        resolved = resolve_pointer(value, pointer)
    except JsonPointerException:
        assert found is None
        # A missing value points at its deepest existing ancestor, a real node.
        json.loads(text[nearest.start:nearest.end])
    else:
        assert found is nearest
        assert found is not None
        assert same(json.loads(text[found.start:found.end]), resolved)


@given(st.text(alphabet=st.sampled_from("ab\n\r中😀"), max_size=40), st.data())
def test_line_index_positions(text, data):
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    line, column = LineIndex(text).position(offset)
    assert line == text.count("\n", 0, offset) + 1
    assert column == offset - (text.rfind("\n", 0, offset) + 1) + 1


# -- examples -----------------------------------------------------------------------------------


def test_non_finite_literals_have_spans():
    text = '{"a": NaN, "b": [Infinity, -Infinity], "c": -1.5e+3}'
    root = scan(text)
    assert text[root.find("/a").start:root.find("/a").end] == "NaN"
    assert text[root.find("/b/1").start:root.find("/b/1").end] == "-Infinity"
    assert text[root.find("/c").start:root.find("/c").end] == "-1.5e+3"


def test_repeated_key_keeps_the_last_like_json_loads():
    text = '{"a": 1, "b": 2, "a": 3}'
    root = scan(text)
    node = root.find("/a")
    assert text[node.start:node.end] == "3"
    assert json.loads(text)["a"] == 3


def test_escaped_keys_and_pointer_escapes():
    value = {"a/b": {"c~d": [0, {"": "empty key"}]}, "\u00e9\"\\": 1}
    for ensure_ascii in (True, False):
        text = json.dumps(value, ensure_ascii=ensure_ascii)
        root = scan(text)
        node = root.find("/a~1b/c~0d/1/")
        assert json.loads(text[node.start:node.end]) == "empty key"
        member = root.find("/\u00e9\"\\")
        assert json.loads(text[member.key_start:member.key_end]) == "\u00e9\"\\"


def test_first_array_item_of_a_member_has_no_key_span():
    """Regression: the first item of an array inside an object inherited the array's key."""
    root = scan('{"k": [1, {"x": [2]}]}')
    assert root.find("/k/0").key_start is None
    assert root.find("/k/1/x/0").key_start is None
    assert root.find("/k/1").key_start is None


def test_deep_nesting_is_iterative():
    depth = 50_000
    text = "[" * depth + "{}" + "]" * depth
    root = scan(text)
    assert (root.start, root.end) == (0, len(text))
    assert root.find("/0" * depth) is not None


@pytest.mark.parametrize(
    "text",
    ["", "   ", "{", "[1,", '{"a" 1}', '{"a": 1 "b": 2}', "[1 2]", "{1: 2}", '"open',
     "tru", "@", '{"a": }', "[,]"],
)
def test_text_that_is_not_json_raises_span_error(text):
    with pytest.raises(SpanError):
        scan(text)


@given(dumped(), st.lists(TOKENS, min_size=1, max_size=3))
def test_lazy_members_are_the_nodes_members_gives(case, tokens):
    """A scalar member is kept as a tuple until asked for: asked through ``child`` first or
    through ``members`` first, it is one Node, with the spans the eager scanner maps."""
    from biblint.jsonspan import _scan_eager

    _, text = case
    root, other, eager = scan(text), scan(text), _scan_eager(text)
    pointer = join_pointer("", *tokens)
    first = root.find(pointer)  # child() builds the nodes on the way
    assert all(type(node) is Node for node in (root.members or {}).values())
    assert first is root.find(pointer)

    def spans(node: Node | None) -> Any:
        if node is None:
            return None
        inner = ({key: spans(child) for key, child in node.members.items()}
                 if node.members is not None else
                 [spans(child) for child in node.items] if node.items is not None else None)
        return node.start, node.end, node.key_start, node.key_end, inner

    assert spans(other) == spans(eager) == spans(root)
    assert spans(other.find(pointer)) == spans(first)


@pytest.mark.parametrize("length", [127, 128, 129, 2000])
def test_long_strings_map_as_short_ones(length):
    """Strings past 128 characters leave the one-match path for the C string scanner: the
    same spans, and the member after them is found."""
    from biblint.jsonspan import _scan_eager

    value = {"a": "x" * length, "b": "中" * length + "\\", "c": 1, "d": "y" * length}
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
        root, eager = scan(text), _scan_eager(text)
        assert root.members is not None and eager.members is not None
        assert [(k, n.start, n.end, n.key_start, n.key_end) for k, n in root.members.items()] \
            == [(k, n.start, n.end, n.key_start, n.key_end) for k, n in eager.members.items()]
        assert root.end == eager.end == len(text)
