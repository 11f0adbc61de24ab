"""JSON Lines read line by line from a binary file: bounded memory whatever the file's size.

:class:`JsonLinesStream` is the streaming form of a JSON Lines document: it yields one
:class:`~biblint.readers.RawRecord` at a time, in file order, each with the byte offsets of its
line (``span``), and keeps only the line being checked. Its problems (IO002, IO003, IO004,
IO005, IO006) are the ones the in-memory reader (:mod:`biblint.readers.jsonfile`) finds, with
the same messages and positions; they are complete once the iteration is exhausted.

Each line is parsed with orjson, which is several times faster than :func:`json.loads`, but
accepts or refuses some inputs differently. Those are detected cheaply and the line is then
read by the in-memory reader's own code (:func:`biblint.readers.jsonfile.read_line`), so
every fidelity behaviour is kept:

* orjson refuses NaN/Infinity, lone surrogate escapes, undecodable bytes, numbers that overflow
  a double, and nesting beyond its limit: any refusal falls back;
* orjson silently turns an integer beyond 64 bits into a float: a run of 19 digits falls back;
* orjson keeps the last value of a repeated key without a word: the keys of the parsed value
  are counted and compared with the key-like tokens (``"`` then ``:``) of the line, an upper
  bound of its keys; only a difference (a repeat, or a string that looks like a key) falls
  back to the reader that names the repeat.

A worker process can read a byte range of a file (``start``/``end`` at line starts) with the
record index and line number of its first line; :func:`chunks` cuts a file into such ranges.
A file that starts with a byte-order mark is not streamed (its encoding problems are
file-wide); the caller reads it in memory (see :func:`streamable`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import orjson

from ..jsonspan import Node, scan
from ..model import JSONValue, Origin
from . import BOMS, UNREADABLE, RawRecord, ReadProblem, WriteBackError
from .jsonfile import _apply, _diff, _same, _Style, read_line

_SUSPECT = re.compile(rb"NaN|Infinity|[0-9]{19}|[eE]\+?[0-9]{3}")
"""Bytes that orjson would read differently from the in-memory reader (non-finite numbers,
integers beyond 64 bits) or that may overflow a float: such lines take the exact path.
The definition; :func:`suspect` is the same test, faster."""
_FOLD = bytes.maketrans(b"123456789E", b"000000000e")
"""Every digit to ``0`` and ``E`` to ``e``: after it, the classes of :data:`_SUSPECT` are
single bytes that plain substring searches find."""


def suspect(body: bytes) -> bool:
    """Whether :data:`_SUSPECT` matches ``body``, about ten times faster than the regex (which
    tries its four branches at every byte: 90 µs for a 2 KB line, most of reading it).

    Exactly the same test: in ``body.translate(_FOLD)`` a ``0`` comes only from a digit and
    an ``e`` only from ``e`` or ``E`` (no other byte maps to either), so ``[0-9]{19}`` matches
    ``body`` where nineteen ``0`` occur in a row, and ``[eE]\\+?[0-9]{3}`` where ``e000`` or
    ``e+000`` occurs; ``NaN`` and ``Infinity`` hold neither class and are searched as they are.
    """
    if b"NaN" in body or b"Infinity" in body:
        return True
    folded = body.translate(_FOLD)
    return b"0000000000000000000" in folded or b"e000" in folded or b"e+000" in folded


_KEY_END = re.compile(rb'"[ \t\n\r]*:')
"""The end of an object key: every key matches, so the count bounds the keys from above."""
_SPACED_KEY_END = re.compile(rb'"[ \t\n\r]+:')


def key_ends(body: bytes) -> int:
    """``len(_KEY_END.findall(body))``, without building the list of matches in the usual
    case: a match is a ``"`` followed by whitespace and a colon, so matches never overlap
    and there is one per such quote; when no quote has whitespace before its colon (the
    search finds none), every match is the two bytes ``":``, which ``bytes.count`` counts."""
    if _SPACED_KEY_END.search(body) is not None:
        return len(_KEY_END.findall(body))
    return body.count(b'":')


_SLOW = object()
_BLANK = object()


def _count_keys(value: Any) -> int:
    count = 0
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            count += len(node)
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return count


def parse_fast(body: bytes) -> Any:
    """The record of one line parsed by orjson, or ``_SLOW`` when only the exact reader can
    say what it is (see the module docstring), or ``_BLANK`` for a blank line."""
    if not body.strip():
        return _BLANK
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _SLOW
    if type(value) is not dict or suspect(body):
        return _SLOW
    if _count_keys(value) != key_ends(body):
        return _SLOW
    return value


def streamable(path: Path) -> bool:
    """Whether ``path`` can be streamed: a regular file that does not start with a BOM."""
    try:
        # Never open a FIFO or a device (it could block): only regular files are streamed.
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return False
    return not any(head.startswith(bom) for bom, _ in BOMS)


