"""Where each value of a JSON text sits: the source map behind positions and write-back.

:func:`json.loads` gives values but no positions. Findings need the line and column of the
offending value, and ``--fix`` must change only the bytes of the values it fixes, so both
need the character span of every value (and of every object member's key).

This module scans a JSON text that is already known to parse (the reader parsed it with
:func:`json.loads` first) and builds a tree of :class:`Node` spans. It runs lazily: only for
records that have a finding or a fix, so the hot path stays one ``json.loads`` per record.
It is iterative, so nesting depth is bounded by memory, not by the Python stack.

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

from .model import split_pointer

# The stdlib's (C-accelerated) JSON string scanner: (text, index after the opening quote) ->
# (decoded string, index after the closing quote).
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = ("true", "false", "null", "NaN", "Infinity", "-Infinity")


class SpanError(ValueError):
    """The text is not the JSON the scanner was promised."""


@dataclass
class Node:
    """The span ``[start, end)`` of one JSON value, and of its key when it is a member."""

    start: int
    end: int = -1
    key_start: int | None = None
    key_end: int | None = None
    members: dict[str, Node] | None = None
    """For an object: its members by key, in text order (a repeated key keeps the last)."""
    items: list[Node] | None = None
    """For an array: its items."""

    @property
    def is_object(self) -> bool:
        return self.members is not None

    @property
    def is_array(self) -> bool:
        return self.items is not None

    def child(self, token: str) -> Node | None:
        if self.members is not None:
            return self.members.get(token)
        if self.items is not None and token.isdigit():
            index = int(token)
            return self.items[index] if index < len(self.items) else None
        return None

    def find(self, pointer: str) -> Node | None:
        """The node at ``pointer`` (relative to this node), or None."""
        node: Node | None = self
        for token in split_pointer(pointer):
            if node is None:
                return None
            node = node.child(token)
        return node

    def nearest(self, pointer: str) -> Node:
        """The node at ``pointer`` or, when it does not exist, its deepest existing ancestor.

        A finding about a missing key points at the object that should hold it.
        """
        node = self
        for token in split_pointer(pointer):
            nxt = node.child(token)
            if nxt is None:
                break
            node = nxt
        return node


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


def scan(text: str, pos: int = 0) -> Node:
    """Scan one JSON value starting at ``pos`` (after optional whitespace) into a span tree."""
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
            node = Node(pos, key_start=key_start, key_end=key_end)
            if not stack:
                root = node
            elif stack[-1].members is not None:
                assert key is not None
                stack[-1].members[key] = node
            else:
                assert stack[-1].items is not None
                stack[-1].items.append(node)
            if char == "{" or char == "[":
                if char == "{":
                    node.members = {}
                else:
                    node.items = []
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
                    if top.members is not None:
                        key, key_start, key_end, pos = _key(text, pos)
                    else:
                        key_start = key_end = None
                    break
                if char == ("}" if top.members is not None else "]"):
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
    key, end = scanstring(text, pos + 1)
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
