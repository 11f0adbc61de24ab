"""``--dask``: one run spread over a Dask cluster, with the findings of one process.

Snapshots of the large open datasets (OpenAlex, Crossref, Semantic Scholar: hundreds of
millions of records as gzipped JSON Lines) take hours on one machine; the teams that keep them
already run Dask. This module maps biblint's engine over a cluster without a scheduler of its
own, through the same seams as ``--jobs`` (:mod:`biblint.parallel`):

* **Partitions.** Inputs are local paths (walked as :meth:`Linter.discover` walks them) or
  fsspec URLs (``s3://``, ``gs://``, ``file://``, globs). A plain JSON Lines file larger than
  the block size (64 MB) is cut into blocks at line starts; a first, cheap pass on the cluster
  finds each block's boundaries and counts its records and lines, so that every block is then
  linted with file-wide record indexes and line numbers (messages that name a line are right
  too). A gzipped file is one partition (gzip cannot be split), decompressed as a stream; any
  other file is one partition read whole by the normal readers (so new formats work here as
  their readers land).
* **Per partition**, a worker runs :meth:`Linter.iter_document` (JSON Lines through the
  streaming reader of a single-process run) and returns the events of its records, and the
  :class:`~biblint.runscope.KeyStore` of the run-scope rules' extracted keys.
* **Cross-record rules** are judged after a shuffle: the keys of every partition go through
  ``dask.bag.groupby`` (a task-based shuffle: each key's entries meet in one partition, no
  machine holds them all), each group is merged and judged with the engine's own judges; the
  one-finding-per-record-and-pointer rule across keys is a second shuffle by that slot; the
  findings are then grouped by the partition that holds their record, which is read again
  once to place them (line and column), as a single-process run reads its files again.
* **The report.** The client takes the partitions' events in input order (they wait on the
  workers until then) and frames them as one process would, so every output format,
  ``--baseline`` and ``--statistics`` work unchanged; with ``--output-format jsonl:DIR/`` the
  workers write one findings file per partition instead and only counts come back.

Tasks are pure functions of their partition: a worker lost during a run has its tasks run
again elsewhere by the scheduler, which gives the same events and keys, so the report is
complete and has no duplicates (part files are replaced whole).

Importing this module needs ``dask[bag]`` and ``distributed`` (``pip install biblint[dask]``);
``import biblint`` never imports it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import json
import logging
import os
import pickle
import re
import shutil
import tempfile
import threading
import uuid
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol

import dask
import dask.bag as db
from dask.base import compute
from dask.delayed import Delayed, delayed

from .config import Config, ConfigError
from .engine import Linter, Positions, StreamPositions
from .model import (
    Applicability,
    Event,
    FileFinished,
    FileResult,
    FileStarted,
    Finding,
    JSONValue,
    LateFindings,
    Origin,
    RecordChecked,
    Report,
    Severity,
)
from .parallel import CHUNKED_SUFFIXES, records_in
from .readers import (
    BOMS,
    READERS,
    UNREADABLE,
    Document,
    RawRecord,
    ReadProblem,
    UnreadableDocument,
)
from .readers.jsonfile import read_json
from .readers.jsonlines import JsonLinesStream, sniff_stream
from .runscope import Judged, KeyStore

BLOCK_SIZE = 64 * 1024 * 1024
"""Bytes of a plain JSON Lines file per partition (the issue's ~64 MB): a few tens of
thousands of records, a minute of one core's work, small enough to spread a big file."""

SEGMENT = 8 * 1024 * 1024
"""A gzipped or remote partition is linted in segments of this many bytes (cut at line ends),
each written to a scratch file and read by the streaming JSON Lines reader: a worker's memory
and scratch space stay bounded whatever the partition's size."""

LINES_GZ = (".jsonl", ".ndjson")
"""Inner suffixes of gzipped files that are always JSON Lines."""

_PIECE = 8 * 1024 * 1024
_READ = 256 * 1024
_BROKEN = (OSError, EOFError, zlib.error)
"""What reading a file can raise: I/O errors, truncated or corrupt gzip data."""
_SCHEDULER = re.compile(r"^local(?::(\d+))?$")
_HOST_PORT = re.compile(r"^[\w.\-\[\]:]+:\d+$")


# -- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One input file: the name findings give it, and where a worker reads it."""

    shown: str
    local: str | None = None
    """The path on the (shared) local filesystem, for paths and ``file://`` URLs."""
    url: str | None = None
    """The fsspec URL of a remote file."""
    size: int | None = None

    @property
    def gzipped(self) -> bool:
        return self.shown.lower().endswith(".gz")


def is_url(text: str) -> bool:
    """Whether ``text`` names an fsspec URL (``s3://...``) rather than a local path."""
    return "://" in text and not Path(text).exists()


def _walk_suffix(name: str) -> bool:
    """Whether a folder walk on a remote filesystem takes ``name``: a suffix a reader knows,
    or such a suffix gzipped."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return Path(lower).suffix in READERS


Discover = Callable[..., Iterator[tuple[Path, str]]]
"""``discover(paths, force_exclude=...)``: :meth:`Linter.discover` of the plain engine."""


def sources(discover: Discover, paths: Iterable[str | Path], *,
            force_exclude: bool = False) -> list[Source]:
    """The files of a run, in input order: local paths as :meth:`Linter.discover` gives them
    (the files and names of a single-process run), URLs expanded by fsspec (globs, and
    folders walked for the suffixes the readers know, gzipped or not)."""
    out: list[Source] = []
    local: list[str] = []
    seen: set[str] = set()

    def flush() -> None:
        for path, shown in discover(local, force_exclude=force_exclude):
            if shown not in seen:
                seen.add(shown)
                out.append(Source(shown, local=str(path), size=_local_size(path)))
        local.clear()

    for given in paths:
        text = str(given)
        if not is_url(text):
            local.append(text)
            continue
        flush()
        for source in _expand_url(text):
            if source.local is not None:
                local.append(source.local)
                flush()
            elif source.shown not in seen:
                seen.add(source.shown)
                out.append(source)
    flush()
    return out


def _expand_url(url: str) -> list[Source]:
    """The files an fsspec URL names: itself, its glob's matches, or a folder's files."""
    from fsspec.core import url_to_fs
    from fsspec.implementations.local import LocalFileSystem

    fs, root = url_to_fs(url)
    if isinstance(fs, LocalFileSystem):
        paths = sorted(fs.glob(root)) if _magic(root) else [root]
        if not paths:
            raise ConfigError(f"no file matches {url}")
        return [Source(str(path), local=str(path)) for path in paths]
    candidates: list[tuple[str, dict[str, Any]]] = []
    if _magic(root):
        matches = fs.glob(root, detail=True)
        if not matches:
            raise ConfigError(f"no file matches {url}")
        candidates = sorted(matches.items())
    else:
        try:
            info = fs.info(root)
        except (FileNotFoundError, OSError):
            return [Source(url, url=url)]  # the worker reports it as unreadable
        candidates = [(root, info)]
    out: list[Source] = []
    for path, info in candidates:
        if info.get("type") == "directory":
            found = fs.find(path, detail=True)
            for name in sorted(found):
                relative = name[len(path):].strip("/").split("/")
                if any(part.startswith(".") for part in relative) or not _walk_suffix(name):
                    continue
                out.append(Source(fs.unstrip_protocol(name), url=fs.unstrip_protocol(name),
                                  size=found[name].get("size")))
        else:
            shown = url if path == root and not _magic(root) else fs.unstrip_protocol(path)
            out.append(Source(shown, url=fs.unstrip_protocol(path), size=info.get("size")))
    return out


def _magic(path: str) -> bool:
    return any(char in path for char in "*?[")


def _local_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


# -- partitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One partition of a run: a whole file, a block of a JSON Lines file, or a gzipped
    file. ``first_index`` / ``first_line`` are the file-wide record index and line number
    of a block's first line."""

    number: int
    source: Source
    kind: str
    """``whole`` (the normal readers), ``lines`` (a byte range of plain JSON Lines) or
    ``gzip`` (a gzipped file, streamed as JSON Lines when it holds them)."""
    start: int = 0
    end: int | None = None
    first_index: int = 0
    first_line: int = 1
    first: bool = True
    """The first partition of its file (the client starts the file's framing there)."""
    last: bool = True


class Block(NamedTuple):
    """A block of a JSON Lines file as the counting pass found it."""

    start: int
    end: int
    records: int
    lines: int
    bom: bool


def _line_start(handle: IO[bytes], at: int, size: int) -> int:
    """The first line start at or after ``at`` (``size`` when there is none)."""
    if at <= 0:
        return 0
    if at >= size:
        return size
    handle.seek(at - 1)
    line = handle.readline()
    return at - 1 + len(line) if line.endswith(b"\n") else size


def count_block(source: Source, hint: int, following: int, size: int) -> Block:
    """Find a block's boundaries (the line starts at or after ``hint`` and ``following``: a
    block and the next one agree on theirs) and count its records and lines, reading it in
    pieces cut at line ends. A file that starts with a byte-order mark is marked, and then not
    split (its encoding is the whole file's)."""
    with _open_raw(source) as handle:
        bom = False
        if hint == 0:
            head = handle.read(4)
            bom = any(head.startswith(mark) for mark, _ in BOMS)
        start = _line_start(handle, hint, size)
        end = _line_start(handle, following, size)
        handle.seek(start)
        records = lines = 0
        left = end - start
        while left > 0:
            piece = handle.read(min(_PIECE, left))
            if not piece:
                break
            if not piece.endswith(b"\n") and len(piece) < left:
                piece += handle.readline(left - len(piece))
            left -= len(piece)
            records += records_in(piece)
            lines += piece.count(b"\n")
        return Block(start, end, records, lines, bom)


def plan(found: Sequence[Source], blocksize: int, compute: Any) -> list[Part]:
    """The partitions of a run in input order. ``compute(list_of_delayed)`` runs the
    counting pass over the blocks of the large plain JSON Lines files (on the cluster)."""
    pending: list[tuple[int, list[tuple[int, int]]]] = []
    for position, source in enumerate(found):
        size = source.size
        if (not source.gzipped and size is not None and size > blocksize
                and Path(source.shown).suffix.lower() in CHUNKED_SUFFIXES):
            hints = list(range(0, size, blocksize))
            pending.append((position, [(h, min(h + blocksize, size)) for h in hints]))
    counted: dict[int, list[Block]] = {}
    if pending:
        tasks = [delayed(count_block, pure=True)(found[position], hint, following,
                                                  found[position].size)
                 for position, bounds in pending for hint, following in bounds]
        results = iter(compute(tasks))
        for position, bounds in pending:
            counted[position] = [next(results) for _ in bounds]
    parts: list[Part] = []
    for position, source in enumerate(found):
        blocks = counted.get(position)
        if blocks is not None and not blocks[0].bom:
            kept = [b for b in blocks if b.end > b.start] or blocks[:1]
            index, line = 0, 1
            for n, block in enumerate(kept):
                parts.append(Part(len(parts), source, "lines", block.start, block.end, index,
                                  line, first=n == 0, last=n == len(kept) - 1))
                index += block.records
                line += block.lines
        elif source.gzipped:
            parts.append(Part(len(parts), source, "gzip"))
        else:
            parts.append(Part(len(parts), source, "whole"))
    return parts


# -- reading a partition -------------------------------------------------------------------


@contextlib.contextmanager
def _open_raw(source: Source) -> Iterator[IO[bytes]]:
    """The source's bytes: a local file, or an fsspec file (buffered, seekable)."""
    if source.local is not None:
        with open(source.local, "rb") as handle:
            yield handle
        return
    import fsspec

    assert source.url is not None
    with fsspec.open(source.url, "rb") as handle:
        yield handle


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def read1(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


class _Bounded:
    """``read`` / ``readline`` of a file up to a number of bytes (a block's end)."""

    def __init__(self, handle: IO[bytes], left: int) -> None:
        self.handle, self.left = handle, left

    def read(self, size: int = -1, /) -> bytes:
        data = self.handle.read(self.left if size < 0 else max(0, min(size, self.left)))
        self.left -= len(data)
        return data

    read1 = read

    def readline(self, size: int = -1, /) -> bytes:
        limit = self.left if size < 0 else min(size, self.left)
        data = self.handle.readline(max(0, limit)) if limit > 0 else b""
        self.left -= len(data)
        return data


def _scratch() -> str | None:
    """Where a worker keeps scratch files: its Dask local directory, else the default."""
    try:
        from distributed import get_worker

        return str(get_worker().local_directory)
    except (ImportError, ValueError):
        return None


def _gzip_lines(source: Source) -> bool:
    """Whether a gzipped file is read as JSON Lines: by its inner suffix (``.jsonl.gz``),
    else, for ``.json.gz`` and names without a suffix (OpenAlex's ``part_000.gz``), when its
    first non-blank line is a whole JSON object or array and more follows (as a ``.json``
    file is sniffed). Other inner suffixes (``.bib.gz``) go to the normal readers whole."""
    inner = Path(source.shown[:-3]).suffix.lower()
    if inner in LINES_GZ:
        return True
    if inner in READERS and inner != ".json":
        return False  # a format of its own (once its reader knows gzip)
    try:
        with _open_raw(source) as raw, gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            return sniff_stream(stream)
    except _BROKEN:
        return False


def _documents(part: Part) -> Iterator[tuple[Document, int | None]]:
    """The documents of a ``lines`` or ``gzip`` partition, in order, each with the shift
    that makes its byte offsets file offsets (None: offsets that are not the file's, such as
    those of decompressed data). A local block is read in place; a remote block or a gzipped
    file is streamed in segments through a scratch file (the next segment is written once
    the consumer asks for the next document)."""
    source = part.source
    if part.kind == "lines" and source.local is not None:
        yield JsonLinesStream(Path(source.local), source.shown, start=part.start, end=part.end,
                              first_index=part.first_index, first_line=part.first_line), 0
        return
    with _open_raw(source) as raw:
        if part.kind == "lines":
            raw.seek(part.start)
            assert part.end is not None
            yield from _segments(_Bounded(raw, part.end - part.start), part, part.start)
        else:
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                yield from _segments(stream, part, None)


def _segments(stream: _Readable, part: Part, base: int | None
              ) -> Iterator[tuple[Document, int | None]]:
    shown = part.source.shown
    index, line, offset = part.first_index, part.first_line, 0
    with tempfile.TemporaryDirectory(prefix="biblint-", dir=_scratch()) as folder:
        scratch = Path(folder) / "segment.jsonl"
        first = True
        while True:
            data, broken = _fill(stream)
            if first and part.kind == "gzip" and any(data.startswith(m) for m, _ in BOMS):
                # Not streamable (the mark's encoding is the file's): read whole, as a
                # single-process run reads such a file.
                if broken is None:
                    data += stream.read()
                yield read_json(data, shown, lines=True), None
                if broken is not None:
                    raise broken
                return
            first = False
            if data:
                scratch.write_bytes(data)
                document = JsonLinesStream(scratch, shown, first_index=index, first_line=line)
                yield document, None if base is None else base + offset
                index += records_in(data)
                line += data.count(b"\n")
                offset += len(data)
            if broken is not None:  # the lines before the break were checked
                raise broken
            if not data:
                return


def _fill(stream: _Readable) -> tuple[bytes, BaseException | None]:
    """The next segment (about :data:`SEGMENT` bytes, ending at a line end), read in small
    pieces so that data that breaks off (a truncated gzip file) still gives its whole lines,
    with the error."""
    pieces: list[bytes] = []
    size = 0
    try:
        while size < SEGMENT:
            # read1: what one read decompressed, even if the next read breaks off
            piece = stream.read1(min(_READ, SEGMENT - size))
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
        if pieces and not pieces[-1].endswith(b"\n"):
            pieces.append(stream.readline())
    except _BROKEN as exc:
        data = b"".join(pieces)
        return data[:data.rfind(b"\n") + 1], exc
    return b"".join(pieces), None


@contextlib.contextmanager
def _local_copy(source: Source) -> Iterator[Path]:
    """A local path holding the source's bytes: the file itself, or a scratch copy."""
    if source.local is not None:
        yield Path(source.local)
        return
    with tempfile.TemporaryDirectory(prefix="biblint-", dir=_scratch()) as folder:
        name = source.shown.rstrip("/").rsplit("/", 1)[-1] or "input"
        copy = Path(folder) / name
        with _open_raw(source) as raw, copy.open("wb") as out:
            shutil.copyfileobj(raw, out, 1024 * 1024)
        yield copy


# -- the work of a partition ---------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """What every task of a run needs: the configuration (a worker builds its linter once
    per configuration and thread) and, for ``jsonl:DIR/``, the folder of the part files."""

    config: Config
    token: str
    folder: str | None = None
    unsafe_fixes: bool = False

    @classmethod
    def of(cls, config: Config | None, folder: str | None = None) -> Job:
        config = config or Config()
        token = hashlib.sha256(pickle.dumps(config)).hexdigest()[:16]
        return cls(config, token, folder, config.unsafe_fixes)


_LOCAL = threading.local()


def worker_linter(job: Job) -> Linter:
    """The linter of ``job`` in this worker thread (built on first use: rules, profiles and
    options are resolved once per worker, not once per task)."""
    linters: dict[str, Linter] | None = getattr(_LOCAL, "linters", None)
    if linters is None:
        linters = _LOCAL.linters = {}
    linter = linters.get(job.token)
    if linter is None:
        linter = linters[job.token] = Linter(job.config)
    return linter


Counts = Counter[tuple[str, str, bool]]
"""Findings by (code, severity, fixable), what the client needs of a part file."""


@dataclass
class Linted:
    """What a partition's task returns (plain data, picklable).

    ``events``: for a file linted whole, every event of the file; else the partition's
    :class:`RecordChecked` events and ``result`` with its record count and errors (the
    client frames the file). With a folder (``jsonl:DIR/``) the findings are in the part
    file instead, the events hold none, and ``counts`` counts them."""

    number: int
    events: list[Event]
    result: FileResult | None
    keys: KeyStore | None
    counts: Counts | None = None


def lint_part(job: Job, part: Part) -> Linted:
    """Lint one partition (a task)."""
    linter = worker_linter(job)
    state = linter.new_run()
    shown = part.source.shown
    result: FileResult | None = None
    if part.kind == "whole" or (part.kind == "gzip" and not _gzip_lines(part.source)):
        events = _lint_whole(linter, part, state)
    else:
        result = FileResult(shown)
        events = []
        try:
            for document, shift in _documents(part):
                for event in linter.iter_document(document, state, result):
                    if shift != 0 and event.offset is not None:
                        event = dataclasses.replace(
                            event, offset=None if shift is None else event.offset + shift)
                    events.append(event)
        except _BROKEN as exc:  # unreadable, truncated or corrupt gzip data
            events.extend(linter.iter_document(_unreadable(shown, exc), state, result))
    counts = None
    if job.folder is not None:
        counts = _write_part(job, f"part-{part.number:06d}.jsonl", events)
        events = [FileFinished(dataclasses.replace(e.result, findings=[]))
                  if isinstance(e, FileFinished) else e
                  for e in events if not isinstance(e, RecordChecked)]
    return Linted(part.number, events, result, state.keys, counts)


def _lint_whole(linter: Linter, part: Part, state: Any) -> list[Event]:
    shown = part.source.shown
    try:
        with _local_copy(part.source) as path:
            return list(linter.iter_file(path, shown, state))
    except _BROKEN as exc:
        result = FileResult(shown)
        events: list[Event] = [FileStarted(shown, part.source.size)]
        events.extend(linter.iter_document(_unreadable(shown, exc), state, result))
        events.append(FileFinished(result))
        return events


def _unreadable(shown: str, exc: BaseException) -> UnreadableDocument:
    reason = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return UnreadableDocument(shown, [ReadProblem(UNREADABLE, f"cannot read file: {reason}")])


def _findings_of(events: Iterable[Event]) -> Iterator[Finding]:
    for event in events:
        if isinstance(event, RecordChecked | LateFindings):
            yield from event.findings
        elif isinstance(event, FileFinished):
            yield from event.result.findings


def _counts(job: Job, found: Iterable[Finding]) -> Counts:
    counts: Counts = Counter()
    for f in found:
        fixable = f.fix is not None and (f.fix.applicability is Applicability.SAFE
                                         or job.unsafe_fixes)
        counts[f.code, f.severity.label, fixable] += 1
    return counts


def _write_part(job: Job, name: str, events: Iterable[Event]) -> Counts:
    """Write a part file of findings (one JSON object a line, as the ``jsonl`` format writes
    them), whole or not at all: a local file through a renamed temporary file, a remote one
    by fsspec (object stores publish an object when it is closed). A task run again after a
    lost worker replaces it with the same content."""
    assert job.folder is not None
    found = list(_findings_of(events))
    lines = (json.dumps(f.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n" for f in found)
    if is_url(job.folder):
        import fsspec

        with fsspec.open(job.folder.rstrip("/") + "/" + name, "wb") as out:
            out.writelines(lines)
    else:
        from .fixer import AtomicFile

        with AtomicFile(Path(job.folder) / name) as atomic:
            atomic.handle.writelines(lines)
            atomic.commit()
    return _counts(job, found)


def _events(linted: Linted) -> Linted:
    """The part of a task's output the client takes (the keys stay on the cluster)."""
    return dataclasses.replace(linted, keys=None)


KeyItem = tuple[str, Hashable, Any]
"""One rule's entries under one key in one partition: ``(code, key, entries)``."""


def _key_items(linted: Linted) -> list[KeyItem]:
    keys = linted.keys
    if keys is None:
        return []
    return [(code, key, entries) for code, table in keys.tables.items()
            for key, entries in table.items()]


def _group(item: KeyItem) -> tuple[str, Hashable]:
    return item[0], item[1]


def judge_groups(groups: Iterable[tuple[tuple[str, Hashable], list[KeyItem]]], job: Job,
                 index: PartIndex | None) -> list[tuple[int, Judged]]:
    """Judge the keys of one shuffled partition: every entry of a key is here, merged as the
    stores of ``--jobs`` workers are merged (:meth:`KeyStore.merge`), judged by the engine.
    A judged finding at a pointer where its record has a catch-all finding is dropped (one
    defect, one finding, as :meth:`Linter.late_findings` does). Each finding goes with where
    its record is: the number of the partition that holds it (with ``index``), else the
    record's index in the bag."""
    linter = worker_linter(job)
    state = linter.new_run()
    store = state.keys
    if store is None:
        return []
    for (code, key), items in groups:
        for _, _, entries in items:
            store.merge(KeyStore(store.specs, {code: {key: entries}}))
    return [(index.part(item.entry.file, item.entry.record) if index is not None
             else item.entry.record, item)
            for item in linter.judge_run(state)
            if item.violation.pointer not in item.entry.hidden]


def _one_per_slot(items: Iterable[tuple[int, Judged]]) -> list[Judged]:
    """One judged finding per record, rule and pointer: of those found under several keys
    (DUP003 judges a record by its PMID and by its DOI), the smallest message, as
    :meth:`KeyStore.judge` chooses between the keys it holds. The findings of a slot all
    travel to their record's partition, so they meet here. In record order."""
    chosen: dict[tuple[str, int, str, str], Judged] = {}
    for _, item in items:
        slot = (item.entry.file, item.entry.record, item.code, item.violation.pointer)
        old = chosen.get(slot)
        if old is None or item.violation.message < old.violation.message:
            chosen[slot] = item
    return [chosen[slot] for slot in sorted(chosen)]


@dataclass(frozen=True)
class PartIndex:
    """Which partition holds a record: per file, the first record index of each partition."""

    starts: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, parts: Sequence[Part]) -> PartIndex:
        starts: dict[str, tuple[list[int], list[int]]] = {}
        for part in parts:
            firsts, numbers = starts.setdefault(part.source.shown, ([], []))
            firsts.append(part.first_index)
            numbers.append(part.number)
        return cls(starts)

    def part(self, file: str, record: int) -> int:
        found = self.starts.get(file)
        if found is None:
            return -1
        firsts, numbers = found
        return numbers[max(0, bisect_right(firsts, record) - 1)]


