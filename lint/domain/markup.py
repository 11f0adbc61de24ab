"""Markup in plain-text fields: detect HTML/JATS tags, count them, and strip them.

Abstracts reach us with HTML wrappers (``<p>``), JATS from Crossref (``<jats:p>``,
``<jats:title>``, ``<jats:italic>``), MathML (``<mml:math>``) and, as in the seed record,
markup that does not even balance (``<p><p>...</p>``). Three functions serve the rules:

- :func:`has_markup`: does the text hold a *known* tag? Only known names count (HTML inline
  and block tags, the JATS tags seen unprefixed, MathML, and any ``jats:``/``mml:`` prefixed
  tag), so ``p < 0.05 and n > 3``, ``<10 mg`` or an NLP ``<unk>`` token are text, not markup.
- :func:`unbalanced_tags`: known non-void tags whose opening and closing counts differ.
- :func:`strip_markup`: the plain text, with a blank line between block elements.

Why lxml: a hand-written tag stripper gets entities, implied end tags (``<p><p>``), raw-text
elements and comments wrong, and a strict XML parser rejects exactly the broken markup we
must repair. libxml2's HTML parser *recovers* from any input (unbalanced tags, stray ``<``,
undeclared ``jats:`` prefixes, which it keeps as plain unknown tag names), decodes HTML
entities, never loads a DTD or anything from the network (``no_network=True``, no entity
resolution in HTML mode), and is fast C code. We drive it through the parser-target (SAX)
interface, so no tree is built and deep nesting costs nothing. Markup simple enough that
what libxml2 makes of it is known (paragraphs and plain inline tags, as in most abstracts;
:func:`_strip_simple`) is stripped without the parser, to the same text.

Superscripts (``<sup>``, the exponent of MathML ``<msup>``) whose characters all have a
Unicode superscript form are written with it, so ``10<sup>9</sup>`` becomes ``10⁹`` rather
than ``109``; other superscripts and all subscripts (``CO<sub>2</sub>``) become plain text.

Before parsing, every ``<`` that does not open a known tag (or a comment) is escaped, and so
is every ``&`` that does not start a ``;``-terminated character reference: the parser then
only ever sees the markup that :func:`has_markup` reports, and text such as ``a<b`` or
``R&registration`` survives unchanged.

:func:`strip_markup` never raises (a failing parser falls back to a regular expression), and
is idempotent: it returns text that :func:`has_markup` rejects unchanged, and it repeats the
parse while its own output still holds markup (double-escaped ``&lt;i&gt;`` that decodes to a
tag), so ``strip_markup(strip_markup(x)) == strip_markup(x)`` for every string.

:func:`comparable` is the markup-blind comparison key the title and duplicate rules use.

Every regular expression here is linear-time: no nested quantifiers, and each tag match
scans at most to the next ``<`` or ``>``.
"""

from __future__ import annotations

import functools
import html
import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import regex
from lxml import etree

# Known tag names: HTML inline and block elements, JATS elements that appear without a
# prefix, and MathML. `s` and `q` are left out on purpose: `<s>` and `</s>` are sentence
# tokens in NLP abstracts far more often than strike-through markup.
HTML_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big",
        "blockquote", "body", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd",
        "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2",
        "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i", "img", "ins", "kbd", "li",
        "main", "mark", "nav", "ol", "p", "pre", "section", "small", "span", "strike", "strong",
        "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
        "wbr"
    }
)
JATS_TAGS = frozenset(
    {
        "abstract", "bold", "disp-formula", "ext-link", "inline-formula", "italic", "label", "list",
        "list-item", "monospace", "sc", "sec", "title", "underline", "xref"
    }
)
MATHML_TAGS = frozenset(
    {
        "annotation", "annotation-xml", "math", "mfrac", "mi", "mn", "mo", "mover", "mroot", "mrow",
        "ms", "msqrt", "mspace", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext",
        "mtr", "munder", "munderover", "semantics"
    }
)
KNOWN_TAGS = HTML_TAGS | JATS_TAGS | MATHML_TAGS
PREFIXES = ("jats", "mml")
"""Namespace prefixes whose every tag counts as markup (JATS and MathML in Crossref)."""

VOID_TAGS = frozenset({"br", "hr", "img", "wbr", "col"})
"""Tags that never have a closing tag: left out of the balance."""

