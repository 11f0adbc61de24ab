"""JSON text for the reports, as :func:`json.dumps` writes it, faster.

``json.dumps(value, ensure_ascii=False, indent=2)`` (the ``json``, ``sarif`` and ``gitlab``
reports) runs the standard library's pure-Python encoder: the C encoder does not indent. It
walks the value through nested generators, ~20 µs per finding of a report. :func:`dumps_indented`
writes the same text with one recursive function that joins strings and encodes every string
with the C ``encode_basestring``; anything it does not know how to write the way the standard
encoder does (a key that is not a string, a value of another type) makes it hand the whole
value to :func:`json.dumps`, so the text is always the standard library's.

:data:`compact` is ``json.dumps(value, ensure_ascii=False)`` (the ``jsonl`` report) through one
encoder built once, instead of one built per call as ``json.dumps`` does for non-default
arguments.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

compact = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(value, ensure_ascii=False)``, without building an encoder per call."""

_encode: Any = encode_basestring


class _Unknown(TypeError):
    """A value :func:`dumps_indented` leaves to :func:`json.dumps`."""


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, the same text."""
    try:
        return _text(value, "\n")
    except TypeError:  # _Unknown, or encode_basestring given a key that is not a string
        return json.dumps(value, ensure_ascii=False, indent=2)


def _text(value: Any, newline: str) -> str:
    """The text of ``value``; ``newline`` is a line break and the indent of the value's own
    level (its items are indented two spaces more). The common exact types first, then the
    standard encoder's own order of ``isinstance`` tests (subclasses, enums)."""
    kind = type(value)
    if kind is str:
        return _encode(value)  # type: ignore[no-any-return]
    if kind is dict:
        return _object(value, newline)
    if kind is list or kind is tuple:
        return _array(value, newline)
    if kind is int:
        return int.__repr__(value)
    if isinstance(value, str):
        return _encode(value)  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value == _INFINITY:
            return "Infinity"
        if value == -_INFINITY:
            return "-Infinity"
        return float.__repr__(value)
    if isinstance(value, (list, tuple)):
        return _array(value, newline)
    if isinstance(value, dict):
        return _object(value, newline)
    raise _Unknown


_INFINITY = float("inf")


def _object(value: dict[Any, Any], newline: str) -> str:
    if not value:
        return "{}"
    inner = newline + "  "
    # A key that is not a string (the standard encoder writes 1 as "1") makes
    # encode_basestring raise TypeError: the caller hands the value to json.dumps.
    return "{" + inner + ("," + inner).join(
        [_encode(key) + ": " + _text(item, inner) for key, item in value.items()]
    ) + newline + "}"


def _array(value: list[Any] | tuple[Any, ...], newline: str) -> str:
    if not value:
        return "[]"
    inner = newline + "  "
    return "[" + inner + ("," + inner).join([_text(item, inner) for item in value]) + (
        newline + "]")


__all__ = ["compact", "dumps_indented"]