def locate(groups: Iterable[tuple[int, list[tuple[int, Judged]]]], job: Job,
           parts: Sequence[Part]) -> list[Any]:
    """Judged findings placed in their files: each partition that holds such records is read
    again once, forward. Returns :class:`Finding` objects, or with a folder the counts of the
    ``late-NNNNNN.jsonl`` files written (the judged findings of partition NNNNNN)."""
    linter = worker_linter(job)
    out: list[Any] = []
    for number, items in groups:
        ordered = _one_per_slot(items)
        with _positions(parts[number]) as where:
            found = [linter.judged_finding(item, where) for item in ordered]
        found.sort(key=Finding.sort_key)
        if job.folder is not None:
            out.append(_write_part(job, f"late-{number:06d}.jsonl",
                                   [LateFindings(parts[number].source.shown, found)]))
        else:
            out.extend(found)
    return out


@contextlib.contextmanager
def _positions(part: Part) -> Iterator[Positions]:
    if part.kind == "whole" or (part.kind == "gzip" and not _gzip_lines(part.source)):
        with _local_copy(part.source) as path:
            yield StreamPositions(path, part.source.shown)
        return
    cursor = _Cursor(part)
    try:
        yield cursor
    finally:
        cursor.close()


class _Cursor:
    """Positions in a partition read again forward (callers ask in record order)."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self._documents: Iterator[tuple[Document, int | None]] | None = None
        self._document: Document | None = None
        self._records: Iterator[RawRecord] | None = None
        self._current: RawRecord | None = None

    def close(self) -> None:
        if self._documents is not None:
            self._documents.close()  # type: ignore[attr-defined]
            self._documents = None

    def _next(self) -> RawRecord | None:
        while True:
            if self._records is not None:
                raw = next(self._records, None)
                if raw is not None:
                    return raw
            assert self._documents is not None
            found = next(self._documents, None)
            if found is None:
                return None
            self._document = found[0]
            self._records = self._document.iter_records()

    def __call__(self, index: int, pointer: str) -> tuple[int, int] | None:
        current = self._current
        if self._documents is None or current is None or current.origin.index > index:
            self.close()
            self._documents = _documents(self.part)
            self._records = None
            current = None
        try:
            while current is None or current.origin.index < index:
                current = self._next()
                if current is None:
                    self._current = None
                    return None
                self._current = current
        except _BROKEN:
            return None
        if current.origin.index != index or current.data is None or self._document is None:
            return None
        return self._document.locate(index, pointer)


# -- the graph and the client ------------------------------------------------------------


class Run:
    """One run on a cluster: its partitions, their tasks, and the events in input order.

    ``client`` is a ``distributed.Client`` (results are taken from the workers in input
    order as they finish), or None for Dask's default scheduler (everything is computed,
    then framed: for tests and small runs)."""

    def __init__(self, linter: Linter, found: Sequence[Source], *, client: Any = None,
                 blocksize: int = BLOCK_SIZE, folder: str | None = None) -> None:
        if linter.sequential:
            names = ", ".join(r.code for r in linter.rules if r.scope == "run"
                              and r.judge is None)
            raise ConfigError(f"--dask: {names} keep state across records in order (run rules "
                              "without a judge) and cannot be spread over a cluster")
        self.linter = linter
        self.client = client
        self.job = Job.of(linter.config, folder)
        self.blocksize = blocksize
        self.parts = plan(found, blocksize, self._compute)
        self.counts: Counts = Counter()
        """With a folder: the findings written, by (code, severity, fixable)."""
        self.written = 0
        """With a folder: the part files written."""

    def _compute(self, tasks: list[Any]) -> list[Any]:
        if self.client is not None:
            return list(self.client.gather(self.client.compute(tasks)))
        return list(compute(*tasks))

    def graph(self) -> tuple[list[Delayed], Any]:
        """The lint task of each partition (its events, for the client) and the collection
        of the judged findings (a bag: the shuffled keys, judged, placed)."""
        job, run = self.job, uuid.uuid4().hex[:8]
        lints = [delayed(lint_part, pure=True)(job, part,
                                                dask_key_name=f"biblint-lint-{run}-{part.number}")
                 for part in self.parts]
        events = [delayed(_events, pure=True)(lint, dask_key_name=f"biblint-events-{run}-{n}")
                  for n, lint in enumerate(lints)]
        if self.linter.new_run().keys is None or not lints:
            return events, delayed(list, pure=True)(())
        keys = db.from_delayed([delayed(_key_items, pure=True)(lint) for lint in lints])
        wanted = self.shuffle_partitions()
        if wanted < keys.npartitions:
            keys = keys.repartition(npartitions=wanted)
        index = PartIndex.of(self.parts)
        late = judged_bag(job, keys, index)
        return events, late.map_partitions(locate, job, delayed(list(self.parts), pure=True))

    def shuffle_partitions(self) -> int:
        """Partitions of the key shuffle: about one per block of input (a gzipped file
        counted at four times its size), never more than the lint partitions. Many small
        files (a corpus of API responses) then share one, where a shuffle over one partition
        per file would cost far more tasks than the judging itself."""
        total = 0
        for part in self.parts:
            if part.kind == "lines" and part.end is not None:
                total += part.end - part.start
            else:
                total += (part.source.size or 0) * (4 if part.kind == "gzip" else 1)
        return max(1, min(len(self.parts), -(-total // self.blocksize)))

    def events(self) -> Iterator[Event]:
        """The events of the run, in the order one process gives them."""
        events, late = self.graph()
        if self.client is not None:
            # Not optimized: the events (delayed) and the judgement (a bag) are optimized
            # apart, and fusing a lint task into each would run it twice.
            futures = self.client.compute([*events, late], optimize_graph=False)
            outputs: Iterator[Linted] = _in_order(futures[:-1])
            late_future: Any = futures[-1]
            late_found: list[Any] = []
        else:
            scheduler = dask.config.get("scheduler", "threads")
            *computed, late_found = compute(*events, late, scheduler=scheduler,
                                            optimize_graph=False)
            outputs = iter(computed)
            late_future = None
        framing: FileResult | None = None
        for part, output in zip(self.parts, outputs, strict=True):
            if output.counts is not None:
                self.counts.update(output.counts)
            if output.result is None:  # a file linted whole, framed by its task
                yield from output.events
                continue
            if part.first:
                framing = FileResult(part.source.shown)
                yield FileStarted(part.source.shown, part.source.size)
            assert framing is not None
            framing.records += output.result.records
            framing.errors.extend(output.result.errors)
            yield from output.events
            if part.last:
                yield FileFinished(framing)
                framing = None
        if late_future is not None:
            late_found = late_future.result()
            late_future = None
        if self.job.folder is not None:
            for counts in late_found:
                self.counts.update(counts)
            self.written = len(self.parts) + len(late_found)
            return
        yield from _late_events(late_found)


def _first(item: tuple[int, Judged]) -> int:
    return item[0]


def judged_bag(job: Job, keys: Any, index: PartIndex | None) -> Any:
    """The judgement of a bag of :data:`KeyItem`: shuffled by rule and key and judged per
    partition, then shuffled to where the records are (their partition, or their index in a
    bag of records); a bag of ``(place, [(place, Judged), ...])`` groups."""
    judged = keys.groupby(_group, shuffle="tasks").map_partitions(
        judge_groups, job, delayed(index, pure=True) if index is not None else None)
    return judged.groupby(_first, shuffle="tasks")


def _in_order(futures: list[Any]) -> Iterator[Linted]:
    """The results of ``futures`` in order, each let go once taken (the workers hold the
    results that finished early until the client gets to them)."""
    for n, future in enumerate(futures):
        result: Linted = future.result()
        futures[n] = None
        del future
        yield result


def _late_events(found: Iterable[Finding]) -> Iterator[LateFindings]:
    """The judged findings as a single-process run gives them: per file, files in the order
    of their names, each file's sorted."""
    by_file: dict[str, list[Finding]] = {}
    for finding in found:
        by_file.setdefault(finding.file or "", []).append(finding)
    for path in sorted(by_file):
        items = sorted(by_file[path], key=Finding.sort_key)
        yield LateFindings(path, items)