BLOCK_TAGS = frozenset(
    {
        "p", "div", "sec", "section", "article", "aside", "blockquote", "header", "footer", "main",
        "nav", "address", "figure", "figcaption", "table", "ul", "ol", "dl", "list", "abstract",
        "h1", "h2", "h3", "h4", "h5", "h6", "pre", "caption", "html", "body", "head"
    }
)
"""Elements separated from their neighbours by a blank line (the prefix is ignored)."""
LINE_TAGS = frozenset({"li", "list-item", "tr", "dt", "dd", "label"})
"""Elements that start a new line."""
HEADING_TAGS = frozenset({"title"})
"""Headings: a blank line before, a single newline after (`<jats:title>Methods</jats:title>`)."""
SKIPPED_TAGS = frozenset({"annotation", "annotation-xml"})
"""Elements whose text is dropped: MathML annotations repeat the formula as TeX."""
SUPERSCRIPT_CHILD = {"msup": 1, "msubsup": 2}
"""MathML elements whose n-th child (0-based) is a superscript, like HTML's `sup`."""
SUPERSCRIPTS = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
SUPERSCRIPTABLE_RE = regex.compile(r"[0-9+\-−=()ni]++")

# A tag-shaped sequence: `<`, optional `/`, a name ended by space, `/` or `>`, attributes
# that each have a value (`name="v"`, `name='v'`, `name=v`), optional `/`, `>`. Requiring
# values keeps "if a<b and c>d" text. Only matches whose name is known count as markup
# (:func:`is_known_tag`): one generic name and a set lookup are ten times faster than an
# alternation of names on long runs of `<`. Linear: no character class crosses `<` or `>`,
# and every quantifier is possessive, so a try from one `<` stops at the next `<` or `>`.
TAG_RE = regex.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][\w.:\-]*+)(?=[\s/>])"
    r"""(?:\s++[\w:.\-]++\s*+=\s*+(?:"[^"<>]*+"|'[^'<>]*+'|[^\s"'<>=`]++))*+"""
    r"\s*+(?P<selfclose>/?)>"
)
_COMMENT_START = "<!--"
_COMMENT_END = "-->"
# An `&` that starts no `;`-terminated character reference: escaped before parsing, so that
# HTML's legacy references without `;` (`&reg`, `&not`) are not decoded inside words.
_STRAY_AMP_RE = regex.compile(
    r"&(?!#[0-9]{1,8};|#[xX][0-9A-Fa-f]{1,8};|[A-Za-z][A-Za-z0-9]{0,31};)"
)
_SURROGATE_RE = regex.compile(r"[\ud800-\udfff]")
# HTML's whitespace (not NBSP or thin spaces, which carry meaning in text).
_SPACE_RE = regex.compile(r"[ \t\n\r\f\v]++")

_COLLAPSED = ("  ", "\t", "\n", "\r", "\f", "\v")
"""What ``_SPACE_RE`` could change: a text with none of these has single spaces only."""


def collapse_html_space(text: str) -> str:
    """Every run of HTML whitespace as one space (``_SPACE_RE.sub(" ", text)``); a text
    that has none to collapse is told by six scans in C and returned as it is."""
    for probe in _COLLAPSED:
        if probe in text:
            return _SPACE_RE.sub(" ", text)
    return text


MAX_PASSES = 20
"""Parses :func:`strip_markup` makes before falling back (only nested escapes need > 1)."""


def is_known_tag(name: str) -> bool:
    """Whether a tag name is markup: a known name, or any `jats:`/`mml:` prefixed name."""
    lower = name.lower()
    if lower in KNOWN_TAGS:
        return True
    prefix, colon, local = lower.partition(":")
    return bool(colon) and prefix in PREFIXES and local[:1].isalpha()


class Tag(NamedTuple):
    """A known tag found in a text: where it is, its groups in ``TAG_RE``, and its source.

    Read once from the match (``regex``'s access to a named group costs about as much as a
    tuple of all of them), and kept by the cached scan for every caller."""

    start: int
    end: int
    name: str
    close: str
    """`/` for a closing tag, else empty."""
    selfclose: str
    """`/` for a self-closing tag (`<br/>`), else empty."""
    source: str
    """The tag as written (`<p class="x">`)."""

    def span(self) -> tuple[int, int]:
        return self.start, self.end


