"""Identifiers other than the DOI: PMID, PMCID, ORCID, arXiv, and guessing the scheme of a
value (ISSN, ISBN, ...).

Check digits come from python-stdnum (ISO 3297 for ISSN, ISO 2108 for ISBN, ISO 7064 MOD 11-2
for ORCID); nothing here computes one. python-stdnum is imported where a check digit is
checked, not when this module is: its own imports (pydoc, ssl) cost 40-70 ms of start-up,
which a run with no ISSN, ISBN or ORCID in it never needs (:func:`valid_issn`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import regex

from .doi import ANY_DOI_RE, strip_doi_prefix

PMCID_RE = regex.compile(r"^PMC[1-9][0-9]*\Z")
PMID_RE = regex.compile(r"^[1-9][0-9]{0,8}\Z")


# A PMCID as people write it: an optional "PMCID" label, an optional "PMC" prefix in any case,
# separators, then the number (leading zeros are padding). Anything else is not guessed at.
_PMCID_LOOSE_RE = regex.compile(
    r"^(?:pmcid\s*[:=#]?\s*)?(?:pmc)?[\s:=#_-]*0*([1-9][0-9]*)\Z", regex.IGNORECASE
)
_PMC_URL_PREFIXES = (
    "https://www.ncbi.nlm.nih.gov/pmc/articles/",
    "http://www.ncbi.nlm.nih.gov/pmc/articles/",
    "https://ncbi.nlm.nih.gov/pmc/articles/",
    "https://pmc.ncbi.nlm.nih.gov/articles/",
    "https://europepmc.org/article/pmc/",
    "https://europepmc.org/articles/",
    "http://europepmc.org/articles/",
)


def normalise_pmcid(value: object) -> str | None:
    """The canonical ``PMC…`` form of a value known to be a PMCID, or None if it is unclear.

    Accepts the forms whose intent is unambiguous: ``"pmc123"``, ``"PMC 123"``, ``"PMC:123"``,
    ``" PMC123 "``, ``"PMCID: PMC123"``, bare digits ``"123"`` or the integer ``123``, and a
    PMC or Europe PMC article URL. Versioned (``PMC123.1``), zero, negative, non-ASCII-digit
    and any other values give None. Never raises; ``normalise_pmcid(result) == result``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # Bounded: a PMCID has a handful of digits, and str() of a huge int can raise.
        return f"PMC{value}" if 0 < value < 10**18 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if PMCID_RE.fullmatch(text):
        return text
    lower = text.lower()
    for prefix in _PMC_URL_PREFIXES:
        if lower.startswith(prefix):
            text = text[len(prefix):].rstrip("/").strip()
            break
    match = _PMCID_LOOSE_RE.fullmatch(text)
    return f"PMC{match.group(1)}" if match else None


_PMID_URL_PREFIXES = (
    "https://pubmed.ncbi.nlm.nih.gov/",
    "http://pubmed.ncbi.nlm.nih.gov/",
    "https://www.ncbi.nlm.nih.gov/pubmed/",
    "http://www.ncbi.nlm.nih.gov/pubmed/",
    "https://ncbi.nlm.nih.gov/pubmed/",
    "https://europepmc.org/article/med/",
    "https://europepmc.org/abstract/med/",
)
# A PMID as people write it: an optional "PMID"/"PubMed ID" label, separators, leading zeros
# (padding), then at most nine digits.
_PMID_LOOSE_RE = regex.compile(
    r"(?:(?:pmid|pubmed(?:\s*+id)?+)\s*+[:=#]?+\s*+)?+0*+([1-9][0-9]{0,8}+)\Z",
    regex.IGNORECASE,
)


