"""OA and CIT: open access and citation counts."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import regex

from biblint.domain.show import shown as _shown
from biblint.model import Fix, Violation
from biblint.profiles import COUNT_FIELDS, Convention, value_at
from biblint.record import Field, Record
from biblint.registry import RECORD, Context, rule

from .values import NUMBER_TEXT_RE

OA_URL_OPTIONAL = Convention.OA_URL_OPTIONAL
"""Profile convention: the open-access flag may be true without a link (Semantic Scholar's
`isOpenAccess` comes from Unpaywall, its `openAccessPdf` is given only "if available");
OA001 is quiet for records of such a shape."""

OA_STATUSES = frozenset({"gold", "green", "hybrid", "bronze", "diamond", "closed"})
"""OpenAlex's `open_access.oa_status` vocabulary."""
S2_OA_STATUSES = frozenset({"GOLD", "GREEN", "HYBRID", "BRONZE", "DIAMOND", "CLOSED", "OTHER"})
"""Semantic Scholar's `openAccessPdf.status` vocabulary (capitals by convention)."""
OA_LICENSES = frozenset({
    "cc-by", "cc-by-sa", "cc-by-nd", "cc-by-nc", "cc-by-nc-sa", "cc-by-nc-nd", "cc0",
    "public-domain", "other-oa", "publisher-specific-oa", "implied-oa", "mit", "gpl-v3",
})
"""OpenAlex's common location `license` values. The list is open (software licences and
publisher-specific terms occur), so OA004 reports only licences written in another form
(capitals, spaces, underscores: `"CC BY"`), not unknown lower-case terms."""

_HTTP_RE = regex.compile(r"https?://[^\s/?#]++", regex.IGNORECASE)




def _oa_url(record: Record) -> tuple[str, object] | None:
    """(pointer, value) of the open-access URL: inside an S2-style object when the field
    holds one (the aggregator's `openAccessPdf` may be `{url, status}`)."""
    found = record.field("oa_url")
    if found is None:
        return None
    value = found.value
    if isinstance(value, dict):
        if "url" not in value:
            return None
        return f"{found.pointer}/url", value["url"]
    return found.pointer, value


