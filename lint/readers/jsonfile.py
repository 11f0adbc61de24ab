"""JSON and JSON Lines files.

A ``.json`` file holds one record, an array of records, or a known wrapper (Crossref
``{"message": {"items": [...]}}``, a single ``{"message": {...}}`` work or a bare
``{"items": [...]}`` list, OpenAlex
``{"results": [...]}``, DataCite ``{"data": [...]}`` or ``{"data": {...}}``). Many dumps named
``.json`` really hold one JSON value per line: the reader sniffs for that (the first line is a
complete JSON value and more follows) rather than guessing from the name. ``.jsonl`` and
``.ndjson`` are always JSON Lines.

Each record is parsed once with :func:`json.loads`. Positions and write-back use the span
map of :mod:`biblint.jsonspan`, built only for records that need it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

import regex

from ..jsonspan import LineIndex, Node, scan
from ..model import JSONValue, Origin, join_pointer, resolve_pointer
from . import (
    BAD_ENCODING,
    BOMS,
    DUPLICATE_KEY,
    NON_FINITE,
    NOT_A_RECORD,
    SYNTAX_ERROR,
    RawRecord,
    ReadProblem,
    WriteBackError,
)

_ESCAPED_BYTE = regex.compile(r"[\udc80-\udcff]")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")


class _NonFinite:
    """Stands in for NaN / Infinity, which Python's json accepts and JSON does not, and for an
    integer too long for Python to read (``int()`` refuses more than 4300 digits)."""

    __slots__ = ("literal",)

    def __init__(self, literal: str) -> None:
        self.literal = literal


def _huge_int(text: str) -> int | _NonFinite:
    try:
        return int(text)
    except ValueError:
        return _NonFinite(f"an integer of {len(text.lstrip('-'))} digits")


_BIG_NUMBER = re.compile(r"[eE]\+?[0-9]{3}|[0-9]{309}")
"""A number literal that may overflow a float to inf (1e999, or 309 digits and more): only then
are the parsed values searched for non-finite floats (stdlib re: faster for this scan)."""


def _decode(data: bytes) -> tuple[str, str, bytes, ReadProblem | None]:
    """Text, encoding and BOM of ``data``; undecodable bytes become lone surrogates."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(encoding), encoding, bom, None
            except UnicodeDecodeError as exc:
                problem = ReadProblem(
                    BAD_ENCODING,
                    f"not valid {encoding.upper()} after its byte-order mark "
                    f"(byte {exc.start + len(bom)})",
                    1,
                    1,
                )
                return body.decode(encoding, "replace"), encoding, bom, problem
    try:
        return data.decode("utf-8"), "utf-8", b"", None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        problem = ReadProblem(
            BAD_ENCODING,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            line,
            column,
        )
        return data.decode("utf-8", "surrogateescape"), "utf-8", b"", problem


class _Duplicates:
    """An ``object_pairs_hook`` that notes the objects holding a key twice.

    ``json.loads`` keeps the last value of a repeated key without a word (other parsers keep
    the first, or fail): the other values are lost, so each repeat is reported (IO006). The
    hook costs little beyond building the dict; the objects are found again by identity only
    when there was a repeat.
    """

    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found: list[tuple[dict[str, Any], list[str]]] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            counts: dict[str, int] = {}
            for key, _ in pairs:
                counts[key] = counts.get(key, 0) + 1
            self.found.append((obj, [k for k, n in counts.items() if n > 1]))
        return obj


def _loads(text: str, duplicates: _Duplicates | None = None) -> Any:
    try:
        return json.loads(text, parse_constant=_NonFinite, object_pairs_hook=duplicates)
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer literal beyond int()'s digit limit: read it as a problem
        if duplicates is not None:
            duplicates.found.clear()
        return json.loads(text, parse_constant=_NonFinite, object_pairs_hook=duplicates,
                          parse_int=_huge_int)


def _suspect_numbers(text: str) -> bool:
    """Whether ``text`` may hold a number that did not read as a finite JSON number."""
    return "NaN" in text or "Infinity" in text or bool(
        _BIG_NUMBER.search(text))


