"""``--jobs``: files, and byte ranges of large JSON Lines files, over worker processes.

flake8's ``Manager.run_parallel`` and ruff's ``check`` are the model: the parent plans tasks
in input order (a whole file, or a chunk of a large ``.jsonl`` / ``.ndjson`` file split at
line boundaries), a process pool maps a pure function over them, and each worker returns
plain picklable results: the events of its task (:mod:`biblint.model`: the findings of each
record, the file's counts and errors) and the :class:`~biblint.runscope.KeyStore` of the
run-scope rules. The parent passes the events on in input order, consuming each task's
result as it comes, and judges the run-scope rules once at the end, so the report is the one
``--jobs 1`` gives, in the same order.

A chunk's record indexes and line numbers are file-wide: while splitting a file the parent
counts the lines and the records (non-blank lines, as the reader counts them) before each
chunk, one fast pass over the bytes, and the worker offsets its chunk's document by them.
Findings judged at the end of the run get their positions by reading again only the chunks
that hold their records.

Nothing is spawned when it cannot pay: a run of less than :data:`MIN_PARALLEL` bytes in all
(the pre-commit case), a single file no larger than one chunk, or one task. ``--fix`` (and
``--diff``) fix whole files in the workers: a file is written by one process only.
"""

from __future__ import annotations

import gc
import os
import pickle
import re
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from .config import Config
from .engine import StreamPositions
from .model import Event, FileFinished, FileResult, FileStarted
from .readers import BOMS, read_path
from .readers.jsonlines import JsonLinesStream
from .runscope import KeyStore

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from .engine import Linter, Positions

CHUNK_SIZE = 4 * 1024 * 1024
"""Bytes of a JSON Lines file per task: large enough that a task's fixed costs vanish, small
enough that a big file keeps every worker busy and a worker's memory stays small."""

MIN_PARALLEL = 4 * 1024 * 1024
"""Below this many bytes in all, a run stays in one process: starting workers would cost
more than it saves (a pre-commit hook checks a few small files)."""

CHUNKED_SUFFIXES = frozenset({".jsonl", ".ndjson"})
"""Files always read as JSON Lines: only these are split (a ``.json`` file may be one value)."""


def resolve_jobs(jobs: int | None) -> int:
    """The number of worker processes: ``jobs``, or the machine's cores when None."""
    if jobs is None:
        return os.cpu_count() or 1
    return max(1, jobs)


class Chunk(NamedTuple):
    """The bytes ``start:end`` of a JSON Lines file, and the records and lines before them."""

    start: int
    end: int
    records: int
    lines: int


class Task(NamedTuple):
    """One unit of work: a whole file (``chunk`` None) or one chunk of one."""

    path: str
    shown: str
    chunk: Chunk | None = None


def plan(files: list[tuple[Path, str]], *, jobs: int, fix: bool,
         chunk_size: int = CHUNK_SIZE, min_parallel: int = MIN_PARALLEL) -> list[Task] | None:
    """Tasks for ``files`` in input order, or None when the run should stay in one process."""
    if jobs <= 1 or not files:
        return None
    sizes = [_size(path) for path, _ in files]
    total = sum(sizes)
    if total < min_parallel:
        return None
    if len(files) == 1 and (fix or sizes[0] <= chunk_size):
        return None
    tasks: list[Task] = []
    for (path, shown), size in zip(files, sizes, strict=True):
        chunks = None
        if not fix and size > chunk_size and path.suffix.lower() in CHUNKED_SUFFIXES:
            chunks = split(path, size, chunk_size)
        if chunks is None:
            tasks.append(Task(str(path), shown))
        else:
            tasks.extend(Task(str(path), shown, chunk) for chunk in chunks)
    return tasks if len(tasks) > 1 else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


_WS = (rb"(?:[\t\x0b\x0c\r\x1c-\x1f ]|\xc2[\x85\xa0]|\xe1\x9a\x80"
       rb"|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)*")
_BLANK_AFTER_NEWLINE = re.compile(rb"\n(?=" + _WS + rb"(?:\n|\Z))")
_BLANK_FIRST = re.compile(_WS + rb"(?:\n|\Z)")
"""A blank line as the reader sees it (``str.strip()`` leaves nothing: ASCII and Unicode
white space in UTF-8); the regex finds newlines first, so a pass costs little per line."""


def records_in(data: bytes) -> int:
    """How many record indexes the JSON Lines reader gives ``data`` (its non-blank lines)."""
    segments = data.count(b"\n") + 1
    blank = len(_BLANK_AFTER_NEWLINE.findall(data)) + (1 if _BLANK_FIRST.match(data) else 0)
    return segments - blank