def known_tags(text: str) -> Iterator[Tag]:
    """The known tags of ``text``, in order."""
    return iter(_known_tags(text)) if "<" in text else iter(())


@functools.lru_cache(maxsize=256)
def _known_tags(text: str) -> tuple[Tag, ...]:
    """The known tags of a text, found once and kept: :func:`has_markup`, :func:`tag_counts`
    and the parse of :func:`strip_markup` all scan the same abstract or title for its tags
    (a successful tag match costs microseconds in ``regex``)."""
    return tuple(_scan_tags(text))


# The common tag, `<p>`, `</jats:p>`, `<br/>`: a name of ASCII letters, digits and `_.:-`
# right before `>` or `/>`. Where this matches, TAG_RE matches the same span with the same
# groups (every character of the name is one of TAG_RE's name characters, and the `/` or `>`
# after it ends the name, satisfies the lookahead and leaves no attribute or space to read),
# and the standard library's `re` matches it several times faster than ``regex``.
_PLAIN_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9_.:\-]*)(/?)>")


def _scan_tags(text: str) -> Iterator[Tag]:
    """The known tags of ``text``, scanned (see :func:`known_tags`)."""
    # ``TAG_RE.finditer(text)``, tried only at each `<` (``str.find`` scans in C; every match
    # starts with one and none is empty, so the matches are the same).
    start = text.find("<")
    plain_at = _PLAIN_TAG_RE.match
    while start >= 0:
        # (TAG_RE only where the plain pattern fails: a run of plain tags never compiles it.)
        match = plain_at(text, start) or TAG_RE.match(text, start)
        if match is None:
            start = text.find("<", start + 1)
            continue
        # Groups 1-3 of both patterns: close, name, selfclose.
        close, name, selfclose = match.group(1, 2, 3)
        end = match.end()
        if is_known_tag(name):
            yield Tag(start, end, name, close, selfclose, text[start:end])
        start = text.find("<", end)


def has_markup(text: str) -> bool:
    """Whether ``text`` holds at least one known HTML, JATS or MathML tag."""
    return "<" in text and _has_markup(text)


def _has_markup(text: str) -> bool:
    """:func:`has_markup` of a text with a `<`: whether its (cached) tag scan found one."""
    return bool(_known_tags(text))


def _local(name: str) -> str:
    """A tag name without its namespace prefix, lower-cased (`jats:P` -> `p`)."""
    return name.rpartition(":")[2].lower()


def tag_counts(text: str) -> dict[str, tuple[int, int]]:
    """Known tags in ``text``: name (lower-cased, prefix kept) -> (opened, closed).

    Self-closing tags (`<p/>`) count in neither column; names are in order of first use.
    """
    return dict(_tag_counts(text)) if "<" in text else {}