SNIFF_LIMIT = 64 * 1024 * 1024
"""Bytes read at most to find the first line of a ``.json`` file (a one-line array is not
JSON Lines, however long)."""


def sniff_lines(path: Path) -> bool:
    """Whether a ``.json`` file holds JSON Lines, as the in-memory reader decides it (its
    first non-blank line is a whole object or array and more content follows), reading no
    more than its first lines."""
    try:
        with path.open("rb") as handle:
            return sniff_stream(handle)
    except OSError:
        return False


class LineReader(Protocol):
    """A binary stream read a line at a time (a file, a GzipFile, an fsspec file)."""

    def readline(self, size: int = -1, /) -> bytes: ...


def sniff_stream(stream: LineReader) -> bool:
    """:func:`sniff_lines` on an open binary stream (a file, a gzip or remote stream): reads
    at most :data:`SNIFF_LIMIT` bytes, a line at a time, never a whole huge line."""
    read = 0
    first: bytes | None = None
    while read <= SNIFF_LIMIT:
        raw = stream.readline(SNIFF_LIMIT + 1 - read)
        if not raw:
            return False
        read += len(raw)
        if first is None:
            if raw.strip():
                if not raw.endswith(b"\n"):
                    return False
                first = raw
        elif raw.strip():
            break
    else:
        return False
    assert first is not None
    try:
        value = json.loads(first.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return isinstance(value, (dict, list))


@dataclass
class _Current:
    index: int
    lineno: int
    body: bytes
    text: str | None = None
    node: Node | None = None
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Positions already located in this line, by pointer: a record's findings share a few
    pointers (17 findings at 10 pointers in a seed-shaped record)."""


class JsonLinesStream:
    """A JSON Lines file (or a byte range of one) read one line at a time.

    Iterate it for its records (:meth:`iter_records`); :meth:`locate` and
    :meth:`replace_current` work on the record last yielded. With ``out``, every byte read is
    copied to ``out`` as the reading goes, except that a record replaced with
    :meth:`replace_current` is written in its new form: the fixer streams a file into its
    temporary copy this way.
    """

    lines = True

    def __init__(self, file: Path, path: str, *, start: int = 0, end: int | None = None,
                 first_index: int = 0, first_line: int = 1,
                 out: IO[bytes] | None = None, ensure_ascii: bool | None = None) -> None:
        self.file = file
        self.path = path
        self.start = start
        self.end = end
        self.first_index = first_index
        self.first_line = first_line
        self.out = out
        self.ensure_ascii = ensure_ascii
        self.problems: list[ReadProblem] = []
        self.offset = start
        """Bytes of the file consumed so far (the end of the last line read)."""
        self.size: int | None = None
        self.digest = hashlib.sha256()
        """Of every byte read: the fixer compares it with the file before replacing it."""
        self.all_ascii = True
        self.escapes = False
        self._current: _Current | None = None
        self._pending: bytes | None = None  # the current record's line, not yet copied out

    @property
    def writable(self) -> bool:
        """False when the file had problems (complete once the iteration is exhausted)."""
        return not self.problems

    def __iter__(self) -> Iterator[RawRecord]:
        return self.iter_records()

    # -- reading ----------------------------------------------------------------------
    def iter_records(self) -> Iterator[RawRecord]:
        """The records in file order; a line that is not a record yields ``data=None`` (its
        problem is in :attr:`problems` by then), so record indexes stay dense."""
        try:
            handle = self.file.open("rb")
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            self.problems.append(ReadProblem(UNREADABLE, f"cannot read file: {reason}"))
            return
        with handle:
            try:
                self.size = os.fstat(handle.fileno()).st_size
                handle.seek(self.start)
            except OSError as exc:
                reason = exc.strerror or exc.__class__.__name__
                self.problems.append(ReadProblem(UNREADABLE, f"cannot read file: {reason}"))
                return
            index = self.first_index
            lineno = self.first_line - 1
            offset = self.start
            for raw in handle:
                if self.end is not None and offset >= self.end:
                    break
                lineno += 1
                line_start, offset = offset, offset + len(raw)
                self._flush()
                self.offset = offset
                self.digest.update(raw)
                if self.all_ascii and not raw.isascii():
                    self.all_ascii = False
                if not self.escapes and b"\\u" in raw:
                    self.escapes = True
                body = raw[:-1] if raw.endswith(b"\n") else raw
                value = parse_fast(body)
                if value is _BLANK:
                    self._copy(raw)
                    continue
                current = _Current(index, lineno, body)
                self._current = current
                self._pending = raw
                span = (line_start, line_start + len(body))
                if value is _SLOW:
                    text = current.text = body.decode("utf-8", "surrogateescape")
                    outcome = read_line(text, lineno, index, self.problems,
                                        self._locate_in_line)
                    if outcome is None:  # blank once decoded (e.g. only U+00A0)
                        self._current = None
                        self._flush()
                        continue
                    value = outcome[0]
                yield RawRecord(value, Origin(self.path, index), span)
                index += 1
            self._flush()
            self._current = None

    def _copy(self, raw: bytes) -> None:
        if self.out is not None:
            self.out.write(raw)

    def _flush(self) -> None:
        if self._pending is not None:
            self._copy(self._pending)
            self._pending = None

    # -- positions --------------------------------------------------------------------
    def _node(self) -> tuple[_Current, Node]:
        current = self._current
        if current is None:
            raise LookupError("no current record")
        if current.node is None:
            if current.text is None:
                current.text = current.body.decode("utf-8", "surrogateescape")
            current.node = scan(current.text)
        return current, current.node

    def _locate_in_line(self, index: int | None, pointer: str) -> tuple[int, int]:
        current = self._current
        found = current.positions.get(pointer) if current is not None else None
        if found is None:
            current, node = self._node()
            found = current.positions[pointer] = (current.lineno,
                                                  node.nearest(pointer).start + 1)
        return found

    def current_line(self) -> tuple[int, bytes]:
        """The line number and the bytes (without the line break) of the record last yielded:
        what the result cache keys a record by (:mod:`biblint.cache`)."""
        current = self._current
        if current is None:
            raise LookupError(f"no current record in {self.path}")
        return current.lineno, current.body

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        """1-based line and column of ``pointer`` inside record ``index``, which must be the
        record last yielded (earlier lines are not kept)."""
        current = self._current
        if current is None or current.index != index:
            raise LookupError(f"record {index} is not the current record of {self.path}")
        return self._locate_in_line(index, pointer)

    # -- write-back ---------------------------------------------------------------------
    def render_record(self, index: int, old: JSONValue, new: JSONValue) -> bytes:
        """The current line (without its line break) with ``old`` turned into ``new``,
        changing only the bytes of the values that differ; raises :class:`WriteBackError`
        when the edited line would not read back as ``new``."""
        current, node = self._node()
        if current.index != index:
            raise WriteBackError(f"record {index} is not the current record of {self.path}")
        assert current.text is not None
        ensure_ascii = self.ensure_ascii
        if ensure_ascii is None:
            ensure_ascii = current.text.isascii() and "\\u" in current.text
        style = _Style(current.text, node, ensure_ascii)
        new_text = _apply(current.text, _diff(old, new, node, style))
        try:
            data = new_text.encode("utf-8")
        except UnicodeEncodeError:
            raise WriteBackError(f"{self.path}: the edited line cannot be encoded") from None
        value = parse_fast(data)
        if value is _SLOW:
            problems: list[ReadProblem] = []
            outcome = read_line(new_text, current.lineno, index, problems, lambda i, p: (1, 1))
            value = outcome[0] if outcome is not None and not problems else _SLOW
        if value is _SLOW or value is _BLANK or not _same(new, value):
            raise WriteBackError(f"{self.path}: the edited text would not read back as the fix")
        return data

    def replace_current(self, body: bytes) -> None:
        """Copy ``body`` (plus the original line break) to ``out`` instead of the current
        record's line."""
        if self._pending is None:
            raise WriteBackError("no current line to replace")
        ending = self._pending[len(self._pending.rstrip(b"\n")):]
        self._pending = body + ending


def raw_line(document: JsonLinesStream) -> int:
    """The line number of the record ``document`` yielded last."""
    current = document._current
    if current is None:
        raise LookupError("no current record")
    return current.lineno


def line_locator(body: bytes, lineno: int) -> Callable[[str], tuple[int, int]]:
    """``locate(pointer)`` for a record written as ``body`` on line ``lineno`` (the span map
    is built on the first call only)."""
    nodes: list[Node] = []

    def locate(pointer: str) -> tuple[int, int]:
        if not nodes:
            nodes.append(scan(body.decode("utf-8", "surrogateescape")))
        return lineno, nodes[0].nearest(pointer).start + 1

    return locate


@dataclass(frozen=True)
class Chunk:
    """A byte range of a JSON Lines file, cut at line starts, with the record index and line
    number of its first line: what one worker reads."""

    start: int
    end: int
    first_index: int
    first_line: int


def chunks(path: Path, size: int) -> list[Chunk]:
    """Cut ``path`` into ranges of about ``size`` bytes at line starts (one pass over the
    file counting lines and non-blank lines, in bounded memory)."""
    out: list[Chunk] = []
    start = offset = 0
    first_index = index = 0
    first_line = lineno = 1
    with path.open("rb") as handle:
        for raw in handle:
            if offset - start >= size:
                out.append(Chunk(start, offset, first_index, first_line))
                start, first_index, first_line = offset, index, lineno
            offset += len(raw)
            lineno += 1
            if raw.strip() and (raw.isascii()
                                or raw.decode("utf-8", "surrogateescape").strip()):
                index += 1
    if offset > start or not out:
        out.append(Chunk(start, offset, first_index, first_line))
    return out
