"""Run-scope rules in two phases: keys extracted per record, then judged over merged keys.

A rule that compares records (duplicates, one journal named two ways, one key holding two
shapes) cannot judge a record on its own, and must not depend on the order in which records
arrive: a baseline has to survive re-ordered records, and ``--jobs`` workers (later a Dask
shuffle) each see only part of the run. So such a rule is split in two:

1. **extract** (the rule's function, declared with ``@rule(..., scope="run", judge=...)``): a
   pure per-record step yielding :class:`Key` items, small picklable ``(key, payload)`` pairs
   (digests and short strings, never the record), and, for anything the record shows on its
   own, ordinary :class:`~biblint.model.Violation` objects;
2. **judge** (``judge(key, entries, options)``): called once per key with every
   :class:`Entry` stored under it, after the stores of all workers are merged; it yields
   ``(entry, violation)`` pairs.

The engine turns each key into an :class:`Entry` (the record's key for fingerprints, the
payload, the record's file and index) and adds it to a :class:`KeyStore`. Stores merge
associatively (:meth:`KeyStore.merge`), so any split of the records over workers gives the
same entries per key; :meth:`KeyStore.judge` hands each key's entries to the judge **sorted by
content**: the record key (DOI, PMID, source id or content hash), then the payload, then the
file name and record index (which only break ties between records equal in both). Judges take
``entries[0]`` as the canonical member of a group, or the first entry of the value most entries
share (:func:`reference`), so which record a finding goes to depends on what the records hold,
never on where they are. A key with a single entry is never judged.

Memory: one entry per (record, key), a tuple of a short string, a small payload tuple and two
ints; at most ``limit`` keys per rule (a rule's ``max-keys`` option). Past the limit new keys
are dropped, and which keys were kept then depends on the order (a bound, not the usual case).
A rule may declare ``keep``: entries of one key with the same ``keep(payload)`` collapse to
the first in content order (TYP008 keeps one record per key path and shape, not one per
record), which is still associative and commutative.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .model import Violation


class Key(NamedTuple):
    """What an extract step yields besides violations: a key and this record's payload.

    Keys and payloads must be picklable and small; payloads of one rule must be mutually
    comparable (tuples of str, int, bytes: use ``""`` or ``0`` rather than None), because
    entries are ordered by them.
    """

    key: Hashable
    payload: tuple[Any, ...] = ()


class Entry(NamedTuple):
    """One record's payload under one key, with what the engine needs to report it.

    Ordered as a tuple: record key, payload, file, record index: the content order the
    judges rely on (``entries[0]`` is the canonical member of a group).
    """

    record_key: str
    """The record's identity (``Record.key``): fingerprints of findings are built from it."""
    payload: tuple[Any, ...]
    file: str
    """The file as shown ("" for a stream of records)."""
    record: int
    """The record's index in its file (0-based)."""

    @property
    def place(self) -> str:
        """How a message names this record: ``"data/a.jsonl record 3"``."""
        return f"{self.file} record {self.record}" if self.file else f"record {self.record}"

    @property
    def where(self) -> str:
        """The short form, with the file's name only: ``"a.jsonl record 3"``."""
        name = self.file.rsplit("/", 1)[-1]
        return f"{name} record {self.record}" if name else f"record {self.record}"


Judge = Callable[[Hashable, Sequence[Entry], Mapping[str, Any]], Iterable[tuple[Entry, Violation]]]
"""``judge(key, entries, options)``: violations of the entries of one key (content order)."""

Keep = Callable[[tuple[Any, ...]], Hashable]
"""``keep(payload)``: the class of an entry; one entry (the first in content order) per class
and key is kept."""


@dataclass(frozen=True)
class TableSpec:
    """How a rule's entries are stored: the key limit and the optional ``keep`` reduction."""

    limit: int | None = None
    keep: Keep | None = None


def reference(entries: Sequence[Entry], value: Callable[[Entry], Hashable]) -> Entry:
    """The entry a group's other entries are compared with: of the value most entries share
    (a DOI's title, an ISSN's journal name), the first entry in content order; between values
    shared equally often, the value of the first entry in content order. Independent of the
    order of records, and the choice a reader expects: the odd records out are reported."""
    counts = Counter(value(entry) for entry in entries)
    most = max(counts.values())
    return next(entry for entry in entries if counts[value(entry)] == most)


