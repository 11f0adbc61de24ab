"""RIS files (``TY  - JOUR`` ... ``ER  -``), with write-back that touches one value's bytes.

A small reader of our own rather than rispy: rispy returns dicts without line numbers, maps
tags to names through a fixed table (so a tag it does not know goes to ``unknown_tag`` or is
dropped, and the order and lines of repeated tags are lost), and silently drops text outside
records and records with no ``ER``. Findings need each tag's line, write-back needs each
value's offsets, and the RIS rules need what rispy hides (a missing ``ER``, unknown tags).

A record is a dict of its tags, in file order: tags that RIS repeats by design (``AU``,
``KW``, ``UR``...; :data:`LIST_TAGS`) and any tag that does repeat are lists of strings,
the others strings. A value continued on untagged lines (Rayyan, some vendors) reads as
its lines joined by a space. Tolerated as vendors write them: a byte-order mark, blank
lines, one space before the dash (``TY - JOUR``), a numbered line before ``TY`` (Ovid's
``1.``). Text outside records is an IO011 finding; a record without ``TY`` or ``ER`` is
RIS001 / RIS002 (:mod:`biblint.rules.ris`), still checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import JSONValue, Origin
from . import RawRecord, ReadProblem, WriteBackError
from .textbase import Spans, TextDocument, common_edit, decode_text

INVALID_RIS = "IO011"
MISSING_TY = "RIS001"
MISSING_ER = "RIS002"
WARNINGS = frozenset({MISSING_TY, MISSING_ER})
"""Problems that leave a file writable: the records read completely."""

TAG_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])(?P<sep> {1,2}- ?| {0,2}-$)(?P<value>.*)$")
"""``TAG  - value``: two spaces by the specification, one space by many exporters."""
_NUMBERED = re.compile(r"^\s*\d+\.\s*$")
_WOS = re.compile(r"^(?:FN|PT|VR) \S")

LIST_TAGS = frozenset({"AU", "A1", "A2", "A3", "A4", "ED", "KW", "UR", "L1", "L2", "L3",
                       "L4", "N1", "AD", "C1"})
"""Tags that RIS repeats by design, one value per line: a list (but see NAME_TAGS)."""
NAME_TAGS = frozenset({"AU", "A1", "A2", "A3", "A4", "ED"})
"""Name tags: a single line with more than two commas is a flattened list of names (a RIS
name is ``Last, First, Suffix``) and reads as that one string, which AUTH001 reports."""


@dataclass
class TagText:
    """One tag occurrence: its line start, value start and end (continuations included)."""

    tag: str
    line: int
    start: int
    end: int
    continued: bool


class RisDocument(TextDocument):
    """A read RIS file (see the module docstring)."""

    def __init__(self, path: str, text: str, encoding: str, bom: bytes) -> None:
        super().__init__(path, text, encoding, bom)
        self.tags: list[dict[str, list[TagText]]] = []
        self.ends: list[int] = []
        """Per record: the offset of its ``ER`` line, or of the end of its last line."""

    @property
    def writable(self) -> bool:
        return all(p.code in WARNINGS for p in self.problems)

    def _read_back(self, text: str) -> RisDocument:
        return read_ris_text(self.path, text, self.encoding, self.bom)

    def _as_read_back(self, value: JSONValue) -> JSONValue:
        written = _as_written(value)
        if isinstance(written, dict):  # a null is written as no tag
            return {k: v for k, v in written.items() if v is not None}
        return written

    def _record_edits(self, index: int, new: JSONValue) -> list[tuple[int, int, str]]:
        old = self.records[index].data
        if not isinstance(old, dict) or not isinstance(new, dict):
            raise WriteBackError(f"{self.path}: record {index} cannot be written back")
        tags = self.tags[index]
        edits: list[tuple[int, int, str]] = []
        for tag, value in old.items():
            target = new.get(tag)
            if target == value:
                continue
            if tag == "TY":
                raise WriteBackError(f"{self.path}: the TY line of record {index} is not "
                                     "rewritten")
            places = tags[tag]
            if target is None:
                edits.extend((p.line, self._line_end(p.end), "") for p in places)
                continue
            olds = value if isinstance(value, list) else [value]
            news = target if isinstance(target, list) else [target]
            if isinstance(value, list) != isinstance(target, list) and len(places) != 1:
                raise WriteBackError(f"{self.path}: tag {tag} cannot change its shape")
            for n, place in enumerate(places):
                if n >= len(news):
                    edits.append((place.line, self._line_end(place.end), ""))
                    continue
                item, was = news[n], olds[n]
                if item == was:
                    continue
                edits.append(self._value_edit(place, str(was), _text(item)))
            if len(news) > len(places):
                last = places[-1]
                sep = self.text[last.line + 2:last.start]
                added = "".join(f"\n{tag}{sep}{_text(item)}" for item in news[len(places):])
                edits.append((last.end, last.end, added))
        for tag in (t for t in new if t not in old and new[t] is not None):
            items = new[tag] if isinstance(new[tag], list) else [new[tag]]
            assert isinstance(items, list)
            lines = "".join(f"{tag}  - {_text(item)}\n" for item in items)
            edits.append((self.ends[index], self.ends[index], lines))
        return edits

    def _value_edit(self, place: TagText, old: str, new: str) -> tuple[int, int, str]:
        new = _one_line(new)
        if place.continued:
            return place.start, place.end, new
        start, end, middle = common_edit(old, new)
        return place.start + start, place.start + end, middle

    def _line_end(self, offset: int) -> int:
        """The offset after the line break that ends the line holding ``offset``."""
        found = self.text.find("\n", offset)
        return len(self.text) if found < 0 else found + 1


def _text(value: JSONValue) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise WriteBackError("a RIS value is text")
    return _one_line(str(value))


_BREAK = re.compile(r"\s*[\r\n]\s*")


def _one_line(text: str) -> str:
    """A RIS value is one line: a line break a fix puts in (ABS003's paragraph) is written
    as a space, which is what a continuation line reads as."""
    return _BREAK.sub(" ", text).strip() if "\n" in text or "\r" in text else text


def _as_written(value: JSONValue) -> JSONValue:
    """``value`` as it reads back from a RIS file (see :func:`_one_line`)."""
    if isinstance(value, str):
        return _one_line(value)
    if isinstance(value, list):
        return [_as_written(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_written(item) for key, item in value.items()}
    return value


def read_ris(data: bytes, path: str, lines: bool = False) -> RisDocument:
    """Read RIS bytes; never raises on bad input."""
    text, encoding, bom, problem = decode_text(data)
    document = read_ris_text(path, text, encoding, bom)
    if problem is not None:
        document.problems.insert(0, problem)
    return document


class _Builder:
    def __init__(self, document: RisDocument) -> None:
        self.document = document
        self.data: dict[str, JSONValue] | None = None
        self.tags: dict[str, list[TagText]] = {}
        self.spans: Spans | None = None
        self.last: TagText | None = None
        self.start_line = 0
        self.end = 0

    def open(self, offset: int, line_no: int) -> None:
        self.data, self.tags, self.spans = {}, {}, Spans(offset)
        self.start_line = line_no

    def add(self, tag: str, value: str, line: int, start: int, end: int) -> None:
        if self.data is None:
            self.open(line, 0)
        assert self.data is not None and self.spans is not None
        place = TagText(tag, line, start, end, False)
        self.tags.setdefault(tag, []).append(place)
        value = value.strip()
        count = len(self.tags[tag])
        if tag in LIST_TAGS:
            items = self.data.setdefault(tag, [])
            assert isinstance(items, list)
            items.append(value)
            pointer = f"/{tag}/{len(items) - 1}"
        elif count == 1:
            self.data[tag] = value
            pointer = f"/{tag}"
        else:
            previous = self.data[tag]
            items = previous if count > 2 and isinstance(previous, list) else [previous]
            items.append(value)
            self.data[tag] = items
            if count == 2:
                self.spans.values[f"/{tag}/0"] = self.spans.values[f"/{tag}"]
            pointer = f"/{tag}/{count - 1}"
        self.spans.values[pointer] = start
        self.last = place

    def continue_value(self, text: str, end: int) -> None:
        place = self.last
        assert place is not None and self.data is not None
        place.end, place.continued = end, True
        current = self.data[place.tag]
        if isinstance(current, list):
            current[-1] = f"{current[-1]} {text.strip()}".strip()
        else:
            self.data[place.tag] = f"{current} {text.strip()}".strip()

    def close(self, end: int, ended: bool) -> None:
        document = self.document
        if self.data is None or self.spans is None:
            return
        if "TY" not in self.data and not ended:
            # Tag lines after an ER (or at the start) that no ER closes: no record (Ovid
            # writes its NL tag and links after the ER).
            line, column = document.position(self.spans.start)
            tags = ", ".join(list(self.data)[:3])
            document.problems.append(ReadProblem(
                MISSING_TY, f"tag lines ({tags}) outside any record: no TY opens them and no "
                "ER closes them; RIS readers drop them", line, column))
            self.data, self.spans, self.last = None, None, None
            return
        for tag in NAME_TAGS.intersection(self.data):
            items = self.data[tag]
            if isinstance(items, list) and len(items) == 1 and str(items[0]).count(",") > 2:
                # One AU line holding several names ("Liang, Hao, Zhao, Bin..."): a RIS
                # name has at most two commas, so this is a flattened list, as a string.
                self.data[tag] = items[0]
                self.spans.values[f"/{tag}"] = self.spans.values[f"/{tag}/0"]
        index = len(document.records)
        if not ended:
            line, column = document.position(self.spans.start)
            document.problems.append(ReadProblem(
                MISSING_ER, "record has no ER line: RIS readers may merge it with the next "
                "record or drop it", line, column, index))
        if self.data.get("TY") == "":
            line, column = document.position(self.spans.start)
            document.problems.append(ReadProblem(
                MISSING_TY, "record's TY line names no type: RIS readers skip or mistype it",
                line, column, index))
        elif "TY" not in self.data or next(iter(self.data)) != "TY":
            line, column = document.position(self.spans.start)
            document.problems.append(ReadProblem(
                MISSING_TY, "record does not start with a TY line: RIS readers skip or "
                "mistype it", line, column, index))
        document.records.append(RawRecord(self.data, Origin(document.path, index),
                                          profile="ris"))
        document.spans.append(self.spans)
        document.tags.append(self.tags)
        document.ends.append(end)
        self.data, self.spans, self.last = None, None, None


def read_ris_text(path: str, text: str, encoding: str, bom: bytes) -> RisDocument:
    document = RisDocument(path, text, encoding, bom)
    builder = _Builder(document)
    offset = 0
    stray: tuple[int, int] | None = None
    for line_no, line in enumerate(text.split("\n"), 1):
        start, offset = offset, offset + len(line) + 1
        body = line.rstrip("\r")
        match = TAG_LINE.match(body)
        if match is None:
            if not body.strip():
                builder.last = None if builder.data is None else builder.last
                continue
            if builder.data is not None and builder.last is not None:
                builder.continue_value(body, start + len(body))
            elif not _NUMBERED.match(body) and stray is None:
                stray = (line_no, len(body) - len(body.lstrip()) + 1)
            continue
        tag = match["tag"]
        value_start = start + match.start("value")
        if tag == "TY" and builder.data is not None:
            builder.close(start, ended=False)
        if tag == "ER":
            if builder.data is not None:
                builder.close(start, ended=True)
            continue
        if builder.data is None:
            builder.open(start, line_no)
        builder.add(tag, match["value"], start, value_start, start + len(body))
    builder.close(len(text), ended=False)
    if stray is not None:
        document.problems.append(ReadProblem(
            INVALID_RIS, f"line {stray[0]} is not a RIS tag line (TAG  - value) and continues "
            "no record", stray[0], stray[1]))
    if stray is not None and stray[0] == 1 and _WOS.match(text):
        document.problems[-1] = ReadProblem(
            INVALID_RIS, "a Web of Science tagged export (FN, PT, AU... without RIS's "
            "'  - '), not RIS: not read", 1, 1)
    if not document.records and text.strip() and stray is None:
        document.problems.append(ReadProblem(INVALID_RIS, "no RIS record in the file", 1, 1))
    return document
