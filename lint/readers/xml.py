"""XML files: which kind of bibliographic XML a document is, and its records, streamed.

The kind is recognised by the root element (namespaces ignored):

=====================================================  =====================================
root                                                   records (profile)
=====================================================  =====================================
``PubmedArticleSet``, ``PubmedArticle``,              ``PubmedArticle`` (``pubmed``),
``PubmedBookArticle``                                  ``PubmedBookArticle`` (``pubmed-book``),
                                                       ``DeleteCitation`` (``pubmed-delete``)
``article``, ``pmc-articleset``                        JATS ``article`` (``jats``)
``crossref_result``, ``doi_records``, ``doi_record``   Crossref ``doi_record`` (``crossref-xml``)
``doi_batch``                                          each work of the deposit's ``body``
``resource``                                           DataCite ``resource`` (``datacite-xml``)
=====================================================  =====================================

Anything else (EndNote XML, OAI-PMH, RDF, dblp...) is reported as XML biblint does not read
(IO009), naming its root, and so is an HTML page saved as ``.xml``; a document that holds
none of its kind's records (an empty ``PubmedArticleSet``) is IO009 too. A DOCTYPE that
declares entities is refused unread (IO007, see :mod:`.xmlbase`); XML that is not
well-formed is IO008 at the parser's line and column, after the records before it.

Records are read with lxml's pull parser (``XMLPullParser``) over only the record elements,
each element cleared (with the siblings before it) once the record built from it has been
checked, so a MEDLINE baseline file of 30,000 articles runs in bounded memory.
:func:`open_xml` streams a file; :func:`read_xml` reads bytes (stdin, or any content the
caller recognised as XML) and keeps the records. Fixes are never written back into XML
(the document is not ``writable``): a byte-minimal edit of an element's text cannot be
guaranteed, so XML findings are report-only.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

from ..model import JSONValue, Origin, split_pointer
from . import (
    BAD_ENCODING,
    UNREADABLE,
    RawRecord,
    ReadProblem,
    WriteBackError,
    crossrefxml,
    datacitexml,
    jatsxml,
    pubmedxml,
)
from .xmlbase import (
    PROLOG_LIMIT,
    Element,
    Prolog,
    Window,
    column_of,
    is_html,
    local_name,
    scan_prolog,
)

UNSAFE_XML = "IO007"
INVALID_XML = "IO008"
UNREAD_XML = "IO009"

Built = tuple[dict[str, Any], dict[str, Element], str]


@dataclass(frozen=True)
class Kind:
    """One kind of bibliographic XML."""

    name: str
    roots: frozenset[str]
    tags: tuple[str, ...]
    """Local names of the elements that records are built from (iterparse ``end`` events)."""
    build: Callable[[Element], list[Built] | Built | None]
    what: str
    """What a document of this kind holds, for the message of an empty one."""


KINDS: tuple[Kind, ...] = (
    Kind("PubMed XML", pubmedxml.ROOTS, pubmedxml.RECORD_TAGS, pubmedxml.build,
         "PubmedArticle, PubmedBookArticle or DeleteCitation"),
    Kind("JATS", jatsxml.ROOTS, jatsxml.RECORD_TAGS, jatsxml.build, "article"),
    Kind("Crossref XML", crossrefxml.ROOTS, crossrefxml.RECORD_TAGS, crossrefxml.build,
         "doi_record or deposited work"),
    Kind("DataCite XML", datacitexml.ROOTS, datacitexml.RECORD_TAGS, datacitexml.build,
         "resource"),
)

_KNOWN_OTHERS = {
    "xml": "an EndNote XML export",
    "OAI-PMH": "an OAI-PMH response",
    "RDF": "RDF/XML",
    "dblp": "a dblp XML file",
    "feed": "an Atom feed",
    "entry": "an Atom entry",
    "rss": "an RSS feed",
    "ONIXDOISerialArticleWorkRegistrationMessage": "an ONIX for DOI registration message",
    "modsCollection": "MODS XML",
    "mods": "MODS XML",
    "collection": "MARC XML",
    "record": "a MARC XML record",
}
_READ = "biblint reads PubMed/MEDLINE, JATS, Crossref and DataCite XML"


def kind_of(root: str) -> Kind | None:
    name = local_name(root)
    for kind in KINDS:
        if name in kind.roots:
            return kind
    return None


_CHUNK = 64 * 1024


def _parser_events(source: IO[bytes], tags: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """The hardened parse: no entity expansion, no DTD, no network, no huge trees.

    A pull parser fed by hand rather than ``iterparse``: since lxml 6.2, ``iterparse`` raises
    a syntax error before handing out the records completed in the same read, so a file cut
    short lost the records before the cut. Fed by hand, the events completed before an error
    are handed out first, then the error is raised."""
    parser = etree.XMLPullParser(
        events=("end",), tag=[f"{{*}}{t}" for t in tags],
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True, recover=False,
        attribute_defaults=False)
    while True:
        chunk = source.read(_CHUNK)
        try:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
        except etree.XMLSyntaxError:
            yield from parser.read_events()
            raise
        yield from parser.read_events()
        if not chunk:
            return


def _declares_entities(element: Element) -> bool:
    """Whether the parsed document's DOCTYPE declares entities (the second layer behind
    the prolog scan, for encodings the scan cannot read)."""
    try:
        dtd = element.getroottree().docinfo.internalDTD
    except Exception:  # no docinfo: nothing declared
        return False
    if dtd is None:
        return False
    return any(True for _ in dtd.entities())


@dataclass
class _Current:
    index: int
    element: Element
    where: Mapping[str, Element]


class XmlStream:
    """An XML file's records, streamed: each record's element is released when the next
    record is read (bounded memory); :meth:`locate` places only the record yielded last.
    :class:`XmlDocument` is the form for bytes."""

    def __init__(self, path: str, opener: Callable[[], IO[bytes]]) -> None:
        self.keep = False
        self.path = path
        self.opener = opener
        self.problems: list[ReadProblem] = []
        self.kind: Kind | None = None
        self._current: _Current | None = None
        self._kept: dict[int, _Current] = {}
        self._window: Window | None = None

    # -- the document protocol -----------------------------------------------------------
    @property
    def writable(self) -> bool:
        """Always False: XML fixes are report-only (never written back)."""
        return False

    def iter_records(self) -> Iterator[RawRecord]:
        return self._iterate()

    def locate(self, index: int, pointer: str) -> tuple[int, int]:
        """Line and column of the element behind ``pointer`` in record ``index`` (the
        record's own element for a pointer the record has no element for)."""
        current = self._kept.get(index) if self.keep else self._current
        if current is None or current.index != index:
            raise LookupError(f"record {index} is not the current record of {self.path}")
        element = current.where.get(pointer)
        tokens = split_pointer(pointer) if element is None else []
        while element is None and tokens:
            tokens.pop()
            element = current.where.get("".join(f"/{_escape(t)}" for t in tokens))
        if element is None:
            element = current.element
        line = element.sourceline or 1
        return line, self._column(current.element, element, line)

    def render(self, fixed: Mapping[int, JSONValue]) -> bytes:
        raise WriteBackError(f"{self.path}: fixes are not written into XML (report-only)")

    # -- reading ---------------------------------------------------------------------------
    def _problem(self, code: str, message: str, line: int | None = 1,
                 column: int | None = 1, record: int | None = None) -> None:
        self.problems.append(ReadProblem(code, message, line, column, record))

    def _iterate(self) -> Iterator[RawRecord]:
        try:
            stream = self.opener()
        except OSError as exc:
            self._problem(UNREADABLE, f"cannot read file: {exc.strerror or exc}")
            return
        with stream:
            try:
                head = stream.read(PROLOG_LIMIT)
                stream.seek(0)
            except OSError as exc:
                self._problem(UNREADABLE, f"cannot read file: {exc.strerror or exc}")
                return
            kind = self._vet(head)
            if kind is None:
                return
            self.kind = kind
            window = self._window = Window(stream, keep_all=self.keep)
            yield from self._parse(window, kind)

    def _vet(self, head: bytes) -> Kind | None:
        """The kind of the document, or None after reporting why it is not read."""
        if not head.strip():
            self._problem(INVALID_XML, "empty file: no XML document")
            return None
        prolog = scan_prolog(head)
        if prolog.entities:
            self._problem(UNSAFE_XML, "unsafe XML: the DOCTYPE declares entities (the shape of "
                          "XXE and billion-laughs attacks); not parsed, nothing expanded")
            return None
        if is_html(prolog):
            self._problem(UNREAD_XML, "an HTML page, not bibliographic XML (saved from a "
                          f"browser?); {_READ}")
            return None
        if not prolog.text:
            self._problem(INVALID_XML, "not XML: binary data")
            return None
        if not prolog.complete:
            self._problem(UNSAFE_XML, f"unsafe XML: a prolog longer than {PROLOG_LIMIT} bytes "
                          "(a huge DOCTYPE) is not parsed")
            return None
        if prolog.root is None:
            self._problem(INVALID_XML, "not XML: no root element")
            return None
        kind = kind_of(prolog.root)
        if kind is None:
            self._problem(UNREAD_XML, _unread_message(prolog))
        return kind

    def _parse(self, window: Window, kind: Kind) -> Iterator[RawRecord]:
        index = 0
        previous: Element | None = None
        etree.clear_error_log()  # the log is per thread: keep only this document's errors
        events = _parser_events(window, kind.tags)  # type: ignore[arg-type]
        first = True
        try:
            for _, element in events:
                if first:
                    first = False
                    if _declares_entities(element):
                        self._problem(UNSAFE_XML, "unsafe XML: the DOCTYPE declares entities; "
                                      "nothing expanded, the file is not read")
                        return
                if previous is not None and not self.keep:
                    _release(previous)
                    previous = None
                    window.forget_before(element.sourceline or 1)
                built = kind.build(element)
                if built is None:
                    continue
                self._unresolved(element, index)
                for data, where, profile in (built if isinstance(built, list) else [built]):
                    current = _Current(index, element, where)
                    if self.keep:
                        self._kept[index] = current
                    self._current = current
                    yield RawRecord(data, Origin(self.path, index), None, profile)
                    index += 1
                previous = element
        except etree.XMLSyntaxError as exc:
            self._syntax_error(exc, index)
        except (OSError, ValueError) as exc:  # a read error mid-file; lxml's own limits
            self._problem(UNREADABLE, f"cannot read file: {exc}", None, None)
        finally:
            if previous is not None and not self.keep:
                _release(previous)
            self._current = None if not self.keep else self._current
        if index == 0 and not self.problems:
            self._problem(UNREAD_XML, f"{kind.name} document with no records (no "
                              f"{kind.what})")

    def _unresolved(self, element: Element, index: int) -> None:
        """Entity references left unresolved (declared in an external DTD, never loaded):
        their text is missing from the record, which is said once per record."""
        for entity in element.iter(etree.Entity):
            self._problem(INVALID_XML, f"entity {entity.text} is declared only in an external "
                          "DTD, which biblint never loads: its text is missing from the record",
                          entity.sourceline or element.sourceline, 1, index)
            return

    def _syntax_error(self, exc: etree.XMLSyntaxError, index: int) -> None:
        message = (exc.msg or str(exc)).strip()
        line, column = exc.position if exc.position else (exc.lineno, exc.offset)
        logged = [e for e in exc.error_log if e.level_name in ("ERROR", "FATAL")]
        if logged and (not line or message == "no element found"):
            # lxml's iterparse raises a generic error after the real one, which its log keeps.
            message, line, column = logged[0].message.strip(), logged[0].line, logged[0].column
        line = line or 1
        column = max(1, column or 1)
        lowered = message.lower()
        if "entity" in lowered and ("amplification" in lowered or "loop" in lowered):
            self._problem(UNSAFE_XML, f"unsafe XML: {message}", line, column)
        elif "utf-8" in lowered or "encoding" in lowered or "char 0x" in lowered:
            self._problem(BAD_ENCODING, f"not valid in the document's encoding: {message}",
                          line, column)
        else:
            after = f" (after {index} records)" if index else ""
            self._problem(INVALID_XML, f"XML is not well-formed: {message}{after}", line,
                          column)

    def _column(self, root: Element, element: Element, line: int) -> int:
        window = self._window
        if window is None:
            return 1
        name = local_name(element.tag)
        occurrence = 0
        for node in root.iter():
            if node is element:
                break
            if node.sourceline == line and local_name(node.tag) == name:
                occurrence += 1
        return column_of(window.line(line), name, occurrence)


class XmlDocument(XmlStream):
    """An XML document given as bytes (stdin, ``--fix``, a sniffed file).

    Iterating it streams, as :class:`XmlStream` does (bounded memory: a MEDLINE baseline
    file under ``--fix`` or ``--diff`` is read like one under ``check``, and never written).
    :attr:`records` reads it again and keeps every record locatable, for callers that want
    the list (positions of findings judged at the end of a run)."""

    def __init__(self, path: str, opener: Callable[[], IO[bytes]]) -> None:
        super().__init__(path, opener)
        self._records: list[RawRecord] | None = None

    @property
    def records(self) -> list[RawRecord]:
        if self._records is None:
            self.keep = True
            self._kept = {}
            self.problems = []  # read again: the same problems, once
            self._records = list(self._iterate())
        return self._records

    @records.setter
    def records(self, value: list[RawRecord]) -> None:
        self._records = value

    def iter_records(self) -> Iterator[RawRecord]:
        if self._records is not None:
            return iter(self._records)
        return self._iterate()


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _release(element: Element) -> None:
    """Free a checked record's element and the siblings before it (bounded memory)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _unread_message(prolog: Prolog) -> str:
    root = prolog.root or "?"
    what = _KNOWN_OTHERS.get(root) or _KNOWN_OTHERS.get(local_name(root))
    shown = f"<{root}>"
    if what:
        return f"{what} ({shown} root): not a kind of XML biblint reads; {_READ}"
    return f"XML with root {shown}: not a kind of XML biblint reads; {_READ}"


# -- entry points --------------------------------------------------------------------------


def read_xml(data: bytes, path: str, lines: bool = False) -> XmlDocument:
    """XML given as bytes (streamed when iterated; ``records`` keeps them). ``lines`` is
    accepted for the reader signature and ignored."""
    return XmlDocument(path, lambda: io.BytesIO(data))


def open_xml(path: Path, shown: str | None = None) -> XmlStream:
    """Stream an XML file record by record (bounded memory whatever its size)."""
    return XmlStream(shown or str(path), lambda: path.open("rb"))


def foreign_root(head: bytes) -> str | None:
    """The root element of an XML document that is neither bibliographic XML biblint reads
    nor one of the bibliographic kinds it names when refusing them (EndNote, MODS, dblp...),
    nor an HTML page, nor unsafe: a Maven ``pom.xml``, an IDE's settings, an SVG. None for
    every document the reader must see (and report). A walk skips such files as holding no
    records; read from ``head``, the first bytes of the file, without parsing."""
    prolog = scan_prolog(head[:PROLOG_LIMIT])
    if prolog.root is None or prolog.entities or not prolog.text or is_html(prolog):
        return None
    root = prolog.root
    if kind_of(root) is not None or root in _KNOWN_OTHERS or local_name(root) in _KNOWN_OTHERS:
        return None
    return root


def looks_like_xml(head: bytes) -> bool:
    """Whether content starts like an XML document, for content sniffing: its prolog (XML
    declaration, comments, DOCTYPE) leads to a root element, or it is refused as unsafe.
    Reads nothing beyond ``head``; never parses."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    prolog = scan_prolog(head[:PROLOG_LIMIT])
    if prolog.entities:
        return True  # let the XML reader refuse it, with its message
    if prolog.root is None or not prolog.text:
        return False
    return text.startswith((b"<?xml", b"<!", b"<")) or head[:2] in (b"\xff\xfe", b"\xfe\xff")


__all__ = ["INVALID_XML", "KINDS", "UNREAD_XML", "UNSAFE_XML", "Kind", "XmlDocument", "XmlStream",
           "kind_of", "looks_like_xml", "open_xml", "read_xml"]
