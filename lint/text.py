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
interface, so no tree is built and deep nesting costs nothing.

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

The second part of the module serves the text-hygiene rules (TXT, TTL, ABS): quoting
excerpts for messages (:func:`excerpt`), mojibake repair through ftfy configured to touch
nothing but the encoding (:func:`fix_mojibake`), HTML character references
(:func:`html_entities_in`, :func:`unescape_entities`, :func:`double_escapes_in`),
unambiguous TeX and its plain form (:func:`tex_spans`, :func:`tex_to_text`), Title Case for
ALL-CAPS titles (:func:`titlecase`) and a two-block language split (:func:`language_switch`).

Every regular expression here is linear-time: no nested quantifiers, and each tag match
scans at most to the next ``<`` or ``>``.
"""

from __future__ import annotations

import functools
import html
import html.entities as html_entities
import json
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import ftfy
import regex
from ftfy.badness import is_bad
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
_SUPERSCRIPTS = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_SUPERSCRIPTABLE_RE = regex.compile(r"[0-9+\-−=()ni]++")

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

MAX_PASSES = 20
"""Parses :func:`strip_markup` makes before falling back (only nested escapes need > 1)."""


def is_known_tag(name: str) -> bool:
    """Whether a tag name is markup: a known name, or any `jats:`/`mml:` prefixed name."""
    lower = name.lower()
    if lower in KNOWN_TAGS:
        return True
    prefix, colon, local = lower.partition(":")
    return bool(colon) and prefix in PREFIXES and local[:1].isalpha()


def known_tags(text: str) -> Iterator[regex.Match[str]]:
    """The known tags of ``text``, in order (groups `close`, `name`, `selfclose`)."""
    if "<" not in text:
        return
    for match in TAG_RE.finditer(text):
        if is_known_tag(match["name"]):
            yield match


def has_markup(text: str) -> bool:
    """Whether ``text`` holds at least one known HTML, JATS or MathML tag."""
    return next(known_tags(text), None) is not None


def _local(name: str) -> str:
    """A tag name without its namespace prefix, lower-cased (`jats:P` -> `p`)."""
    return name.rpartition(":")[2].lower()


def tag_counts(text: str) -> dict[str, tuple[int, int]]:
    """Known tags in ``text``: name (lower-cased, prefix kept) -> (opened, closed).

    Self-closing tags (`<p/>`) count in neither column; names are in order of first use.
    """
    counts: dict[str, tuple[int, int]] = {}
    for match in known_tags(text):
        name = match["name"].lower()
        opened, closed = counts.get(name, (0, 0))
        if match["close"]:
            closed += 1
        elif not match["selfclose"]:
            opened += 1
        counts[name] = (opened, closed)
    return counts


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
    if stripped and _SUPERSCRIPTABLE_RE.fullmatch(stripped):
        return stripped.translate(_SUPERSCRIPTS)
    return text


def _prepare(text: str) -> str:
    """Escape every `<` that opens no known tag or comment, and every stray `&`."""
    text = _SURROGATE_RE.sub("\ufffd", text)
    text = _STRAY_AMP_RE.sub("&amp;", text)
    out: list[str] = []
    pos = 0
    for match in known_tags(text):
        out.append(_escape_lt(text[pos : match.start()]))
        out.append(match.group())
        pos = match.end()
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
        text = _SPACE_RE.sub(" ", "".join(self.buffer)).strip()
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


def _strip_once(text: str) -> str:
    target = _TextTarget()
    parser = etree.HTMLParser(
        target=target,
        recover=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
    )
    parser.feed(_prepare(text))
    result = parser.close()
    return result if isinstance(result, str) else ""


def _strip_fallback(text: str) -> str:
    """Tag removal by regular expression: used only if lxml fails."""
    return _SPACE_RE.sub(" ", html.unescape(_remove_tags(text))).strip()


def _remove_tags(text: str) -> str:
    """``text`` with every known tag replaced by a space."""
    return TAG_RE.sub(lambda m: " " if is_known_tag(m["name"]) else m.group(), text)


# ---------------------------------------------------------------------------------------------
# Text hygiene: excerpts, mojibake, entities, TeX, title case, languages (TXT, TTL, ABS rules).
# Every function here is pure and never raises on any string.

_EXCERPT_SPACE_RE = regex.compile(r"\s++")


_INVISIBLE_RE = regex.compile(r"[\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _quoted(text: str) -> str:
    """JSON quoting with invisible characters escaped too (C1 controls, zero-width and
    bidirectional marks), so a message shows what is there."""
    return _INVISIBLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}",
                             json.dumps(text, ensure_ascii=False))


def shown(value: str, limit: int = 40) -> str:
    """``value`` quoted (JSON) for a message, cut to ``limit`` characters with `…`."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return _quoted(text)