def split(path: Path, size: int, chunk_size: int) -> list[Chunk] | None:
    """Chunks of a JSON Lines file, each ending just after a newline, with the records and
    lines before each; None when the file is not to be split.

    A file that starts with a byte-order mark is not split (its encoding is the whole
    file's), nor is a boundary placed before bytes that look like one (a later chunk must not
    read a stray U+FEFF as a mark); an unreadable file is one task, which reports it.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            if any(head.startswith(bom) for bom, _ in BOMS):
                return None
            chunks: list[Chunk] = []
            start = records = lines = 0
            while start < size:
                end = _boundary(handle, start + chunk_size, size)
                handle.seek(start)
                data = handle.read(end - start)
                chunks.append(Chunk(start, start + len(data), records, lines))
                if len(data) < end - start:  # the file shrank meanwhile
                    break
                records += records_in(data)
                lines += data.count(b"\n")
                start = end
            return chunks if len(chunks) > 1 else None
    except OSError:
        return None


def _boundary(handle: BinaryIO, at: int, size: int) -> int:
    """The offset just after the first newline at or after ``at`` (or the end of the file)
    that is not followed by bytes that look like a byte-order mark."""
    while at < size:
        handle.seek(at)
        line = handle.readline()
        end = at + len(line)
        if not line.endswith(b"\n") or end >= size:
            return size
        following = handle.read(4)
        if not any(following.startswith(bom) for bom, _ in BOMS):
            return end
        at = end
    return size


# -- workers --------------------------------------------------------------------------------

_LINTER: Linter | None = None


def start_context() -> BaseContext | None:
    """How worker processes start: the platform's default (fork on Linux: cheapest, the
    parent's imports are shared) when this process runs one thread, as the CLI does; a fork
    server otherwise (a library caller with a Dask client, a web server or a thread pool):
    forking a multi-threaded process may deadlock the child on a lock that another thread
    held at the fork. Workers build their linter from the pickled config either way."""
    import multiprocessing
    import threading

    if threading.active_count() == 1:
        return None
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _start(config: Config) -> None:
    """Worker initialiser: one linter per worker process, built from the parent's config."""
    global _LINTER
    from .engine import GC_THRESHOLD, Linter

    _LINTER = Linter(config)
    # A worker is ours alone: what it built to start (the registry, compiled schemas and
    # patterns) is never garbage, and it allocates findings fast (see GC_THRESHOLD).
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


PACK = 256
"""Events per packed batch of a worker's result (see :class:`Done`)."""


@dataclass
class Done:
    """What a worker returns for a task: plain data, pickled back to the parent. For a whole
    file, every event of the file; for a chunk, its :class:`RecordChecked` events and a
    :class:`FileResult` holding its record count and errors (the parent frames the file).

    The events travel ``packed``: pickled in batches of :data:`PACK` by the worker as they
    come, unpickled by the parent one batch at a time when the task's turn comes. A result
    waiting for its turn is then a few bytes objects (not tens of thousands of findings), and
    neither side holds a whole chunk's findings as objects. ``events`` holds events sent as
    they are (older callers; :meth:`iter_events` gives both, ``events`` first)."""

    events: list[Event]
    result: FileResult | None
    keys: KeyStore | None
    packed: list[bytes] = field(default_factory=list)

    def iter_events(self) -> Iterator[Event]:
        """Every event of the task, in order."""
        yield from self.events
        for blob in self.packed:
            batch: list[Event] = pickle.loads(blob)
            yield from batch


