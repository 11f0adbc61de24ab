"""What every XML reader shares: hardened streaming parsing, positions, and records built
with the element of every value noted.

Hardening, in two layers. Before lxml sees a byte, the prolog (everything before the root
element) is scanned: a DOCTYPE whose internal subset declares an entity (the XXE and
billion-laughs shapes) is refused as unsafe input at once, and an HTML page is named as such.
Then lxml parses with ``resolve_entities=False``, ``no_network=True``, ``load_dtd=False`` and
without ``huge_tree``, so an external DTD (PubMed's and JATS's DOCTYPEs name one) is never
fetched and nothing is expanded; the parsed document's DTD is checked again for entity
declarations, whatever the encoding the prolog scan could not read.

Positions: lxml gives each element its ``sourceline`` but no column. The bytes fed to the
parser pass through a :class:`Window` that keeps the lines of the current record, and a
column is found when a finding asks for one (:meth:`Window.column`): the n-th start tag of
that name on the element's line. Records are JSON-like dicts built by
:class:`Node`, which notes the element behind every member, so a JSON Pointer into the record
leads back to its element.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from ..model import JSONValue

Element = Any
"""An ``lxml.etree._Element`` (lxml ships no type information that mypy reads)."""

PROLOG_LIMIT = 256 * 1024
"""Bytes read at most to find the root element: a longer prolog (a DOCTYPE with a huge
internal subset) is not vetted but refused."""


@dataclass(frozen=True)
class Prolog:
    """What precedes the root element."""

    root: str | None
    """The root element's name as written (``ns0:resource``), None when not found."""
    doctype: str | None
    """The DOCTYPE's text (without its internal subset), if any."""
    entities: bool
    """Whether the DOCTYPE's internal subset declares an entity."""
    complete: bool
    """Whether the scan reached the root element within :data:`PROLOG_LIMIT`."""
    text: bool
    """Whether the head reads as text in a known encoding (else: binary data)."""


_SKIP_RE = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_DOCTYPE_RE = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)
_NAME_RE = re.compile(r"<([^\s/>!?<]+)")
_ENTITY_RE = re.compile(r"<!ENTITY\b")