def excerpt(text: str, start: int, end: int, before: int = 12, after: int = 12) -> str:
    """``text[start:end]`` quoted (JSON) with a little context, whitespace collapsed, never the
    whole of a long text: `…` marks each cut."""
    left = max(0, start - before)
    right = min(len(text), end + after)
    snippet = _EXCERPT_SPACE_RE.sub(" ", text[left:right])
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    return _quoted(prefix + snippet + suffix)


# --- mojibake (ftfy) -------------------------------------------------------------------------

MOJIBAKE_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)
"""ftfy configured to repair mojibake and nothing else: no HTML unescaping (that creates
markup from `&lt;i&gt;`), no quote uncurling, no ligature or width folding, no Unicode
normalisation, no control-character or line-break changes (other rules own those)."""


MARC_NONSORT_RE = regex.compile(r"\x98[^\x98\x9c]{0,80}+\x9c")
"""Library catalogue (MARC 21) non-sort markers around a leading article: U+0098 START OF
STRING and U+009C STRING TERMINATOR (`\x98The \x9cLancet` sorts as `Lancet`). They are
control characters, not Windows-1252 mojibake of `˜` and `œ`."""


# Characters that some byte of a UTF-8 lead (0xC2-0xF4) becomes in a legacy single-byte
# encoding ftfy knows: Latin-1 and Windows-1252 (Â-ô), Latin-2 and Windows-1250 (Ă, Ĺ...),
# Windows-1251 (Р, С), Greek (Γ), code page 437 (box drawing, Γ), MacRoman (√, ‚, ƒ, ≈, ∆);
# and C1 controls. Mojibake of UTF-8 has at least one of them; text without them is skipped
# before ftfy's (slower) test.
_MOJIBAKE_GATE_RE = regex.compile(
    "[\x80-\u017f\u0192\u0391-\u03c9\u0400-\u045f\u2044\u201a\u2206\u221a\u2248"
    "\u2500-\u257f\u25ca\uf8ff]"
)
_NON_ASCII_RE = regex.compile(r"[^\x00-\x7f]++")


def _non_ascii_windows(text: str) -> str:
    """The runs of non-ASCII characters with three characters of context each side, joined
    by spaces: what ftfy's badness patterns can see, without scanning long ASCII stretches
    (a whole abstract for one accented name)."""
    return " ".join(text[max(0, m.start() - 3): m.end() + 3] for m in _NON_ASCII_RE.finditer(text))


def fix_mojibake(text: str) -> str | None:
    """The text ftfy recovers from mojibake (`MÃ¼ller` -> `Müller`), or None.

    None unless ftfy (with :data:`MOJIBAKE_CONFIG`) changes the text through a re-decoding
    step: text that is merely unusual (`Ã` alone, curly quotes, `A&amp;B`) is left alone, and
    so is text with MARC non-sort markers (:data:`MARC_NONSORT_RE`).
    """
    if text.isascii() or ("\x98" in text and MARC_NONSORT_RE.search(text)):
        return None
    try:
        if _MOJIBAKE_GATE_RE.search(text) is None or not is_bad(_non_ascii_windows(text)):
            return None
        result = ftfy.fix_and_explain(text, MOJIBAKE_CONFIG)
    except Exception:  # ftfy on lone surrogates and the like: not mojibake we can repair
        return None
    if result.text == text or not any(step[0] == "decode" for step in result.explanation or ()):
        return None
    return result.text


# --- HTML entities -----------------------------------------------------------------------------