# -- the scheduler -------------------------------------------------------------------------


@contextlib.contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler``: ``local`` / ``local:N`` start a
    LocalCluster of N worker processes (default: the machine's cores) for the run; anything
    else is a scheduler address (``tcp://host:8786``)."""
    from distributed import Client, LocalCluster

    matched = _SCHEDULER.match(scheduler)
    if matched:
        workers = int(matched.group(1)) if matched.group(1) else (os.cpu_count() or 1)
        if workers < 1:
            raise ConfigError(f"--dask {scheduler}: at least one worker is needed")
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, \
                Client(cluster) as client:
            yield client
        return
    if "://" not in scheduler and not _HOST_PORT.match(scheduler):
        raise ConfigError(f"--dask {scheduler!r}: not a scheduler (give tcp://HOST:PORT, "
                          "local, or local:N for N worker processes on this machine)")
    try:
        client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"--dask: cannot reach the scheduler at {scheduler}: {exc}") from None
    with client:
        yield client


class DaskLinter(Linter):
    """A :class:`Linter` whose file runs go to a Dask cluster: :meth:`iter_check` gives the
    events of a single-process run, so the command line's reports, baselines and statistics
    work unchanged. Paths may be fsspec URLs (:meth:`discover` passes them through).

    ``scheduler`` (``local``, ``local:N`` or an address) is connected for each run; or give a
    ``client`` that the caller owns."""

    def __init__(self, config: Config | None = None, *, scheduler: str | None = None,
                 client: Any = None, blocksize: int = BLOCK_SIZE,
                 folder: str | None = None) -> None:
        super().__init__(config)
        self.scheduler = scheduler
        self.client = client
        self.blocksize = blocksize
        self.folder = folder
        self.counts: Counts = Counter()
        """With a folder: the findings written by the last run."""
        self.written = 0
        """With a folder: the part files written by the last run."""
        self._found: dict[str, Source] = {}

    def discover(self, paths: Iterable[str | Path], *, force_exclude: bool = False
                 ) -> Iterator[tuple[Path, str]]:
        """Local paths as the plain engine finds them; URLs expanded by fsspec (shown as
        URLs; their ``Path`` is only a name)."""
        found = sources(super().discover, paths, force_exclude=force_exclude)
        self._found.update((source.shown, source) for source in found)
        return iter([(Path(source.local or source.shown), source.shown) for source in found])

    def check_into_folder(self, paths: Iterable[str | Path], *, force_exclude: bool = False
                          ) -> FolderRun:
        """A run whose workers write their findings into :attr:`folder` (one
        ``part-NNNNNN.jsonl`` per partition, one ``late-NNNNNN.jsonl`` per partition with
        judged findings): what comes back is counts."""
        if self.folder is None:
            raise ValueError("check_into_folder needs a folder")
        done = FolderRun(self.folder)
        for event in self.iter_check(paths, force_exclude=force_exclude):
            if isinstance(event, FileFinished):
                done.files += 1
                done.records += event.result.records
                done.errors.extend(event.result.errors)
        done.counts = self.counts
        done.written = self.written
        return done

    def iter_check(self, paths: Iterable[str | Path], *, fix: bool = False,
                   unsafe: bool = False, diff: bool = False, force_exclude: bool = False,
                   jobs: int | None = None, chunk_size: int | None = None,
                   min_parallel: int | None = None) -> Iterator[Event]:
        if fix or diff:
            raise ConfigError("--fix and --diff rewrite files in place: run them without "
                              "--dask")
        given = [str(p) for p in paths]
        known = [self._found.get(p) for p in given]
        if all(source is not None for source in known):
            found: list[Source] = [s for s in known if s is not None]
        else:
            found = sources(super().discover, given, force_exclude=force_exclude)
        with contextlib.ExitStack() as stack:
            client = self.client
            if client is None and self.scheduler is not None:
                client = stack.enter_context(connect(self.scheduler))
            run = Run(self, found, client=client, blocksize=self.blocksize,
                      folder=self.folder)
            yield from run.events()
            self.counts = run.counts
            self.written = run.written


@dataclass
class FolderRun:
    """What a run into a folder (``--output-format jsonl:DIR/``) tells the console."""

    folder: str
    files: int = 0
    records: int = 0
    counts: Counts = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    written: int = 0

    def failing(self, fail_on: Severity) -> bool:
        """Whether a finding at or above ``fail_on`` was written."""
        return any(Severity.parse(severity) >= fail_on for _, severity, _ in self.counts)

    def describe(self) -> str:
        total = sum(self.counts.values())
        return (f"{total} finding{'' if total == 1 else 's'} in {self.records} "
                f"record{'' if self.records == 1 else 's'} of {self.files} "
                f"file{'' if self.files == 1 else 's'} written to {self.folder} "
                f"({self.written} findings file{'' if self.written == 1 else 's'})")


def prepare_folder(folder: str) -> str:
    """Create the folder of a run's part files (an absolute path, for workers with another
    working directory, or an fsspec URL). A folder holding part files of an earlier run is
    refused: mixed with this run's, they would be read as one report."""
    if is_url(folder):
        from fsspec.core import url_to_fs

        fs, root = url_to_fs(folder)
        fs.makedirs(root, exist_ok=True)
        stale = fs.glob(root.rstrip("/") + "/part-*.jsonl") + fs.glob(
            root.rstrip("/") + "/late-*.jsonl")
        where = folder
    else:
        path = Path(folder).absolute()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the findings folder {folder}: "
                              f"{exc.strerror or exc}") from None
        stale = [*path.glob("part-*.jsonl"), *path.glob("late-*.jsonl")]
        where = folder = str(path) + os.sep
    if stale:
        raise ConfigError(f"{where} holds the findings files of an earlier run "
                          "(part-*.jsonl, late-*.jsonl): remove them or choose another folder")
    return folder


