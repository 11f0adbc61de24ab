"""Large JSON arrays and API wrappers read incrementally (bounded memory).

A ``.json`` file over :data:`biblint.readers.STREAM_JSON_ABOVE` bytes that holds an array of
records, or a list wrapper (``{"message": {"items": [...]}}``, ``{"items": [...]}``,
``{"results": [...]}``, ``{"data": [...]}``, decided as :func:`biblint.readers.jsonfile._unwrap`
decides), is read one record at a time from a memory map of the file: pages behind the
reader are released, so the resident memory stays bounded whatever the file's size.

Two passes, because today's reader promises that a file with a syntax error anywhere yields
its one IO003 problem and no records: the first pass walks the levels above the records,
parses every record and every sibling value with orjson (validating them) and finds no
syntax error, undecodable byte, repeated wrapper key or anything else only the in-memory
reader can describe; else :func:`open_array` returns None and the caller reads the file in
memory as before. The second pass yields the records. A record that orjson reads differently
(NaN, a repeated key, a huge integer, a lone surrogate escape) is read by the exact reader
(:func:`biblint.readers.jsonfile.read_line`) with positions translated to the file.
"""

from __future__ import annotations

import json
import mmap
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ..jsonspan import Node, scan
from ..model import Origin
from . import RawRecord, ReadProblem
from .jsonfile import read_line
from .jsonlines import _BLANK, _SLOW, parse_fast

_WS = re.compile(rb"[ \t\n\r]*")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_SCALAR = re.compile(rb'[^,\]}\s]+')
_RELEASE = 64 * 1024 * 1024
"""Bytes read between two releases of the pages behind the reader."""


class _Invalid(Exception):
    """Only the in-memory reader can describe this file."""


def _ws(mm: Any, pos: int) -> int:
    match = _WS.match(mm, pos)
    assert match is not None
    return match.end()


def _value_end(mm: Any, pos: int) -> int:
    """The end of the JSON value at ``pos`` (brackets matched, strings skipped)."""
    first = mm[pos:pos + 1]
    if first == b'"':
        match = _STRING.match(mm, pos)
        if match is None:
            raise _Invalid
        return match.end()
    if first not in (b"{", b"["):
        match = _SCALAR.match(mm, pos)
        if match is None:
            raise _Invalid
        return match.end()
    depth = 0
    for match in _TOKEN.finditer(mm, pos):
        char = mm[match.start()]
        if char in (0x7B, 0x5B):  # { [
            depth += 1
        elif char in (0x7D, 0x5D):  # } ]
            depth -= 1
            if depth == 0:
                return match.end()
    raise _Invalid


def _members(mm: Any, pos: int) -> tuple[dict[str, tuple[int, int]], int]:
    """The members of the object at ``pos`` (key -> value span) and its end; a repeated
    key is left to the in-memory reader."""
    members: dict[str, tuple[int, int]] = {}
    pos = _ws(mm, pos + 1)
    if mm[pos:pos + 1] == b"}":
        return members, pos + 1
    while True:
        key = _STRING.match(mm, pos)
        if key is None:
            raise _Invalid
        name = json.loads(key.group().decode("utf-8"))
        pos = _ws(mm, key.end())
        if mm[pos:pos + 1] != b":":
            raise _Invalid
        start = _ws(mm, pos + 1)
        end = _value_end(mm, start)
        if name in members:
            raise _Invalid
        members[name] = (start, end)
        pos = _ws(mm, end)
        char = mm[pos:pos + 1]
        if char == b"}":
            return members, pos + 1
        if char != b",":
            raise _Invalid
        pos = _ws(mm, pos + 1)


def _items(mm: Any, pos: int) -> Iterator[tuple[int, int]]:
    """The spans of the items of the array at ``pos``."""
    pos = _ws(mm, pos + 1)
    if mm[pos:pos + 1] == b"]":
        return
    while True:
        end = _value_end(mm, pos)
        yield pos, end
        pos = _ws(mm, end)
        char = mm[pos:pos + 1]
        if char == b"]":
            return
        if char != b",":
            raise _Invalid
        pos = _ws(mm, pos + 1)


def _validate(mm: Any, span: tuple[int, int]) -> None:
    try:
        orjson.loads(mm[span[0]:span[1]])
    except orjson.JSONDecodeError:
        raise _Invalid from None


def _kind(mm: Any, span: tuple[int, int]) -> bytes:
    return bytes(mm[span[0]:span[0] + 1])