# A character reference: decimal, hexadecimal, or a name with `;`; and the few legacy names
# that real data writes without `;` (`&amp`, `&lt`, `&gt`, `&quot`, `&nbsp`) when no letter,
# digit, `;` or `=` follows (`&ampersand` and a URL's `&lt=5` are no entities). Linear: one
# bounded try per `&`.
ENTITY_RE = regex.compile(
    r"&(?:#(?P<dec>[0-9]{1,8}+);|#[xX](?P<hex>[0-9A-Fa-f]{1,8}+);"
    r"|(?P<name>[A-Za-z][A-Za-z0-9]{0,31}+);|(?P<bare>amp|lt|gt|quot|nbsp)(?![A-Za-z0-9;=]))"
)
# `&amp;` followed by the body of another reference: escaped twice (`&amp;amp;`, `&amp;#8217;`).
_DOUBLE_RE = regex.compile(
    r"&amp;(?=#[0-9]{1,8}+;|#[xX][0-9A-Fa-f]{1,8}+;|(?P<name>[A-Za-z][A-Za-z0-9]{0,31}+);)"
)


def entity_value(match: regex.Match[str]) -> str | None:
    """What a match of :data:`ENTITY_RE` stands for, or None when it stands for no character:
    an unknown name (`&foo;`), NUL, a surrogate, a control character, or beyond U+10FFFF."""
    if match["name"] is not None:
        return html_entities.html5.get(match["name"] + ";")
    if match["bare"] is not None:
        return html_entities.html5.get(match["bare"] + ";")
    digits = match["dec"] if match["dec"] is not None else match["hex"]
    if digits is None:
        return None
    code = int(digits, 10 if match["dec"] is not None else 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code == 0:
        return None
    if (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or code == 0x7F:
        return None
    value = html.unescape(match.group())  # HTML's mapping of &#128;-&#159; to Windows-1252
    if (value == "\ufffd" and code != 0xFFFD) or _CONTROL_RE.search(value):
        return None
    return value


def html_entities_in(text: str) -> list[regex.Match[str]]:
    """The character references of ``text`` that stand for a character (see
    :func:`entity_value`), in order."""
    if "&" not in text:
        return []
    return [m for m in ENTITY_RE.finditer(text) if entity_value(m) is not None]


def unescape_entities(text: str) -> str:
    """``text`` with each reference that stands for a character replaced by it, once:
    `&amp;amp;` becomes `&amp;`. Unknown names and references to no character stay."""
    if "&" not in text:
        return text

    def replace(match: regex.Match[str]) -> str:
        value = entity_value(match)
        return match.group() if value is None else value

    return ENTITY_RE.sub(replace, text)


def double_escapes_in(text: str) -> list[regex.Match[str]]:
    """The `&amp;` of each reference escaped twice (`&amp;amp;`, `&amp;lt;`, `&amp;#8217;`)."""
    if "&amp;" not in text:
        return []
    return [m for m in _DOUBLE_RE.finditer(text)
            if m["name"] is None or m["name"] + ";" in html_entities.html5]


def unescape_double(text: str) -> str:
    """``text`` with each twice-escaped reference escaped once (`&amp;lt;` -> `&lt;`)."""
    matches = double_escapes_in(text)
    if not matches:
        return text
    out: list[str] = []
    pos = 0
    for match in matches:
        out.append(text[pos : match.start()])
        out.append("&")
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


# --- control characters --------------------------------------------------------------------

_CONTROL_RE = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# --- TeX ---------------------------------------------------------------------------------------

TEX_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}
"""TeX accent commands and the combining mark each one puts on its letter."""
TEX_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
    "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}
"""TeX commands for letters that have no accent form."""
TEX_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
TEX_SYMBOLS = {
    **TEX_GREEK,
    "pm": "±", "mp": "∓", "times": "×", "cdot": "·", "div": "÷", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "propto": "∝", "infty": "∞", "partial": "∂", "nabla": "∇", "circ": "∘",
    "degree": "°", "prime": "′", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "leftrightarrow": "↔", "Rightarrow": "⇒", "uparrow": "↑", "downarrow": "↓", "ll": "≪",
    "gg": "≫", "in": "∈", "ldots": "…", "dots": "…", "cdots": "⋯", "AA": "Å", "ell": "ℓ",
    "hbar": "ℏ", "langle": "⟨", "rangle": "⟩",
}
"""Math-mode commands with a one-character text form."""
TEX_TEXT_COMMANDS = frozenset({
    "textit", "textbf", "emph", "textsc", "texttt", "textrm", "textsf", "textup", "textsl",
    "textmd", "textnormal", "textsuperscript", "textsubscript", "mathrm", "mathit", "mathbf",
    "mathsf", "mathtt", "text",
})
"""Commands that format their argument: the text form is the argument."""
_TEX_SWITCHES = "it|em|bf|sc|tt|rm|sf|sl|itshape|bfseries|scshape"
_ACCENT_SYMBOLS = r"['`^\"~=.]"
_ACCENT_ANY = r"['`^\"~=.uvHckr]"
_BASE = r"(?:[A-Za-z]|\\[ij](?![A-Za-z]))"
_LETTER_NAMES = "ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j"

# Unambiguous TeX only: an accent command with its letter braced (`\'{e}`) or the whole
# accent braced (`{\'e}`, `{\v s}`), a braced letter command (`{\ss}`, `\o{}`), a text
# command with its argument (`\textit{`), a font switch in braces (`{\it x}`), and inline
# math holding a command or a script (`$\alpha$`, `$x^{2}$`, `Na$^+$`). An apostrophe
# escaped as `O\'Brien`, a regular expression (`\d{4}`), a literal `\u00e9`, `$5 and $10` or
# PHP's `$_GET` is none of these. Linear: every alternative starts at a `\`, `{` or `$` and
# is bounded.
TEX_RE = regex.compile(
    r"\\(?P<acc1>" + _ACCENT_ANY + r")\{(?P<base1>" + _BASE + r")\}"
    r"|\{\\(?P<acc2>" + _ACCENT_SYMBOLS + r")(?:(?P<base2>" + _BASE + r")|\{(?P<base2b>"
    + _BASE + r")\})\}"
    r"|\{\\(?P<acc3>[uvHckr])(?:[ ]++(?P<base3>" + _BASE + r")|\{(?P<base3b>" + _BASE
    + r")\})\}"
    r"|\{\\(?P<letter1>" + _LETTER_NAMES + r")\}"
    r"|\\(?P<letter2>" + _LETTER_NAMES + r")\{\}"
    r"|\\(?P<command>" + "|".join(sorted(TEX_TEXT_COMMANDS, key=len, reverse=True))
    + r")\{(?P<arg>[^{}\\$]{0,300}+\})?"
    r"|\{\\(?:" + _TEX_SWITCHES + r")[ ]++(?P<switched>[^{}\\$]{0,300}+)\}"
    r"|(?<![\\$])\$(?P<math>[^\s$_][^$\n]{0,200}+)\$(?![$\p{N}])"
)
_MATH_HINT_RE = regex.compile(r"\\[A-Za-z]|[\^_]")
_MATH_TOKEN_RE = regex.compile(
    r"\\(?P<cmd>[A-Za-z]++)|\\(?P<esc>[%&$#_{} ,;:!])|(?P<script>[\^_])|(?P<open>\{)"
    r"|(?P<close>\})|(?P<char>[\p{L}\p{N} +\-=()\[\]/.,:;<>|'!*])"
)
_SUBSCRIPTS = str.maketrans("0123456789+-−=()aeoxhklmnpstijruv",
                            "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ")
_SUBSCRIPTABLE_RE = regex.compile(r"[0-9+\-−=()aeoxhklmnpstijruv]++")


def tex_spans(text: str) -> list[regex.Match[str]]:
    """The unambiguous TeX constructs of ``text`` (see :data:`TEX_RE`), in order."""
    if "\\" not in text and "$" not in text:
        return []
    return [m for m in TEX_RE.finditer(text) if m["math"] is None or _is_math(m["math"])]


def _is_math(math: str) -> bool:
    """Whether `$...$` content reads as TeX math: a command or a script, no trailing space
    (`$10^6 and $` is money)."""
    return _MATH_HINT_RE.search(math) is not None and not math.endswith((" ", "\\"))


def tex_construct_text(match: regex.Match[str]) -> str | None:
    """The text a TeX construct stands for, or None when it has no certain plain form."""
    for accent, base in (("acc1", "base1"), ("acc2", "base2"), ("acc2", "base2b"),
                         ("acc3", "base3"), ("acc3", "base3b")):
        if match[accent] is not None and match[base] is not None:
            letter = match[base]
            letter = letter[1] if letter.startswith("\\") else letter  # `\'{\i}` is í
            return unicodedata.normalize("NFC", letter + TEX_ACCENTS[match[accent]])
    letter_name = match["letter1"] or match["letter2"]
    if letter_name is not None:
        return TEX_LETTERS[letter_name]
    if match["command"] is not None:
        arg = match["arg"]
        if arg is None:
            return None
        inner = arg[:-1]
        if match["command"] == "textsuperscript":
            return _script(inner, superscript=True)
        if match["command"] == "textsubscript":
            return _script(inner, superscript=False)
        return inner
    if match["switched"] is not None:
        return match["switched"]
    if match["math"] is not None:
        return _math_text(match["math"])
    return None


def tex_to_text(text: str) -> str | None:
    """``text`` with every unambiguous TeX construct replaced by its plain form, or None
    when there is none or one of them has no certain plain form (`$\\mathcal{O}(n)$`)."""
    matches = tex_spans(text)
    if not matches:
        return None
    out: list[str] = []
    pos = 0
    for match in matches:
        value = tex_construct_text(match)
        if value is None:
            return None
        out.append(text[pos : match.start()])
        out.append(value)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _script(text: str, *, superscript: bool) -> str | None:
    """A super- or subscript in Unicode script characters, or None when one has no form."""
    compact = text.replace(" ", "")
    if not compact:
        return ""
    if superscript:
        if compact in ("\\circ", "\\degree"):
            return "°"
        if _SUPERSCRIPTABLE_RE.fullmatch(compact):
            return compact.translate(_SUPERSCRIPTS)
        return None
    if _SUBSCRIPTABLE_RE.fullmatch(compact):
        return compact.translate(_SUBSCRIPTS)
    return None


def _math_text(math: str) -> str | None:
    """Simple inline math as text: Greek letters and symbols, `\\mathrm{...}`, and scripts
    whose characters all have Unicode script forms. None for anything else."""
    out: list[str] = []
    pos = 0
    end = len(math)
    while pos < end:
        match = _MATH_TOKEN_RE.match(math, pos)
        if match is None:
            return None
        pos = match.end()
        if match["cmd"] is not None:
            name = match["cmd"]
            if name in TEX_SYMBOLS:
                out.append(TEX_SYMBOLS[name])
            elif name in TEX_TEXT_COMMANDS and pos < end and math[pos] == "{":
                close = math.find("}", pos)
                if close < 0 or "{" in math[pos + 1 : close] or "\\" in math[pos + 1 : close]:
                    return None
                out.append(math[pos + 1 : close])
                pos = close + 1
            else:
                return None
        elif match["esc"] is not None:
            out.append(" " if match["esc"] in " ,;:" else "" if match["esc"] == "!"
                       else match["esc"])
        elif match["script"] is not None:
            if pos >= end:
                return None
            if math[pos] == "{":
                close = math.find("}", pos)
                if close < 0 or "{" in math[pos + 1 : close]:
                    return None
                body, pos = math[pos + 1 : close], close + 1
            elif math[pos] == "\\":
                name_match = regex.match(r"\\[A-Za-z]++", math[pos:])
                if name_match is None:
                    return None
                body, pos = name_match.group(), pos + name_match.end()
            else:
                body, pos = math[pos], pos + 1
            scripted = _script(body, superscript=match["script"] == "^")
            if scripted is None:
                return None
            out.append(scripted)
        elif match["char"] is not None:
            out.append(match["char"])
        # `{` and `}` only group
    return "".join(out)


# --- title case --------------------------------------------------------------------------------

SMALL_WORDS = frozenset({
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "if", "in", "into", "nor", "of",
    "off", "on", "onto", "or", "over", "per", "so", "than", "the", "to", "up", "upon", "via",
    "vs", "with", "within", "without", "yet",
})
"""Words a title keeps in lower case unless they start it or follow a colon."""
ACRONYMS = frozenset({
    "AIDS", "ATP", "BMI", "CNS", "COPD", "CT", "DNA", "ECG", "EEG", "EU", "FDA", "GDP", "HIV",
    "HPV", "ICU", "IEEE", "MRI", "NASA", "NATO", "NMR", "PCR", "PET", "RNA", "SARS", "UK",
    "UN", "UNESCO", "USA", "US", "UV", "WHO",
})
"""Acronyms an ALL-CAPS title is taken to mean (`WHO` is the organisation there)."""
_ROMAN_RE = regex.compile(r"(?=[IVXLC])(?:X{0,3}+)(?:IX|IV|V?I{0,3}+)")
_TITLE_TOKEN_RE = regex.compile(r"\S++")
_WORD_PART_RE = regex.compile(r"\p{L}[\p{L}\p{M}'’]*+")
_SENTENCE_BREAK = (":", "?", "!", ".", "—", "–")


def titlecase(text: str) -> str:
    """An ALL-CAPS title in Title Case: small words in lower case (except first and after a
    colon), tokens with a digit (`COVID-19`, `BRCA1`), Roman numerals and known acronyms as
    they are, `'s` after an apostrophe in lower case."""
    out: list[str] = []
    pos = 0
    start = True
    for match in _TITLE_TOKEN_RE.finditer(text):
        out.append(text[pos : match.start()])
        token = match.group()
        pos = match.end()
        core = token.strip("\"'“”‘’()[]{}«»,;:.!?")
        if any(c.isdigit() for c in token) or core in ACRONYMS or (
            core and _ROMAN_RE.fullmatch(core) and len(core) > 1
        ):
            out.append(token)
        elif not start and core.lower() in SMALL_WORDS:
            out.append(token.lower())
        else:
            out.append(_WORD_PART_RE.sub(_capitalise, token))
        start = token.endswith(_SENTENCE_BREAK)
    out.append(text[pos:])
    return "".join(out)


def _capitalise(match: regex.Match[str]) -> str:
    word = match.group()
    return word[:1].upper() + word[1:].lower()


# --- languages -------------------------------------------------------------------------------

_STOPWORDS_RAW = {
    "en": "the and of to is that with for are was were this these we by from which been have "
          "has our their it its not can between than such using were also these those there "
          "however whereas whether while",
    "fr": "le les des du est une dans pour qui sur par avec sont au aux cette ces nous pas été "
          "leur leurs ont plus ainsi être sont mais sans entre chez",
    "de": "der das und ist nicht mit von den dem ein eine einer einem zu auf im für sich wurde "
          "wurden werden sind auch bei nach aus wir zur zum durch oder wie über können kann "
          "sowie diese dieser",
    "es": "el los las del y es una por para con su sus al como fue este esta entre más lo "
          "han ha sobre pero sin también",
    "pt": "os da das dos é uma em não foi são pelo pela ao também mais ou sobre como para "
          "com entre seus suas",
    "it": "il gli della delle dei di è che per con una sono nel nella del degli alla anche più "
          "questo questa tra stato",
    "nl": "het een van dat op te met voor zijn niet worden wordt deze bij ook naar door aan "
          "uit werd om wij hun",
}


def _distinct_stopwords() -> dict[str, frozenset[str]]:
    sets = {lang: set(words.split()) for lang, words in _STOPWORDS_RAW.items()}
    seen: dict[str, int] = {}
    for words in sets.values():
        for word in words:
            seen[word] = seen.get(word, 0) + 1
    return {lang: frozenset(w for w in words if seen[w] == 1) for lang, words in sets.items()}


STOPWORDS = _distinct_stopwords()
"""Frequent function words that belong to one language of the set only."""
_STOPWORD_LANG = {word: lang for lang, words in STOPWORDS.items() for word in words}
_LANG_SENTENCE_RE = regex.compile(r"[^.!?。！？\n]++[.!?。！？\n]*+")
_LANG_WORD_RE = regex.compile(r"\p{L}++")
_SCRIPTS = (
    ("cjk", regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")),
    ("cyrillic", regex.compile(r"\p{Cyrillic}")),
    ("greek", regex.compile(r"\p{Greek}")),
    ("arabic", regex.compile(r"\p{Arabic}")),
)
MIN_BLOCK_WORDS = 25
"""Words each language block needs before ABS010's detection trusts it."""


class _Block:
    __slots__ = ("letters", "scripts", "votes", "words")

    def __init__(self) -> None:
        self.words = 0
        self.letters = 0
        self.scripts: dict[str, int] = {}
        self.votes: dict[str, int] = {}

    def add(self, other: _Block, sign: int = 1) -> None:
        self.words += sign * other.words
        self.letters += sign * other.letters
        for key, count in other.scripts.items():
            self.scripts[key] = self.scripts.get(key, 0) + sign * count
        for key, count in other.votes.items():
            self.votes[key] = self.votes.get(key, 0) + sign * count

    def language(self) -> str | None:
        """The block's language when it is clear: a non-Latin script that holds most of its
        letters, or a Latin-script language with most of the function words."""
        for name, count in self.scripts.items():
            if count * 2 > self.letters and count >= 40:
                return name
        if self.words < MIN_BLOCK_WORDS:
            return None
        hits = sum(self.votes.values())
        if hits < 8:
            return None
        lang, best = max(self.votes.items(), key=lambda item: item[1])
        return lang if best >= 0.8 * hits else None


def _sentence_block(sentence: str) -> _Block:
    block = _Block()
    words = _LANG_WORD_RE.findall(sentence.lower())
    block.words = len(words)
    block.letters = sum(map(len, words))
    counts = Counter(words)
    for word in counts.keys() & _STOPWORD_LANG.keys():
        lang = _STOPWORD_LANG[word]
        block.votes[lang] = block.votes.get(lang, 0) + counts[word]
    if not sentence.isascii():
        for name, pattern in _SCRIPTS:
            count = len(pattern.findall(sentence))
            if count:
                block.scripts[name] = count
    return block


def language_switch(text: str) -> tuple[str, str, int] | None:
    """Where a text switches language for good: ``(first, second, offset)`` when it splits,
    at a sentence boundary, into two blocks that each clearly read as one language (a script
    such as Cyrillic or CJK, or English, French, German, Spanish, Portuguese, Italian or Dutch
    by their function words) and the two differ. None when no such split exists."""
    text = text[:20000]
    whole = _sentence_block(text)
    clear = [lang for lang, hits in whole.votes.items() if hits >= 8]
    clear += [name for name, count in whole.scripts.items() if count >= 40]
    if len(clear) < 2:
        return None  # one language (or none) is clear anywhere: no split can show two
    sentences = [(m.start(), _sentence_block(m.group())) for m in
                 _LANG_SENTENCE_RE.finditer(text)]
    if len(sentences) < 2:
        return None
    total = _Block()
    for _, block in sentences:
        total.add(block)
    head = _Block()
    for index in range(1, len(sentences)):
        head.add(sentences[index - 1][1])
        first = head.language()
        if first is None:
            continue
        tail = _Block()
        tail.add(total)
        tail.add(head, -1)
        second = tail.language()
        if second is not None and second != first:
            return first, second, sentences[index][0]
    return None


# --- comparison keys -------------------------------------------------------------------------

_NON_ALNUM_RE = regex.compile(r"[^\p{L}\p{N}]++")


def comparable(text: str) -> str:
    """A key for comparing two texts regardless of markup, case, accents' encoding and
    punctuation: markup stripped, NFKC, case-folded, every run of characters other than
    letters and digits turned into one space, ends stripped."""
    if "<" in text:
        text = strip_markup(text)
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_ALNUM_RE.sub(" ", folded).strip()


def keep_outer_space(original: str, inner: str) -> str:
    """``inner`` with the leading and trailing whitespace of ``original``: a fix of the value
    leaves its outer whitespace alone, which is TXT006's to report and fix."""
    stripped = original.strip()
    if not stripped:
        return inner
    start = original.find(stripped)
    return original[:start] + inner + original[start + len(stripped):]