def decode_head(head: bytes) -> str | None:
    """The head of a document as text, for scanning markup only (None: not text)."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                          (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, "replace")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", "replace")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", "replace")
    if b"\x00" in head[:512]:
        return None
    return head.decode("latin-1")  # markup is ASCII: any ASCII-compatible encoding scans


def scan_prolog(head: bytes) -> Prolog:
    """The prolog of a document whose first bytes are ``head``."""
    text = decode_head(head)
    if text is None:
        return Prolog(None, None, False, False, False)
    position, doctype, entities = 0, None, False
    while True:
        match = _SKIP_RE.match(text, position)
        if match is not None and match.end() > position:
            position = match.end()
            continue
        if _DOCTYPE_RE.match(text, position):
            end = _doctype_end(text, position)
            if end is None:  # not closed within the head
                return Prolog(None, text[position:position + 200], bool(
                    _ENTITY_RE.search(text, position)), False, True)
            body = text[position:end]
            bracket = body.find("[")
            doctype = body if bracket < 0 else body[:bracket] + ">"
            entities = entities or bool(_ENTITY_RE.search(body))
            position = end
            continue
        break
    found = _NAME_RE.match(text, position)
    if found is None:
        complete = position < len(text) or len(head) < PROLOG_LIMIT
        return Prolog(None, doctype, entities, complete, True)
    return Prolog(found.group(1), doctype, entities, True, True)


def _doctype_end(text: str, start: int) -> int | None:
    """The index just after the DOCTYPE that starts at ``start`` (quotes and an internal
    subset with its own declarations, comments and quoted strings skipped), or None."""
    depth, quote, index = 0, "", start + 2
    length = len(text)
    while index < length:
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif text.startswith("<!--", index):
            close = text.find("-->", index + 4)
            if close < 0:
                return None
            index = close + 3
            continue
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ">" and depth <= 0:
            return index + 1
        index += 1
    return None


def is_html(prolog: Prolog) -> bool:
    """Whether the document is an HTML page (an HTML DOCTYPE, or an ``html`` root)."""
    if prolog.doctype is not None and re.match(r"<!DOCTYPE\s+html\b", prolog.doctype,
                                               re.IGNORECASE):
        return True
    return prolog.root is not None and local_name(prolog.root).lower() == "html"


def local_name(tag: object) -> str:
    """``name`` of ``{ns}name`` or ``prefix:name``; "" for comments and processing
    instructions (whose tag is not a string)."""
    if not isinstance(tag, str):
        return ""
    if tag.startswith("{"):
        return tag.rpartition("}")[2]
    return tag.rpartition(":")[2]


def namespace(tag: object) -> str:
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].partition("}")[0]
    return ""


# -- the bytes the parser reads, kept per record for columns ------------------------------


class Window:
    """A binary stream that remembers what was read since a line, for columns.

    The parser reads through :meth:`read`; :meth:`forget_before` drops the lines before the
    current record, so the window holds about one record plus the parser's read-ahead.
    """

    def __init__(self, stream: IO[bytes], keep_all: bool = False) -> None:
        self.stream = stream
        self.keep_all = keep_all
        self.buffer = bytearray()
        self.first_line = 1
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size if size and size > 0 else 64 * 1024)
        self.buffer += chunk
        self.consumed += len(chunk)
        return chunk

    def forget_before(self, line: int) -> None:
        if self.keep_all or line <= self.first_line:
            return
        cut, at = 0, self.first_line
        buffer = self.buffer
        while at < line:
            newline = buffer.find(b"\n", cut)
            if newline < 0:
                return
            cut = newline + 1
            at += 1
        del buffer[:cut]
        self.first_line = at

    def line(self, line: int) -> bytes | None:
        """The bytes of line ``line`` (1-based), if still in the window."""
        if line < self.first_line:
            return None
        start, at = 0, self.first_line
        buffer = self.buffer
        while at < line:
            newline = buffer.find(b"\n", start)
            if newline < 0:
                return None
            start = newline + 1
            at += 1
        end = buffer.find(b"\n", start)
        return bytes(buffer[start:end if end >= 0 else len(buffer)])


_START_TAG_RE = re.compile(r"<([A-Za-z_][\w.:-]*)")


def column_of(line_bytes: bytes | None, name: str, occurrence: int) -> int:
    """1-based column of the ``occurrence``-th (0-based) start tag named ``name`` (local
    name) on a line; 1 when it cannot be told."""
    if line_bytes is None:
        return 1
    text = line_bytes.decode("utf-8", "replace")
    seen = 0
    for match in _START_TAG_RE.finditer(text):
        if local_name(match.group(1)) == name:
            if seen == occurrence:
                return match.start() + 1
            seen += 1
    return 1


# -- records ---------------------------------------------------------------------------


def text_of(element: Element, *, collapse: bool = False) -> str:
    """The text of an element and its descendants (inline markup such as ``<i>`` dropped,
    its text kept). ``collapse`` turns the runs of whitespace of pretty-printed mixed content
    (JATS, Crossref) into single spaces; a value on one line keeps its spaces as written."""
    text = "".join(element.itertext())
    if collapse and "\n" in text:
        return " ".join(text.split())
    return text


class Node:
    """A JSON object or array under construction at ``pointer``, noting the element behind
    every member in ``where`` (pointer -> element)."""

    __slots__ = ("data", "pointer", "where")

    def __init__(self, where: dict[str, Element], pointer: str, data: dict[str, Any] | list[Any],
                 element: Element) -> None:
        self.where = where
        self.pointer = pointer
        self.data = data
        where[pointer] = element

    @classmethod
    def root(cls, element: Element) -> tuple[Node, dict[str, Element]]:
        where: dict[str, Element] = {}
        return cls(where, "", {}, element), where

    def _key(self, key: str | None) -> str:
        if isinstance(self.data, list):
            return f"{self.pointer}/{len(self.data)}"
        assert key is not None
        escaped = key.replace("~", "~0").replace("/", "~1")
        return f"{self.pointer}/{escaped}"

    def set(self, key: str | None, value: JSONValue, element: Element) -> None:
        """A member (``key`` None: the next item of an array), from ``element``."""
        if isinstance(self.data, list):
            self.where[self._key(None)] = element
            self.data.append(value)
        elif key is not None and key not in self.data:
            self.where[self._key(key)] = element
            self.data[key] = value

    def text(self, key: str | None, element: Element | None, *, collapse: bool = False,
             attribute: str | None = None) -> None:
        """The text of ``element`` (or its ``attribute``) as member ``key``; nothing when
        the element (or attribute) is absent."""
        if element is None:
            return
        if attribute is not None:
            value = element.get(attribute)
            if value is not None:
                self.set(key, value, element)
            return
        self.set(key, text_of(element, collapse=collapse), element)

    def obj(self, key: str | None, element: Element) -> Node:
        child = Node(self.where, self._key(key), {}, element)
        if isinstance(self.data, list):
            self.data.append(child.data)
        elif key is not None:
            self.data[key] = child.data
        return child

    def arr(self, key: str | None, element: Element) -> Node:
        child = Node(self.where, self._key(key), [], element)
        if isinstance(self.data, list):
            self.data.append(child.data)
        elif key is not None:
            self.data[key] = child.data
        return child


def _any_namespace(name: str) -> str:
    return f"{{*}}{name}"


_TAGS: dict[str, str] = {}


def _tag(name: str) -> str:
    """``{*}name``: lxml's filter for ``name`` in any namespace or none (matched in C)."""
    tag = _TAGS.get(name)
    if tag is None:
        tag = _TAGS[name] = _any_namespace(name)
    return tag


def child(element: Element, *names: str) -> Element | None:
    """The first descendant along the path of local names ``names`` (namespaces ignored)."""
    node = element
    for name in names:
        node = next(node.iterchildren(_tag(name)), None)
        if node is None:
            return None
    return node


def children(element: Element | None, name: str) -> list[Element]:
    """The children of ``element`` with local name ``name``."""
    if element is None:
        return []
    return list(element.iterchildren(_tag(name)))


def descendants(element: Element, name: str) -> list[Element]:
    return list(element.iter(_tag(name)))


Builder = Callable[[Element], "tuple[dict[str, Any], dict[str, Element], str]"]
"""``build(element) -> (record, where, profile name)``."""