# -- the library API -----------------------------------------------------------------------


class LintResult(NamedTuple):
    """What :func:`lint_paths` returns: the JSON report's summary, findings and errors."""

    summary: dict[str, Any]
    findings: list[dict[str, JSONValue]]
    errors: list[str]


def lint_paths(urls: Iterable[str | Path], client: Any = None, config: Config | None = None,
               *, blocksize: int = BLOCK_SIZE) -> LintResult:
    """Lint files (local paths or fsspec URLs, folders and globs) on a Dask cluster.

    ``client``: a ``distributed.Client``; None uses the current default client if there is
    one, else Dask's local scheduler. The summary and findings are those of the JSON report
    (``biblint check --format json``) of a single-process run over the same files."""
    if client is None:
        client = _default_client()
    linter = DaskLinter(config, client=client, blocksize=blocksize)
    report = Report.collect(linter.iter_check(list(urls)))
    from .report import RenderOptions
    from .report.json import as_dict

    payload = as_dict(report, RenderOptions(unsafe_fixes=linter.config.unsafe_fixes))
    return LintResult(payload["summary"], payload["findings"], payload["errors"])


def _default_client() -> Any:
    try:
        from distributed import default_client

        return default_client()
    except (ImportError, ValueError):
        return None


def _lint_records(job: Job, records: Iterable[JSONValue], first: int, profile: str | None
                  ) -> tuple[list[dict[str, JSONValue]], list[KeyItem]]:
    linter = worker_linter(job)
    state = linter.new_run()
    out: list[dict[str, JSONValue]] = []
    for index, data in enumerate(records, start=first):
        record = linter.make_record(data, profile=profile, origin=Origin(None, index))
        out.extend(f.to_dict() for f in linter.lint_record(record, state))
    keys = state.keys
    items: list[KeyItem] = [] if keys is None else [
        (code, key, entries) for code, table in keys.tables.items()
        for key, entries in table.items()]
    return out, items


