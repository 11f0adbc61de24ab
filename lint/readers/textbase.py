"""What the readers of tagged and braced text formats (BibTeX, RIS, MEDLINE) share.

A text document keeps its text, its records (JSON-like dicts, the shape its profile maps)
and, per record, where each of its values sits in the text: the record's own line, and for
each JSON Pointer the text offset of the value (:class:`Spans`). Positions of findings come
from there; write-back (for the formats that allow it) replaces the bytes of one value and
nothing else, then reads the new text back and refuses to write anything unless every record
reads back as the fix asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ..jsonspan import LineIndex
from ..model import JSONValue
from . import BAD_ENCODING, BOMS, RawRecord, ReadProblem, WriteBackError


def decode_text(data: bytes) -> tuple[str, str, bytes, ReadProblem | None]:
    """Text, encoding and BOM of ``data``; bytes that are not UTF-8 become U+FFFD and a
    problem (IO002) that keeps the file from ever being written."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(encoding), encoding, bom, None
            except UnicodeDecodeError as exc:
                return body.decode(encoding, "replace"), encoding, bom, ReadProblem(
                    BAD_ENCODING, f"not valid {encoding.upper()} after its byte-order mark "
                    f"(byte {exc.start + len(bom)})", 1, 1)
    try:
        return data.decode("utf-8"), "utf-8", b"", None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        return data.decode("utf-8", "replace"), "utf-8", b"", ReadProblem(
            BAD_ENCODING, f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start} (the file is checked as far as it reads, and never written)",
            line, column)


@dataclass
class Spans:
    """Where one record sits in the text: its start offset and the offsets of its values
    (JSON Pointer -> offset of the value's first character)."""

    start: int
    values: dict[str, int] = field(default_factory=dict)

    def nearest(self, pointer: str) -> int:
        """The offset of ``pointer``, else of its closest parent that has one, else the
        record's start."""
        while True:
            found = self.values.get(pointer)
            if found is not None:
                return found
            if not pointer:
                return self.start
            pointer = pointer.rpartition("/")[0]


class TextDocument:
    """A text file read whole into records (see the module docstring)."""

    def __init__(self, path: str, text: str, encoding: str, bom: bytes) -> None:
        self.path = path
        self.text = text
        self.encoding = encoding
        self.bom = bom
        self.records: list[RawRecord] = []
        self.problems: list[ReadProblem] = []
        self.spans: list[Spans] = []
        self.index = LineIndex(text)

    @property
    def writable(self) -> bool:
        return not self.problems

    def iter_records(self) -> Iterator[RawRecord]:
        return iter(self.records)

    def position(self, offset: int) -> tuple[int, int]:
        return self.index.position(offset)

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        if 0 <= index < len(self.spans):
            return self.position(self.spans[index].nearest(pointer))
        return (1, 1)

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)

    # -- write-back (formats that allow it give the three steps below) --------------------
    def render(self, fixed: Mapping[int, JSONValue]) -> bytes:
        """The file's bytes with the records of ``fixed`` (index -> new record) written in.

        Each record's edits replace the text of the values that changed and nothing else;
        the new text is then read again, and nothing is written unless it reads without
        problems into exactly the records asked for (as the format writes them)."""
        if not self.writable:
            raise WriteBackError(f"{self.path} has read errors and is never written")
        edits: list[tuple[int, int, str]] = []
        for index, new in fixed.items():
            edits.extend(self._record_edits(index, new))
        new_text = apply_edits(self.text, edits)
        again = self._read_back(new_text)
        expected = [self._as_read_back(fixed.get(i, r.data)) for i, r in enumerate(self.records)]
        if not again.writable or [r.data for r in again.records] != expected:
            raise WriteBackError(f"{self.path}: the edited text would not read back as the fix")
        return self.encode(new_text)

    def _record_edits(self, index: int, new: JSONValue) -> list[tuple[int, int, str]]:
        """The ``(start, end, replacement)`` edits that write record ``index`` as ``new``."""
        raise WriteBackError(f"{self.path}: this format is not rewritten by --fix")

    def _read_back(self, text: str) -> TextDocument:
        """``text`` read as this document's format (to check what an edit wrote)."""
        raise NotImplementedError

    def _as_read_back(self, value: JSONValue) -> JSONValue:
        """A fixed record as it reads back from the format (what the check expects)."""
        return value


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping ``(start, end, replacement)`` edits; an overlap refuses (the
    JSON reader's write-back, shared: one place decides how edits are applied)."""
    from .jsonfile import _apply

    return _apply(text, edits)


def common_edit(old: str, new: str) -> tuple[int, int, str]:
    """The smallest single edit turning ``old`` into ``new``: ``(start, end, replacement)``
    in ``old``'s offsets (common prefix and suffix kept)."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < limit - prefix
           and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]):
        suffix += 1
    return prefix, len(old) - suffix, new[prefix:len(new) - suffix]
