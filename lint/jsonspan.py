"""Where each value of a JSON text sits: the source map behind positions and write-back.

:func:`json.loads` gives values but no positions. Findings need the line and column of the
offending value, and ``--fix`` must change only the bytes of the values it fixes, so both
need the character span of every value (and of every object member's key).

This module scans a JSON text and builds a tree of :class:`Node` spans. It runs lazily at two
levels, so the hot path stays one ``json.loads`` per record:

* the reader calls :func:`scan` only for records that have a finding or a fix;
* :func:`scan` maps one level of the tree at a time. Mapping an object or array finds the
  span of each member or item, but skips over a nested object or array with the stdlib's
  C-accelerated JSON scanner (which parses it and says where it ends) instead of mapping it
  in Python. A nested container is mapped when something first asks for its members or
  items (:attr:`Node.members`, :attr:`Node.items`): locating a finding at ``/author/3/given``
  maps the record, ``/author`` and ``/author/3``, and nothing else. A record of a thousand
  references costs one C-speed skip, not a thousand Python-level steps.

Skipping with the C scanner also validates what it skips, so text that is not JSON still
raises :class:`SpanError` from :func:`scan` itself, never later from a lazy lookup. A value
nested too deeply for the C scanner (it recurses; Python's recursion limit stops it) is
mapped whole by an iterative scanner instead, so nesting depth is bounded by memory, not by
the Python stack.

``json-source-map`` on PyPI computes a similar map but is unmaintained and records no member
spans, which removal and insertion of keys need; this scanner reuses the stdlib's
C-accelerated :func:`json.decoder.scanstring` for strings.
"""

from __future__ import annotations

import bisect
import json.decoder
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import split_pointer

# The stdlib's (C-accelerated) JSON string scanner: (text, index after the opening quote) ->
# (decoded string, index after the closing quote).
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
# The stdlib's (C-accelerated) scanner of one JSON value: (text, index of the value) ->
# (parsed value, index after it). Used to skip nested containers; the value is discarded.
_scan_once: Callable[[str, int], tuple[Any, int]] = (
    json.decoder.JSONDecoder().scan_once)  # type: ignore[attr-defined]

_WS = re.compile(r"[ \t\n\r]*")
# An object key with nothing to decode (no escape, and no control character, which JSON
# forbids), then the colon: the common case, in one match. Other keys go through _key.
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
# A whole object member whose key and value need no decoding: a plain key, then a string
# without escapes, a number or a literal (group 2, the value), then a comma or the closing
# brace (group 3). Most members of a record are such; one match maps one, where the general
# path takes four calls. Anything else (a nested value, an escape, NaN) does not match and
# takes the general path, which validates it as before. So does a string of more than 128
# characters (an abstract): the regex engine tests each character against the class at
# about ten times the cost of the stdlib's C string scanner, which the general path uses.
_SIMPLE_MEMBER = re.compile(
    r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*'
    r'("[^"\\\x00-\x1f]{0,128}"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?(?![0-9.eE])'
    r'|true|false|null)[ \t\n\r]*(?:,[ \t\n\r]*|(\}))')
# After a value: a comma (and the whitespace after it), or a closing bracket (group 1).
_AFTER = re.compile(r"[ \t\n\r]*(?:,[ \t\n\r]*|([}\]]))")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = ("true", "false", "null", "NaN", "Infinity", "-Infinity")


class SpanError(ValueError):
    """The text is not the JSON the scanner was promised."""


