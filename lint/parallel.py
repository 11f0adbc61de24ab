"""``--jobs``: files, and byte ranges of large JSON Lines files, over worker processes.

flake8's ``Manager.run_parallel`` and ruff's ``check`` are the model: the parent plans tasks
in input order (a whole file, or a chunk of a large ``.jsonl`` / ``.ndjson`` file split at
line boundaries), a process pool maps a pure function over them, and each worker returns
plain picklable results: its :class:`~biblint.model.FileResult` (findings, record count,
errors) and the :class:`~biblint.runscope.KeyStore` of the run-scope rules. The parent
merges them in input order and judges the run-scope rules once, so the report is the one
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

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from .config import Config
from .model import FileResult, JSONValue, Origin
from .readers import (
    BOMS,
    SYNTAX_ERROR,
    Document,
    RawRecord,
    ReadProblem,
    WriteBackError,
    read_bytes,
    read_path,
)
from .runscope import KeyStore

if TYPE_CHECKING:
    from .engine import Linter, Positions

CHUNK_SIZE = 12 * 1024 * 1024
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


@dataclass
class Done:
    """What a worker returns for a task: plain data, pickled back to the parent."""

    result: FileResult
    keys: KeyStore | None


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
       rb"|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)*+")
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


def _start(config: Config) -> None:
    """Worker initialiser: one linter per worker process, built from the parent's config."""
    global _LINTER
    from .engine import Linter

    _LINTER = Linter(config)


def _work(task: Task, fix: bool, unsafe: bool, diff: bool) -> Done:
    linter = _LINTER
    assert linter is not None, "worker not initialised"
    state = linter.new_run()
    chunk = task.chunk
    if chunk is None:
        result = linter.check_file(Path(task.path), task.shown, state, fix=fix, unsafe=unsafe,
                                   diff=diff)
        return Done(result, state.keys)
    try:
        document: Document = ChunkDocument(read_chunk(task.path, task.shown, chunk), chunk)
    except OSError:  # vanished since it was planned: report it as the reader does
        document = read_path(Path(task.path), task.shown)
    result = linter.check_document(document, state)
    if chunk.records:
        result.errors = [_RECORD_IN_ERROR.sub(
            lambda m: f": record {int(m.group(1)) + chunk.records}: ", e, count=1)
            for e in result.errors]
    return Done(result, state.keys)


def read_chunk(path: str, shown: str, chunk: Chunk) -> Document:
    """The document of one chunk as the reader reads it (indexes and lines from 0)."""
    with open(path, "rb") as handle:
        handle.seek(chunk.start)
        data = handle.read(chunk.end - chunk.start)
    return read_bytes(data, shown)


class ChunkDocument:
    """A chunk's document with file-wide record indexes and line numbers.

    The engine enumerates ``records`` (so ``locate`` takes the chunk's own index) and reads
    each record's place from its origin; the origins, the read problems and the positions
    are offset here, so the worker's findings and run-scope keys are those of the file.
    Never written: ``--fix`` works on whole files.
    """

    def __init__(self, document: Document, chunk: Chunk) -> None:
        self.path = document.path
        self._document = document
        self._lines = chunk.lines
        self.records = [RawRecord(r.data, Origin(r.origin.file, r.origin.index + chunk.records,
                                                 r.origin.base))
                        for r in document.records]
        self.problems = [_shifted_problem(p, chunk) for p in document.problems]

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        line, column = self._document.locate(index, pointer)
        return line + self._lines, column

    def render(self, fixed: Mapping[int, JSONValue]) -> bytes:
        raise WriteBackError(f"{self.path}: a chunk of a file is never written")

    @property
    def writable(self) -> bool:
        return False


def _shifted_problem(problem: ReadProblem, chunk: Chunk) -> ReadProblem:
    line = problem.line + chunk.lines if problem.line is not None else None
    message = problem.message
    if problem.code == SYNTAX_ERROR and problem.line is not None:
        message = message.replace(f"in line {problem.line}:", f"in line {line}:", 1)
    record = problem.record + chunk.records if problem.record is not None else None
    return replace(problem, line=line, record=record, message=message)


class ChunkPositions:
    """Positions in a split file, for findings judged after the run: each chunk that holds
    such a record is read again (the last one is kept, as findings come in record order)."""

    def __init__(self, path: str, shown: str, chunks: list[Chunk]) -> None:
        self.path, self.shown, self.chunks = path, shown, chunks
        self._starts = [c.records for c in chunks]
        self._current: tuple[Chunk, Document] | None = None

    def __call__(self, index: int, pointer: str) -> tuple[int, int] | None:
        chunk = self.chunks[max(0, bisect_right(self._starts, index) - 1)]
        if self._current is None or self._current[0] != chunk:
            self._current = (chunk, read_chunk(self.path, self.shown, chunk))
        document = self._current[1]
        local = index - chunk.records
        if not 0 <= local < len(document.records) or document.records[local].data is None:
            return None
        line, column = document.locate(local, pointer)
        return line + chunk.lines, column


def _work_star(args: tuple[Task, bool, bool, bool]) -> Done:
    return _work(*args)


# -- the parent -----------------------------------------------------------------------------


class Outcome(NamedTuple):
    """The results of a parallel run, one per file in input order, and where their records
    are (for the findings judged at the end)."""

    results: list[FileResult]
    positions: Callable[[str], Positions | None]


def check_files(linter: Linter, files: list[tuple[Path, str]], keys: KeyStore | None, *,
                jobs: int, fix: bool = False, unsafe: bool = False, diff: bool = False,
                chunk_size: int | None = None, min_parallel: int | None = None
                ) -> Outcome | None:
    """Results of ``files`` from worker processes, their run-scope keys merged into ``keys``;
    None when the run should stay in one process (see :func:`plan`)."""
    from .engine import reread

    tasks = plan(files, jobs=jobs, fix=fix or diff,
                 chunk_size=chunk_size or CHUNK_SIZE,
                 min_parallel=MIN_PARALLEL if min_parallel is None else min_parallel)
    if tasks is None:
        return None
    results: list[FileResult] = []
    split_files: dict[str, list[Chunk]] = {}
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_start,
                             initargs=(linter.config,)) as pool:
        work = ((task, fix, unsafe, diff) for task in tasks)
        for task, done in zip(tasks, pool.map(_work_star, work), strict=True):
            if task.chunk is None or task.chunk.start == 0:
                results.append(done.result)
            else:
                into = results[-1]
                into.records += done.result.records
                into.findings.extend(done.result.findings)
                into.errors.extend(done.result.errors)
            if task.chunk is not None:
                split_files.setdefault(task.shown, []).append(task.chunk)
            if keys is not None and done.keys is not None:
                keys.merge(done.keys)
    whole = reread(files)
    paths = {shown: str(path) for path, shown in files}

    def positions(shown: str) -> Positions | None:
        chunks = split_files.get(shown)
        if chunks is None:
            return whole(shown)
        return ChunkPositions(paths[shown], shown, chunks)

    return Outcome(results, positions)


_RECORD_IN_ERROR = re.compile(r": record ([0-9]+): ")


__all__ = ["CHUNK_SIZE", "MIN_PARALLEL", "Chunk", "ChunkDocument", "ChunkPositions", "Done",
           "Outcome", "Task", "check_files", "plan", "records_in", "resolve_jobs", "split"]
