"""Readers: bytes in, records (and problems with their positions) out.

One module per format; :data:`READERS` maps a file suffix to the reader that handles it. A
reader never raises on bad input: undecodable bytes, syntax errors and values that are not
records become :class:`ReadProblem` objects with a position, and every other record of the file
is still returned. Readers know nothing of rules.

Every document is read through :meth:`Document.iter_records`: records in file order, problems
complete once the iterator is exhausted. :func:`open_path` streams JSON Lines files line by
line (:mod:`biblint.readers.jsonlines`, bounded memory); other files, and data given as
bytes (stdin), are read in memory (:class:`InMemoryDocument`), which also offers the list of
records and whole-file write-back.
"""

from __future__ import annotations

import codecs
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..model import JSONValue, Origin

BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Byte-order marks and their encodings, for readers and for the diff of a fixed file."""

# Codes of the input rules (documented in rules/io.py); readers report them.
UNREADABLE = "IO001"
BAD_ENCODING = "IO002"
SYNTAX_ERROR = "IO003"
NOT_A_RECORD = "IO004"
NON_FINITE = "IO005"
DUPLICATE_KEY = "IO006"


@dataclass(frozen=True)
class ReadProblem:
    """Input that could not be read as a record, at a 1-based line and column."""

    code: str
    message: str
    line: int | None = None
    column: int | None = None
    record: int | None = None
    pointer: str = ""


@dataclass
class RawRecord:
    """A record as read: its data, where it sits in the document and, for a streamed file,
    the byte offsets ``(start, end)`` of its text in the file (None in memory).

    ``profile`` names the record's profile when the reader knows it from the format itself
    (a BibTeX entry, a PubMed article): the engine then uses that profile instead of
    detecting one from the data or applying the configured one, which is meant for JSON."""

    data: JSONValue
    origin: Origin
    span: tuple[int, int] | None = None
    profile: str | None = None


class Document(Protocol):
    """What the engine needs of a read file, streamed or in memory."""

    path: str
    problems: list[ReadProblem]
    """Complete once :meth:`iter_records` is exhausted."""

    def iter_records(self) -> Iterator[RawRecord]:
        """The records in file order (``data=None`` for one that is not a usable record)."""
        ...

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        """1-based line and column of ``pointer`` inside record ``index`` (a streamed
        document places only the record it yielded last)."""
        ...

    @property
    def writable(self) -> bool:
        """False when the file had problems: such a file is never written."""
        ...


class InMemoryDocument(Document, Protocol):
    """A document read whole: its records as a list, and whole-file write-back."""

    records: list[RawRecord]

    def render(self, fixed: Mapping[int, JSONValue]) -> bytes:
        """The file's bytes with records replaced by ``fixed`` (index -> data), changing only
        the bytes of the values that differ. Raises :class:`WriteBackError` if it cannot."""
        ...


class WriteBackError(Exception):
    """A fix could not be written back without touching bytes it must not touch."""


@dataclass
class UnreadableDocument:
    """A file that could not be read at all (permissions, a directory, a loop...)."""

    path: str
    problems: list[ReadProblem] = field(default_factory=list)
    records: list[RawRecord] = field(default_factory=list)

    def iter_records(self) -> Iterator[RawRecord]:
        return iter(self.records)

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        return (1, 1)

    def render(self, fixed: Mapping[int, JSONValue]) -> bytes:
        raise WriteBackError(f"{self.path} could not be read")

    @property
    def writable(self) -> bool:
        return False


Reader = Callable[[bytes, str, bool], InMemoryDocument]
"""``reader(data, display_path, lines)`` where ``lines`` forces JSON Lines."""


def _json_reader(data: bytes, path: str, lines: bool) -> InMemoryDocument:
    from .jsonfile import read_json

    return read_json(data, path, lines=lines)


def _xml_reader(data: bytes, path: str, lines: bool) -> InMemoryDocument:
    """PubMed/MEDLINE, JATS, Crossref and DataCite XML (:mod:`biblint.readers.xml`); a
    content sniffer routes XML of any suffix here through ``READERS[".xml"]``."""
    from .xml import read_xml

    return read_xml(data, path, lines)


READERS: dict[str, tuple[Reader, bool]] = {
    ".json": (_json_reader, False),
    ".jsonl": (_json_reader, True),
    ".ndjson": (_json_reader, True),
    ".xml": (_xml_reader, False),
    ".nxml": (_xml_reader, False),
}
"""File suffix -> (reader, forces JSON Lines). Folders are walked for these suffixes."""


def reader_for(path: str) -> tuple[Reader, bool]:
    """The reader for a path by its suffix; unknown suffixes are read as JSON (sniffed)."""
    return READERS.get(Path(path).suffix.lower(), (_json_reader, False))


# -- text formats and content sniffing (issue 10, text half) ------------------------------


def _bibtex_reader(data: bytes, path: str, lines: bool) -> InMemoryDocument:
    from .bibtex import read_bibtex

    return read_bibtex(data, path)


def _ris_reader(data: bytes, path: str, lines: bool) -> InMemoryDocument:
    from .ris import read_ris

    return read_ris(data, path)


def _medline_reader(data: bytes, path: str, lines: bool) -> InMemoryDocument:
    from .medline import read_medline

    return read_medline(data, path)


def _gzip_reader(data: bytes, path: str, lines: bool) -> InMemoryDocument:
    from .gz import read_gzip

    return read_gzip(data, path)


def _sniffed_reader(data: bytes, path: str, lines: bool) -> InMemoryDocument:
    """A file whose suffix does not say its format (``.txt``, no suffix, stdin): by content."""
    found = sniff(data[:SNIFF_BYTES])
    reader = SNIFFED.get(found or "") if found != "xml" else _registered_xml_reader()
    if reader is None:
        return _json_reader(data, path, lines)
    return reader(data, path, lines)


def _registered_xml_reader() -> Reader | None:
    entry = READERS.get(".xml")
    return entry[0] if entry is not None else None


SNIFF_BYTES = 64 * 1024
"""How much of a file the sniffer reads to recognise its format."""

_RIS_TAG = re.compile(rb"^\s*(?:\d+\.\s*)?TY {1,2}- ?", re.MULTILINE)
_MEDLINE_TAG = re.compile(rb"^PMID- ", re.MULTILINE)
_BIBTEX_ENTRY = re.compile(rb"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)


def sniff(head: bytes) -> str | None:
    """The format the first bytes of a file look like: ``xml``, ``bibtex``, ``ris``,
    ``medline`` or ``gzip``; None for anything else (read as JSON). The first non-blank
    character decides where it can: ``{`` or ``[`` is JSON, ``<`` XML, ``@`` BibTeX;
    otherwise the tagged formats are recognised by a tag line anywhere in ``head``."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    for bom, _ in BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    stripped = head.lstrip()
    if stripped[:1] in (b"{", b"["):
        return None
    if stripped[:1] == b"<":
        return "xml"
    if _MEDLINE_TAG.search(head):
        return "medline"
    if _RIS_TAG.search(head):
        return "ris"
    if stripped[:1] == b"@" or _BIBTEX_ENTRY.search(head):
        return "bibtex"
    return None


SNIFFED: dict[str, Reader] = {
    "bibtex": _bibtex_reader,
    "ris": _ris_reader,
    "medline": _medline_reader,
    "gzip": _gzip_reader,
}
"""Sniffed format -> reader (XML is looked up in :data:`READERS` when registered)."""

READERS.update({
    ".bib": (_bibtex_reader, False),
    ".bibtex": (_bibtex_reader, False),
    ".ris": (_ris_reader, False),
    ".nbib": (_medline_reader, False),
    ".medline": (_medline_reader, False),
    ".txt": (_sniffed_reader, False),
    ".gz": (_gzip_reader, False),
})

SNIFFED_SUFFIXES = frozenset({".txt"})
"""Suffixes that say nothing of the format: a walked file with one is read only when its
content is a format biblint reads (:func:`walkable`), so a README.txt is not reported."""


def walkable(path: Path) -> bool:
    """Whether a walk should read ``path``: a reader's suffix, and for ``.txt`` content
    that sniffs as a tagged or braced format."""
    suffix = path.suffix.lower()
    if suffix == ".gz":  # x.jsonl.gz, x.bib.gz; not x.tar.gz or x.svg.gz
        inner = Path(path.stem).suffix.lower()
        return inner in READERS and inner != ".gz" and inner not in SNIFFED_SUFFIXES
    if suffix not in READERS:
        return False
    if suffix not in SNIFFED_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return True  # reported as unreadable when read
    return sniff(head) in ("bibtex", "ris", "medline")


def read_bytes(data: bytes, path: str) -> InMemoryDocument:
    """Read ``data`` (the content of ``path``, which may be a display name such as ``-``)."""
    reader, lines = reader_for(path)
    if reader is _json_reader and not lines:
        return _sniffed_reader(data, path, lines)  # a .json, .txt or stdin that is BibTeX...
    return reader(data, path, lines)


def read_path(path: Path, display: str | None = None) -> InMemoryDocument:
    """Read a file; an unreadable file becomes a document holding one IO001 problem."""
    shown = display or str(path)
    try:
        # A FIFO or a device (/dev/zero, /dev/stdin of a terminal) would block or never end:
        # only regular files are read (stdin is read by the caller, with its own name).
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            return UnreadableDocument(shown, [ReadProblem(
                UNREADABLE, "not a regular file (a pipe, socket or device): not read")])
        data = path.read_bytes()
    except IsADirectoryError:
        return UnreadableDocument(shown, [ReadProblem(UNREADABLE, "is a directory")])
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return UnreadableDocument(shown, [ReadProblem(UNREADABLE, f"cannot read file: {reason}")])
    return read_bytes(data, shown)


STREAM_JSON_ABOVE = 32 * 1024 * 1024
"""A ``.json`` file larger than this is sniffed for JSON Lines without reading it whole, and
streamed when it is JSON Lines; smaller ones are read in memory (a pre-commit hook's files)."""


def open_path(path: Path, display: str | None = None) -> Document:
    """A document for ``path``: streamed line by line when it is JSON Lines (``.jsonl``,
    ``.ndjson``, or a large ``.json`` holding one value per line), streamed record by record
    when it is a large, readable JSON array or list wrapper (:mod:`.jsonarray`), in both cases
    only when it does not start with a byte-order mark; read in memory otherwise (see
    :func:`read_path`)."""
    from .jsonarray import open_array
    from .jsonlines import JsonLinesStream, streamable

    shown = display or str(path)
    if shown.lower().endswith(".gz"):
        from .gz import GzipLinesStream, streams_gzip_lines

        if streams_gzip_lines(path, shown) and _size(path) > 0:
            return GzipLinesStream(path, shown)
    if streams_as_lines(path, shown):
        return JsonLinesStream(path, shown)
    reader, _ = reader_for(shown)
    streamed = _open_streamed(reader, path, shown)
    if streamed is not None:
        return streamed
    if reader is _json_reader and _size(path) > STREAM_JSON_ABOVE and streamable(path):
        array = open_array(path, shown)
        if array is not None:
            return array
    return read_path(path, shown)


def _open_streamed(reader: Reader, path: Path, shown: str) -> Document | None:
    """A document streamed record by record by a non-JSON reader that can (XML: a MEDLINE
    baseline file in bounded memory), for a regular file; None otherwise."""
    if reader is _xml_reader:
        try:
            regular = stat.S_ISREG(path.stat().st_mode)
        except OSError:
            return None
        if regular:
            from .xml import open_xml

            return open_xml(path, shown)
    return None


def streams_as_lines(path: Path, display: str | None = None) -> bool:
    """Whether :func:`open_path` reads ``path`` as streamed JSON Lines (what ``--fix``
    can stream into its temporary copy)."""
    from .jsonlines import sniff_lines, streamable

    reader, lines = reader_for(display or str(path))
    return reader is _json_reader and streamable(path) and (
        lines or (_size(path) > STREAM_JSON_ABOVE and sniff_lines(path)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