class Node:
    """The span ``[start, end)`` of one JSON value, and of its key when it is a member.

    An object's :attr:`members` and an array's :attr:`items` are mapped on first access (see
    the module docstring); spans and :attr:`is_object` / :attr:`is_array` are known at once.
    """

    __slots__ = ("_items", "_kind", "_members", "_text", "end", "key_end", "key_start",
                 "start")

    def __init__(self, start: int, end: int = -1, key_start: int | None = None,
                 key_end: int | None = None, kind: str = "") -> None:
        self.start = start
        self.end = end
        self.key_start = key_start
        self.key_end = key_end
        self._kind = kind  # "{" an object, "[" an array, "" a scalar
        # An object's members; a member whose value is a scalar is kept as the tuple of
        # Node's arguments until something asks for it (see _SpanArgs).
        self._members: dict[str, Node | _SpanArgs] | None = {} if kind == "{" else None
        self._items: list[Node] | None = [] if kind == "[" else None
        # The text of a container whose members or items are not mapped yet, else None.
        self._text: str | None = None

    def __repr__(self) -> str:
        return (f"Node(start={self.start}, end={self.end}, key_start={self.key_start}, "
                f"key_end={self.key_end}, kind={self._kind!r})")

    @property
    def members(self) -> dict[str, Node] | None:
        """For an object: its members by key, in text order (a repeated key keeps the last)."""
        if self._text is not None:
            self._map()
        members = self._members
        if members is not None:
            for key, member in members.items():  # no key is added: safe while iterating
                if type(member) is tuple:
                    members[key] = Node(*member)
        return members  # type: ignore[return-value]  # every member is a Node now

    @property
    def items(self) -> list[Node] | None:
        """For an array: its items."""
        if self._text is not None:
            self._map()
        return self._items

    @property
    def is_object(self) -> bool:
        return self._kind == "{"

    @property
    def is_array(self) -> bool:
        return self._kind == "["

    def _map(self) -> None:
        text = self._text
        assert text is not None
        self._text = None
        _map_level(text, self)

    def child(self, token: str) -> Node | None:
        if self._text is not None:
            self._map()
        members = self._members
        if members is not None:
            member = members.get(token)
            if type(member) is tuple:  # built on first use, then kept
                member = members[token] = Node(*member)
            return member  # type: ignore[return-value]
        items = self.items
        if items is not None and token.isdigit():
            index = int(token)
            return items[index] if index < len(items) else None
        return None

    def find(self, pointer: str) -> Node | None:
        """The node at ``pointer`` (relative to this node), or None."""
        node: Node | None = self
        for token in _tokens(pointer):
            if node is None:
                return None
            node = node.child(token)
        return node

    def nearest(self, pointer: str) -> Node:
        """The node at ``pointer`` or, when it does not exist, its deepest existing ancestor.

        A finding about a missing key points at the object that should hold it.
        """
        node = self
        for token in _tokens(pointer):
            nxt = node.child(token)
            if nxt is None:
                break
            node = nxt
        return node


_SpanArgs = tuple[int, int, int, int]
"""``(start, end, key_start, key_end)`` of an object member whose value is a scalar: the
arguments of its :class:`Node`, which is built only when the member is asked for. Mapping
a record's top level meets a few dozen scalar members, and a finding asks for a handful of
them; a tuple costs a fraction of a Node."""


def _tokens(pointer: str) -> list[str]:
    """The reference tokens of a JSON Pointer: :func:`split_pointer`, with a fast path for
    the common pointer that escapes nothing (``"/author/3/given"``). Every finding's
    position looks one up."""
    if pointer.startswith("/") and "~" not in pointer:
        return pointer[1:].split("/")
    return split_pointer(pointer)


def _ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    assert match is not None
    return match.end()


def _scalar_end(text: str, pos: int) -> int:
    char = text[pos] if pos < len(text) else ""
    if char == '"':
        try:
            return scanstring(text, pos + 1)[1]
        except ValueError as exc:
            raise SpanError(str(exc)) from None
    number = _NUMBER.match(text, pos)
    if number and number.end() > pos:
        return number.end()
    for literal in _LITERALS:
        if text.startswith(literal, pos):
            return pos + len(literal)
    raise SpanError(f"unexpected character at offset {pos}")


def scan(text: str, pos: int = 0, along: str = "") -> Node:
    """Map one JSON value starting at ``pos`` (after optional whitespace) to a span tree.

    Raises :class:`SpanError` when the value is not JSON. Nested objects and arrays are
    mapped lazily (see the module docstring), except the containers on the JSON Pointer
    ``along``, which are mapped at once: a document's levels above its records
    (``/message/items``, ``/results``), which every lookup goes through. Skipping them
    first and mapping them on the first lookup would parse the text below them twice.
    """
    pos = _ws(text, pos)
    try:
        char = text[pos]
    except IndexError:
        raise SpanError("unexpected end of the JSON text") from None
    if char == "{" or char == "[":
        root = Node(pos, kind=char)
        # Finds root.end and validates the whole value.
        _map_level(text, root, tuple(split_pointer(along)) if along else ())
        return root
    return Node(pos, _scalar_end(text, pos))


def _value(text: str, pos: int, key_start: int | None, key_end: int | None,
           along: tuple[str, ...] | None = None) -> Node:
    """The node of the value at ``pos``: its span, a nested container left unmapped unless
    it is on the path ``along`` (the tokens still to follow below it, see :func:`scan`)."""
    char = text[pos]
    if char != "{" and char != "[":
        return Node(pos, _scalar_end(text, pos), key_start, key_end)
    if along is not None:
        node = Node(pos, -1, key_start, key_end, char)
        _map_level(text, node, along)
        return node
    try:
        end = _scan_once(text, pos)[1]
    except RecursionError:
        # Too deep for the C scanner: map the whole value now, iteratively.
        node = _scan_eager(text, pos)
        node.key_start, node.key_end = key_start, key_end
        return node
    except (ValueError, StopIteration) as exc:
        raise SpanError(f"invalid JSON value at offset {pos}: {exc}") from None
    node = Node(pos, end, key_start, key_end, char)
    node._text = text  # mapped on first access to its members or items
    return node


