"""A record as rules see it: its data, its profile, and canonical field access."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from functools import cache
from itertools import repeat
from typing import Any, NamedTuple, TypeVar, cast

from .domain.doi import doi_key
from .model import JSONValue, Origin, join_pointer, split_pointer
from .profiles import Profile

T = TypeVar("T")

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
    values with :meth:`strings`; both are computed once per record. Anything else that
    several rules derive from the same record (its author items, its object members) is
    computed once too, through :meth:`memo`.
    """

    __slots__ = ("_fields", "_key", "_memo", "_present", "_strings", "data", "locate", "origin",
                 "profile")

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
        self._memo: dict[str, Any] = {}
        self._present: frozenset[str] | None = None

    def present(self) -> frozenset[str]:
        """The canonical fields the record has (a null value counts: the key is there).

        Computed once per record, from the profile's pointers: the engine skips the rules
        that read none of these. Fields at one-token pointers (most of them) depend only on
        the record's keys, which records of one source share: they are kept per key tuple,
        and only the nested pointers are looked up in each record.
        """
        if self._present is None:
            data = self.data
            if isinstance(data, dict):
                plan = _presence_plan(self.profile)
                keys = tuple(data)
                top = plan.by_keys.get(keys)
                if top is None:
                    top = frozenset(name for name, wanted in plan.top
                                    if any(map(data.__contains__, wanted)))
                    if len(plan.by_keys) >= 256:  # records of many shapes: start over
                        plan.by_keys.clear()
                    plan.by_keys[keys] = top
                nested = [name for name, pointers in plan.nested if name not in top and any(
                    _lookup(data, pointer) is not _MISSING for pointer in pointers)]
                self._present = top.union(nested) if nested else top
            else:
                self._present = frozenset(
                    name for name in self.profile.fields if self.field(name) is not None)
        return self._present

    def field(self, name: str) -> Field | None:
        """The canonical field ``name`` if the record has it (its value may be null)."""
        cached = self._fields.get(name, _MISSING)
        if cached is not _MISSING:  # no exception for the fields a shape does not map
            return cached  # type: ignore[return-value]
        found: Field | None = None
        data = self.data
        for pointer, key in _presence_plan(self.profile).lookups.get(name, ()):
            if key is not None and type(data) is dict:  # a one-token pointer: the key
                value = data.get(key, _MISSING)
            else:
                value = _lookup(data, pointer)
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
            self._strings = _walk_strings(self.data)
        return self._strings

    def memo(self, name: str, compute: Callable[[Record], T]) -> T:
        """``compute(self)``, computed on the first call for ``name`` and kept for the record.

        Many rules walk the same parts of a record (every member, the author items): a rule
        module asks for such a view through its own ``name`` (by convention prefixed with
        the module, ``"values.members"``), and the other rules of the run get the same
        object. The record's data is never mutated while it is linted, so the view stays
        valid; callers must treat it as read-only.
        """
        try:
            return cast(T, self._memo[name])
        except KeyError:
            value = self._memo[name] = compute(self)
            return value

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


class _Presence:
    """How to tell a profile's present fields: per field, the keys of its one-token
    pointers and its nested pointers; and the fields found at top level per key tuple.
    Also how :meth:`Record.field` looks a field up (``lookups``)."""

    __slots__ = ("by_keys", "lookups", "nested", "top")

    def __init__(self, profile: Profile) -> None:
        self.top: list[tuple[str, tuple[str, ...]]] = []
        self.nested: list[tuple[str, tuple[str, ...]]] = []
        self.lookups: dict[str, tuple[tuple[str, str | None], ...]] = {
            name: tuple((p, _tokens(p)[0] if len(_tokens(p)) == 1 else None) for p in pointers)
            for name, pointers in profile.fields.items()}
        """Per field, its pointers in order, each with its key when it has one token (the
        value is then ``data.get(key)`` in an object: what :func:`_lookup` finds)."""
        for name, pointers in profile.fields.items():
            keys = tuple(_tokens(p)[0] for p in pointers if len(_tokens(p)) == 1)
            deeper = tuple(p for p in pointers if len(_tokens(p)) != 1)
            if keys:
                self.top.append((name, keys))
            if deeper:
                self.nested.append((name, deeper))
        self.by_keys: dict[tuple[str, ...], frozenset[str]] = {}


_PRESENCE_PLANS: dict[int, tuple[Profile, _Presence]] = {}


def _presence_plan(profile: Profile) -> _Presence:
    """The :class:`_Presence` of ``profile``, kept per profile object (a profile is
    immutable, but holds a dict, so it is not hashable: the cache is keyed by identity and
    checks it)."""
    entry = _PRESENCE_PLANS.get(id(profile))
    if entry is not None and entry[0] is profile:
        return entry[1]
    if len(_PRESENCE_PLANS) > 64:  # profiles built on the fly (tests, user configs)
        _PRESENCE_PLANS.clear()
    plan = _Presence(profile)
    _PRESENCE_PLANS[id(profile)] = (profile, plan)
    return plan


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


def child_pointer(where: str, key: str) -> str:
    """``where`` extended by the object key ``key`` (as :func:`join_pointer`, faster: most
    keys need no RFC 6901 escaping, and walks build a pointer for every member)."""
    if "~" in key or "/" in key:
        return join_pointer(where, key)
    return f"{where}/{key}"


def _open(value: dict[str, Any] | list[Any], where: str
          ) -> tuple[bool, Iterator[tuple[Any, Any]], str]:
    """A container being walked: whether it is an object, an iterator over its (key or
    index, child) pairs, and its pointer."""
    if isinstance(value, dict):
        return True, iter(value.items()), where
    return False, enumerate(value), where


def _walk_strings(data: Any) -> list[tuple[str, str]]:
    """(pointer, string) of every string in ``data``, in document order (depth first).

    Iterative (a stack of open containers, each with its iterator), so the depth of the
    data is bounded by memory, not by the Python stack. On meeting a non-empty container
    the walk descends into it and resumes the parent's iterator when the child is done, so
    strings come in document order; pointers are built only for strings and containers,
    not for the numbers, booleans and nulls that make up half of a typical record.
    """
    if isinstance(data, str):
        return [("", data)]
    found: list[tuple[str, str]] = []
    if not isinstance(data, (dict, list)):
        return found
    append = found.append
    stack = [_open(data, "")]
    while stack:
        is_object, children, where = stack[-1]
        if is_object:  # two copies of the loop, so the per-child test stays minimal
            for key, value in children:
                if isinstance(value, str):
                    append((child_pointer(where, key), value))
                elif value and (isinstance(value, dict) or _walked_list(value)):
                    stack.append(_open(value, child_pointer(where, key)))
                    break  # the child first; this iterator resumes after it
            else:
                stack.pop()
        else:
            for index, value in children:
                if isinstance(value, str):
                    append((f"{where}/{index}", value))
                elif value and (isinstance(value, dict) or _walked_list(value)):
                    stack.append(_open(value, f"{where}/{index}"))
                    break
            else:
                stack.pop()
    return found


_STRING_OR_CONTAINER = (str, dict, list)


def _walked_list(value: object) -> bool:
    """Whether ``value`` is a list that may hold a string. A list of numbers (OpenAlex's
    inverted index has one per word of the abstract) is skipped: tested in C by
    ``any(map(isinstance, ...))``, not item by item in Python."""
    return isinstance(value, list) and any(
        map(isinstance, value, repeat(_STRING_OR_CONTAINER)))