def _layout(mm: Any) -> tuple[str, tuple[int, int]]:
    """The JSON Pointer of the records' array and its span, as ``_unwrap`` would choose;
    every value off that path is validated."""
    start = _ws(mm, 0)
    first = mm[start:start + 1]
    if first == b"[":
        end = _value_end(mm, start)
        if mm[_ws(mm, end):]:
            raise _Invalid
        return "", (start, end)
    if first != b"{":
        raise _Invalid
    top, end = _members(mm, start)
    if mm[_ws(mm, end):]:
        raise _Invalid
    chosen: tuple[str, tuple[int, int]] | None = None
    skip: set[str] = set()
    message = top.get("message")
    if message is not None and _kind(mm, message) == b"{":
        inner, _ = _members(mm, message[0])
        items = inner.get("items")
        if items is not None and _kind(mm, items) == b"[":
            for name, span in inner.items():
                if name != "items":
                    _validate(mm, span)
            chosen, skip = ("/message/items", items), {"message"}
        else:
            raise _Invalid  # a single work, or a message that is itself a record
    if chosen is None:
        items = top.get("items")
        results = top.get("results")
        data = top.get("data")
        if items is not None and _kind(mm, items) == b"[" and not {"DOI", "doi",
                                                                      "title"} & top.keys():
            chosen = ("/items", items)
        elif results is not None and _kind(mm, results) == b"[":
            chosen = ("/results", results)
        elif data is not None and _kind(mm, data) == b"[":
            chosen = ("/data", data)
        else:
            raise _Invalid  # one record, or a single DataCite record
        skip = {chosen[0][1:]}
    for name, span in top.items():
        if name not in skip:
            _validate(mm, span)
    return chosen


class JsonArrayStream:
    """The records of a large JSON array or list wrapper, one at a time (see the module
    docstring); built by :func:`open_array` once the first pass found the file readable."""

    lines = False

    def __init__(self, file: Path, path: str, mm: Any, base: str,
                 span: tuple[int, int]) -> None:
        self.file = file
        self.path = path
        self.problems: list[ReadProblem] = []
        self.offset = 0
        self.size = len(mm)
        self._mm = mm
        self._base = base
        self._span = span
        self._current: tuple[int, int, str, int, int] | None = None  # index, start, text,
        self._node: Node | None = None                                 # line, column

    @property
    def writable(self) -> bool:
        return False  # --fix of a large array goes through the in-memory reader

    def iter_records(self) -> Iterator[RawRecord]:
        mm = self._mm
        line, column, cursor = 1, 1, 0
        released = 0
        try:
            for index, (start, end) in enumerate(_items(mm, self._span[0])):
                gap = mm[cursor:start].decode("utf-8")
                line, column = _advance(line, column, gap)
                body = mm[start:end]
                text = body.decode("utf-8")
                self._current = (index, start, text, line, column)
                self._node = None
                origin = Origin(self.path, index, f"{self._base}/{index}")
                value = parse_fast(body)
                if value is _SLOW or value is _BLANK:
                    outcome = read_line(text, line, index, self.problems,
                                        lambda _i, pointer: self._locate(pointer))
                    value = outcome[0] if outcome is not None else None
                line, column = _advance(line, column, text)
                cursor = self.offset = end
                yield RawRecord(value, origin, (start, end))
                if end - released > _RELEASE:
                    page = (end // mmap.PAGESIZE) * mmap.PAGESIZE
                    mm.madvise(mmap.MADV_DONTNEED, 0, page)
                    released = end
            self.offset = self.size
        finally:
            self._current = None
            mm.close()

    def _locate(self, pointer: str) -> tuple[int, int]:
        assert self._current is not None
        _, _, text, line, column = self._current
        if self._node is None:
            self._node = scan(text)
        offset = self._node.nearest(pointer).start
        newlines = text.count("\n", 0, offset)
        if not newlines:
            return line, column + offset
        return line + newlines, offset - text.rfind("\n", 0, offset)

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        if self._current is None or self._current[0] != index:
            raise LookupError(f"record {index} is not the current record of {self.path}")
        return self._locate(pointer)


def _advance(line: int, column: int, text: str) -> tuple[int, int]:
    newlines = text.count("\n")
    if not newlines:
        return line, column + len(text)
    return line + newlines, len(text) - text.rfind("\n")


def open_array(file: Path, path: str) -> JsonArrayStream | None:
    """A streamed reader of ``file`` when it is a readable array or list wrapper, else None
    (read it in memory)."""
    try:
        with file.open("rb") as handle:
            mm = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        base, span = _layout(mm)
        count = 0
        for start, end in _items(mm, span[0]):
            body = mm[start:end]
            body.decode("utf-8")
            value = parse_fast(body)
            if value is _SLOW:
                json.loads(body)  # valid JSON that orjson reads differently: per record
            count += 1
        mm.madvise(mmap.MADV_DONTNEED, 0, len(mm))
    except (_Invalid, ValueError, RecursionError, IndexError):
        mm.close()
        return None
    if count == 0:
        mm.close()
        return None
    return JsonArrayStream(file, path, mm, base, span)