def _map_level(text: str, node: Node, along: tuple[str, ...] = ()) -> None:
    """Map the members or items of the container at ``node.start`` (one level) and set
    ``node.end``. Nested containers are skipped by :func:`_value`, to be mapped later, but
    for the one named by ``along[0]``, mapped now with the rest of the path."""
    is_object = node._kind == "{"
    closer = "}" if is_object else "]"
    members = node._members
    items = node._items
    simple = _SIMPLE_MEMBER.match
    try:
        pos = _ws(text, node.start + 1)
        if text[pos] == closer:
            node.end = pos + 1
            return
        while True:
            if is_object:
                assert members is not None
                if not along:
                    member = simple(text, pos)
                    if member is not None:
                        whole, key_span, value, brace = member.regs[:4]
                        members[member[1]] = (value[0], value[1], whole[0], key_span[1] + 1)
                        if brace[0] >= 0:
                            node.end = brace[1]
                            return
                        pos = whole[1]
                        continue
                plain = _PLAIN_KEY.match(text, pos)
                if plain is not None:
                    key, key_start, key_end, pos = plain[1], pos, plain.end(1) + 1, plain.end()
                else:
                    key, key_start, key_end, pos = _key(text, pos)
                child = _value(text, pos, key_start, key_end,
                               along[1:] if along and key == along[0] else None)
                members[key] = child
            else:
                assert items is not None
                child = _value(text, pos, None, None,
                               along[1:] if along and along[0] == str(len(items)) else None)
                items.append(child)
            after = _AFTER.match(text, child.end)
            if after is None or (after[1] is not None and after[1] != closer):
                raise SpanError("expected ',' or a closing bracket at offset "
                                f"{_ws(text, child.end)}")
            if after[1] is not None:
                node.end = after.end()
                return
            pos = after.end()
    except IndexError:
        raise SpanError("unexpected end of the JSON text") from None


def _scan_eager(text: str, pos: int = 0) -> Node:
    """Map one JSON value and everything inside it at once, iteratively (no recursion)."""
    stack: list[Node] = []
    root: Node | None = None
    key: str | None = None
    key_start: int | None = None
    key_end: int | None = None
    pos = _ws(text, pos)
    try:
        while True:
            # A value starts at pos.
            char = text[pos]
            node = Node(pos, key_start=key_start, key_end=key_end,
                        kind=char if char == "{" or char == "[" else "")
            if not stack:
                root = node
            elif stack[-1]._members is not None:
                assert key is not None
                stack[-1]._members[key] = node
            else:
                assert stack[-1]._items is not None
                stack[-1]._items.append(node)
            if char == "{" or char == "[":
                if char == "[":
                    key_start = key_end = None  # array items have no key span
                stack.append(node)
                pos = _ws(text, pos + 1)
                closer = "}" if char == "{" else "]"
                if text[pos] != closer:
                    if char == "{":
                        key, key_start, key_end, pos = _key(text, pos)
                    continue
                node.end = pos + 1
                stack.pop()
                pos += 1
            else:
                node.end = pos = _scalar_end(text, pos)
            # After a value: close containers until the next value or the end.
            while stack:
                pos = _ws(text, pos)
                top = stack[-1]
                char = text[pos]
                if char == ",":
                    pos = _ws(text, pos + 1)
                    if top._members is not None:
                        key, key_start, key_end, pos = _key(text, pos)
                    else:
                        key_start = key_end = None
                    break
                if char == ("}" if top._members is not None else "]"):
                    top.end = pos + 1
                    stack.pop()
                    pos += 1
                    continue
                raise SpanError(f"expected ',' or a closing bracket at offset {pos}")
            else:
                assert root is not None
                return root
    except IndexError:
        raise SpanError("unexpected end of the JSON text") from None


def _key(text: str, pos: int) -> tuple[str, int, int, int]:
    if text[pos] != '"':
        raise SpanError(f"expected a key at offset {pos}")
    try:
        key, end = scanstring(text, pos + 1)
    except ValueError as exc:
        raise SpanError(str(exc)) from None
    colon = _ws(text, end)
    if text[colon] != ":":
        raise SpanError(f"expected ':' at offset {colon}")
    return key, pos, end, _ws(text, colon + 1)


@dataclass
class LineIndex:
    """Offsets of line starts in a text, to turn an offset into a 1-based line and column."""

    text: str
    _starts: list[int] = field(default_factory=list, init=False, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        if not self._starts:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1