def _repeats(value: Any, duplicates: _Duplicates) -> Iterator[tuple[str, str]]:
    """(pointer of the object, repeated key) for each repeat noted while parsing ``value``."""
    wanted = {id(obj): keys for obj, keys in duplicates.found}
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack and wanted:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key in wanted.pop(id(node), ()):
                yield where, key
            stack.extend((v, join_pointer(where, k)) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((v, f"{where}/{i}") for i, v in reversed(list(enumerate(node))))


def _unwrap(data: Any) -> list[tuple[str, Any]]:
    """(pointer, value) of each record in a parsed JSON document."""
    if isinstance(data, list):
        return [(f"/{i}", item) for i, item in enumerate(data)]
    if isinstance(data, dict):
        message = data.get("message")
        if isinstance(message, dict):
            items = message.get("items")
            if isinstance(items, list):
                return [(f"/message/items/{i}", item) for i, item in enumerate(items)]
            if data.get("message-type") == "work" or "DOI" in message:
                return [("/message", message)]
        items = data.get("items")
        if isinstance(items, list) and not {"DOI", "doi", "title"} & data.keys():
            return [(f"/items/{i}", item) for i, item in enumerate(items)]
        results = data.get("results")
        if isinstance(results, list):
            return [(f"/results/{i}", item) for i, item in enumerate(results)]
        inner = data.get("data")
        if isinstance(inner, list):
            return [(f"/data/{i}", item) for i, item in enumerate(inner)]
        if isinstance(inner, dict) and "attributes" in inner:
            return [("/data", inner)]
    return [("", data)]


def _looks_like_lines(text: str) -> bool:
    """True when the first non-blank line is a whole JSON value and more content follows."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    if end == -1 or not text[end:].strip():
        return False
    try:
        first = json.loads(text[start:end])
    except (ValueError, RecursionError):
        return False
    return isinstance(first, (dict, list))


def _non_finite(value: Any, pointer: str = "") -> str | None:
    """Pointer of the first NaN/Infinity inside ``value``, if any."""
    stack: list[tuple[Any, str]] = [(value, pointer)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, _NonFinite) or (isinstance(node, float) and not math.isfinite(node)):
            return where
        if isinstance(node, dict):
            stack.extend((v, join_pointer(where, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{where}/{i}") for i, v in enumerate(node))
    return None


class JsonDocument:
    """A read JSON or JSON Lines file: its records, its problems, and the text behind them."""

    def __init__(self, path: str, text: str, encoding: str, bom: bytes, lines: bool) -> None:
        self.path = path
        self.text = text
        self.encoding = encoding
        self.bom = bom
        self.lines = lines
        self.records: list[RawRecord] = []
        self.problems: list[ReadProblem] = []
        self._index = LineIndex(text)
        self._line_starts: dict[int, int] = {}  # JSON Lines: record index -> text offset
        self._root: Node | None = None
        self._last: tuple[int, Node] | None = None

    @property
    def writable(self) -> bool:
        return not self.problems

    def iter_records(self) -> Iterator[RawRecord]:
        return iter(self.records)

    # -- positions --------------------------------------------------------------------
    def record_node(self, index: int) -> Node:
        if self._last is not None and self._last[0] == index:
            return self._last[1]
        record = self.records[index]
        if self.lines:
            node = scan(self.text, self._line_starts[index])
        else:
            if self._root is None:
                # Map the levels above the records at once (see jsonspan.scan): the record's
                # base without its index in the list ("/results/3" -> "/results").
                parent, _, last = record.origin.base.rpartition("/")
                self._root = scan(self.text,
                                  along=parent if last.isdigit() else record.origin.base)
            found = self._root.find(record.origin.base)
            assert found is not None, record.origin.base
            node = found
        self._last = (index, node)
        return node

    def position(self, offset: int) -> tuple[int, int]:
        return self._index.position(offset)

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        return self.position(self.record_node(index).nearest(pointer).start)

    # -- write-back ---------------------------------------------------------------------
    def render(self, fixed: Mapping[int, JSONValue]) -> bytes:
        if not self.writable:
            raise WriteBackError(f"{self.path} has read errors and is never written")
        ensure_ascii = self.text.isascii() and "\\u" in self.text
        edits: list[tuple[int, int, str]] = []
        for index, new in fixed.items():
            node = self.record_node(index)
            style = _Style(self.text, node, ensure_ascii)
            edits.extend(_diff(self.records[index].data, new, node, style))
        new_text = _apply(self.text, edits)
        self._verify(new_text, fixed)
        return self.bom + new_text.encode(self.encoding)

    def _verify(self, new_text: str, fixed: Mapping[int, JSONValue]) -> None:
        """Re-read the new text: every record must equal what was asked, or nothing is written."""
        again = JsonDocument(self.path, new_text, self.encoding, self.bom, self.lines)
        _fill(again)
        expected = [fixed.get(i, r.data) for i, r in enumerate(self.records)]
        got = [r.data for r in again.records]
        if again.problems or not _same(expected, got):
            raise WriteBackError(f"{self.path}: the edited text would not read back as the fix")


def read_json(data: bytes, path: str, *, lines: bool = False) -> JsonDocument:
    """Read JSON or JSON Lines bytes; never raises on bad input."""
    text, encoding, bom, problem = _decode(data)
    lines = lines or _looks_like_lines(text)
    document = JsonDocument(path, text, encoding, bom, lines)
    if problem is not None and (not lines or bom):
        # JSON Lines without a BOM report each bad line (the bytes survive as surrogates);
        # text decoded after a BOM lost its bad bytes to U+FFFD, so the file is reported here
        # (and never written), while its other lines are still checked.
        document.problems.append(problem)
        if not lines:
            return document
    _fill(document)
    return document


def _fill(document: JsonDocument) -> None:
    if document.lines:
        _fill_lines(document)
    else:
        _fill_document(document)


def _fill_document(document: JsonDocument) -> None:
    text = document.text
    if not text.strip():
        document.problems.append(
            ReadProblem(SYNTAX_ERROR, "the file is empty: no JSON value", 1, 1))
        return
    duplicates = _Duplicates()
    try:
        parsed = _loads(text, duplicates)
    except json.JSONDecodeError as exc:
        document.problems.append(ReadProblem(SYNTAX_ERROR, f"invalid JSON: {exc.msg}",
                                             exc.lineno, exc.colno))
        return
    except RecursionError:
        document.problems.append(ReadProblem(SYNTAX_ERROR, "invalid JSON: nested too deeply "
                                             "for this reader", 1, 1))
        return
    check_constants = _suspect_numbers(text)
    records = _unwrap(parsed)
    for index, (base, value) in enumerate(records):
        document.records.append(RawRecord(value, Origin(document.path, index, base)))
        _check_record(document, index, value, check_constants)
    if duplicates.found:
        bases = {base: index for index, (base, _) in enumerate(records)}
        for where, key in _repeats(parsed, duplicates):
            _report_repeat(document, bases, where, key)


def _fill_lines(document: JsonDocument) -> None:
    offset = 0
    index = 0
    for lineno, line in enumerate(document.text.split("\n"), 1):
        start, offset = offset, offset + len(line) + 1
        if not line.strip():
            continue
        # Keep the record list dense: a bad line holds its index with a None placeholder.
        while len(document.records) < index:
            document.records.append(RawRecord(None, Origin(document.path, len(document.records))))
        document.records.append(RawRecord(None, Origin(document.path, index)))
        document._line_starts[index] = start
        outcome = read_line(line, lineno, index, document.problems, document.locate)
        assert outcome is not None
        document.records[index].data = outcome[0]
        index += 1


def read_line(line: str, lineno: int, index: int, problems: list[ReadProblem],
              locate: Callable[[int, str], tuple[int, int]]) -> tuple[Any] | None:
    """Read one line of a JSON Lines text as record ``index``: None when the line is blank,
    else ``(value,)``, the value None when the line is not a usable record (its problem is
    added to ``problems``). ``locate(index, pointer)`` places a pointer of this record.

    The exact reader, shared by the in-memory document and by the streaming reader's
    fallback (:mod:`biblint.readers.jsonlines`).
    """
    if not line.strip():
        return None
    escaped = _ESCAPED_BYTE.search(line)
    if escaped:
        problems.append(ReadProblem(
            BAD_ENCODING, "not valid UTF-8: byte "
            f"0x{ord(escaped.group()) - 0xDC00:02x} in this line",
            lineno, escaped.start() + 1, index))
        return (None,)
    duplicates = _Duplicates()
    try:
        value = _loads(line, duplicates)
    except json.JSONDecodeError as exc:
        problems.append(ReadProblem(
            SYNTAX_ERROR, f"invalid JSON in line {lineno}: {exc.msg}", lineno, exc.colno,
            index))
        return (None,)
    except RecursionError:
        problems.append(ReadProblem(
            SYNTAX_ERROR, f"invalid JSON in line {lineno}: nested too deeply", lineno, 1,
            index))
        return (None,)
    usable = check_value(problems, partial(locate, index), index, value,
                         _suspect_numbers(line))
    if duplicates.found:
        for where, key in _repeats(value, duplicates):
            report_repeat(problems, locate, {"": index}, where, key)
    return (value if usable else None,)


def _report_repeat(document: JsonDocument, bases: Mapping[str, int], where: str,
                   key: str) -> None:
    report_repeat(document.problems, document.locate, bases, where, key)


def report_repeat(problems: list[ReadProblem], locate: Callable[[int, str], tuple[int, int]],
                  bases: Mapping[str, int], where: str, key: str) -> None:
    """An IO006 problem for ``key`` repeated in the object at ``where`` (document pointer).

    The record is still checked (with the value JSON parsers keep, the last), but a file with
    a repeated key is never rewritten: an edit could not say which of the values it meant.
    """
    pointer = join_pointer(where, key)
    index = None
    for base, candidate in bases.items():
        if pointer == base or pointer.startswith(base + "/"):
            index, pointer = candidate, pointer[len(base):]
            break
    line, column = locate(index, pointer) if index is not None else (1, 1)
    problems.append(ReadProblem(
        DUPLICATE_KEY, f"key {json.dumps(key, ensure_ascii=False)} appears more than once in "
        "one object: JSON parsers keep only one of its values (Python the last)", line,
        column, index, pointer))


def _check_record(document: JsonDocument, index: int, value: Any, constants: bool) -> None:
    """Problems that make one parsed value unusable as a record."""
    record = document.records[index]
    if not check_value(document.problems, partial(document.locate, index), index, value,
                       constants):
        record.data = None


def check_value(problems: list[ReadProblem], locate: Callable[[str], tuple[int, int]],
                index: int, value: Any, constants: bool) -> bool:
    """Note the problems that make one parsed value unusable as a record (False then).

    ``locate(pointer)`` gives the line and column of a pointer inside the value; shared by the
    in-memory document and the streaming JSON Lines reader.
    """
    if not isinstance(value, dict):
        line, column = locate("")
        kind = type(value).__name__ if value is not None else "null"
        kind = {"str": "string", "int": "number", "float": "number", "list": "array",
                "bool": "boolean"}.get(kind, kind)
        problems.append(ReadProblem(
            NOT_A_RECORD, f"expected a record (a JSON object), found {kind}", line, column, index))
        return False
    if constants:
        where = _non_finite(value)
        if where is not None:
            line, column = locate(where)
            problems.append(ReadProblem(
                NON_FINITE, _non_finite_message(resolve_pointer(value, where)), line, column,
                index, where))
            return False
    return True


def _non_finite_message(found: Any) -> str:
    if isinstance(found, _NonFinite) and found.literal.startswith("an integer"):
        return f"{found.literal}: more than JSON readers hold (Python stops at 4300)"
    if isinstance(found, _NonFinite):
        return f"{found.literal} is not valid JSON (no NaN or Infinity in JSON)"
    return "a number too large for a 64-bit float: readers turn it into Infinity"


# -- write-back helpers -------------------------------------------------------------------


class _Style:
    """How the original text writes JSON, so inserted values look like their neighbours."""

    def __init__(self, text: str, node: Node, ensure_ascii: bool) -> None:
        self.text = text
        self.ensure_ascii = ensure_ascii
        self.colon = ": "
        if node.members:
            first = next(iter(node.members.values()))
            assert first.key_end is not None
            self.colon = text[first.key_end:first.start] or ":"
        compact = self.colon.strip() == self.colon
        self.separators = (",", ":") if compact else (", ", ": ")

    def dumps(self, value: JSONValue) -> str:
        text = json.dumps(value, ensure_ascii=self.ensure_ascii, separators=self.separators,
                          allow_nan=False)
        # A lone surrogate (from a "\ud800" escape) cannot be encoded: keep it escaped.
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

    def member(self, key: str, value: JSONValue) -> str:
        return self.dumps(key) + self.colon + self.dumps(value)


def _same(a: Any, b: Any) -> bool:
    """Strict equality: types must match too (``1 == True`` and ``1 == 1.0`` are not same).
    Iterative (a stack of pairs), so the depth of a record is bounded by memory, not by the
    Python stack."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            if x.keys() != y.keys():
                return False
            stack.extend((x[k], y[k]) for k in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y, strict=True))
        elif isinstance(x, float) and math.isnan(x):
            if not math.isnan(y):
                return False
        elif x != y:
            return False
    return True


