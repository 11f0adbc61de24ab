"""Gzip-compressed files of any format biblint reads (``x.jsonl.gz``, ``x.bib.gz``...).

The format inside is the one the name without ``.gz`` says (``x.jsonl.gz`` is JSON Lines),
else the one its content looks like (:func:`biblint.readers.sniff`). Positions are lines and
columns of the decompressed text, which is what a person sees with ``zcat``.

JSON Lines inside gzip is streamed (:class:`GzipLinesStream`): one line decompressed and
checked at a time, so a snapshot of any size runs in bounded memory. Other formats are
decompressed in memory, up to :data:`MAX_INFLATED` bytes: a file that inflates beyond that
(a gzip bomb, or a dump too large to read whole) is an IO013 finding, as is a corrupt or
truncated stream.

``--fix`` does not rewrite compressed files: writing one back means recompressing the
whole file, which cannot keep its bytes, header (name, time) or compression level, so the
fix is refused with a message that says so, and the findings are still reported.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..jsonspan import scan
from ..model import JSONValue, Origin
from . import (
    BAD_ENCODING,
    InMemoryDocument,
    RawRecord,
    ReadProblem,
    WriteBackError,
)

INVALID_GZIP = "IO013"
MAX_INFLATED = 512 * 1024 * 1024
"""The most a compressed file is decompressed to in memory (JSON Lines is streamed)."""
REFUSED = ("compressed files are not rewritten by --fix (recompressing cannot keep the "
           "file's bytes); decompress it, fix that, and compress it again")


def inner_name(path: str) -> str:
    """The name of the compressed content: ``a/b.jsonl.gz`` -> ``a/b.jsonl``."""
    return path[:-3] if path.lower().endswith(".gz") else path


class GzipDocument:
    """A compressed file read in memory: the inner document under the file's own name."""

    def __init__(self, path: str, inner: InMemoryDocument | None,
                 problems: list[ReadProblem]) -> None:
        self.path = path
        self.inner = inner
        self.problems = problems
        self.records: list[RawRecord] = []
        if inner is not None:
            # Records first: a streamed inner document (XML) finds its problems as it reads.
            self.records = [RawRecord(r.data, Origin(path, r.origin.index, r.origin.base),
                                      r.span, r.profile) for r in inner.records]
            self.problems.extend(inner.problems)

    def iter_records(self) -> Iterator[RawRecord]:
        return iter(self.records)

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        return self.inner.locate(index, pointer) if self.inner is not None else (1, 1)

    @property
    def writable(self) -> bool:
        return self.inner is not None and not self.problems

    def render(self, fixed: Mapping[int, JSONValue]) -> bytes:
        raise WriteBackError(REFUSED)


def inflate(data: bytes, limit: int = MAX_INFLATED) -> tuple[bytes | None, str | None]:
    """The decompressed bytes of (possibly multi-member) gzip ``data``, or None and why."""
    out: list[bytes] = []
    size = 0
    rest = data
    while rest:
        engine = zlib.decompressobj(wbits=31)
        try:
            chunk = engine.decompress(rest, limit - size + 1)
        except zlib.error as exc:
            return None, f"not a valid gzip stream: {exc}"
        size += len(chunk)
        out.append(chunk)
        if size > limit:
            return None, (f"decompresses to more than {limit // (1024 * 1024)} MiB: too "
                          "large to read in memory (JSON Lines inside .gz is streamed)")
        if not engine.eof:
            if engine.unconsumed_tail:
                return None, (f"decompresses to more than {limit // (1024 * 1024)} MiB: "
                              "too large to read in memory")
            return None, "the gzip stream is truncated"
        rest = engine.unused_data.lstrip(b"\0")
    return b"".join(out), None


def read_gzip(data: bytes, path: str) -> InMemoryDocument:
    """Read gzip bytes: the inner format by name or content; never raises on bad input."""
    from . import read_bytes

    raw, error = inflate(data)
    if raw is None:
        return GzipDocument(path, None, [ReadProblem(INVALID_GZIP, error or "bad gzip", 1, 1)])
    if raw.startswith(b"\x1f\x8b"):
        return GzipDocument(path, None, [ReadProblem(
            INVALID_GZIP, "compressed twice (gzip inside gzip): not read", 1, 1)])
    name = inner_name(path)
    return GzipDocument(path, read_bytes(raw, name if name != path else "-"), [])


def streams_gzip_lines(path: Path, shown: str) -> bool:
    """Whether ``path`` is JSON Lines inside gzip, by its name (``.jsonl.gz``,
    ``.ndjson.gz``): such a file is streamed by :class:`GzipLinesStream`."""
    return inner_name(shown).lower().endswith((".jsonl", ".ndjson"))


class GzipLinesStream:
    """JSON Lines inside gzip, read line by line (bounded memory); a streamed document
    places only the record it yielded last."""

    def __init__(self, file: Path, path: str) -> None:
        self.file = file
        self.path = path
        self.problems: list[ReadProblem] = []
        self._line = ""
        self._lineno = 0
        self._index = -1

    @property
    def writable(self) -> bool:
        return False

    def iter_records(self) -> Iterator[RawRecord]:
        from .jsonfile import read_line

        index = 0
        try:
            with gzip.open(self.file, "rb") as handle:
                for lineno, raw in enumerate(handle, 1):
                    try:
                        line = raw.decode("utf-8").rstrip("\n").rstrip("\r")
                    except UnicodeDecodeError as exc:
                        self.problems.append(ReadProblem(
                            BAD_ENCODING, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} in "
                            "this line", lineno, exc.start + 1, index))
                        yield RawRecord(None, Origin(self.path, index))
                        index += 1
                        continue
                    self._line, self._lineno, self._index = line, lineno, index
                    outcome = read_line(line, lineno, index, self.problems, self._locate)
                    if outcome is None:
                        continue
                    yield RawRecord(outcome[0], Origin(self.path, index))
                    index += 1
        except (OSError, EOFError, zlib.error) as exc:
            self.problems.append(ReadProblem(
                INVALID_GZIP, f"not a valid gzip stream: {exc}", self._lineno + 1, 1))

    def _locate(self, index: int, pointer: str) -> tuple[int, int]:
        node: Any = scan(self._line, 0)
        return self._lineno, node.nearest(pointer).start + 1

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        if index != self._index:
            return (self._lineno or 1, 1)
        return self._locate(index, pointer)
