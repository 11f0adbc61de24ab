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
A store of a run (``Linter.new_run(spill=True)``, as every ``biblint check`` run makes) holds
at most ``spill_at`` entries in memory: past that it writes them to an anonymous
temporary file, in :data:`PARTITIONS` parts by the hash of (rule, key), and :meth:`judge`
reads one part back at a time, so a run's memory is bounded by one part, not by its records
(grace hash partitioning, as databases join tables larger than memory), except that the
entries of one key are judged together: a key every record shares (JRN005's one category of
a single-journal file) still holds an entry per record while it is judged. The entries of each
key, and so every judgement, are the same as without spilling.
A rule may declare ``keep``: entries of one key with the same ``keep(payload)`` collapse to
the first in content order (TYP008 keeps one record per key path and shape, not one per
record), which is still associative and commutative.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

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
    hidden: tuple[str, ...] = ()
    """Pointers where the record has a catch-all (schema) finding: a judged finding at one of
    them is dropped, one defect giving one finding (see ``Linter._add_keys``)."""

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

SPILL_AT = 100_000
"""Entries a store holds in memory before it spills them to disk (about 30 MB of entries)."""

PARTITIONS = 64
"""Parts of a spilled store: :meth:`KeyStore.judge` holds one part's entries at a time."""


class _Spill:
    """The spilled entries of a store: pickled batches in one anonymous temporary file (gone
    when closed, or when the process ends), and where each part's batches are."""

    def __init__(self) -> None:
        # Held open for the run (closed by close() or when the store is collected).
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="biblint-keys-")  # noqa: SIM115
        self.parts: list[list[tuple[int, int]]] = [[] for _ in range(PARTITIONS)]

    def write(self, tables: dict[str, Table]) -> None:
        grouped: list[list[tuple[str, Hashable, Any]]] = [[] for _ in range(PARTITIONS)]
        for code, table in tables.items():
            for key, stored in table.items():
                grouped[hash((code, key)) % PARTITIONS].append((code, key, stored))
        handle = self.file
        handle.seek(0, 2)
        for part, items in enumerate(grouped):
            if items:
                blob = pickle.dumps(items, pickle.HIGHEST_PROTOCOL)
                self.parts[part].append((handle.tell(), len(blob)))
                handle.write(blob)

    def read(self, part: int) -> Iterator[list[tuple[str, Hashable, Any]]]:
        handle = self.file
        for offset, size in self.parts[part]:
            handle.seek(offset)
            yield pickle.loads(handle.read(size))

    def close(self) -> None:
        self.file.close()


def _combine(mine: Table, key: Hashable, stored: Any, keep: bool) -> None:
    """Add one key's stored entries to a table (no limit: they were counted when added)."""
    found = mine.get(key)
    if found is None:
        mine[key] = dict(stored) if keep else list(stored)
    elif keep:
        for cls, entry in stored.items():
            old = found.get(cls)
            if old is None or entry < old:
                found[cls] = entry
    else:
        found.extend(stored)


