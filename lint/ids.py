"""Identifier parsing shared by rules and the engine (DOI, PMID, PMCID).

Check digits (ISSN, ISBN, ORCID) come from python-stdnum in the rules that need them; this
module holds only the syntax that no maintained library covers the way a linter needs it
(strict, with the reason for each rejection).
"""

from __future__ import annotations

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
PMCID_RE = regex.compile(r"^PMC[1-9][0-9]*\Z")
PMID_RE = regex.compile(r"^[1-9][0-9]{0,8}\Z")


def strip_doi_prefix(value: str) -> str:
    """``value`` without a resolver or scheme prefix (``https://doi.org/``, ``doi:``...)."""
    text = value.strip()
    lower = text.lower()
    for prefix in _DOI_PREFIXES:
        if lower.startswith(prefix):
            return text[len(prefix):].strip()
    return text


def doi_key(value: str) -> str:
    """The comparison key of a DOI: bare and ASCII-case-folded (DOIs are case-insensitive)."""
    bare = strip_doi_prefix(value)
    return bare.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def doi_suffix(value: str) -> str | None:
    """The suffix of a DOI (the part after the first slash), or None."""
    bare = strip_doi_prefix(value)
    prefix, slash, suffix = bare.partition("/")
    return suffix if slash and prefix.startswith("10.") and suffix else None


def doi_url(value: str) -> str:
    """The display form recommended by Crossref: ``https://doi.org/`` + the bare DOI."""
    return DOI_RESOLVER + strip_doi_prefix(value)


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