class Judged(NamedTuple):
    """A judged finding before it has a position: the rule, the record and the violation."""

    code: str
    entry: Entry
    violation: Violation


Table = dict[Hashable, Any]
"""key -> list[Entry], or key -> {class: Entry} for a rule with ``keep``."""


@dataclass
class KeyStore:
    """The keys of the run-scope rules of one run (or of one worker's share of it).

    Plain data (dicts, lists, tuples) plus the specs, so it pickles to and from worker
    processes; :meth:`merge` of the stores of any split of a run's records gives the same
    entries per key as one store that saw them all.
    """

    specs: Mapping[str, TableSpec] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    """Keys not stored because a rule's table was full, per rule (for diagnostics)."""

    def add(self, code: str, key: Hashable, entry: Entry) -> None:
        """Store ``entry`` under ``key`` for rule ``code``."""
        table = self.tables.get(code)
        if table is None:
            table = self.tables[code] = {}
        spec = self.specs.get(code)
        found = table.get(key)
        if found is None:
            if spec is not None and spec.limit is not None and len(table) >= spec.limit:
                self.dropped[code] = self.dropped.get(code, 0) + 1
                return
            if spec is not None and spec.keep is not None:
                table[key] = {spec.keep(entry.payload): entry}
            else:
                table[key] = [entry]
            return
        if spec is not None and spec.keep is not None:
            cls = spec.keep(entry.payload)
            old = found.get(cls)
            if old is None or entry < old:
                found[cls] = entry
        else:
            found.append(entry)

    def merge(self, other: KeyStore) -> KeyStore:
        """Add every entry of ``other`` to this store (in place; returns ``self``).

        Associative and commutative as long as no table reaches its limit: the entries of a
        key are a multiset (or, with ``keep``, the minimum per class).
        """
        for code, theirs in other.tables.items():
            mine = self.tables.get(code)
            if mine is None:
                mine = self.tables[code] = {}
            spec = self.specs.get(code)
            keep = spec is not None and spec.keep is not None
            limit = spec.limit if spec is not None else None
            for key, entries in theirs.items():
                found = mine.get(key)
                if found is None:
                    if limit is not None and len(mine) >= limit:
                        self.dropped[code] = self.dropped.get(code, 0) + 1
                        continue
                    mine[key] = dict(entries) if keep else list(entries)
                elif keep:
                    for cls, entry in entries.items():
                        old = found.get(cls)
                        if old is None or entry < old:
                            found[cls] = entry
                else:
                    found.extend(entries)
        for code, count in other.dropped.items():
            self.dropped[code] = self.dropped.get(code, 0) + count
        return self

    def __len__(self) -> int:
        """How many entries the store holds (all rules)."""
        return sum(len(entries) for table in self.tables.values() for entries in table.values())

    def judge(self, judges: Mapping[str, tuple[Judge, Mapping[str, Any]]]) -> list[Judged]:
        """Every rule's judgement over its keys: findings in (file, index, code, pointer) order.

        ``judges`` maps a rule code to its judge and options. A rule reports a record at most
        once per pointer (two keys of one record may both be judged, as DUP003's PMID and DOI
        keys): of such findings the one with the smallest message is kept, so the choice does
        not depend on the order of keys.
        """
        chosen: dict[tuple[str, int, str, str], Judged] = {}
        for code, table in self.tables.items():
            found = judges.get(code)
            if found is None:
                continue
            judge, options = found
            for key, stored in table.items():
                if len(stored) < 2:
                    continue
                entries = sorted(stored.values() if isinstance(stored, dict) else stored)
                for entry, violation in judge(key, entries, options):
                    slot = (entry.file, entry.record, code, violation.pointer)
                    old = chosen.get(slot)
                    if old is None or violation.message < old.violation.message:
                        chosen[slot] = Judged(code, entry, violation)
        return [chosen[slot] for slot in sorted(chosen)]


__all__ = ["Entry", "Judge", "Judged", "Keep", "Key", "KeyStore", "TableSpec", "reference"]