def _diff(old: Any, new: Any, node: Node, style: _Style) -> list[tuple[int, int, str]]:
    """Text edits that turn the text of ``old`` (spanned by ``node``) into ``new``."""
    if _same(old, new):
        return []
    if isinstance(old, dict) and isinstance(new, dict) and node.members is not None:
        return _diff_object(old, new, node, style)
    if (isinstance(old, list) and isinstance(new, list) and node.items is not None
            and len(old) == len(new)):
        edits: list[tuple[int, int, str]] = []
        for a, b, child in zip(old, new, node.items, strict=True):
            edits.extend(_diff(a, b, child, style))
        return edits
    return [(node.start, node.end, style.dumps(new))]


def _diff_object(old: dict[str, Any], new: dict[str, Any], node: Node,
                 style: _Style) -> list[tuple[int, int, str]]:
    assert node.members is not None
    text = style.text
    keys = list(node.members)
    spans = list(node.members.values())
    edits: list[tuple[int, int, str]] = []
    for key in keys:
        if key in new and key in old:
            edits.extend(_diff(old[key], new[key], node.members[key], style))
    added = [k for k in new if k not in old]
    removed = {k for k in old if k not in new}
    survivors = [i for i, k in enumerate(keys) if k not in removed]
    if removed and not survivors:
        inner = style.separators[0].join(style.member(k, new[k]) for k in added)
        return [(node.start + 1, node.end - 1, inner)]
    first_survivor = survivors[0] if survivors else len(keys)
    for i, key in enumerate(keys):
        if key not in removed:
            continue
        if i < first_survivor:
            if i == 0:
                end = spans[first_survivor].key_start
                assert spans[0].key_start is not None and end is not None
                edits.append((spans[0].key_start, end, ""))
            continue
        edits.append((spans[i - 1].end, spans[i].end, ""))
    if added:
        if not keys:
            inner = style.separators[0].join(style.member(k, new[k]) for k in added)
            edits.append((node.start + 1, node.end - 1, inner))
        else:
            last = spans[-1]
            if len(spans) >= 2:
                assert last.key_start is not None
                sep = text[spans[-2].end:last.key_start]
            else:
                assert spans[0].key_start is not None
                lead = text[node.start + 1:spans[0].key_start]
                sep = "," + lead if lead else style.separators[0]
            members = "".join(sep + style.member(k, new[k]) for k in added)
            edits.append((last.end, last.end, members))
    return edits


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping edits; an overlap is a bug and refuses to write."""
    ordered = sorted(edits, key=lambda e: (e[0], e[1]))
    for (s1, e1, _), (s2, _e2, _) in itertools.pairwise(ordered):
        if s2 < e1:
            raise WriteBackError(f"overlapping edits at offsets {s1}-{e1} and {s2}")
    parts: list[str] = []
    cursor = 0
    for start, end, replacement in ordered:
        parts.append(text[cursor:start])
        parts.append(replacement)
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)