@functools.lru_cache(maxsize=64)
def _tag_counts(text: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    """:func:`tag_counts` as an immutable value, cached (ABS001 and ABS002 count the same
    abstract's tags); each caller gets its own dict."""
    counts: dict[str, tuple[int, int]] = {}
    for match in known_tags(text):
        name = match.name.lower()
        opened, closed = counts.get(name, (0, 0))
        if match.close:
            closed += 1
        elif not match.selfclose:
            opened += 1
        counts[name] = (opened, closed)
    return tuple(counts.items())


def markup_tags(text: str) -> list[str]:
    """The distinct known tag names in ``text``, in order of first use."""
    return list(tag_counts(text))


def unbalanced_tags(text: str) -> list[str]:
    """Known non-void tags whose opening and closing counts differ, in order of first use."""
    return unbalanced_in(tag_counts(text))


def unbalanced_in(counts: Mapping[str, tuple[int, int]]) -> list[str]:
    """The unbalanced names of counts made by :func:`tag_counts` (void tags left out)."""
    return [
        name
        for name, (opened, closed) in counts.items()
        if opened != closed and _local(name) not in VOID_TAGS
    ]


def strip_markup(text: str) -> str:
    """``text`` as plain text: tags removed, entities decoded once, paragraphs kept.

    Block elements (`p`, `div`, `sec`, `jats:p`, `jats:sec`, ...) are separated by a blank
    line, a `title`/`jats:title` heading is followed by a newline, `br` and list items start
    a new line, whitespace inside a paragraph collapses to one space, and a superscript of
    digits and signs uses Unicode superscripts (`10<sup>9</sup>` -> `10⁹`). The result has no
    leading or trailing whitespace. Text without markup (see :func:`has_markup`) is returned
    unchanged. Never raises.
    """
    if not has_markup(text):
        return text
    return _strip_markup(text)


@functools.lru_cache(maxsize=256)
def _strip_markup(text: str) -> str:
    """:func:`strip_markup` of a text with markup. Cached (a pure function of a string): the
    title, abstract and duplicate rules strip the same title and abstract of a record, and
    each strip is an lxml parse."""
    current = text
    for _ in range(MAX_PASSES):
        try:
            stripped = _strip_once(current)
        except Exception:  # lxml should not fail on a str, but a fix must never crash
            stripped = _strip_fallback(current)
        if not has_markup(stripped):
            return stripped
        if len(stripped) >= len(current):
            break
        current = stripped
    # Pathological nesting such as `<<<<i>i>i>i>`: drop what would still read as a tag.
    return _SPACE_RE.sub(" ", _remove_tags(current).replace("<", "")).strip()


def superscript(text: str) -> str:
    """A superscript's text in Unicode superscript characters when each one has a form
    (`10<sup>9</sup>` -> `10⁹`, `ha<sup>−1</sup>` -> `ha⁻¹`), else the text as it is: flat
    digits would turn 10⁹ into 109."""
    stripped = _SPACE_RE.sub("", text)
    if stripped and SUPERSCRIPTABLE_RE.fullmatch(stripped):
        return stripped.translate(SUPERSCRIPTS)
    return text


def _prepare(text: str) -> str:
    """Escape every `<` that opens no known tag or comment, and every stray `&`."""
    # Each substitution only where it can match (its pattern needs a non-ASCII character, an
    # `&`): otherwise the text stays the same string, whose tag scan is already cached.
    if not text.isascii():
        text = _SURROGATE_RE.sub("\ufffd", text)
    if "&" in text:
        text = _STRAY_AMP_RE.sub("&amp;", text)
    out: list[str] = []
    pos = 0
    for match in known_tags(text):
        out.append(_escape_lt(text[pos : match.start]))
        out.append(match.source)
        pos = match.end
    out.append(_escape_lt(text[pos:]))
    return "".join(out)


def _escape_lt(chunk: str) -> str:
    """Escape `<` in a chunk holding no known tag; complete comments pass through."""
    if "<" not in chunk:
        return chunk
    out: list[str] = []
    pos = 0
    while True:
        start = chunk.find(_COMMENT_START, pos)
        if start < 0:
            break
        end = chunk.find(_COMMENT_END, start + len(_COMMENT_START))
        if end < 0:
            break
        out.append(chunk[pos:start].replace("<", "&lt;"))
        out.append(chunk[start : end + len(_COMMENT_END)])
        pos = end + len(_COMMENT_END)
    out.append(chunk[pos:].replace("<", "&lt;"))
    return "".join(out)


class _Frame:
    """An open element: its local name, whether its text is captured, children seen."""

    __slots__ = ("capture", "children", "local")

    def __init__(self, local: str, capture: bool) -> None:
        self.local = local
        self.capture = capture
        self.children = 0


class _TextTarget:
    """lxml parser target that collects text and the breaks between blocks.

    libxml2 reports balanced start/end events even for broken markup, so a stack of open
    elements is enough to know where a superscript or a skipped annotation ends.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the previous text (the target is reused, with its parser)."""
        self.segments: list[tuple[int, str]] = []
        """(break level before, text) per non-empty segment: 2 blank line, 1 newline."""
        self.buffer: list[str] = []
        self.pending = 0
        self.after_heading = False
        self.skipping = 0
        self.stack: list[_Frame] = []
        self.captured: list[list[str]] = []
        """Buffers of the text around a superscript being collected."""

    def _break(self, level: int, *, heading_end: bool = False, heading_start: bool = False
               ) -> None:
        if self.captured:  # a block inside a superscript: keep it inline
            return
        text = collapse_html_space("".join(self.buffer)).strip()
        self.buffer.clear()
        if text:
            self.segments.append((self.pending, text))
            self.pending = 0
            self.after_heading = False
        if heading_end and text:
            self.pending, self.after_heading = level, True
        elif heading_start or not self.after_heading:
            self.pending = max(self.pending, level)

    def start(self, tag: str, attrib: Any) -> None:
        local = _local(tag)
        parent = self.stack[-1] if self.stack else None
        capture = local == "sup" or (
            parent is not None and SUPERSCRIPT_CHILD.get(parent.local) == parent.children
        )
        if parent is not None:
            parent.children += 1
        self.stack.append(_Frame(local, capture))
        if capture:
            self.captured.append(self.buffer)
            self.buffer = []
        if local in SKIPPED_TAGS:
            self.skipping += 1
        elif local in BLOCK_TAGS:
            self._break(2)
        elif local in HEADING_TAGS:
            self._break(2, heading_start=True)
        elif local in LINE_TAGS or local == "br":
            self._break(1)

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif local in BLOCK_TAGS:
            self._break(2)
        elif local in HEADING_TAGS:
            self._break(1, heading_end=True)
        elif local in LINE_TAGS:
            self._break(1)
        frame = self.stack.pop() if self.stack else None
        if frame is not None and frame.capture and self.captured:
            text = superscript("".join(self.buffer))
            self.buffer = self.captured.pop()
            self.buffer.append(text)

    def data(self, text: str) -> None:
        if not self.skipping:
            self.buffer.append(text)

    def close(self) -> str:
        while self.captured:  # unreachable with balanced events; never lose text
            inner = self.buffer
            self.buffer = self.captured.pop()
            self.buffer.extend(inner)
        self._break(0)
        parts: list[str] = []
        for level, text in self.segments:
            if parts:
                parts.append("\n\n" if level >= 2 else "\n" if level == 1 else " ")
            parts.append(text)
        return "".join(parts)


class _Parsers(threading.local):
    """One parser and target per thread, reused for every strip: setting up lxml's parser
    context for a new target (it inspects the target's methods) cost a third of a strip.
    lxml parsers are not thread-safe, hence one per thread."""

    def __init__(self) -> None:
        self.pair: tuple[Any, _TextTarget] | None = None

    def get(self) -> tuple[Any, _TextTarget]:
        if self.pair is None:
            target = _TextTarget()
            parser = etree.HTMLParser(
                target=target,
                recover=True,
                no_network=True,
                remove_comments=True,
                remove_pis=True,
                default_doctype=False,
            )
            self.pair = (parser, target)
        return self.pair


_PARSERS = _Parsers()


# The markup :func:`_strip_simple` strips without lxml: block elements (a break wherever one
# opens or closes) and inline elements (no break, no other treatment), by local name.
_SIMPLE_BLOCKS = frozenset({"p", "div", "sec", "section"})
_SIMPLE_INLINE = frozenset({
    "i", "b", "em", "strong", "u", "sub", "span", "italic", "bold", "sc", "monospace",
    "underline",
})
# What the parser would change in the text itself: a character reference (`&`), characters
# libxml2 drops, replaces or rejects (C0 and C1 controls but tab, line feed and carriage
# return; surrogates; noncharacters of the BMP). A comment is told apart by `<!--`.
_PARSER_SENSITIVE_RE = re.compile(
    "[&\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_SAFE_ASCII = bytes(b for b in range(0x80) if b in b"\t\n\r" or (0x20 <= b < 0x7F and b != 0x26))
"""The ASCII bytes none of ``_PARSER_SENSITIVE_RE``'s characters is."""
_SAFE_UTF8 = _SAFE_ASCII + bytes(b for b in range(0x80, 0x100) if b not in (0xC2, 0xED, 0xEF))
"""Bytes of UTF-8 that are no part of a sensitive character: the safe ASCII bytes, and every
byte from 0x80 but the lead bytes of U+0080-U+00BF (0xC2), U+D000-U+DFFF (0xED) and
U+F000-U+FFFF (0xEF), the blocks that hold the sensitive characters outside ASCII."""


def _parser_sensitive(text: str) -> bool:
    """Whether ``text`` holds a character of ``_PARSER_SENSITIVE_RE``. Decided by deleting
    the bytes that cannot belong to one (a table lookup per byte, several times faster than
    the pattern): in UTF-8 an ASCII byte only ever encodes itself and a lead byte is never a
    continuation byte, so nothing left means no sensitive character; the pattern decides
    the rest (text with `°`, `±`, a no-break space...)."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _SAFE_ASCII))
    if not text.encode("utf-8", "surrogatepass").translate(None, _SAFE_UTF8):
        return False
    return _PARSER_SENSITIVE_RE.search(text) is not None
MAX_SIMPLE_TAGS = 200
"""Tags beyond which :func:`_strip_simple` leaves a text to lxml (deep nesting of unknown
``jats:`` elements is where libxml2's own limits begin)."""


def _strip_simple(text: str) -> str | None:
    """:func:`_strip_once` of a text whose markup is simple, computed without lxml; None
    for any other text (the caller then parses it).

    Simple: no `&`, no comment, none of the characters libxml2 alters, and every known tag
    a block (`p`, `div`, `sec`, `section`, with or without a prefix) or a plain inline
    element (`i`, `b`, `em`, `sub`, `jats:italic`, ...). What :class:`_TextTarget` makes of
    such a text depends only on where a block's start or end event falls: every event of a
    block is a break of the same level (2), inline events do nothing, and the text is
    delivered as it is (a `<` that opens no known tag is escaped by :func:`_prepare` and
    decoded back by the parser). So the result is the text between block tags, inline tags
    removed, each run collapsed and stripped, the non-empty runs joined by a blank line;
    provided a break does separate each two non-empty runs. libxml2 emits a start event for
    every opening tag of these names (also implied ends of what it auto-closes, all at a
    tag), but may ignore a closing tag (`a</div>b`: no `div` is open), so a run is taken to
    be separated from the previous one only when an *opening* block tag lies between them;
    otherwise the text is left to lxml. tests/test_markup_fast.py holds this to lxml on
    generated markup and on every abstract and title of the fixtures and the corpus.
    """
    if _COMMENT_START in text or _parser_sensitive(text):
        return None
    tags = _known_tags(text)
    if len(tags) > MAX_SIMPLE_TAGS or (tags and tags[0].close and not text[:tags[0].start].strip()):
        return None  # (libxml2 before 2.14 drops the text after a closing tag that opens it)
    out: list[str] = []
    run: list[str] = []
    opened = False  # an opening block tag since the last non-empty run
    pos = 0
    for match in tags:
        run.append(text[pos : match.start])
        pos = match.end
        local = _local(match.name)
        if local in _SIMPLE_INLINE:
            continue
        if local not in _SIMPLE_BLOCKS:
            return None
        piece = collapse_html_space("".join(run)).strip()
        run.clear()
        if piece:
            if out and not opened:
                return None
            out.append(piece)
            opened = False
        if not match.close:
            opened = True
    run.append(text[pos:])
    piece = collapse_html_space("".join(run)).strip()
    if piece:
        if out and not opened:
            return None
        out.append(piece)
    return "\n\n".join(out)


def _strip_once(text: str) -> str:
    simple = _strip_simple(text)
    if simple is not None:
        return simple
    return _parse_once(text)


def _parse_once(text: str) -> str:
    """One parse of ``text`` by lxml's HTML parser into :class:`_TextTarget`."""
    parser, target = _PARSERS.get()
    target.reset()
    try:
        parser.feed(_prepare(text))
        result = parser.close()
    except BaseException:
        _PARSERS.pair = None  # never reuse a parser left in an unknown state
        raise
    return result if isinstance(result, str) else ""


def _strip_fallback(text: str) -> str:
    """Tag removal by regular expression: used only if lxml fails."""
    return _SPACE_RE.sub(" ", html.unescape(_remove_tags(text))).strip()


def _remove_tags(text: str) -> str:
    """``text`` with every known tag replaced by a space."""
    return TAG_RE.sub(lambda m: " " if is_known_tag(m["name"]) else m.group(), text)


# --- comparison keys -------------------------------------------------------------------------

_NON_ALNUM_RE = regex.compile(r"[^\p{L}\p{N}]++")
_ASCII_ALNUM_KEY = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256))
""":func:`comparable` of ASCII text: A-Z lower-cased, every byte but a letter or digit a space."""


def comparable(text: str) -> str:
    """A key for comparing two texts regardless of markup, case, accents' encoding and
    punctuation: markup stripped, NFKC, case-folded, every run of characters other than
    letters and digits turned into one space, ends stripped."""
    if "<" in text:
        text = strip_markup(text)
    if text.isascii():  # NFKC changes no ASCII, case folding only A-Z: one bytes pass
        return b" ".join(text.encode("ascii").translate(_ASCII_ALNUM_KEY).split()).decode(
            "ascii")
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_ALNUM_RE.sub(" ", folded).strip()
