"""Pages as bibliographic records write them: parsing for the PAGE rules.

A page is a number with an optional letter prefix and suffix (``123``, ``S12``, ``D480``,
``e30``, ``123a``) or a roman numeral (``xii``); a range is two pages joined by a dash, which
records write as ``-``, ``--``, an en or em dash, or a dash with spaces (Semantic Scholar's
``D480 - D489``); a ``pp.``/``p.`` label may lead. Ranges may be elided as MEDLINE writes them
(NLM: ``123-45`` is 123-145, ``1199-205`` is 1199-1205, ``12-9`` is 12-19).

Every function is pure and never raises, whatever string it is given; regexes are anchored,
bounded and linear-time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import regex

from .doi import doi_key, doi_suffix

MAX_TEXT = 80
"""Longer strings are not page ranges: they are not parsed."""

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
"""Characters used as range dashes: hyphen-minus, hyphen, non-breaking hyphen, figure dash,
en dash, em dash, horizontal bar, minus sign."""

_ROMAN_RE = regex.compile(
    r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})", regex.IGNORECASE
)
_PAGE = r"(?:[A-Za-z]{0,3}[0-9]{1,20}[A-Za-z]?|[ivxlcdm]{1,15}|[IVXLCDM]{1,15})"
_SPACE = r"[ \t\u00a0]"
# _RANGE_RE and _PAGE_PARTS_RE are the standard library's ``re``: they use explicit classes
# only, so they mean there what they mean to ``regex``, and a call costs a quarter; they only
# see strings of at most MAX_TEXT characters.
_RANGE_RE = re.compile(
    rf"(?P<label>(?:[Pp][Pp]?\.|[Pp][Pp]?{_SPACE}|[Pp]ages?{_SPACE}|[Pp]gs?\.){_SPACE}*)?"
    rf"(?P<start>{_PAGE})"
    rf"(?:(?P<sep>{_SPACE}*(?:--?|[\u2010-\u2015\u2212]){_SPACE}*)(?P<end>{_PAGE}))?"
)
_PAGE_PARTS_RE = re.compile(
    r"(?P<prefix>[A-Za-z]{0,3}?)(?P<digits>[0-9]{1,20})(?P<suffix>[A-Za-z]?)"
)
_PLAIN_RANGE = (rf"(?:[Pp][Pp]?\.{_SPACE}*)?{_PAGE}(?:{_SPACE}*(?:--?|[\u2010-\u2015\u2212])"
                rf"{_SPACE}*{_PAGE})?")
_LIST_RE = regex.compile(
    rf"{_PLAIN_RANGE}(?:{_SPACE}*[,;&]{_SPACE}*{_PLAIN_RANGE}){{1,50}}"
    rf"(?:,?{_SPACE}+(?:passim|cont'?d\.?|continued|et{_SPACE}+seq\.?|ff\.?))?",
    regex.IGNORECASE,
)
_PASSIM_RE = regex.compile(
    rf"(?:{_PLAIN_RANGE},?{_SPACE}+)?(?:passim|cont'?d\.?|continued|et{_SPACE}+seq\.?)",
    regex.IGNORECASE,
)
_ELOCATOR_RE = re.compile(r"[eE][0-9]+")
_LONG_NUMBER_RE = re.compile(r"[0-9]{7,}")
_HAS_DIGIT_RE = re.compile(r"[0-9]")
MIN_SUFFIX = 5
"""A DOI suffix shorter than this (``10.1000/182``) may equal a real page by chance."""
MIN_TAIL = 6
"""The last ``.``/``/`` segment of a DOI suffix counts from this length: shorter tails are
real first pages in DOIs such as ``10.1103/PhysRevLett.77.3865`` (page 3865)."""
_TAIL_REASON = "is the end of the DOI (an article number)"


@dataclass(frozen=True)
class Page:
    """One page as written: ``S12`` is prefix ``S``, number 12."""

    text: str
    prefix: str = ""
    digits: str = ""
    """The arabic number as written (``""`` for a roman numeral)."""
    suffix: str = ""
    roman: bool = False

    @property
    def number(self) -> int:
        """The page's value: the arabic number, or the roman numeral's value."""
        if self.roman:
            return roman_value(self.text) or 0
        return int(self.digits) if self.digits else 0


@dataclass(frozen=True)
class PageRange:
    """A page or a page range as written."""

    text: str
    """The value as given, outer whitespace removed."""
    start: Page
    end: Page | None = None
    label: str = ""
    """A leading ``pp.``/``p.``/``pages`` label, as written (with its spaces)."""
    separator: str = ""
    """The dash between the pages, as written with its spaces (``""`` for a single page)."""

    @property
    def comparable(self) -> bool:
        """Whether start and end are numbers of one system that can be compared: both roman,
        or both arabic with the same prefix (or none on the end, ``S12-19``) and no suffix."""
        end = self.end
        if end is None:
            return False
        if self.start.roman or end.roman:
            return self.start.roman and end.roman
        if self.start.suffix or end.suffix:
            return False
        return end.prefix in ("", self.start.prefix) or (
            end.prefix.lower() == self.start.prefix.lower())

    @property
    def elided(self) -> bool:
        """End written with fewer digits than the start (``123-45``): MEDLINE's elision."""
        end = self.end
        return (end is not None and self.comparable and not self.start.roman
                and len(end.digits) < len(self.start.digits)
                and int(end.digits) < int(self.start.digits))

    def expanded_end(self) -> int | None:
        """The end page an elided range stands for (``1199-205`` -> 1205), if the elision is
        sound (the expansion is not below the start); None otherwise."""
        end = self.end
        if end is None or not self.elided:
            return None
        start = self.start.digits
        full = int(start[: len(start) - len(end.digits)] + end.digits)
        return full if full >= int(start) else None

    @property
    def first(self) -> int:
        return self.start.number

    @cached_property
    def last(self) -> int | None:
        """The last page's number, elision expanded; None for a single page or when the two
        pages cannot be compared. Worked out once per range (ranges are frozen, and parsed
        ones are shared through the cache of :func:`parse_pages`: several PAGE rules ask)."""
        if self.end is None or not self.comparable:
            return None
        expanded = self.expanded_end()
        return expanded if expanded is not None else self.end.number

    @property
    def reversed(self) -> bool:
        """The range runs backwards even after a sound elision is expanded (``145-123``)."""
        last = self.last
        return last is not None and last < self.first

    @property
    def span(self) -> int | None:
        """Number of pages of a forward range (``12-19`` -> 8)."""
        last = self.last
        return last - self.first + 1 if last is not None and last >= self.first else None


