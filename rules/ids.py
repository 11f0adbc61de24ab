"""ID: identifier syntax and check digits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import regex

from biblint.domain.doi import strip_doi_prefix
from biblint.domain.identifiers import (
    PMCID_RE,
    PMID_RE,
    ArxivDefect,
    ArxivProblem,
    OrcidCheck,
    OrcidDefect,
    check_arxiv,
    check_orcid,
    format_issn,
    identifier_scheme,
    normalise_pmcid,
    normalise_pmid,
    valid_isbn,
    valid_issn,
)
from biblint.domain.show import shown as _shown
from biblint.model import Applicability, Fix, PatchOp, Violation, lookup
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, Context, rule

from .authors import author_list

PMCID_BARE_DIGITS = Convention.PMCID_BARE_DIGITS
"""Profile convention: the shape stores PMCIDs as bare digits (Semantic Scholar's
``externalIds.PubMedCentral``); ID002 accepts them there."""
PMCID_AS_URL = Convention.PMCID_AS_URL
"""Profile convention: the shape stores PMCIDs as PMC article URLs (OpenAlex's
``ids.pmcid``, ``https://www.ncbi.nlm.nih.gov/pmc/articles/7123338``); ID002 accepts them."""
_BARE_DIGITS_RE = regex.compile(r"[1-9][0-9]*")
PMID_AS_URL = Convention.PMID_AS_URL
"""Profile convention: the shape stores PMIDs as PubMed URLs (OpenAlex's ``ids.pmid``,
``https://pubmed.ncbi.nlm.nih.gov/17435989``); ID001 accepts them."""
_PUBMED_URLS = ("https://pubmed.ncbi.nlm.nih.gov/", "http://pubmed.ncbi.nlm.nih.gov/")
_TOKEN_RE = regex.compile(r"[^,;\s]++")
_HAS_DIGIT_RE = regex.compile(r"[0-9]")
_ISSN_FORM_RE = regex.compile(r"[0-9]{4}-?+[0-9]{3}[0-9Xx]")
_ISBN_CHARS_RE = regex.compile(r"[0-9]++[Xx]?+")
_PLACEHOLDER_ISSNS = frozenset({"00000000"})
"""Valid-looking ISSNs that stand for none (Crossref's listing of deleted DOIs uses it)."""

_NOT_ALNUM_RE = regex.compile(r"[^a-z0-9]+")




@rule("ID002", "pmcid-malformed", severity="error", fix="safe", reads=("pmcid",))
def pmcid_malformed(record: Record, ctx: Context) -> Iterator[Violation]:
    """The PMCID is not of the form `PMC` followed by digits.

    ## What it does
    Checks the canonical `pmcid` field and reports a value that does not match
    `^PMC[1-9][0-9]*$`: a lower-case or spaced prefix (`pmc123`, `PMC 123`, `PMC:123`),
    surrounding spaces, bare digits, an integer, or anything else. A null PMCID is fine; an
    empty or blank string is left to TYP002 and TYP003.

    ## Why is this bad?
    PubMed Central, Europe PMC and the NCBI ID converter look PMCIDs up by their exact form;
    `pmc123` or a bare number fails to resolve, and two records of one article no longer
    share the identifier that should join them. Bare digits also read as a PMID.

    ## Example
    ```json
    {"PMCID": "pmc 10581430"}
    ```
    Use instead:
    ```json
    {"PMCID": "PMC10581430"}
    ```

    ## Fix
    Safe when the intent is unambiguous (the field is known to hold a PMCID): a `PMC` prefix
    in any case, separators or an `PMCID:` label, surrounding spaces, leading zeros, bare
    digits, an integer or a PMC article URL become `PMC` + the number. Anything else (a
    version suffix `PMC123.1`, letters, zero) is reported without a fix.

    Shapes whose profile declares the convention `pmcid-bare-digits` (Semantic Scholar) or
    `pmcid-as-url` (OpenAlex) are not reported for using that form.
    """
    found = record.field("pmcid")
    if found is None:
        return
    value = found.value
    if value is None or isinstance(value, (list, dict)):
        return
    if isinstance(value, str) and (not value.strip() or PMCID_RE.fullmatch(value)):
        return
    fixed = normalise_pmcid(value)
    conventions = record.profile.conventions
    if conventions and isinstance(value, str) and fixed is not None and (
        (PMCID_BARE_DIGITS in conventions and _BARE_DIGITS_RE.fullmatch(value))
        or (PMCID_AS_URL in conventions and value.startswith(("https://", "http://")))
    ):
        return
    fix = (Fix.replace(found.pointer, fixed, f"Normalise the PMCID to {fixed}")
           if fixed is not None else None)
    kind = "" if isinstance(value, str) else f" ({type(value).__name__})"
    yield Violation(f"PMCID {_shown(value)}{kind} is not of the form PMC<digits>",
                    found.pointer, fix)


@lru_cache(maxsize=256)
def _platform_key(name: str) -> str:
    return _NOT_ALNUM_RE.sub("", name.lower())


@rule("ID009", "source-id-missing", severity="info", reads=("platform", "source_id"))
def source_id_missing(record: Record, ctx: Context) -> Iterator[Violation]:
    """The record names its source platform but not its id there, or a malformed one.

    ## What it does
    When the record names the platform it came from (the canonical `platform` field, such
    as `"Semanticscholar"`), checks the platform's id of the record (the canonical
    `source_id` field, such as the aggregator's `paperid`): reports it when it is absent,
    null or blank, and, for platforms with a known id syntax, when it does not have that
    syntax (Semantic Scholar: 40 hexadecimal characters; OpenAlex: `W` and digits).

    ## Why is this bad?
    Without the platform id the record cannot be re-fetched to refresh its counts or fill
    its gaps, and it cannot be merged reliably with another copy of the same work from that
    platform: the only remaining keys (DOI, title) are missing or fuzzy for part of the data.

    ## Example
    ```json
    {"platform": "Semanticscholar", "paperid": null}
    ```
    Use instead:
    ```json
    {"platform": "Semanticscholar", "paperid": "649def34f8be52c8b66281af98ae884c09aef38b"}
    ```

    ## Fix
    None: the id has to be looked up at the platform (by DOI, for instance), which a linter
    does not do.
    """
    platform = record.field("platform")
    if platform is None or not isinstance(platform.value, str) or not platform.value.strip():
        return
    pointers = record.profile.pointers("source_id")
    if not pointers:
        return  # the shape has no place for the id: nothing to ask of it
    found = record.field("source_id")
    name = platform.value.strip()
    name = name if len(name) <= 40 else name[:39] + "…"
    if found is None:
        yield Violation(f"{name} id is missing: the record cannot be re-fetched or merged",
                        platform.pointer)
        return
    value = found.value
    if value is None or (isinstance(value, str) and not value.strip()):
        shown = "null" if value is None else "blank"
        yield Violation(f"{name} id is {shown}: the record cannot be re-fetched or merged",
                        found.pointer)
        return
    known = record.profile.source_id_formats.get(_platform_key(platform.value))
    if known is None:
        return
    pattern, what = known
    if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
        yield Violation(f"{name} id {_shown(value)} is not {what}", found.pointer)


def _tokens(value: str) -> list[tuple[int, int]]:
    """Spans of the identifier-like tokens of a string that may hold several (CSL's
    `"1006-4982, 1995-8196"`, Zotero's `"978-1-107-04452-4 978-1-107-68637-3"`): the runs
    between commas, semicolons and whitespace that contain a digit."""
    return [m.span() for m in _TOKEN_RE.finditer(value) if _HAS_DIGIT_RE.search(m.group())]


def _values(record: Record, name: str) -> Iterator[tuple[str, str, tuple[int, int] | None]]:
    """(pointer, text, span) of each string of a canonical field that may hold several
    identifiers: each item of a list, each token of a string (span None when the token is
    the whole stripped string)."""
    found = record.field(name)
    if found is None:
        return
    value = found.value
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                yield f"{found.pointer}/{index}", item, None
        return
    if not isinstance(value, str) or not value.strip():
        return
    spans = _tokens(value)
    if len(spans) == 1 and value[spans[0][0]:spans[0][1]] == value.strip():
        yield found.pointer, value, None
        return
    for span in spans:
        yield found.pointer, value, span


def _replace_token(text: str, span: tuple[int, int] | None, new: str) -> str:
    if span is None:
        return new
    return text[: span[0]] + new + text[span[1]:]


@rule("ID001", "pmid-malformed", severity="error", fix="safe", reads=("pmid",))
def pmid_malformed(record: Record, ctx: Context) -> Iterator[Violation]:
    """The PMID is not a bare PubMed identifier (1 to 9 digits, no leading zero).

    ## What it does
    Checks the canonical `pmid` field and reports a value that does not match
    `^[1-9][0-9]{0,8}$`: a `PMID:` label, a PubMed URL, leading zeros, surrounding spaces,
    zero, a number stored as a JSON number, or anything else. A null PMID is fine; empty and
    blank strings are left to TYP002 and TYP003, and a value that is plainly another
    identifier (a DOI, a PMCID) to ID008. A shape whose profile declares the convention
    `pmid-as-url` (OpenAlex's `https://pubmed.ncbi.nlm.nih.gov/…`) may use that form.

    ## Why is this bad?
    PubMed, Europe PMC and the NCBI ID converter look a PMID up by its digits. A label or URL
    in the field, or a padded `"00012345"` that lenient validators accept (idutils does),
    breaks lookups and joins between records of one article; `0` is a placeholder.

    ## Example
    ```json
    {"PMID": "PMID: 40849737"}
    ```
    Use instead:
    ```json
    {"PMID": "40849737"}
    ```

    ## Fix
    Safe when the PMID is unambiguous: the label, URL prefix, spaces and leading zeros are
    removed, and a JSON number becomes the string of its digits. Anything else (zero, ten or
    more digits, letters) is reported without a fix.
    """
    found = record.field("pmid")
    if found is None:
        return
    value = found.value
    if value is None or isinstance(value, (list, dict)):
        return
    if isinstance(value, str):
        if not value.strip() or PMID_RE.fullmatch(value):
            return
        if (PMID_AS_URL in record.profile.conventions
                and value.startswith(_PUBMED_URLS) and normalise_pmid(value) is not None):
            return
        if identifier_scheme(value) not in (None, "pmid"):
            return  # another identifier altogether: ID008
        fixed = normalise_pmid(value)
        fix = (Fix.replace(found.pointer, fixed, f"Normalise the PMID to {fixed}")
               if fixed is not None else None)
        yield Violation(f"PMID {_shown(value)} is not 1 to 9 digits", found.pointer, fix)
        return
    fixed = normalise_pmid(value) if isinstance(value, int) else None
    if fixed is not None:
        yield Violation(f"PMID {fixed} is a JSON number, not a string", found.pointer,
                        Fix.replace(found.pointer, fixed, "Write the PMID as a string"))
    else:
        yield Violation(f"PMID {_shown(value)} ({type(value).__name__}) is not a PubMed id",
                        found.pointer)


@rule("ID003", "issn-invalid", severity="error", fix="safe", reads=("issn",))
def issn_invalid(record: Record, ctx: Context) -> Iterator[Violation]:
    """An ISSN has a wrong check digit, a wrong form, or is a placeholder.

    ## What it does
    Checks every ISSN of the canonical `issn` field (a list, or a string that may hold
    several separated by commas, semicolons or spaces, as CSL exports do) with
    python-stdnum (ISO 3297: eight characters, the last a check digit computed modulo 11,
    `X` for ten). Reports an ISSN whose check digit is wrong, a value that is not eight
    ISSN characters, the placeholder `0000-0000`, and a valid ISSN written without its
    hyphen or with a lower-case `x`.

    ## Why is this bad?
    A wrong check digit means a typo: the ISSN names another journal or none, and joins to
    journal registries (ISSN Portal, DOAJ, JCR) silently fail. Placeholders such as
    `0000-0000` (Crossref's listing of deleted DOIs) or `1234-5678` group unrelated journals
    together. The hyphenated form `1526-6028` is the standard way to write an ISSN.

    ## Example
    ```json
    {"ISSN": ["1526-6027", "15266028"]}
    ```
    Use instead:
    ```json
    {"ISSN": ["1526-6028"]}
    ```

    ## Fix
    Safe for the form only: a valid ISSN without its hyphen, or with a lower-case `x`, is
    rewritten as `NNNN-NNNC` (python-stdnum's `issn.format`). A wrong check digit or a
    placeholder has no fix: the right ISSN has to be looked up.
    """
    for pointer, text, span in _values(record, "issn"):
        token = text if span is None else text[span[0]:span[1]]
        compact = _compact_issn(token)
        if compact is None:
            yield Violation(f"ISSN {_shown(token)} is not eight ISSN characters", pointer)
            continue
        if not valid_issn(compact):
            yield Violation(f"ISSN {_shown(token)} has a wrong check digit", pointer)
            continue
        formatted = format_issn(compact)
        if compact in _PLACEHOLDER_ISSNS:
            yield Violation(f"ISSN {formatted} is a placeholder", pointer)
            continue
        if token.strip() != formatted:
            new = _replace_token(text, span, formatted)
            fix = Fix.replace(pointer, new, f"Write the ISSN as {formatted}")
            yield Violation(f"ISSN {_shown(token)} is not written as {formatted}", pointer, fix)


def _compact_issn(token: str) -> str | None:
    """The eight characters of an ISSN-shaped token (hyphen and case ignored), or None."""
    text = token.strip()
    if not _ISSN_FORM_RE.fullmatch(text):
        return None
    return text.replace("-", "").upper()


def _issns(values: Iterable[object]) -> list[str]:
    """The distinct valid ISSNs among ``values`` (formatted), in order."""
    seen: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        compact = _compact_issn(value)
        if compact is None or not valid_issn(compact):
            continue
        formatted = format_issn(compact)
        if formatted not in seen:
            seen.append(formatted)
    return seen


@rule("ID004", "issn-set-inconsistent", severity="warning", reads=RECORD)
def issn_set_inconsistent(record: Record, ctx: Context) -> Iterator[Violation]:
    """The ISSNs of the container contradict each other.

    ## What it does
    Compares the ISSNs a record gives for its journal. Reported:

    - Crossref: the print and the electronic ISSN of `issn-type` are the same number; an
      ISSN of `ISSN` missing from `issn-type` (or the reverse); one ISSN listed twice;
    - more than two distinct ISSNs for one container (Crossref `ISSN`, CSL `ISSN`, Semantic
      Scholar `publicationVenue.issn` with `alternate_issns`): a journal has at most a print
      and an electronic ISSN, so the venue conflates journals;
    - OpenAlex: a source's `issn_l` that is not among its `issn` list.

    OpenAlex sources list every ISSN of their ISSN-L group (earlier titles included), so
    more than two ISSNs are not reported there.

    ## Why is this bad?
    Print and electronic editions get different ISSNs; one number in both slots means the
    deposit copied a value, and tools that pick "the print ISSN" get the electronic one. A
    venue with five ISSNs (Semantic Scholar's "Engineering") merges unrelated journals, so
    every per-journal statistic built on it is wrong.

    ## Example
    ```json
    {"ISSN": ["2041-210X", "2041-210X"],
     "issn-type": [{"value": "2041-210X", "type": "print"},
                   {"value": "2041-210X", "type": "electronic"}]}
    ```
    Use instead:
    ```json
    {"ISSN": ["2041-210X"], "issn-type": [{"value": "2041-210X", "type": "electronic"}]}
    ```

    ## Fix
    None: which ISSN belongs where has to be checked against the ISSN Portal.
    """
    data = record.data
    if record.profile.has(Convention.ISSN_TYPE) and isinstance(data, dict):
        yield from _crossref_issns(data)
    elif record.profile.has(Convention.ISSN_L) and isinstance(data, dict):
        yield from _openalex_issn_l(data)
        return
    found = record.field("issn")
    if found is None:
        return
    values: list[object]
    pointer = found.pointer
    if isinstance(found.value, list):
        values = list(found.value)
    elif isinstance(found.value, str):
        values = [found.value[a:b] for a, b in _tokens(found.value)]
    else:
        return
    alternates = record.field("issn_alternates")
    if alternates is not None and isinstance(alternates.value, list):
        values.extend(alternates.value)
        pointer = alternates.pointer
    distinct = _issns(values)
    if len(distinct) > 2:
        shown = ", ".join(distinct[:4]) + (", …" if len(distinct) > 4 else "")
        yield Violation(f"{len(distinct)} ISSNs for one container ({shown}): a journal has "
                        f"at most a print and an electronic ISSN", pointer)


def _crossref_issns(data: dict[str, Any]) -> Iterator[Violation]:
    listed = data.get("ISSN")
    typed = data.get("issn-type")
    by_type: dict[str, tuple[int, str]] = {}
    typed_values: set[str] = set()
    for index, entry in enumerate(typed if isinstance(typed, list) else ()):
        if not isinstance(entry, dict):
            continue
        value, kind = entry.get("value"), entry.get("type")
        if not isinstance(value, str):
            continue
        typed_values.add(value.upper())
        if isinstance(kind, str):
            by_type.setdefault(kind, (index, value))
    print_, electronic = by_type.get("print"), by_type.get("electronic")
    same = ""
    if print_ and electronic and print_[1].upper() == electronic[1].upper():
        same = print_[1].upper()
        yield Violation(f"print and electronic ISSN are the same ({_shown(print_[1])})",
                        f"/issn-type/{electronic[0]}/value")
    if not isinstance(listed, list):
        return
    seen: set[str] = set()
    for index, value in enumerate(listed):
        if not isinstance(value, str):
            continue
        key = value.upper()
        if key in seen and key != same:  # the copy of a print = electronic ISSN: said above
            yield Violation(f"ISSN {_shown(value)} is listed twice", f"/ISSN/{index}")
        seen.add(key)
        if typed_values and key not in typed_values:
            yield Violation(f"ISSN {_shown(value)} is not in issn-type", f"/ISSN/{index}")


def _openalex_issn_l(data: dict[str, Any]) -> Iterator[Violation]:
    for pointer, source in _openalex_sources(data):
        issn_l, issns = source.get("issn_l"), source.get("issn")
        if (isinstance(issn_l, str) and issn_l and isinstance(issns, list) and issns
                and issn_l.upper() not in {i.upper() for i in issns if isinstance(i, str)}):
            yield Violation(f"ISSN-L {_shown(issn_l)} is not among the source's ISSNs",
                            f"{pointer}/issn_l")


def _openalex_sources(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    location = data.get("primary_location")
    if isinstance(location, dict) and isinstance(location.get("source"), dict):
        yield "/primary_location/source", location["source"]
    venue = data.get("host_venue")
    if isinstance(venue, dict):
        yield "/host_venue", venue


@rule("ID005", "isbn-invalid", severity="error", fix="safe", reads=("isbn",))
def isbn_invalid(record: Record, ctx: Context) -> Iterator[Violation]:
    """An ISBN has a wrong check digit, a wrong length or a wrong prefix.

    ## What it does
    Checks every ISBN of the canonical `isbn` field (a list, or a string that may hold
    several separated by commas, semicolons or spaces) with python-stdnum (ISO 2108).
    Reports an ISBN that does not have 10 or 13 digits, an ISBN-13 whose prefix is not 978
    or 979, a wrong check digit, and a lower-case `x` check character. Hyphenation is free:
    `9783161484100` and `978-3-16-148410-0` are both fine.

    ## Why is this bad?
    A wrong check digit is a typo: the ISBN names another book or none, and catalogue,
    library and bookseller lookups fail or return the wrong edition. ISBN-13s begin with the
    EAN prefixes 978 or 979 only.

    ## Example
    ```json
    {"ISBN": ["978-3-16-148410-1"]}
    ```
    Use instead:
    ```json
    {"ISBN": ["978-3-16-148410-0"]}
    ```

    ## Fix
    Safe only for a lower-case `x` check character of a valid ISBN-10, which is
    upper-cased. Other problems have no fix: the right ISBN has to be looked up.
    """
    for pointer, text, span in _values(record, "isbn"):
        token = (text if span is None else text[span[0]:span[1]]).strip()
        digits = token.replace("-", "").replace(" ", "")
        if not _ISBN_CHARS_RE.fullmatch(digits):
            yield Violation(f"ISBN {_shown(token)} is not an ISBN", pointer)
            continue
        if len(digits) not in (10, 13):
            yield Violation(f"ISBN {_shown(token)} has {len(digits)} characters, not 10 or 13",
                            pointer)
            continue
        if len(digits) == 13 and not digits.startswith(("978", "979")):
            yield Violation(f"ISBN {_shown(token)} does not begin with 978 or 979", pointer)
            continue
        if not valid_isbn(digits.upper()):
            yield Violation(f"ISBN {_shown(token)} has a wrong check digit", pointer)
            continue
        if digits.endswith("x"):
            new = _replace_token(text, span, token[:-1] + "X")
            fix = Fix.replace(pointer, new, "Upper-case the check character X")
            yield Violation(f"ISBN {_shown(token)} has a lower-case check character x",
                            pointer, fix)


_ORCID_MESSAGES: Mapping[OrcidDefect, Callable[[str], str]] = {
    OrcidDefect.WHITESPACE: lambda d: "surrounding whitespace",
    OrcidDefect.LABEL: lambda d: "a label before the id",
    OrcidDefect.SCHEME: lambda d: f"scheme {_shown(d)}",
    OrcidDefect.NO_SCHEME: lambda d: "no https:// before the host",
    OrcidDefect.WWW_HOST: lambda d: "host www.orcid.org instead of orcid.org",
    OrcidDefect.OTHER_HOST: lambda d: f"host {_shown(d)} is not orcid.org",
    OrcidDefect.TRAILING_SLASH: lambda d: "a trailing slash",
    OrcidDefect.NOT_AN_ORCID: lambda d: f"not an ORCID iD ({_shown(d)})",
    OrcidDefect.LENGTH: lambda d: f"{d} characters instead of 16",
    OrcidDefect.X_NOT_LAST: lambda d: "X is allowed only as the last character",
    OrcidDefect.LOWER_X: lambda d: "a lower-case x",
    OrcidDefect.HYPHENS: lambda d: "hyphens missing or misplaced",
    OrcidDefect.CHECK_CHARACTER: lambda d: "its check character is wrong (ISO 7064 MOD 11-2)",
}


def orcid_message(checked: OrcidCheck) -> str:
    """The wording of every defect of an ORCID value, in order."""
    return "; ".join(_ORCID_MESSAGES[kind](detail) for kind, detail in checked.defects)


@rule("ID006", "orcid-invalid", severity="error", fix="safe", reads=("authors",))
def orcid_invalid(record: Record, ctx: Context) -> Iterator[Violation]:
    """An author's ORCID iD is malformed or fails its check character.

    ## What it does
    Checks the ORCID of every author (Crossref and CSL `ORCID`, OpenAlex `author.orcid`,
    DataCite `nameIdentifiers` with scheme ORCID, schema.org `@id`) with
    `biblint.domain.identifiers.check_orcid`: 16 characters shown as four hyphenated groups,
    the last a
    check character computed with ISO 7064 MOD 11-2 (python-stdnum) where `X` stands for 10
    and must be a capital; as a URL, the host must be `orcid.org`. Both `https://orcid.org/…`
    and Crossref's `http://orcid.org/…` are accepted, and so is the bare id.

    ## Why is this bad?
    An ORCID that fails its check character belongs to nobody or to someone else: the work
    is credited to the wrong person (dissemin#332) or to none. Lower-case `x`, missing
    hyphens or a `www.` host make exact matching between records fail even when the id is
    right.

    ## Example
    ```json
    {"author": [{"given": "Josiah", "family": "Carberry",
                 "ORCID": "https://www.orcid.org/0000-0002-1825-009x"}]}
    ```
    Use instead:
    ```json
    {"author": [{"given": "Josiah", "family": "Carberry",
                 "ORCID": "https://orcid.org/0000-0002-1825-0097"}]}
    ```

    ## Fix
    Safe when every problem is one of form: surrounding whitespace, an `ORCID:` label, a
    URL without `https://`, the `www.orcid.org` host, a trailing slash, missing hyphens and a
    lower-case `x` are corrected, keeping the scheme as written. A wrong check character,
    a wrong length or a foreign host (including ORCID's sandbox) has no fix.
    """
    found = author_list(record)
    if found is None:
        return
    for author in found[2]:
        if author.orcid is None or author.orcid_pointer is None:
            continue
        checked = check_orcid(author.orcid)
        if not checked.defects:
            continue
        fix = (Fix.replace(author.orcid_pointer, checked.fixed, "Correct the ORCID's form")
               if checked.fixed is not None else None)
        yield Violation(f"ORCID {_shown(author.orcid)}: {orcid_message(checked)}",
                        author.orcid_pointer, fix)


_ARXIV_MESSAGES: Mapping[ArxivDefect, Callable[[str], str]] = {
    ArxivDefect.MONTH: lambda d: f"month {d} does not exist",
    ArxivDefect.BEFORE_NEW_STYLE: lambda d: "new-style ids start in April 2007 (0704)",
    ArxivDefect.NEEDS_4_DIGITS: lambda d: "ids before 2015 have a 4-digit number",
    ArxivDefect.NEEDS_5_DIGITS: lambda d: "ids from 2015 have a 5-digit number",
    ArxivDefect.OLD_STYLE_YEARS: lambda d: "old-style ids run from 1991 to 2007",
    ArxivDefect.NOT_ARXIV: lambda d: "not of the form YYMM.NNNNN or archive/YYMMNNN",
    ArxivDefect.TOO_LONG: lambda d: "not an arXiv identifier (too long)",
    ArxivDefect.PREFIX: lambda d: "a prefix or whitespace around the identifier",
}


def arxiv_message(problem: ArxivProblem) -> str:
    """ID007's wording of an arXiv defect."""
    kind, detail = problem
    return _ARXIV_MESSAGES[kind](detail)


@rule("ID007", "arxiv-id-malformed", severity="error", fix="safe", reads=("arxiv",))
def arxiv_id_malformed(record: Record, ctx: Context) -> Iterator[Violation]:
    """The arXiv identifier is not of a form arXiv has issued.

    ## What it does
    Checks the canonical `arxiv` field (Semantic Scholar's `externalIds.ArXiv`). New-style
    ids are `YYMM.NNNN` from April 2007 to December 2014 and `YYMM.NNNNN` from January 2015;
    old-style ids are `archive(.SC)/YYMMNNN` (`hep-th/9901001`, `math.AG/0309136`); both
    may carry a version `vN`. Reported: an `arXiv:` prefix or an `arxiv.org/abs/` URL around
    the id, a month that does not exist, and a number of the wrong length for its month
    (`1412.78781`, `2501.1234`, which lenient validators such as idutils accept).

    ## Why is this bad?
    arXiv resolves only the exact identifier; a prefix or URL in the field breaks lookups
    and comparisons, and an id with the wrong number of digits points at nothing (or, with
    a digit lost, at another paper).

    ## Example
    ```json
    {"externalIds": {"ArXiv": "arXiv:2405.19561"}}
    ```
    Use instead:
    ```json
    {"externalIds": {"ArXiv": "2405.19561"}}
    ```

    ## Fix
    Safe when the value is a valid id wrapped in a prefix, URL or whitespace: the bare id
    is kept. Other problems have no fix.
    """
    found = record.field("arxiv")
    if found is None or not isinstance(found.value, str) or not found.value.strip():
        return
    value = found.value
    if identifier_scheme(value) not in (None, "arxiv"):
        return  # a DOI or another id in the arXiv slot: ID008
    problem, fixed = check_arxiv(value)
    if problem is None:
        return
    fix = (Fix.replace(found.pointer, fixed, f"Keep the bare arXiv id {fixed}")
           if fixed is not None else None)
    yield Violation(f"arXiv id {_shown(value)}: {arxiv_message(problem)}", found.pointer, fix)


_SCHEME_NAMES = {
    "doi": "a DOI", "pmid": "a PMID", "pmcid": "a PMCID", "arxiv": "an arXiv id",
    "issn": "an ISSN", "isbn": "an ISBN", "orcid": "an ORCID iD",
}
# Canonical id field -> the schemes whose values are plainly foreign there. A bare number
# in the PMCID slot is left out: it may be PMC digits (ID002) or a PMID (XREF009).
_FOREIGN = {
    "doi": ("pmid", "pmcid", "arxiv", "issn", "isbn", "orcid"),
    "pmid": ("doi", "pmcid", "arxiv", "issn", "isbn", "orcid"),
    "pmcid": ("doi", "arxiv", "issn", "isbn", "orcid"),
    "arxiv": ("doi", "pmid", "pmcid", "issn", "isbn", "orcid"),
    "issn": ("doi", "isbn", "orcid", "pmcid", "arxiv"),
    "isbn": ("doi", "issn", "orcid", "pmcid", "arxiv"),
}
_URL_FORMS = {"doi": Convention.DOI_AS_URL, "pmid": PMID_AS_URL, "pmcid": PMCID_AS_URL}


def _moved_value(scheme: str, value: str) -> str | None:
    """The value to write in the ``scheme`` field, or None when the move is a guess."""
    if scheme == "doi":
        return strip_doi_prefix(value)
    if scheme == "pmcid":
        return normalise_pmcid(value)
    if scheme == "arxiv":
        problem, fixed = check_arxiv(value)
        return fixed if fixed is not None else value.strip() if problem is None else None
    if scheme in ("issn", "isbn"):
        return value.strip()
    return None  # a bare number read as a PMID is a guess


def _move_fix(record: Record, source: str, scheme: str, value: str) -> Fix | None:
    """Move ``value`` from the field at ``source`` into the canonical ``scheme`` field."""
    new = _moved_value(scheme, value)
    targets = record.profile.pointers(scheme)
    if new is None or not targets or _URL_FORMS.get(scheme) in record.profile.conventions:
        return None
    existing = record.field(scheme)
    if existing is not None and existing.value not in (None, ""):
        return None
    target = existing.pointer if existing is not None else targets[0]
    parent, _, _ = target.rpartition("/")
    source_parent, _, _ = source.rpartition("/")
    if not isinstance(lookup(record.data, parent), dict) or not isinstance(
            lookup(record.data, source_parent), dict):
        return None
    clear = (PatchOp("remove", source) if record.profile.absent == "omit"
             else PatchOp("replace", source, None))
    return Fix(f"Move the value to the {scheme.upper()} field",
               (clear, PatchOp("add", target, new)), Applicability.UNSAFE)


@rule("ID008", "identifier-in-wrong-field", severity="error", fix="unsafe",
      reads=("arxiv", "doi", "isbn", "issn", "pmcid", "pmid"))
def identifier_in_wrong_field(record: Record, ctx: Context) -> Iterator[Violation]:
    """An identifier field holds an identifier of another scheme.

    ## What it does
    Looks at the canonical identifier fields (`doi`, `pmid`, `pmcid`, `arxiv`, and each
    value of `issn` and `isbn`) and reports a value that is not of the field's scheme but
    plainly of another one (`biblint.domain.identifiers.identifier_scheme`): a PMID or an
    arXiv id in the
    DOI field, a DOI or a `PMC…` id in the PMID field, a DOI in the ISSN field, an ISSN in
    the ISBN field, an ORCID anywhere. An ISSN or ISBN counts only with a valid check
    digit; a bare number counts as a PMID. A bare number in the PMCID field is left to
    ID002 and XREF009, since PMC digits and PMIDs look alike.

    ## Why is this bad?
    The identifier is lost to every tool that reads the field it belongs to, and the field
    it occupies now holds a value that fails every lookup, or worse, resolves to another
    work (a PMID read as a PMCID).

    ## Example
    ```json
    {"paperId": "649def34f8be52c8b66281af98ae884c09aef38b",
     "externalIds": {"DOI": "arXiv:2405.19561"}}
    ```
    Use instead:
    ```json
    {"paperId": "649def34f8be52c8b66281af98ae884c09aef38b",
     "externalIds": {"DOI": null, "ArXiv": "2405.19561"}}
    ```

    ## Fix
    Unsafe: moves the value into the field of its scheme (in its bare form) when the
    record's shape has that field, it is empty, and both fields are keys of an object; the
    source is set to null, or removed in a shape that writes absence by omission. No fix for
    a number guessed to be a PMID, for a value inside a list, or when the target shape
    writes that identifier as a URL.
    """
    for name, foreign in _FOREIGN.items():
        for pointer, text, whole in _identifier_values(record, name):
            scheme = identifier_scheme(text)
            if scheme is None or scheme not in foreign:
                continue
            fix = _move_fix(record, pointer, scheme, text) if whole else None
            yield Violation(f"{name.upper()} field holds {_SCHEME_NAMES[scheme]} "
                            f"({_shown(text)})", pointer, fix)


def _identifier_values(record: Record, name: str) -> Iterator[tuple[str, str, bool]]:
    """(pointer, text, is the whole field) of each identifier a canonical field holds."""
    if name in ("issn", "isbn"):
        found = record.field(name)
        for pointer, text, span in _values(record, name):
            whole = span is None and found is not None and pointer == found.pointer
            yield pointer, text if span is None else text[span[0]:span[1]], whole
        return
    found = record.field(name)
    if found is not None and isinstance(found.value, str) and found.value.strip():
        yield found.pointer, found.value, True