@dataclass
class KeyStore:
    """The keys of the run-scope rules of one run (or of one worker's share of it).

    Plain data (dicts, lists, tuples) plus the specs, so it pickles to and from worker
    processes; :meth:`merge` of the stores of any split of a run's records gives the same
    entries per key as one store that saw them all. Past ``spill_at`` entries in memory
    the entries go to a temporary file (see the module docstring); ``tables`` then holds
    only those added since (:meth:`items` gives all), and pickling a spilled store reads
    them all back. ``spill_at`` None (the default) never spills, so a store built by other
    code holds everything in ``tables`` as before; the engine's runs pass :data:`SPILL_AT`.
    """

    specs: Mapping[str, TableSpec] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    """Keys not stored because a rule's table was full, per rule (for diagnostics)."""
    spill_at: int | None = None
    held: int = 0
    """Entries added to ``tables`` since the last spill (what ``spill_at`` is compared with)."""
    spilled_keys: dict[str, int] = field(default_factory=dict)
    """Keys written to disk per rule; a key spilled twice counts twice, so with spilling a
    rule's ``limit`` may be reached a little early (it bounds memory, it is not a count)."""
    _spill: _Spill | None = field(default=None, repr=False, compare=False)

    def add(self, code: str, key: Hashable, entry: Entry) -> None:
        """Store ``entry`` under ``key`` for rule ``code`` (:meth:`add_record` of one key)."""
        self.add_record(code, ((key, entry.payload),), entry.record_key, entry.file,
                        entry.record, entry.hidden)

    def add_record(self, code: str, keys: Iterable[tuple[Hashable, tuple[Any, ...]]],
                   record_key: str, file: str, record: int,
                   hidden: tuple[str, ...] = ()) -> None:
        """Store one record's ``keys`` (``(key, payload)`` pairs) for rule ``code``: the same
        as :meth:`add` of ``Entry(record_key, payload, file, record, hidden)`` for each, with
        the rule's table and spec looked up once, and no entry built for a key whose ``keep``
        class already holds one that comes first (TYP008 yields a key per member of every
        record, and nearly all of them are such repeats)."""
        spec = self.specs.get(code)
        keep = spec.keep if spec is not None else None
        limit = spec.limit if spec is not None else None
        table: Table | None = None
        for key, payload in keys:
            if table is None:  # as add() does: the table exists once a key was offered
                table = self.tables.get(code)
                if table is None:
                    table = self.tables[code] = {}
            found = table.get(key)
            if keep is not None:
                cls = keep(payload)
                if found is not None:
                    old = found.get(cls)
                    if old is not None:
                        # An Entry is a plain tuple to compare: this is ``Entry(...) < old``.
                        if (record_key, payload, file, record, hidden) < old:
                            found[cls] = Entry(record_key, payload, file, record, hidden)
                        continue
            if found is None:
                if limit is not None and len(table) + self.spilled_keys.get(code, 0) >= limit:
                    self.dropped[code] = self.dropped.get(code, 0) + 1
                    continue
                entry = Entry(record_key, payload, file, record, hidden)
                table[key] = {cls: entry} if keep is not None else [entry]
            elif keep is not None:
                found[cls] = Entry(record_key, payload, file, record, hidden)
            else:
                found.append(Entry(record_key, payload, file, record, hidden))
            self.held += 1
            if self.spill_at is not None and self.held >= self.spill_at:
                self.spill()
                table = None  # spilling started new tables

    def merge(self, other: KeyStore) -> KeyStore:
        """Add every entry of ``other`` to this store (in place; returns ``self``).

        Associative and commutative as long as no table reaches its limit: the entries of a
        key are a multiset (or, with ``keep``, the minimum per class).
        """
        for code, theirs in other.items():
            mine = self.tables.get(code)
            if mine is None:
                mine = self.tables[code] = {}
            spec = self.specs.get(code)
            keep = spec is not None and spec.keep is not None
            limit = spec.limit if spec is not None else None
            for key, entries in theirs:
                if (limit is not None and key not in mine
                        and len(mine) + self.spilled_keys.get(code, 0) >= limit):
                    self.dropped[code] = self.dropped.get(code, 0) + 1
                    continue
                _combine(mine, key, entries, keep)
                self.held += len(entries)
            if self.spill_at is not None and self.held >= self.spill_at:
                self.spill()
        for code, count in other.dropped.items():
            self.dropped[code] = self.dropped.get(code, 0) + count
        return self

    def items(self) -> Iterator[tuple[str, Iterator[tuple[Hashable, Any]]]]:
        """Every rule's stored keys, spilled ones included: ``(code, (key, stored)...)``; a
        key spilled more than once comes more than once (its parts add up)."""
        if self._spill is not None:
            for part in range(PARTITIONS):
                for batch in self._spill.read(part):
                    for code, key, stored in batch:
                        yield code, iter(((key, stored),))
        for code, table in self.tables.items():
            yield code, iter(table.items())

    def spill(self) -> None:
        """Write the entries held in memory to the temporary file, and let them go."""
        if not self.tables:
            return
        if self._spill is None:
            self._spill = _Spill()
        self._spill.write(self.tables)
        for code, table in self.tables.items():
            self.spilled_keys[code] = self.spilled_keys.get(code, 0) + len(table)
        self.tables = {}
        self.held = 0

    def __getstate__(self) -> dict[str, Any]:
        """Picklable: a spilled store is sent with its entries read back from disk."""
        state = dict(self.__dict__)
        if self._spill is not None:
            tables: dict[str, Table] = {}
            for code, pairs in self.items():
                spec = self.specs.get(code)
                keep = spec is not None and spec.keep is not None
                table = tables.setdefault(code, {})
                for key, stored in pairs:
                    _combine(table, key, stored, keep)
            state.update(tables=tables, _spill=None, held=0, spilled_keys={})
        return state

    def __len__(self) -> int:
        """How many entries the store holds (all rules, spilled ones included)."""
        return sum(len(stored) for _, pairs in self.items() for _, stored in pairs)

    def close(self) -> None:
        """Drop the spilled entries' file (the store then holds what is in memory only)."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def judge(self, judges: Mapping[str, tuple[Judge, Mapping[str, Any]]]) -> list[Judged]:
        """Every rule's judgement over its keys: findings in (file, index, code, pointer) order.

        ``judges`` maps a rule code to its judge and options. A rule reports a record at most
        once per pointer (two keys of one record may both be judged, as DUP003's PMID and DOI
        keys): of such findings the one with the smallest message is kept, so the choice does
        not depend on the order of keys. A spilled store is judged one part at a time.
        """
        chosen: dict[tuple[str, int, str, str], Judged] = {}
        if self._spill is None:
            self._judge_tables(self.tables, judges, chosen)
        else:
            self.spill()
            assert self._spill is not None
            for part in range(PARTITIONS):
                tables: dict[str, Table] = {}
                for batch in self._spill.read(part):
                    for code, key, stored in batch:
                        spec = self.specs.get(code)
                        _combine(tables.setdefault(code, {}), key, stored,
                                 spec is not None and spec.keep is not None)
                self._judge_tables(tables, judges, chosen)
        return [chosen[slot] for slot in sorted(chosen)]

    @staticmethod
    def _judge_tables(tables: dict[str, Table],
                      judges: Mapping[str, tuple[Judge, Mapping[str, Any]]],
                      chosen: dict[tuple[str, int, str, str], Judged]) -> None:
        for code, table in tables.items():
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


__all__ = ["PARTITIONS", "SPILL_AT", "Entry", "Judge", "Judged", "Keep", "Key", "KeyStore",
           "TableSpec", "reference"]