def roman_value(text: object) -> int | None:
    """The value of a roman numeral written in one case (``xii`` -> 12), or None."""
    if not isinstance(text, str) or not text or len(text) > 15:
        return None
    if not (text.islower() or text.isupper()) or not _ROMAN_RE.fullmatch(text):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    previous = 0
    for char in reversed(text.lower()):
        value = values[char]
        if value < previous:
            total -= value
        else:
            total += value
            previous = value
    return total


def _page(text: str) -> Page | None:
    match = _PAGE_PARTS_RE.fullmatch(text)
    if match is not None:
        return Page(text, match["prefix"], match["digits"], match["suffix"])
    if roman_value(text) is not None:
        return Page(text, roman=True)
    return None


def parse_pages(text: object) -> PageRange | None:
    """A page or page range, or None when ``text`` is not one (lists, words, article ids with
    inner hyphens such as ``e941209-1``). Outer whitespace is ignored. Never raises."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    return _parse_pages(text)


@lru_cache(maxsize=1024)
def _parse_pages(text: str) -> PageRange | None:
    """:func:`parse_pages` of a string, cached (a pure function; the result is frozen): the
    PAGE rules parse the same value of a record again and again."""
    value = text.strip()
    match = _RANGE_RE.fullmatch(value)
    if match is None:
        return None
    start = _page(match["start"])
    if start is None:
        return None
    end: Page | None = None
    if match["end"] is not None:
        end = _page(match["end"])
        if end is None:
            return None
    return PageRange(value, start, end, match["label"] or "", match["sep"] or "")


def expand_elided(text: object) -> str | None:
    """``text`` with an elided end written out in full (``1199-205`` -> ``1199-1205``), all
    else kept; None when ``text`` is not a soundly elided range. Never raises; the result is
    not elided (expanding is idempotent) and its end is never below its start."""
    parsed = parse_pages(text)
    if parsed is None or parsed.end is None:
        return None
    full = parsed.expanded_end()
    if full is None:
        return None
    end = parsed.end
    new_end = f"{end.prefix}{full}{end.suffix}"
    return parsed.text[: len(parsed.text) - len(end.text)] + new_end


def normalise_separator(text: object, *, spaced: bool = False, dash: str = "-") -> str | None:
    """The canonical spelling of a page or range: no ``pp.`` label, ``dash`` (a hyphen-minus
    by default) between the pages, with one space each side when ``spaced`` (Semantic
    Scholar's habit), no outer whitespace. None when ``text`` does not parse. Never raises;
    idempotent."""
    parsed = parse_pages(text)
    if parsed is None:
        return None
    if parsed.end is None:
        return parsed.start.text
    joint = f" {dash} " if spaced else dash
    return f"{parsed.start.text}{joint}{parsed.end.text}"


def is_page_list(text: object) -> bool:
    """Whether ``text`` lists discontinuous pages (``34-6, 87-91``) or says ``passim``/
    ``cont'd``/``et seq.``. Never raises."""
    if not isinstance(text, str) or len(text) > 4 * MAX_TEXT:
        return False
    value = text.strip()
    return bool(_LIST_RE.fullmatch(value) or _PASSIM_RE.fullmatch(value))


def article_number_reason(text: object, doi: object) -> tuple[str, bool] | None:
    """Why a pages value is an article number rather than pages, and whether it comes from
    the DOI (so clearing it loses nothing), or None when it looks like pages.

    The DOI suffix or the DOI itself, the last ``.``/``/`` segment of the suffix when it has
    six or more characters (``107382`` of ``10.1016/j.compbiolchem.2020.107382``), an
    e-locator (``e0123456``) or a number of seven or more digits.
    """
    if not isinstance(text, str) or len(text) > 4 * MAX_TEXT:
        return None
    return _article_number_reason(text, doi if isinstance(doi, str) else None)


@lru_cache(maxsize=1024)
def _article_number_reason(text: str, doi: str | None) -> tuple[str, bool] | None:
    """:func:`article_number_reason` of a string and a DOI string or None, cached (a pure
    function): PAGE003, PAGE006 and DATE005 ask it of the same values of a record."""
    text = text.strip()
    if not text:
        return None
    if len(text) >= MIN_SUFFIX and doi is not None:
        suffix = doi_suffix(doi)
        if suffix is not None:
            if suffix.strip().lower() == text.lower():
                return "is the DOI suffix (an article number)", True
            if doi_key(text) == doi_key(doi):
                return "is the DOI", True
            if _is_tail(text, suffix):
                return _TAIL_REASON, True
    if _ELOCATOR_RE.fullmatch(text):
        return "is an e-locator", False
    if _LONG_NUMBER_RE.fullmatch(text):
        return "is a long number (an article number)", False
    return None


IDENTIFIER_DIGITS = 10
"""A number of this many digits is no page and no article number (the longest article
numbers, the Royal Society's ``20170387``, have eight or nine): it is an identifier, such as
SAGE's DOI suffix ``15266028251361770``."""


def identifier_reason(text: object, doi: object) -> tuple[str, bool] | None:
    """Why a pages value is an identifier rather than pagination, and whether it comes from
    the DOI, or None.

    Only the DOI, the whole DOI suffix and a number of :data:`IDENTIFIER_DIGITS` or more
    digits count. A publisher's own article number or e-locator is its pagination and is
    not returned, even where it is also the end of the DOI: PLOS and eLife ``e0123456``,
    PeerJ ``e6049``, Elsevier's ``107382`` of ``10.1016/j.compbiolchem.2020.107382``, AIP's
    ``033101``, Oxford's ``fiv167``, the Royal Society's ``20170387``: citation styles print
    them where pages go, as the publishers ask.
    """
    reason = article_number_reason(text, doi)
    if reason is None:
        return None
    if reason[1]:
        return reason if reason[0] != _TAIL_REASON else None
    if isinstance(text, str) and len(text.strip()) >= IDENTIFIER_DIGITS \
            and _LONG_NUMBER_RE.fullmatch(text.strip()):
        return "is a long number (an identifier, not pages)", False
    return None


def _is_tail(text: str, suffix: str) -> bool:
    """Whether ``text`` is the last ``.`` or ``/`` segment of a DOI suffix, and long enough
    (``107382`` in ``j.compbiolchem.2020.107382``, ``fiv167`` in ``femsec/fiv167``)."""
    suffix = suffix.strip()
    if len(text) < MIN_TAIL or len(text) >= len(suffix):
        return False
    tail = suffix[-len(text) - 1:]
    return (tail[0] in "./" and tail[1:].lower() == text.lower()
            and _HAS_DIGIT_RE.search(text) is not None)
