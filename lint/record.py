"""A record as rules see it: its data, its profile, and canonical field access."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, NamedTuple

from .ids import doi_key
from .model import JSONValue, Origin, join_pointer, split_pointer
from .profiles import Profile

Locator = Callable[[str], tuple[int, int]]
"""Maps a JSON Pointer inside the record to its 1-based (line, column) in the source."""


class Field(NamedTuple):
    """A canonical field found in a record: its name, where it is, and its value."""

    name: str
    pointer: str
    value: JSONValue


_MISSING = object()


class Record:
    """One bibliographic record: parsed data plus the profile that explains its shape.

    Rules read canonical fields with :meth:`field` / :meth:`value` and iterate all string
    values with :meth:`strings`; both are computed once per record.
    """

    __slots__ = ("_fields", "_key", "_strings", "data", "locate", "origin", "profile")

    def __init__(
        self,
        data: JSONValue,
        profile: Profile,
        origin: Origin | None = None,
        locate: Locator | None = None,
    ) -> None:
        self.data = data
        self.profile = profile
        self.origin = origin or Origin()
        self.locate = locate
        self._fields: dict[str, Field | None] = {}
        self._key: str | None = None
        self._strings: list[tuple[str, str]] | None = None

    def field(self, name: str) -> Field | None:
        """The canonical field ``name`` if the record has it (its value may be null)."""
        try:
            return self._fields[name]
        except KeyError:
            pass
        found: Field | None = None
        for pointer in self.profile.pointers(name):
            value = _lookup(self.data, pointer)
            if value is not _MISSING:
                found = Field(name, pointer, value)
                break
        self._fields[name] = found
        return found

    def value(self, name: str, default: JSONValue = None) -> JSONValue:
        """The value of the canonical field ``name``, or ``default`` when absent or null."""
        found = self.field(name)
        return default if found is None or found.value is None else found.value

    def strings(self) -> list[tuple[str, str]]:
        """Every string value in the record with its pointer, in document order."""
        if self._strings is None:
            self._strings = list(_walk_strings(self.data, ""))
        return self._strings

    @property
    def key(self) -> str:
        """A stable identity for fingerprints: DOI, PMID or source id, else a content hash."""
        if self._key is None:
            for name in ("doi", "pmid", "source_id"):
                value = self.value(name)
                if isinstance(value, str) and value.strip():
                    self._key = f"{name}:{_normalise_key(name, value)}"
                    break
                if isinstance(value, int) and not isinstance(value, bool):
                    self._key = f"{name}:{value}"
                    break
            else:
                blob = json.dumps(self.data, sort_keys=True, ensure_ascii=False, default=str)
                self._key = "sha256:" + hashlib.sha256(blob.encode("utf-8", "replace")).hexdigest()
        return self._key


def _normalise_key(name: str, value: str) -> str:
    return doi_key(value) if name == "doi" else value.strip()


@cache
def _tokens(pointer: str) -> tuple[str, ...]:
    return tuple(split_pointer(pointer))


def _lookup(data: Any, pointer: str) -> Any:
    """The value at ``pointer`` or _MISSING (profiles' pointers are parsed once, then cached)."""
    node = data
    for token in _tokens(pointer):
        if isinstance(node, dict):
            node = node.get(token, _MISSING)
            if node is _MISSING:
                return _MISSING
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def _child(where: str, key: str) -> str:
    if "~" in key or "/" in key:
        return join_pointer(where, key)
    return f"{where}/{key}"


def _walk_strings(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    stack: list[tuple[Any, str]] = [(node, pointer)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            stack.extend(
                (child, _child(where, key)) for key, child in reversed(value.items())
            )
        elif isinstance(value, list):
            stack.extend(
                (child, f"{where}/{index}") for index, child in reversed(list(enumerate(value)))
            )