def _has_url(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


@rule("OA001", "open-access-without-url", severity="info", reads=("is_oa", "oa_url"))
def open_access_without_url(record: Record, ctx: Context) -> Iterator[Violation]:
    """The work is flagged open access but no open-access URL is given.

    ## What it does
    Reports a record whose canonical `is_oa` flag is `true` while no place its shape keeps
    an open-access URL holds one: OpenAlex's `open_access.oa_url` and its best open-access
    location (`best_oa_location.pdf_url`, `.landing_page_url`), the aggregator's
    `openAccessPdf` (a URL string or an object with `url`). Quiet for shapes whose profile
    declares the convention `oa-url-optional` (Semantic Scholar: the flag comes from
    Unpaywall and the PDF link is given only when Semantic Scholar has one). The aggregator
    export keeps no other place for the free copy, so there the flag without a link is
    reported.

    ## Why is this bad?
    A consumer that trusts the flag promises free access it cannot deliver: there is no
    location to send the reader to, and OA statistics count a work nobody can open from the
    record. OpenAlex sets `oa_url` whenever `is_oa` is true; a record without it was cut
    down on the way.

    ## Example
    ```json
    {"id": "https://openalex.org/W1", "open_access": {"is_oa": true, "oa_url": null}}
    ```
    Use instead:
    ```json
    {"id": "https://openalex.org/W1",
     "open_access": {"is_oa": true, "oa_url": "https://europepmc.org/articles/pmc123"}}
    ```

    ## Fix
    None: the location has to be looked up (Unpaywall, the publisher, a repository).
    """
    if OA_URL_OPTIONAL in record.profile.conventions:
        return
    flag = record.field("is_oa")
    if flag is None or flag.value is not True or not record.profile.pointers("oa_url"):
        return
    if not _any_oa_url(record):
        yield Violation("open access, but no open-access URL", flag.pointer)


def _any_oa_url(record: Record) -> bool:
    """Whether any place the shape keeps an open-access URL holds one (OpenAlex: `oa_url`,
    else the best open-access location's PDF or landing page)."""
    data = record.data
    for pointer in record.profile.pointers("oa_url"):
        value = value_at(data, pointer)
        if isinstance(value, dict):
            value = value.get("url")
        if _has_url(value):
            return True
    return False


@rule("OA002", "closed-access-with-url", severity="warning", reads=("is_oa", "oa_url"))
def closed_access_with_url(record: Record, ctx: Context) -> Iterator[Violation]:
    """The work is flagged not open access but an open-access URL is given.

    ## What it does
    Reports a record whose canonical `is_oa` flag is `false` while its canonical `oa_url`
    holds a URL (Semantic Scholar's `isOpenAccess: false` with an `openAccessPdf.url`,
    OpenAlex's `is_oa: false` with an `oa_url`).

    ## Why is this bad?
    One of the two is wrong, and consumers that read only one of them disagree: a search
    filter on the flag hides a work whose full text is one click away, or the URL points at
    a paywalled or unrelated file (allenai/s2-folks#28).

    ## Example
    ```json
    {"open_access": {"is_oa": false, "oa_url": "https://example.org/paper.pdf"}}
    ```
    Use instead:
    ```json
    {"open_access": {"is_oa": true, "oa_url": "https://example.org/paper.pdf"}}
    ```

    ## Fix
    None: which of the two is right has to be checked at the URL.
    """
    flag = record.field("is_oa")
    if flag is None or flag.value is not False:
        return
    url = _oa_url(record)
    if url is not None and _has_url(url[1]):
        yield Violation(f"not open access, but an open-access URL is given "
                        f"({_shown(url[1])})", flag.pointer)


@rule("OA003", "open-access-url-invalid", severity="warning", reads=("oa_url",))
def open_access_url_invalid(record: Record, ctx: Context) -> Iterator[Violation]:
    """The open-access URL is relative, or not an http(s) URL.

    ## What it does
    Checks the canonical `oa_url` (inside an `{url, ...}` object when the field holds one)
    and reports a value that is not a string, and a string that is not an absolute
    `http://` or `https://` URL (`"paper.pdf"`, `"//host/x.pdf"`, `"ftp://..."`,
    `"www.example.org/x.pdf"`). Null is fine; an empty or blank string is TYP002's and
    TYP003's (one defect, one finding).

    ## Why is this bad?
    Consumers follow the URL to fetch or link the full text. An empty string passes `is not
    None` checks and produces a broken link; a relative URL has no base to resolve
    against once the record leaves its source.

    ## Example
    ```json
    {"isOpenAccess": true, "openAccessPdf": {"url": "/articles/paper.pdf"}}
    ```
    Use instead:
    ```json
    {"isOpenAccess": true, "openAccessPdf": {"url": "https://example.org/articles/paper.pdf"}}
    ```

    ## Fix
    None: the base the relative URL was relative to is not in the record.
    """
    url = _oa_url(record)
    if url is None or url[1] is None:
        return
    pointer, value = url
    if isinstance(value, str) and not value.strip():
        return  # TYP002 / TYP003
    if not isinstance(value, str):
        yield Violation(f"open-access URL is not a string ({_shown(value)})", pointer)
        return
    if not _HTTP_RE.match(value.strip()):
        yield Violation(f"open-access URL {_shown(value)} is not an absolute http(s) URL",
                        pointer)


def _oa_vocabulary(record: Record) -> Iterator[tuple[str, str, frozenset[str], str, bool]]:
    """(pointer, value, vocabulary, what, closed) for each OA status or licence of the
    record; ``closed``: the vocabulary is complete, so any other value is wrong."""
    data = record.data
    if not isinstance(data, dict):
        return
    if record.profile.has(Convention.OA_LOCATIONS):
        access = data.get("open_access")
        if isinstance(access, dict) and isinstance(access.get("oa_status"), str):
            yield ("/open_access/oa_status", access["oa_status"], OA_STATUSES, "OA status",
                   True)
        for pointer, location in _openalex_locations(data):
            license_ = location.get("license")
            if isinstance(license_, str):
                yield f"{pointer}/license", license_, OA_LICENSES, "licence", False
    elif record.profile.has(Convention.OA_PDF_STATUS):
        pdf = data.get("openAccessPdf")
        if isinstance(pdf, dict) and isinstance(pdf.get("status"), str):
            yield ("/openAccessPdf/status", pdf["status"], S2_OA_STATUSES, "OA status",
                   True)


def _openalex_locations(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in ("primary_location", "best_oa_location"):
        location = data.get(key)
        if isinstance(location, dict):
            yield f"/{key}", location
    locations = data.get("locations")
    if isinstance(locations, list):
        for index, location in enumerate(locations):
            if isinstance(location, dict):
                yield f"/locations/{index}", location


@rule("OA004", "open-access-vocabulary", severity="warning", fix="safe", reads=RECORD)
def open_access_vocabulary(record: Record, ctx: Context) -> Iterator[Violation]:
    """An open-access status or licence is outside its shape's vocabulary.

    ## What it does
    Checks OpenAlex's `open_access.oa_status` (`gold`, `green`, `hybrid`, `bronze`,
    `diamond`, `closed`) and Semantic Scholar's `openAccessPdf.status`, which is written in
    capitals (`GREEN`, `GOLD`, `HYBRID`, `BRONZE`, `CLOSED`), and reports any other value,
    such as `"Gold"`. OpenAlex location licences (`cc-by`, `cc-by-nc-nd`, `public-domain`,
    `other-oa`, `publisher-specific-oa`...) form an open list: a licence is reported only
    when it is written in another form (`"CC BY"`, `"cc_by"`), not for an unknown term.

    ## Why is this bad?
    Filters and statistics compare these values exactly: `"Gold"` is counted as neither
    gold nor anything else, and a licence written `"CC BY"` is missed by a search for
    `cc-by` works.

    ## Example
    ```json
    {"open_access": {"is_oa": true, "oa_status": "Gold", "oa_url": "https://x.org/a"}}
    ```
    Use instead:
    ```json
    {"open_access": {"is_oa": true, "oa_status": "gold", "oa_url": "https://x.org/a"}}
    ```

    ## Fix
    Safe when the value differs from a term of the vocabulary only in case, surrounding
    spaces, or spaces and underscores for hyphens (`" CC_BY "` -> `cc-by`): it is replaced
    by that term. Anything else is reported without a fix.
    """
    for pointer, value, vocabulary, what, closed in _oa_vocabulary(record):
        if value in vocabulary:
            continue
        if not closed and value == _vocabulary_key(value):
            continue  # an open list: an unknown term in the right form may be a real one
        fixed = _in_vocabulary(value, vocabulary)
        fix = (Fix.replace(pointer, fixed, f"Write the {what} as {_shown(fixed)}")
               if fixed is not None else None)
        yield Violation(f"{what} {_shown(value)} is not in the vocabulary", pointer, fix)


def _in_vocabulary(value: str, vocabulary: frozenset[str]) -> str | None:
    key = _vocabulary_key(value)
    for term in vocabulary:
        if _vocabulary_key(term) == key:
            return term
    return None


def _vocabulary_key(value: str) -> str:
    return regex.sub(r"[\s_-]++", "-", value.strip().lower())


def _count_problem(field: Field) -> tuple[str, Fix | None] | None:
    """What is wrong with a count value, and its fix."""
    value = field.value
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return None
    if isinstance(value, bool):
        return f"count is a boolean ({json.dumps(value)})", None
    if isinstance(value, int):
        return f"count is negative ({value})", None
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and value >= 0:
            return (f"count is a decimal number ({value!r})",
                    Fix.replace(field.pointer, int(value), f"Write the count as {int(value)}"))
        return f"count is not a whole number ({value!r})", None
    if isinstance(value, str):
        if not value.strip():
            return None  # TYP002 / TYP003
        if NUMBER_TEXT_RE.fullmatch(value):
            return None  # TYP001
        return f"count is not a number ({_shown(value)})", None
    return f"count is a {type(value).__name__}, not a number", None


@rule("CIT001", "count-invalid", severity="error", fix="safe",
      reads=("citation_count", "reference_count"))
def count_invalid(record: Record, ctx: Context) -> Iterator[Violation]:
    """A citation or reference count is negative, fractional, or not a number.

    ## What it does
    Checks the canonical `citation_count` and `reference_count` fields and reports a value
    that is not a non-negative JSON integer: a negative number, a fraction (`2.5`), a whole
    number written as a decimal (`3.0`), a boolean, a string (`"0"`, `"12 citations"`), an
    object or a list. Null is fine; empty and blank strings are TYP002's and TYP003's, and a
    string of digits is TYP001's (one defect, one finding).

    ## Why is this bad?
    A count is a non-negative integer by definition. A string sorts as text (`"10" <
    "9"`) and breaks sums; a negative count is an error sentinel leaking into the data; a
    fraction is a sign that two values were averaged or a field was mis-mapped.

    ## Example
    ```json
    {"citationCount": -1, "referenceCount": 12.0}
    ```
    Use instead:
    ```json
    {"citationCount": null, "referenceCount": 12}
    ```

    ## Fix
    Safe for a whole-number decimal (`3.0`): the integer replaces it. Other values are
    reported without a fix.
    """
    for name in COUNT_FIELDS:
        found = record.field(name)
        if found is None:
            continue
        problem = _count_problem(found)
        if problem is not None:
            message, fix = problem
            yield Violation(message, found.pointer, fix)