def pack(events: Iterable[Event]) -> list[bytes]:
    """``events`` pickled in batches of :data:`PACK`, consumed as they come."""
    packed: list[bytes] = []
    batch: list[Event] = []
    for event in events:
        batch.append(event)
        if len(batch) >= PACK:
            packed.append(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
            batch = []
    if batch:
        packed.append(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
    return packed


def _work(task: Task, fix: bool, unsafe: bool, diff: bool) -> Done:
    linter = _LINTER
    assert linter is not None, "worker not initialised"
    state = linter.new_run()
    chunk = task.chunk
    if chunk is None:
        packed = pack(linter.iter_file(Path(task.path), task.shown, state, fix=fix,
                                       unsafe=unsafe, diff=diff))
        return Done([], None, state.keys, packed)
    result = FileResult(task.shown)
    document = JsonLinesStream(Path(task.path), task.shown, start=chunk.start, end=chunk.end,
                               first_index=chunk.records, first_line=chunk.lines + 1)
    try:
        packed = pack(linter.iter_document(document, state, result))
    except OSError:  # vanished since it was planned: report it as the reader does
        result = FileResult(task.shown)
        packed = pack(linter.iter_document(read_path(Path(task.path), task.shown), state,
                                           result))
    return Done([], result, state.keys, packed)


class ChunkPositions:
    """Positions in a split file, for findings judged after the run: the chunk that holds
    such a record is streamed again (as its worker read it: the same reader, indexes and
    line numbers), forward to the record, and kept for the next one (findings come in record
    order). Reading a chunk in memory instead parsed every line with the exact reader, in the
    parent, for each chunk holding a judged record: parent CPU growing with the run."""

    def __init__(self, path: str, shown: str, chunks: list[Chunk]) -> None:
        self.path, self.shown, self.chunks = path, shown, chunks
        self._starts = [c.records for c in chunks]
        self._current: tuple[Chunk, StreamPositions] | None = None

    def __call__(self, index: int, pointer: str) -> tuple[int, int] | None:
        chunk = self.chunks[max(0, bisect_right(self._starts, index) - 1)]
        if self._current is None or self._current[0] != chunk:
            path = Path(self.path)
            self._current = (chunk, StreamPositions(path, self.shown, partial(
                JsonLinesStream, path, self.shown, start=chunk.start, end=chunk.end,
                first_index=chunk.records, first_line=chunk.lines + 1)))
        return self._current[1](index, pointer)


def _work_star(args: tuple[Task, bool, bool, bool]) -> Done:
    return _work(*args)


# -- the parent -----------------------------------------------------------------------------


def run(linter: Linter, tasks: list[Task], keys: KeyStore | None, *, jobs: int,
        fix: bool = False, unsafe: bool = False, diff: bool = False,
        split: dict[str, list[Chunk]] | None = None) -> Iterator[Event]:
    """The events of ``tasks`` checked by worker processes, in task order (as one process
    would give them), the workers' run-scope keys merged into ``keys``. The chunks of each
    split file are recorded in ``split`` (for the positions of judged findings).

    Results are consumed as they come, in order: the parent holds the findings of the tasks
    that finished ahead of the one it waits for, never the run's."""
    split = {} if split is None else split
    workers = min(jobs, len(tasks))
    # Imported here: concurrent.futures (and the logging it imports) is start-up time that
    # a run of a few small files, which never spawns, does not need to pay.
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=_start,
                             initargs=(linter.config,), mp_context=start_context()) as pool:
        work = ((task, fix, unsafe, diff) for task in tasks)
        framing: FileResult | None = None  # the split file being streamed
        for position, (task, done) in enumerate(zip(tasks, _ordered(pool, work, workers),
                                                     strict=True)):
            if keys is not None and done.keys is not None:
                keys.merge(done.keys)
            chunk = task.chunk
            if chunk is None or done.result is None:
                yield from done.iter_events()
                continue
            split.setdefault(task.shown, []).append(chunk)
            if chunk.start == 0:
                framing = FileResult(task.shown)
                yield FileStarted(task.shown, _size(Path(task.path)))
            assert framing is not None
            framing.records += done.result.records
            framing.errors.extend(done.result.errors)
            yield from done.iter_events()
            following = tasks[position + 1] if position + 1 < len(tasks) else None
            if (following is None or following.chunk is None
                    or following.chunk.start == 0 or following.shown != task.shown):
                yield FileFinished(framing)
                framing = None


AHEAD = 2
"""Tasks submitted per worker beyond the one the parent waits for: enough that no worker
idles while the parent reports, few enough that results waiting for their turn stay few."""


def _ordered(pool: ProcessPoolExecutor, work: Iterator[tuple[Task, bool, bool, bool]],
             workers: int) -> Iterator[Done]:
    """The results of ``work`` in order, with at most ``workers * (AHEAD + 1)`` tasks
    submitted and not yet consumed: ``pool.map`` would submit every task at once, and when
    the parent reports more slowly than the workers check, finished results would pile up
    in its memory (a 200k-record file held most of its findings there)."""
    pending: deque[Future[Done]] = deque()
    window = workers * (AHEAD + 1)
    try:
        for args in work:
            pending.append(pool.submit(_work_star, args))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def positions(files: list[tuple[Path, str]], split: Mapping[str, list[Chunk]]
              ) -> Callable[[str], Positions | None]:
    """Where the records of a parallel run are, for the findings judged at its end: split
    files are read again chunk by chunk, others whole."""
    from .engine import reread

    whole = reread(files)
    paths = {shown: str(path) for path, shown in files}

    def where(shown: str) -> Positions | None:
        chunks = split.get(shown)
        if chunks is None:
            return whole(shown)
        return ChunkPositions(paths[shown], shown, chunks)

    return where


__all__ = ["CHUNK_SIZE", "MIN_PARALLEL", "PACK", "Chunk", "ChunkPositions", "Done", "Task",
           "pack", "plan", "positions", "records_in", "resolve_jobs", "run", "split"]
