"""ID: identifier syntax and check digits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache

import regex

from biblint.ids import PMCID_RE, normalise_pmcid
from biblint.model import Fix, Violation
from biblint.record import Record
from biblint.registry import Context, rule

PMCID_BARE_DIGITS = "pmcid-bare-digits"
"""Profile convention: the shape stores PMCIDs as bare digits (Semantic Scholar's
``externalIds.PubMedCentral``); ID002 accepts them there."""
PMCID_AS_URL = "pmcid-as-url"
"""Profile convention: the shape stores PMCIDs as PMC article URLs (OpenAlex's
``ids.pmcid``, ``https://www.ncbi.nlm.nih.gov/pmc/articles/7123338``); ID002 accepts them."""
_BARE_DIGITS_RE = regex.compile(r"[1-9][0-9]*")

# Platform name (lower case, letters and digits only) -> (record id pattern, what it is).
SOURCE_ID_FORMATS: dict[str, tuple[regex.Pattern[str], str]] = {
    "semanticscholar": (regex.compile(r"[0-9a-fA-F]{40}"), "a 40-hex Semantic Scholar paper id"),
    "s2": (regex.compile(r"[0-9a-fA-F]{40}"), "a 40-hex Semantic Scholar paper id"),
    "openalex": (regex.compile(r"(?:https://openalex\.org/)?W[1-9][0-9]*"),
                 "an OpenAlex work id (W…)"),
}
_NOT_ALNUM_RE = regex.compile(r"[^a-z0-9]+")


def _shown(value: object, limit: int = 40) -> str:
    """A value quoted for a message, cut to ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value)
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…",
                      ensure_ascii=False)


@rule("ID002", "pmcid-malformed", severity="error", fix="safe")
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


@rule("ID009", "source-id-missing", severity="info")
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
    known = SOURCE_ID_FORMATS.get(_platform_key(platform.value))
    if known is None:
        return
    pattern, what = known
    if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
        yield Violation(f"{name} id {_shown(value)} is not {what}", found.pointer)