def normalise_pmid(value: object) -> str | None:
    """The canonical PMID (ASCII digits, no leading zero) of a value known to be a PMID.

    Accepts ``"40849737"``, ``" PMID: 40849737"``, ``"pmid40849737"``, ``"000123"``, the
    integer ``40849737`` and PubMed or Europe PMC URLs. Zero, negative numbers, more than
    nine digits and anything else give None. Never raises;
    ``normalise_pmid(result) == result``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 < value < 10**9 else None
    if not isinstance(value, str) or len(value) > 200:
        return None
    text = value.strip()
    lower = text.lower()
    for prefix in _PMID_URL_PREFIXES:
        if lower.startswith(prefix):
            text = text[len(prefix):].rstrip("/").strip()
            break
    if not text.isascii():
        return None
    match = _PMID_LOOSE_RE.fullmatch(text)
    return match.group(1) if match else None


ORCID_RE = regex.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]\Z")
"""The hyphenated form of an ORCID iD (16 characters, the last may be X)."""
ORCID_HOST = "orcid.org"
_ORCID_URL_RE = regex.compile(
    r"(?P<scheme>[A-Za-z]{3,8}+://)?+(?P<host>[A-Za-z0-9.-]{1,64}+)/(?P<body>[^/]*+)/?+\Z"
)
_ORCID_LABEL_RE = regex.compile(r"orcid(?:\s*+id)?+\s*+[:#]?+\s*+(?=[0-9])", regex.IGNORECASE)
_ORCID_BODY_RE = regex.compile(r"[0-9Xx-]++")


class OrcidDefect(Enum):
    """A kind of defect of an ORCID value (the rule that reports them words them)."""

    WHITESPACE = "whitespace"
    LABEL = "label"
    """An ``ORCID:`` label before the id."""
    SCHEME = "scheme"
    """A URL scheme other than http(s); detail: the scheme."""
    NO_SCHEME = "no-scheme"
    WWW_HOST = "www-host"
    OTHER_HOST = "other-host"
    """A host other than orcid.org (the sandbox...); detail: the host."""
    TRAILING_SLASH = "trailing-slash"
    NOT_AN_ORCID = "not-an-orcid"
    """Nothing ORCID-shaped; detail: the value."""
    LENGTH = "length"
    """Not 16 characters; detail: how many."""
    X_NOT_LAST = "x-not-last"
    LOWER_X = "lower-x"
    HYPHENS = "hyphens"
    CHECK_CHARACTER = "check-character"
    """The check character fails ISO 7064 MOD 11-2."""


@dataclass(frozen=True)
class OrcidCheck:
    """What :func:`check_orcid` found in one value."""

    key: str | None
    """The 16 characters (X upper-cased) when the value holds an ORCID-shaped id, for
    comparing ORCIDs written in different forms; None otherwise."""
    defects: tuple[tuple[OrcidDefect, str], ...]
    """What is wrong with the value (kind, detail), in order; empty for a well-formed ORCID."""
    fixed: str | None
    """The corrected value when every problem has a deterministic fix, else None."""


def _hyphenated(key: str) -> str:
    return f"{key[0:4]}-{key[4:8]}-{key[8:12]}-{key[12:16]}"


def check_orcid(value: str) -> OrcidCheck:
    """Check an ORCID iD as a URL (``https://orcid.org/0000-0002-1825-0097``, Crossref's
    ``http://orcid.org/...``) or bare (``0000-0002-1825-0097``).

    Reported: surrounding whitespace, an ``ORCID:`` label, a URL without a scheme, a host
    other than ``orcid.org`` (``www.orcid.org`` is fixable; the sandbox and other hosts are
    not), missing or misplaced hyphens, a lower-case ``x``, a length other than 16
    characters, and a check character that fails ISO 7064 MOD 11-2 (python-stdnum). The
    scheme (``http``/``https``) is kept as written. Never raises.
    """
    from stdnum.iso7064 import mod_11_2

    D = OrcidDefect
    problems: list[tuple[OrcidDefect, str]] = []
    fixable = True
    text = value.strip()
    if text != value:
        problems.append((D.WHITESPACE, ""))
    label = _ORCID_LABEL_RE.match(text)
    if label is not None:
        problems.append((D.LABEL, ""))
        text = text[label.end():]
    prefix = ""
    url = _ORCID_URL_RE.fullmatch(text) if "/" in text else None
    if url is not None:
        scheme = (url["scheme"] or "").lower()
        host = url["host"].lower()
        body = url["body"]
        if scheme not in ("", "http://", "https://"):
            problems.append((D.SCHEME, scheme))
            fixable = False
        elif not scheme:
            problems.append((D.NO_SCHEME, ""))
        if host == "www.orcid.org":
            problems.append((D.WWW_HOST, ""))
        elif host != ORCID_HOST:
            problems.append((D.OTHER_HOST, host))
            fixable = False
        if text.endswith("/"):
            problems.append((D.TRAILING_SLASH, ""))
        prefix = (scheme or "https://") + ORCID_HOST + "/"
    else:
        body = text
    if not _ORCID_BODY_RE.fullmatch(body):
        return OrcidCheck(None, ((D.NOT_AN_ORCID, value),), None)
    compact = body.replace("-", "")
    if len(compact) != 16:
        return OrcidCheck(None, ((D.LENGTH, str(len(compact))),), None)
    if "x" in compact[:15].lower():
        return OrcidCheck(None, ((D.X_NOT_LAST, ""),), None)
    key = compact.upper()
    if compact[15] == "x":
        problems.append((D.LOWER_X, ""))
    if body.upper() != _hyphenated(key):
        problems.append((D.HYPHENS, ""))
    if not mod_11_2.is_valid(key):
        problems.append((D.CHECK_CHARACTER, ""))
        fixable = False
    if not problems:
        return OrcidCheck(key, (), None)
    fixed = prefix + _hyphenated(key) if fixable else None
    return OrcidCheck(key, tuple(problems), fixed)


def orcid_key(value: object) -> str | None:
    """The 16-character comparison key of an ORCID in any form, or None. Never raises."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    return check_orcid(value).key


_ARXIV_NEW_RE = regex.compile(
    r"(?P<yy>[0-9]{2})(?P<mm>[0-9]{2})\.(?P<num>[0-9]{4,5}+)(?:v[1-9][0-9]{0,3}+)?+\Z"
)
_ARXIV_OLD_RE = regex.compile(
    r"[a-z]{2,8}+(?:-[a-z]{2,8}+)?+(?:\.[A-Z]{2})?+/(?P<yy>[0-9]{2})(?P<mm>[0-9]{2})[0-9]{3}"
    r"(?:v[1-9][0-9]{0,3}+)?+\Z"
)
_ARXIV_PREFIX_RE = regex.compile(
    r"arxiv\s*+:\s*+|(?:https?://)?+(?:www\.|export\.)?+arxiv\.org/(?:abs|pdf)/",
    regex.IGNORECASE,
)


class ArxivDefect(Enum):
    """A kind of defect of an arXiv identifier (the rule that reports them words them)."""

    MONTH = "month"
    """The month does not exist; detail: the month."""
    BEFORE_NEW_STYLE = "before-new-style"
    """A new-style id before April 2007."""
    NEEDS_4_DIGITS = "needs-4-digits"
    """A new-style id before 2015 without a 4-digit number."""
    NEEDS_5_DIGITS = "needs-5-digits"
    """A new-style id from 2015 without a 5-digit number."""
    OLD_STYLE_YEARS = "old-style-years"
    """An old-style id outside 1991 to 2007."""
    NOT_ARXIV = "not-arxiv"
    """Not of either form."""
    TOO_LONG = "too-long"
    PREFIX = "prefix"
    """A prefix, suffix or whitespace around a valid identifier."""


ArxivProblem = tuple[ArxivDefect, str]
"""A defect of an arXiv identifier and its detail."""


def arxiv_problem(text: str) -> ArxivProblem | None:
    """Why ``text`` is not a bare arXiv identifier, or None when it is one.

    New style ``YYMM.NNNN`` (April 2007 to December 2014) or ``YYMM.NNNNN`` (from January
    2015), old style ``archive(.SC)/YYMMNNN`` (1991 to March 2007), each with an optional
    version ``vN``; the month must exist.
    """
    new = _ARXIV_NEW_RE.fullmatch(text)
    if new is not None:
        yymm, digits = int(new["yy"] + new["mm"]), len(new["num"])
        if not 1 <= int(new["mm"]) <= 12:
            return ArxivDefect.MONTH, new["mm"]
        if yymm < 704:
            return ArxivDefect.BEFORE_NEW_STYLE, ""
        if yymm <= 1412 and digits != 4:
            return ArxivDefect.NEEDS_4_DIGITS, ""
        if yymm >= 1501 and digits != 5:
            return ArxivDefect.NEEDS_5_DIGITS, ""
        return None
    old = _ARXIV_OLD_RE.fullmatch(text)
    if old is not None:
        year = int(old["yy"])
        if not 1 <= int(old["mm"]) <= 12:
            return ArxivDefect.MONTH, old["mm"]
        if 8 <= year <= 90:
            return ArxivDefect.OLD_STYLE_YEARS, ""
        return None
    return ArxivDefect.NOT_ARXIV, ""


def check_arxiv(value: str) -> tuple[ArxivProblem | None, str | None]:
    """``(problem, fixed)`` for an arXiv identifier; ``(None, None)`` when it is well formed.

    A prefix (``arXiv:``, an ``arxiv.org/abs/`` or ``/pdf/`` URL, a ``.pdf`` suffix) or
    surrounding whitespace around a valid identifier has the bare identifier as its fix.
    Never raises.
    """
    if len(value) > 200:
        return (ArxivDefect.TOO_LONG, ""), None
    text = value.strip()
    prefix = _ARXIV_PREFIX_RE.match(text)
    bare = text[prefix.end():] if prefix is not None else text
    if prefix is not None and bare.endswith(".pdf"):
        bare = bare[:-4]
    bare = bare.strip().rstrip("/")
    problem = arxiv_problem(bare)
    if problem is not None:
        return problem, None
    if bare != value:
        return (ArxivDefect.PREFIX, ""), bare
    return None, None


# An ISSN only with its hyphen: eight bare digits are as often a PMID that happens to pass
# the modulo-11 check (one in eleven do).
_ISSN_SHAPE_RE = regex.compile(r"[0-9]{4}-[0-9]{3}[0-9Xx]\Z")
_ISBN_SHAPE_RE = regex.compile(r"[0-9][0-9 -]{8,15}[0-9Xx]\Z")
_PMCID_SHAPE_RE = regex.compile(r"pmc\s*+[0-9]++\Z", regex.IGNORECASE)


def identifier_scheme(value: object) -> str | None:
    """The identifier scheme a string looks like: ``doi``, ``pmcid``, ``arxiv``, ``orcid``,
    ``issn``, ``isbn`` or ``pmid``; None when it looks like none of them.

    DOIs are recognised with or without a resolver prefix, arXiv ids with or without an
    ``arXiv:`` prefix; an ISSN or ISBN only when its check digit is right; a PMID is bare
    digits (1 to 9, no leading zero), so any short number reads as one. Never raises.
    """
    if not isinstance(value, str) or len(value) > 200:
        return None
    text = value.strip()
    if not text:
        return None
    if ANY_DOI_RE.match(strip_doi_prefix(text)):
        return "doi"
    if _PMCID_SHAPE_RE.fullmatch(text):
        return "pmcid"
    if ORCID_RE.fullmatch(text.upper()):
        return "orcid"
    if "." in text or "/" in text or ":" in text:
        problem, fixed = check_arxiv(text)
        return "arxiv" if problem is None or fixed is not None else None
    if _ISSN_SHAPE_RE.fullmatch(text) and valid_issn(text):
        return "issn"
    if PMID_RE.fullmatch(text):
        return "pmid"
    if _ISBN_SHAPE_RE.fullmatch(text) and valid_isbn(text):
        return "isbn"
    return None


def _is_valid(check: Callable[[str], bool], text: str) -> bool:
    """A python-stdnum ``is_valid`` that cannot raise."""
    try:
        return bool(check(text))
    except Exception:  # python-stdnum documents none; be certain
        return False


def valid_issn(text: str) -> bool:
    """Whether an ISSN (hyphen optional) has the right check digit (python-stdnum, ISO 3297).
    Never raises."""
    from stdnum import issn  # on first use: see the module docstring

    return _is_valid(issn.is_valid, text)


def format_issn(compact: str) -> str:
    """A valid ISSN written ``NNNN-NNNC`` (python-stdnum's ``issn.format``)."""
    from stdnum import issn

    return str(issn.format(compact))


def valid_isbn(text: str) -> bool:
    """Whether an ISBN-10 or ISBN-13 has the right check digit (python-stdnum, ISO 2108).
    Never raises."""
    from stdnum import isbn

    return _is_valid(isbn.is_valid, text)


# Platform name (lower case, letters and digits only) -> (record id pattern, what it is).
PLATFORM_ID_FORMATS: dict[str, tuple[regex.Pattern[str], str]] = {
    "semanticscholar": (regex.compile(r"[0-9a-fA-F]{40}"), "a 40-hex Semantic Scholar paper id"),
    "s2": (regex.compile(r"[0-9a-fA-F]{40}"), "a 40-hex Semantic Scholar paper id"),
    "openalex": (regex.compile(r"(?:https://openalex\.org/)?W[1-9][0-9]*"),
                 "an OpenAlex work id (W…)"),
}
"""The record-id formats of source platforms (ID009), read through a profile's
``source_id_formats``."""
