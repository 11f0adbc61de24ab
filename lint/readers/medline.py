"""MEDLINE tagged text: PubMed's "MEDLINE" display format, saved as ``.nbib`` or ``.txt``.

Each record starts with ``PMID- ``; a line is a tag of up to four letters padded to four,
``- `` and the value; a value continues on lines indented by six spaces; records are
separated by blank lines. A record is a dict of its tags in file order: tags that repeat by
design (:data:`LIST_TAGS`: ``AU``, ``FAU``, ``PT``, ``MH``...) and any tag that does repeat
are lists, continuation lines are joined with a space. The typed identifier tags keep their
type as a key, so the profile can point at the DOI: ``AID - 10.1177/x [doi]`` reads as
``{"AID": {"doi": "10.1177/x"}}``, ``IS - 1526-6028 (Electronic)`` as
``{"IS": {"Electronic": "1526-6028"}}``.

Read-only: ``--fix`` leaves MEDLINE files alone, as it leaves a file that did not read (a
PubMed export is regenerated, not edited); each finding still gets the line and column of
its tag's value. Lines that are
neither tags nor continuations are IO012 findings, and the file is then never written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..model import JSONValue, Origin
from . import RawRecord, ReadProblem, WriteBackError
from .textbase import Spans, TextDocument, decode_text

INVALID_MEDLINE = "IO012"

TAG_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{0,3}) {0,3}- (?P<value>.*)$")
CONTINUATION = re.compile(r"^ {6}(?P<value>.*)$")
LIST_TAGS = frozenset({"AU", "FAU", "AUID", "AD", "PT", "MH", "OT", "OTO", "RN", "GR", "SI",
                       "CIN", "CON", "EIN", "EFR", "CRI", "CRF", "ERI", "ERF", "PHST", "CI",
                       "LA", "SB", "GN", "IR", "FIR", "PS", "FPS", "CN", "ED", "FED", "IRAD",
                       "OAB", "OABL"})
TYPED_TAGS = {"AID": re.compile(r"^(?P<value>.*?)\s*\[(?P<type>[A-Za-z-]+)\]$"),
              "LID": re.compile(r"^(?P<value>.*?)\s*\[(?P<type>[A-Za-z-]+)\]$"),
              "IS": re.compile(r"^(?P<value>.*?)\s*\((?P<type>[A-Za-z -]+)\)$")}
"""Tags whose values carry their type: ``[doi]``, ``[pii]``; ``(Electronic)``, ``(Print)``."""


class MedlineDocument(TextDocument):
    """A read MEDLINE text file (see the module docstring)."""

    @property
    def writable(self) -> bool:
        """Never: a PubMed export is regenerated, not edited (``--fix`` leaves it alone)."""
        return False

    def render(self, fixed: Mapping[int, JSONValue]) -> bytes:
        raise WriteBackError(f"{self.path}: MEDLINE text is not rewritten by --fix")


def read_medline(data: bytes, path: str, lines: bool = False) -> MedlineDocument:
    """Read MEDLINE text bytes; never raises on bad input."""
    text, encoding, bom, problem = decode_text(data)
    document = MedlineDocument(path, text, encoding, bom)
    if problem is not None:
        document.problems.append(problem)
    record: dict[str, JSONValue] | None = None
    spans: Spans | None = None
    counts: dict[str, int] = {}
    last: tuple[str, str | None] | None = None  # the tag (and type key) a continuation extends
    offset = 0

    def close() -> None:
        nonlocal record, spans
        if record is not None and spans is not None:
            index = len(document.records)
            document.records.append(RawRecord(record, Origin(path, index), profile="medline"))
            document.spans.append(spans)
        record, spans = None, None

    for line_no, line in enumerate(text.split("\n"), 1):
        start, offset = offset, offset + len(line) + 1
        body = line.rstrip("\r")
        if not body.strip():
            close()
            last = None
            continue
        match = TAG_LINE.match(body)
        if match is None:
            more = CONTINUATION.match(body)
            if more is not None and record is not None and last is not None:
                _extend(record, last, more["value"].strip())
                continue
            document.problems.append(ReadProblem(
                INVALID_MEDLINE, f"line {line_no} is neither a MEDLINE tag line (TAG - value) "
                "nor a continuation of one", line_no, 1,
                len(document.records) if record is not None else None))
            continue
        tag, value = match["tag"], match["value"].strip()
        if tag == "PMID" or record is None:
            close()
            record, spans, counts = {}, Spans(start), {}
        assert spans is not None
        value_start = start + match.start("value")
        typed = TYPED_TAGS.get(tag)
        kind = typed.match(value) if typed is not None else None
        if kind is not None:
            holder = record.setdefault(tag, {})
            if isinstance(holder, dict):
                key = kind["type"]
                holder.setdefault(key, kind["value"])
                spans.values.setdefault(f"/{tag}/{key}", value_start)
                spans.values.setdefault(f"/{tag}", value_start)
                last = (tag, key)
                continue
        counts[tag] = counts.get(tag, 0) + 1
        current = record.get(tag)
        if tag in LIST_TAGS or counts[tag] > 1:
            if not isinstance(current, list):
                current = [] if current is None else [current]
                if counts[tag] > 1 and tag not in LIST_TAGS:
                    spans.values[f"/{tag}/0"] = spans.values[f"/{tag}"]
            current.append(value)
            record[tag] = current
            spans.values[f"/{tag}/{len(current) - 1}"] = value_start
        else:
            record[tag] = value
        spans.values.setdefault(f"/{tag}", value_start)
        last = (tag, None)
    close()
    if not document.records and text.strip() and not document.problems:
        document.problems.append(ReadProblem(INVALID_MEDLINE, "no MEDLINE record in the file",
                                             1, 1))
    return document


def _extend(record: dict[str, JSONValue], last: tuple[str, str | None], more: str) -> None:
    tag, key = last
    current = record.get(tag)
    if key is not None and isinstance(current, dict):
        current[key] = f"{current[key]} {more}".strip()
    elif isinstance(current, list) and current and isinstance(current[-1], str):
        current[-1] = f"{current[-1]} {more}".strip()
    elif isinstance(current, str):
        record[tag] = f"{current} {more}".strip()
