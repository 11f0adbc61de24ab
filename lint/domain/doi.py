"""DOI syntax and analysis: prefixes, keys, normalisation, and one pass that finds every
defect of a DOI value.

This module holds only the syntax that no maintained library covers the way a linter needs it
(strict, with the reason for each rejection).
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from urllib.parse import unquote

import regex

# Crossref's recommended pattern ("DOIs and matching regular expressions", 2015): it matches
# about 99.3 % of registered DOIs; the rest (early Wiley SICIs) are legal but unusual.
DOI_RE = regex.compile(r"^10\.\d{4,9}/[-._;()/:A-Z0-9]+\Z", regex.IGNORECASE)
_DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi.org/",
    "info:doi/",
    "urn:doi:",
    "doi:",
)
DOI_RESOLVER = "https://doi.org/"
_CLEAN_DOI_RE = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/[-._()/:A-Za-z0-9]*[A-Za-z0-9]\Z")
"""A bare DOI in its most common clean form: ASCII, no whitespace, a valid prefix, a suffix of
Crossref's characters ending in a letter or digit. The functions here that take a shortcut
for it say why the shortcut holds; tests hold each one to the full computation. Written for
the standard library's ``re`` (explicit ASCII classes only, so it means there what it would
mean to ``regex``; a call costs a quarter of a ``regex`` call), and linear: each repetition
is fenced by a character the next part cannot match, and ``match`` anchors it."""
_CLEAN_MIXED_DOI_RE = re.compile(
    r"10\.[0-9]{4,9}(?:\.[0-9]+)*/(?=.*?[0-9])(?=.*?[A-WYZa-wyz])"
    r"[-._()/:A-Za-z0-9]*[A-Za-z0-9]\Z")
""":data:`_CLEAN_DOI_RE` with a suffix holding a digit and a letter other than ``x``: no
placeholder, ISSN or journal-code suffix (:func:`_truncated`) is such a suffix (those are
``x``/``0``/dots, placeholder words, digits with at most an ``X``, or letters and dots)."""
_CLEAN = "https://doi.org/"


def strip_doi_prefix(value: str) -> str:
    """``value`` without a resolver or scheme prefix (``https://doi.org/``, ``doi:``...)."""
    if value.startswith("10."):  # no prefix starts with a digit
        return value.strip()
    return _strip_doi_prefix(value)


def _strip_doi_prefix(value: str) -> str:
    """:func:`strip_doi_prefix` without its shortcut (the reference it is tested against)."""
    text = value.strip()
    lower = text.lower()
    for prefix in _DOI_PREFIXES:
        if lower.startswith(prefix):
            return text[len(prefix):].strip()
    return text


def doi_key(value: str) -> str:
    """The comparison key of a DOI: bare and ASCII-case-folded (DOIs are case-insensitive)."""
    bare = strip_doi_prefix(value)
    # On ASCII text lower() is the ASCII case folding, and much faster than translate().
    return bare.lower() if bare.isascii() else bare.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def doi_suffix(value: str) -> str | None:
    """The suffix of a DOI (the part after the first slash), or None."""
    bare = strip_doi_prefix(value)
    prefix, slash, suffix = bare.partition("/")
    return suffix if slash and prefix.startswith("10.") and suffix else None


def doi_url(value: str) -> str:
    """The display form recommended by Crossref: ``https://doi.org/`` + the bare DOI."""
    return DOI_RESOLVER + strip_doi_prefix(value)


# -- DOI analysis ------------------------------------------------------------------------------
#
# One pass over a DOI value finds every defect the DOI rules report, each tagged with its
# kind (the rules map kinds to codes), so that a defect is reported once: the candidate is
# what is left when the defects are set aside. Safe repairs (whitespace, resolver
# prefix, encoding) are applied in order and accumulate; an unsafe repair is offered only
# when it is the one judgement needed, so a fix never carries a second, unasked judgement.
# Every pattern is linear: no nested quantifiers, possessive runs.

_REGISTRANT_RE = regex.compile(r"10\.[0-9]{4,9}+(?:\.[0-9]++)*+\Z")
# The Handbook's structure: "10." + registrant code + "/" + a suffix of printable characters
# (any Unicode; no whitespace, control, format, private-use or unassigned code points).
_DOI_SHAPE_RE = regex.compile(r"10\.[0-9]++(?:\.[0-9]++)*+/[^\p{White_Space}\p{C}]++\Z")
ANY_DOI_RE = regex.compile(r"10\.[0-9]{4,9}+/")
_FOREIGN_CHARS = frozenset('"\\{}|^`')
"""Characters no registration agency issues, which mark a value damaged on the way: TeX
escapes (``\\_``), BibTeX braces, quotes, pipes, carets and backticks."""
_RESOLVER_RE = regex.compile(
    r"(?:(?:https?:/?/?)?(?:(?:dx\.|www\.)?doi\.org|doi\.acm\.org|hdl\.handle\.net)/++"
    r"|info:doi/|urn:doi:|doi\s*+[:=]\s*+|doi\s++(?=10\.))",
    regex.IGNORECASE,
)
_URL_RESOLVER_RE = regex.compile(
    r"https?://(?:(?:dx\.|www\.)?doi\.org|doi\.acm\.org|hdl\.handle\.net)/", regex.IGNORECASE
)
_LEGACY_URL_RE = regex.compile(
    r"(?:http://(?:dx\.|www\.)?+|https://(?:dx\.|www\.))doi\.org/++|https://doi\.org//++",
    regex.IGNORECASE,
)
_PERCENT_RE = regex.compile(r"%[0-9A-Fa-f]{2}")
_ENTITY_RE = regex.compile(r"&(?:lt|gt|amp|quot|apos|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_SPACE_CONTROLS = "\t\n\r\v\f"
_INVISIBLE_RE = regex.compile(r"[\p{Cf}\p{Cc}\u00a0\u2007\u202f]")
"""Format and control characters, and no-break spaces: pasted, never meant (DOI004)."""
_WS_RE = regex.compile(r"\p{White_Space}++")
_SECOND_DOI_RE = regex.compile(r"[,;|](?=\s*+(?:doi\s*+:?\s*+)?10\.[0-9]{4})", regex.IGNORECASE)
# What starts a second value rather than the rest of a DOI broken by a space: a separator,
# a bracket, a label (`EDN:`, `PMID:`), or another DOI.
_SEPARATE_RE = regex.compile(r"[,;|\[(]|[A-Za-z]{2,}+\s*+:|(?:doi\s*+:?\s*+)?10\.[0-9]{4}",
                             regex.IGNORECASE)
_TRAILING_PUNCT = ".,;:"
_PAIRS = {"(": ")", "[": "]", "<": ">", "{": "}", '"': '"', "'": "'", "\u201c": "\u201d",
          "\u2018": "\u2019", "\u00ab": "\u00bb"}
_PLACEHOLDER_VALUES = frozenset({
    "n/a", "na", "n.a.", "n. a.", "none", "null", "nil", "nan", "-", "--", "---", "?", "??",
    "unknown", "tbd", "tba", "tbc", "pending", "not available", "not applicable", "no doi",
    "nodoi", "doi", "0", "x", "todo", "undefined", "missing", "empty", "placeholder",
})
_PLACEHOLDER_SUFFIX_RE = regex.compile(
    r"(?:[xX]++(?:[.\-/][xX]++)*+|0++|\.{2,}+|…|tbd|tba|tbc|pending|unknown|null|none|n/?a"
    r"|placeholder|todo|undefined|missing)\Z",
    regex.IGNORECASE,
)
_PLACEHOLDER_REGISTRANT_RE = regex.compile(r"10\.(?:[xX]++|0++|[nN]/?[aA])\Z")
_ISSN_ONLY_RE = regex.compile(r"[0-9]{4}-[0-9]{3}[0-9Xx]\Z")
_ISSN8_RE = regex.compile(r"[0-9]{7}[0-9Xx]\Z")
ISSN_PREFIXES = frozenset({"10.1177", "10.1080"})
"""Publishers whose article DOIs are ``<prefix>/<ISSN without hyphen><more>`` (SAGE, Taylor &
Francis): a suffix that is only the ISSN has lost its article part."""
_CODE_ONLY_RE = regex.compile(r"[A-Za-z]{2,16}+(?:\.[A-Za-z]{2,16}+)?+\.?\Z")
_SHORT_DOI_RE = regex.compile(r"10/[A-Za-z0-9]{2,12}+\Z")
_PREFIX_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", ",": "."})

# Non-ASCII characters that look like the ASCII ones of a DOI (DOI010). Fullwidth forms
# (U+FF01-U+FF5E) map by offset; the rest by this table: dashes and minus signs, slashes,
# dots, colons, and the Cyrillic and Greek letters that look Latin.
_LOOKALIKES: dict[int, str] = {
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u2043"},
    **{ord(c): "/" for c in "\u2044\u2215\u29f8\u2571"},
    **{ord(c): "." for c in "\u3002\uff61\u2024"},
    **{ord(c): ":" for c in "\u2236"},
    **dict(zip(map(ord, "АВЕКМНОРСТХІЈЅаеорсухіјѕԁԛԝ"), "ABEKMHOPCTXIJSaeopcyxijsdqw",
               strict=True)),
    **dict(zip(map(ord, "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο"), "ABEZHIKMNOPTYXo", strict=True)),
}


class DoiDefect(Enum):
    """A kind of defect of a DOI value. The DOI rules map each kind to the rule that reports
    it and to a message; this module knows no rule code."""

    WHITESPACE = "whitespace"
    """Whitespace around the DOI."""
    INVISIBLE = "invisible"
    """Invisible characters (format, control, no-break spaces); detail: those characters."""
    RESOLVER_PREFIX = "resolver-prefix"
    """A resolver URL or ``doi:`` scheme before the DOI; detail: the prefix."""
    PERCENT_ENCODED = "percent-encoded"
    """The DOI is percent-encoded."""
    HTML_ESCAPED = "html-escaped"
    """The DOI holds HTML character references."""
    LOOKALIKE = "lookalike"
    """Non-ASCII look-alikes of DOI characters; detail: those characters."""
    PLACEHOLDER = "placeholder"
    """A placeholder (``n/a``, ``10.x``) instead of a DOI; detail: the placeholder."""
    ENCLOSED = "enclosed"
    """The DOI is enclosed in a pair of brackets or quotes; detail: the pair."""
    TRAILING = "trailing"
    """Punctuation after the DOI; detail: that punctuation."""
    NOT_A_DOI = "not-a-doi"
    """No ``10.xxxx/`` prefix at all; detail: the value."""
    SHORT_DOI = "short-doi"
    """A short DOI (``10/abc``), an alias of the DOI; detail: the value."""
    PREFIX_ONLY = "prefix-only"
    """A DOI prefix without a suffix; detail: the prefix."""
    PLACEHOLDER_PREFIX = "placeholder-prefix"
    """A placeholder registrant code; detail: the prefix."""
    MALFORMED_PREFIX = "malformed-prefix"
    """A malformed ``10.xxxx`` prefix; detail: the prefix."""
    PREFIX_WHITESPACE = "prefix-whitespace"
    """Whitespace after the DOI prefix."""
    SECOND_DOI = "second-doi"
    """Another DOI after the DOI."""
    TEXT_AFTER = "text-after"
    """Text after the DOI; detail: that text."""
    PLACEHOLDER_SUFFIX = "placeholder-suffix"
    """A placeholder suffix; detail: the suffix."""
    ISSN_SUFFIX = "issn-suffix"
    """The suffix is only an ISSN; detail: the suffix."""
    JOURNAL_ISSN_SUFFIX = "journal-issn-suffix"
    """The suffix is only the journal's ISSN (publishers that prefix DOIs with it);
    detail: the suffix."""
    JOURNAL_CODE_SUFFIX = "journal-code-suffix"
    """The suffix is a journal code without an article part; detail: the suffix."""


@dataclass(frozen=True)
class DoiProblem:
    """One defect of a DOI value: its kind, the part of the value it is about, and the repair.

    ``fixed`` is the whole value with this defect repaired (and the safe repairs before it),
    or None when there is nothing certain to put there.
    """

    kind: DoiDefect
    detail: str = ""
    fixed: str | None = None


@dataclass(frozen=True)
class DoiAnalysis:
    """What :func:`analyse_doi` found: the problems, and the DOI left when they are set aside.

    ``candidate`` is the bare DOI after every repair, or None when a defect has no repair or
    the value is not a DOI at all; it is what DOI001 judges.
    """

    problems: tuple[DoiProblem, ...]
    candidate: str | None

    def of(self, kinds: Collection[DoiDefect]) -> list[DoiProblem]:
        """The problems of the given kinds, in the order found."""
        return [p for p in self.problems if p.kind in kinds]


def clean_doi_text(value: str) -> str:
    """``value`` without surrounding whitespace, invisible (format, control) characters and
    no-break spaces: what DOI004 repairs. Inner ordinary spaces, tabs and newlines stay."""
    text = value.strip()
    if not text.isascii() or not text.isprintable():
        text = _INVISIBLE_RE.sub(_drop_invisible, text).strip()
    return text


def _drop_invisible(match: regex.Match[str]) -> str:
    char = match.group()
    return char if char in _SPACE_CONTROLS else ""


def _strip_resolvers(text: str) -> tuple[str, str]:
    """``text`` without resolver or scheme prefixes (repeated ones too), and the first one."""
    first = ""
    for _ in range(4):
        match = _RESOLVER_RE.match(text)
        if match is None:
            break
        first = first or match.group()
        text = text[match.end():].lstrip()
    return text, first


def _decode(text: str) -> str:
    """Percent-encoding and HTML character references decoded, repeatedly (bounded)."""
    for _ in range(3):
        decoded = text
        if "%" in decoded:
            with contextlib.suppress(UnicodeDecodeError):
                decoded = unquote(decoded, errors="strict")
        if "&" in decoded:
            decoded = _ENTITY_RE.sub(_unescape, decoded)
        if decoded == text:
            break
        text = decoded
    return text


def _unescape(match: regex.Match[str]) -> str:
    return html.unescape(match.group())


def map_lookalikes(text: str) -> str:
    """``text`` with DOI look-alike characters replaced by the ASCII ones they imitate."""
    if text.isascii():
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(_LOOKALIKES.get(code, char))
    return "".join(out)


def _unwrap(text: str) -> str:
    """``text`` without one pair of enclosing brackets or quotes: ``(10.1/x)`` -> ``10.1/x``."""
    if len(text) > 2 and _PAIRS.get(text[0]) == text[-1]:
        inner = text[1:-1].strip()
        if text[0] not in "([<{" or inner.count(text[0]) == inner.count(text[-1]):
            return inner
    return text


def _strip_trailing(text: str) -> str:
    """``text`` without trailing ``.,;:`` and without unbalanced closing brackets."""
    for _ in range(8):
        before = text
        text = text.rstrip(_TRAILING_PUNCT)
        for opener, closer in (("(", ")"), ("[", "]"), ("<", ">")):
            if text.endswith(closer) and text.count(closer) > text.count(opener):
                text = text[:-1]
        if text == before:
            break
    return text


def is_doi(value: str, *, strict: bool = False) -> bool:
    """Whether ``value`` is a bare DOI. By default the DOI Handbook's structure (``10.`` +
    registrant code + ``/`` + a suffix of printable characters) without the characters only
    damaged values carry (``"\\{}|^```); with ``strict``, Crossref's recommended pattern
    (:data:`DOI_RE`), which about 0.7 % of registered DOIs fail. Never raises."""
    if strict:
        return DOI_RE.match(value) is not None
    return _DOI_SHAPE_RE.match(value) is not None and not _FOREIGN_CHARS.intersection(value)


def normalise_doi(value: object) -> str | None:
    """The bare DOI of ``value`` by safe, meaning-preserving steps only, or None.

    Strips surrounding whitespace, invisible characters and no-break spaces and resolver or
    scheme prefixes (``https://doi.org/``, ``doi:``...), and decodes percent-encoding and
    HTML character references when the value is no DOI without it; the result must pass
    :func:`is_doi`. Case is kept (:func:`doi_key` compares). Never raises, and
    ``normalise_doi(result) == result``; a value that passes :func:`is_doi` is returned as is.
    """
    if not isinstance(value, str):
        return None
    if _CLEAN_DOI_RE.match(value) is not None:
        return value  # a clean bare DOI (see _CLEAN_DOI_RE) passes is_doi: returned as is
    return _normalise_doi(value)


@lru_cache(maxsize=1024)
def _normalise_doi(value: str) -> str | None:
    """:func:`normalise_doi` of a string, cached: the DOI, XREF and DUP rules and the
    record's key normalise the same few values of a record again and again."""
    text = _strip_resolvers(clean_doi_text(value))[0]
    if is_doi(text):
        return text
    decoded = clean_doi_text(_decode(text))
    return decoded if is_doi(decoded) else None


def doi_from_url(value: object) -> str | None:
    """The DOI a resolver URL (``doi.org``, ``dx.doi.org``, ``hdl.handle.net``) names, with
    the URL's percent-encoding decoded, or None for any other value."""
    if not isinstance(value, str):
        return None
    if value.startswith(_CLEAN) and _CLEAN_DOI_RE.match(value, len(_CLEAN)) is not None:
        # Nothing to clean, strip or decode in `https://doi.org/` + a clean DOI (see
        # _CLEAN_DOI_RE), and the DOI after the resolver is returned as is.
        return value[len(_CLEAN):]
    return _doi_from_url(value)


def _doi_from_url(value: str) -> str | None:
    """:func:`doi_from_url` without its shortcut (the reference it is tested against)."""
    text = clean_doi_text(value)
    match = _URL_RESOLVER_RE.match(text)
    if match is None:
        return None
    return normalise_doi(_decode(text[match.end():]))


def doi_match_key(value: object) -> str | None:
    """The key two spellings of one DOI share: :func:`normalise_doi`, decoded, ASCII-folded
    (:func:`doi_key`); None when ``value`` is no DOI."""
    if isinstance(value, str) and _CLEAN_DOI_RE.match(value) is not None:
        # A clean bare DOI is its own normal form, with nothing to decode and no prefix;
        # it is ASCII, where lower() is the ASCII case folding (and much faster).
        return value.lower()
    return _doi_match_key(value)


def _doi_match_key(value: object) -> str | None:
    """:func:`doi_match_key` without its shortcut (the reference it is tested against)."""
    bare = normalise_doi(value)
    if bare is None:
        return None
    decoded = _decode(bare) if "%" in bare or "&" in bare else bare
    return doi_key(decoded if is_doi(decoded) else bare)


def is_short_doi(value: str) -> bool:
    """Whether ``value`` is a short DOI (``10/gfzxgh``, shortdoi.org), bare or as a URL."""
    return _SHORT_DOI_RE.match(_strip_resolvers(clean_doi_text(value))[0]) is not None


def canonical_doi_url(value: str) -> str | None:
    """``value`` with a legacy DOI resolver (``http://``, ``dx.``, ``www.``) replaced by
    ``https://doi.org/``, or None when it does not start with one (DOI011)."""
    if not value.startswith(("h", "H")) or (
            value.startswith(_CLEAN) and not value.startswith("https://doi.org//")):
        # Every legacy form starts with `http`; the current one, one slash after the host
        # and then anything else, is none of them.
        return None
    return _canonical_doi_url(value)


def _canonical_doi_url(value: str) -> str | None:
    """:func:`canonical_doi_url` without its shortcut (the reference it is tested against)."""
    match = _LEGACY_URL_RE.match(value)
    if match is None or match.end() >= len(value):
        return None
    return DOI_RESOLVER + value[match.end():]




def _clean_analysis(value: str, url_form: bool) -> DoiAnalysis | None:
    """The analysis of a value that is plainly a clean DOI, or None to run the full analysis.

    Why the shortcut gives what :func:`_analyse_doi` gives: a value matching
    :data:`_CLEAN_DOI_RE` (after ``https://doi.org/`` when ``url_form``) is ASCII and printable
    with no whitespace (nothing for DOI004), starts with ``10.`` where no resolver or scheme
    prefix can (nothing for DOI003; in ``url_form`` the one ``https://doi.org/`` is the form
    and the rest starts with ``10.``), holds no ``%`` or ``&`` (nothing to decode), no non-ASCII
    look-alike, no enclosing pair (its first character is ``1``), a valid registrant prefix
    with the suffix right after the slash, no whitespace, ``,``, ``;`` or ``|`` to start a
    second value, and ends in a letter or digit (no trailing punctuation or closing bracket). What
    remains of :func:`_judge` is :func:`_truncated`, which is run; the placeholder values all
    fail the pattern (none starts with ``10.`` and a four-digit code).
    """
    if url_form:
        if not value.startswith(_CLEAN):
            return None
        bare = value[len(_CLEAN):]
    else:
        bare = value
    if _CLEAN_MIXED_DOI_RE.match(bare) is None and (
            _CLEAN_DOI_RE.match(bare) is None or _truncated(bare) is not None):
        return None
    return DoiAnalysis((), bare)


@lru_cache(maxsize=4096)
def analyse_doi(value: str, *, url_form: bool = False,
                registered: bool = False) -> DoiAnalysis:
    """Every defect of the DOI value ``value``, each of a :class:`DoiDefect` kind.

    ``url_form``: the shape stores the DOI as a ``https://doi.org/`` URL, which is then no
    defect (other resolver URLs are DOI011's). ``registered``: the value is the registration
    agency's own metadata, so its DOI is registered exactly as written (odd characters, a
    trailing ``.`` or a letters-only suffix are the DOI, not copy errors): only the mechanical
    defects (whitespace, resolver prefixes, encoding) are looked for. Never raises.
    """
    clean = _clean_analysis(value, url_form)
    if clean is not None:
        return clean
    return _analyse_doi(value, url_form=url_form, registered=registered)


def _analyse_doi(value: str, *, url_form: bool = False,
                 registered: bool = False) -> DoiAnalysis:
    """:func:`analyse_doi` without the shortcut for clean DOIs (the reference it is tested
    against)."""
    problems: list[DoiProblem] = []
    cleaned = clean_doi_text(value)
    if not cleaned:
        return DoiAnalysis((), None)
    if cleaned != value:
        hidden = "".join(c for c in value if _INVISIBLE_RE.match(c) and c not in _SPACE_CONTROLS)
        problems.append(DoiProblem(DoiDefect.INVISIBLE, hidden, cleaned) if hidden
                        else DoiProblem(DoiDefect.WHITESPACE, "", cleaned))
    bare, resolver = _strip_resolvers(cleaned)
    kept = ""  # the resolver the repaired value starts with (a URL in url_form, else none)
    if resolver and url_form and _URL_RESOLVER_RE.match(resolver):
        kept = resolver  # the shape's own form (or DOI011's legacy form)
    elif resolver and bare:
        problems.append(DoiProblem(DoiDefect.RESOLVER_PREFIX, resolver,
                                   DOI_RESOLVER + bare if url_form else bare))
        kept = DOI_RESOLVER if url_form else ""
    if not bare:
        return DoiAnalysis(tuple(problems), None)

    def wrap(text: str) -> str:
        return kept + text

    if _PERCENT_RE.search(bare) or _ENTITY_RE.search(bare):
        decoded = clean_doi_text(_decode(bare))
        # Inside a URL, percent-encoding is the URL's business unless it hides the slash.
        needed = not url_form or not kept or ("/" not in bare and "/" in decoded)
        if decoded != bare and needed:
            kind = (DoiDefect.PERCENT_ENCODED if _PERCENT_RE.search(bare)
                    else DoiDefect.HTML_ESCAPED)
            # Decoding is meaning-preserving; it is offered when what it gives is a DOI or
            # one whose other defects all have a repair (`10. 1000%2Fa0`).
            ok = is_doi(decoded) or (len(decoded) < len(bare) and analyse_doi(
                decoded, url_form=url_form, registered=registered).candidate is not None)
            problems.append(DoiProblem(kind, "", wrap(decoded) if ok else None))
            if not ok:
                return DoiAnalysis(tuple(problems), None)
            bare = decoded
    if registered:
        return DoiAnalysis(tuple(problems), bare)
    return _judge(bare, wrap, problems)


def _judge(base: str, wrap: Callable[[str], str],
           problems: list[DoiProblem]) -> DoiAnalysis:
    """The heuristic checks (DOI010, DOI009, DOI005, DOI002, DOI007), in that order, on a
    bare DOI already repaired of its mechanical defects; the rest is DOI001's candidate."""
    text = map_lookalikes(base)
    if text != base:
        odd = "".join(c for c, m in zip(base, text, strict=True) if c != m)
        problems.append(DoiProblem(DoiDefect.LOOKALIKE, odd, wrap(text)))
    if text.casefold() in _PLACEHOLDER_VALUES:
        problems.append(DoiProblem(DoiDefect.PLACEHOLDER, text))
        return DoiAnalysis(tuple(problems), None)
    pristine = text == base  # an unsafe repair is offered only while text is still base
    unwrapped = _unwrap(text)
    if unwrapped == text:  # `<10.1/x>.`: the pair, then the sentence's punctuation
        trimmed = _strip_trailing(text)
        inner = _unwrap(trimmed)
        unwrapped = inner if inner != trimmed else text
    if unwrapped != text:
        problems.append(DoiProblem(DoiDefect.ENCLOSED, f"{text[0]}{_PAIRS[text[0]]}",
                                   wrap(unwrapped) if pristine else None))
        # `(doi:10.1/x)`: the prefix inside is DOI003's once the brackets are gone.
        text, pristine = _strip_resolvers(unwrapped)[0], False
    found = _prefix_problem(text)
    if found is not None:
        kind, detail, repaired = found
        problems.append(DoiProblem(kind, detail,
                                   wrap(repaired) if pristine and repaired else None))
        if repaired is None:
            return DoiAnalysis(tuple(problems), None)
        text, pristine = repaired, False
    first, rest = _split_first(text)
    if rest:
        keep = first.rstrip(",;|").rstrip()
        if ANY_DOI_RE.search(rest):
            kind, detail = DoiDefect.SECOND_DOI, ""
        else:
            kind, detail = DoiDefect.TEXT_AFTER, rest.strip(" ,;|")
        separate = first != keep or _SEPARATE_RE.match(rest.lstrip()) is not None
        problems.append(DoiProblem(
            kind, detail, wrap(keep) if pristine and separate and is_doi(keep) else None))
        text, pristine = keep, False
    stripped = _strip_trailing(text)
    if stripped != text:
        problems.append(DoiProblem(DoiDefect.TRAILING, text[len(stripped):],
                                   wrap(stripped) if pristine else None))
        text = stripped
    reason = _truncated(text)
    if reason is not None:
        problems.append(DoiProblem(*reason))
        return DoiAnalysis(tuple(problems), None)
    return DoiAnalysis(tuple(problems), text)


def _split_first(text: str) -> tuple[str, str]:
    """The first value of ``text`` and the rest (cut at whitespace, or at a separator before
    a second DOI), or ``(text, "")``."""
    cut = len(text)
    for match in (_WS_RE.search(text), _SECOND_DOI_RE.search(text)):
        if match is not None:
            cut = min(cut, match.start())
    if cut == 0 or cut == len(text):
        return text, ""
    return text[:cut], text[cut:]


def _prefix_problem(text: str) -> tuple[DoiDefect, str, str | None] | None:
    """The defect of the DOI prefix ``10.xxxx/`` of ``text`` (a malformed prefix, a
    placeholder or a prefix alone, or no prefix at all): (kind, detail, text with the prefix
    repaired or None), or None when the prefix is fine."""
    head, slash, tail = text.partition("/")
    after = tail.lstrip()
    if slash and after == tail and _REGISTRANT_RE.match(head):
        return None
    if not slash:
        if _REGISTRANT_RE.match(_strip_trailing(head)):
            return DoiDefect.PREFIX_ONLY, head, None
        if _PLACEHOLDER_REGISTRANT_RE.match(head):
            return DoiDefect.PLACEHOLDER, head, None
        return DoiDefect.NOT_A_DOI, head, None
    squeezed = _WS_RE.sub("", head)
    if _PLACEHOLDER_REGISTRANT_RE.match(squeezed):
        return DoiDefect.PLACEHOLDER_PREFIX, squeezed, None
    if _SHORT_DOI_RE.match(text):
        return DoiDefect.SHORT_DOI, text, None
    if not squeezed.startswith(("10", "1O", "1o", "l0", "I0")):
        return DoiDefect.NOT_A_DOI, text, None
    repaired = squeezed.translate(_PREFIX_DIGITS)
    if not _REGISTRANT_RE.match(repaired):
        return DoiDefect.MALFORMED_PREFIX, head, None
    if repaired == head:
        return DoiDefect.PREFIX_WHITESPACE, "", repaired + slash + after
    return DoiDefect.MALFORMED_PREFIX, head, repaired + slash + after


def _valid_issn(text: str) -> bool:
    """python-stdnum's ISSN check, imported on first use: its imports cost start-up (see
    :mod:`biblint.domain.identifiers`, which imports this module)."""
    from stdnum import issn

    return bool(issn.is_valid(text))


def _truncated(text: str) -> tuple[DoiDefect, str] | None:
    """Why ``text`` (a DOI with a valid prefix) is truncated or a placeholder: (kind, detail),
    or None."""
    prefix, slash, suffix = text.partition("/")
    if not slash:
        return None
    if not suffix:
        return DoiDefect.PREFIX_ONLY, prefix
    if _PLACEHOLDER_SUFFIX_RE.match(suffix):
        return DoiDefect.PLACEHOLDER_SUFFIX, suffix
    if _ISSN_ONLY_RE.match(suffix) and _valid_issn(suffix):
        return DoiDefect.ISSN_SUFFIX, suffix
    if prefix in ISSN_PREFIXES and _ISSN8_RE.match(suffix) and _valid_issn(suffix):
        return DoiDefect.JOURNAL_ISSN_SUFFIX, suffix
    if _CODE_ONLY_RE.match(suffix):
        return DoiDefect.JOURNAL_CODE_SUFFIX, suffix
    return None


# -- PMID, ORCID, arXiv, ISSN and ISBN (the ID and AUTH rules) -----------------------------
# Check digits come from python-stdnum (ISO 3297 for ISSN, ISO 2108 for ISBN, ISO 7064
# MOD 11-2 for ORCID); nothing here computes one. Every function below is pure and never
# raises on any string.
