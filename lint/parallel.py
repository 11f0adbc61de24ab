"""``--jobs``: files, and byte ranges of large JSON Lines files, over worker processes.

flake8's ``Manager.run_parallel`` and ruff's ``check`` are the model: the parent plans tasks
in input order (a whole file, or a chunk of a large ``.jsonl`` / ``.ndjson`` file split at
line boundaries), a process pool maps a pure function over them, and each worker returns
plain picklable results: its :class:`~biblint.model.FileResult` (findings, record count,
errors) and the :class:`~biblint.runscope.KeyStore` of the run-scope rules. The parent
merges them in input order, shifting the record indexes and line numbers of later chunks of a
file (a worker counts from the start of its chunk), then judges the run-scope rules once, so
the report is the one ``--jobs 1`` gives, in the same order.

Nothing is spawned when it cannot pay: a run of less than :data:`MIN_PARALLEL` bytes in all
(the pre-commit case), a single file no larger than one chunk, or one task. ``--fix`` (and
``--diff``) fix whole files in the workers: a file is written by one process only.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from .config import Config
from .model import FileResult, Finding, fingerprint
from .readers import BOMS, SYNTAX_ERROR, read_bytes, read_path
from .runscope import KeyStore

if TYPE_CHECKING:
    from .engine import Linter

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


class Task(NamedTuple):
    """One unit of work: a whole file (``start`` None) or the bytes ``start:end`` of one."""

    path: str
    shown: str
    start: int | None = None
    end: int | None = None


@dataclass
class Done:
    """What a worker returns for a task: plain data, pickled back to the parent."""

    result: FileResult
    keys: KeyStore | None
    records: int = 0
    """Record indexes the task used (a chunk: the count to add to later chunks' indexes)."""
    lines: int = 0
    """Lines in the task's bytes (a chunk: the count to add to later chunks' line numbers)."""


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
        if fix or size <= chunk_size or path.suffix.lower() not in CHUNKED_SUFFIXES:
            tasks.append(Task(str(path), shown))
        else:
            tasks.extend(_chunks(path, shown, size, chunk_size))
    return tasks if len(tasks) > 1 else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _chunks(path: Path, shown: str, size: int, chunk_size: int) -> list[Task]:
    """Byte ranges of a JSON Lines file, each ending just after a newline.

    A file that starts with a byte-order mark is not split (its encoding is the whole
    file's), nor is a boundary placed before bytes that look like one (a later chunk must not
    read a stray U+FEFF as a mark); an unreadable file is one task, which reports it.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            if any(head.startswith(bom) for bom, _ in BOMS):
                return [Task(str(path), shown)]
            tasks: list[Task] = []
            start = 0
            while start < size:
                end = _boundary(handle, start + chunk_size, size)
                tasks.append(Task(str(path), shown, start, end))
                start = end
            return tasks
    except OSError:
        return [Task(str(path), shown)]


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
    if task.start is None or task.end is None:
        result = linter.check_file(Path(task.path), task.shown, state, fix=fix, unsafe=unsafe,
                                   diff=diff)
        return Done(result, state.keys)
    try:
        with open(task.path, "rb") as handle:
            handle.seek(task.start)
            data = handle.read(task.end - task.start)
    except OSError:  # vanished since it was planned: report it as the reader does
        return Done(linter.check_document(read_path(Path(task.path), task.shown), state),
                    state.keys)
    document = read_bytes(data, task.shown)
    result = linter.check_document(document, state)
    return Done(result, state.keys, len(document.records), data.count(b"\n"))


def _work_star(args: tuple[Task, bool, bool, bool]) -> Done:
    return _work(*args)


# -- the parent -----------------------------------------------------------------------------


def check_files(linter: Linter, files: list[tuple[Path, str]], keys: KeyStore | None, *,
                jobs: int, fix: bool = False, unsafe: bool = False, diff: bool = False,
                chunk_size: int | None = None, min_parallel: int | None = None
                ) -> list[FileResult] | None:
    """Results of ``files`` (one per file, input order) from worker processes, their
    run-scope keys merged into ``keys``; None when the run should stay in one process (see
    :func:`plan`)."""
    tasks = plan(files, jobs=jobs, fix=fix or diff,
                 chunk_size=chunk_size or CHUNK_SIZE,
                 min_parallel=MIN_PARALLEL if min_parallel is None else min_parallel)
    if tasks is None:
        return None
    results: list[FileResult] = []
    io_codes = frozenset(r.code for r in linter.registry if r.scope == "input")
    current: FileResult | None = None
    records = lines = 0
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_start,
                             initargs=(linter.config,)) as pool:
        work = ((task, fix, unsafe, diff) for task in tasks)
        for task, done in zip(tasks, pool.map(_work_star, work), strict=True):
            if task.start is None or task.start == 0:
                current, records, lines = done.result, 0, 0
                results.append(current)
            else:
                assert current is not None
                _append(current, _shifted(done.result, records, lines, io_codes))
                if done.keys is not None:
                    done.keys.shift(task.shown, records)
            records += done.records
            lines += done.lines
            if keys is not None and done.keys is not None:
                keys.merge(done.keys)
    return results


def _append(into: FileResult, chunk: FileResult) -> None:
    into.records += chunk.records
    into.findings.extend(chunk.findings)
    into.errors.extend(chunk.errors)


_RECORD_IN_ERROR = re.compile(r": record ([0-9]+): ")


def _shifted(result: FileResult, records: int, lines: int,
             io_codes: frozenset[str]) -> FileResult:
    """A later chunk's result with file-wide record indexes and line numbers."""
    findings = [_shift(f, records, lines, io_codes) for f in result.findings]
    errors = [_RECORD_IN_ERROR.sub(lambda m: f": record {int(m.group(1)) + records}: ", e,
                                   count=1) for e in result.errors]
    return replace(result, findings=findings, errors=errors)


def _shift(finding: Finding, records: int, lines: int, io_codes: frozenset[str]) -> Finding:
    record = finding.record + records if finding.record is not None else None
    line = finding.line + lines if finding.line is not None else None
    message, print_ = finding.message, finding.fingerprint
    if finding.code in io_codes:
        # An input finding's identity is "record N of this file" (Linter.problem_finding).
        print_ = fingerprint(finding.code, f"input:{record}", finding.pointer)
        if finding.code == SYNTAX_ERROR and finding.line is not None:
            message = message.replace(f"in line {finding.line}:", f"in line {line}:", 1)
    return replace(finding, record=record, line=line, message=message, fingerprint=print_)


__all__ = ["CHUNK_SIZE", "MIN_PARALLEL", "Done", "Task", "check_files", "plan", "resolve_jobs"]