def _judged_dicts(groups: Iterable[tuple[int, list[tuple[int, Judged]]]], job: Job
                  ) -> list[dict[str, JSONValue]]:
    linter = worker_linter(job)
    found = [linter.judged_finding(item, None) for _, items in groups
             for item in _one_per_slot(items)]
    found.sort(key=Finding.sort_key)
    return [f.to_dict() for f in found]


def _length(records: Iterable[JSONValue]) -> int:
    return sum(1 for _ in records)


def _add(a: int, b: int) -> int:
    return a + b


def lint_bag(bag: Any, config: Config | None = None, *, profile: str | None = None) -> Any:
    """Findings of a ``dask.bag.Bag`` of records (parsed JSON objects), as a bag of finding
    dicts (those of the JSON report).

    A record's index is its position in the bag (as in :meth:`Linter.lint_stream`); findings
    have no file, line or column. The run-scope rules (duplicates...) see the whole bag:
    keys are extracted in the partitions and judged after a shuffle; their findings follow
    the others. Nothing is computed until the returned bag is."""
    job = Job.of(config)
    parts = bag.to_delayed(optimize_graph=True)
    reified = [delayed(list, pure=True)(part) for part in parts]
    offsets: list[Any] = []
    running: Any = 0
    for part in reified:
        offsets.append(running)
        running = delayed(_add, pure=True)(running, delayed(_length, pure=True)(part))
    outputs = [delayed(_lint_records, pure=True, nout=2)(job, part, offset, profile)
               for part, offset in zip(reified, offsets, strict=True)]
    findings = db.from_delayed([output[0] for output in outputs])
    if not outputs or worker_linter(job).new_run().keys is None:
        return findings
    keys = db.from_delayed([output[1] for output in outputs])
    judged = judged_bag(job, keys, None).map_partitions(_judged_dicts, job)
    return db.concat([findings, judged])


__all__ = ["BLOCK_SIZE", "DaskLinter", "Job", "LintResult", "Part", "Run", "Source",
           "connect", "is_url", "lint_bag", "lint_paths", "plan", "sources"]
