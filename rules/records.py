"""REC: record-level completeness and presentation keys."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from biblint.model import Fix, Violation, join_pointer, lookup
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, Context, rule
from biblint.schema import record_problems

_REQUIRED_RE = regex.compile(r"required property '(.*)' is missing")
"""The schema problem of a missing required key (``biblint.schema``'s message)."""
DELETED_DOI_CONTAINER = "CrossRef Listing of Deleted DOIs"
TEST_PREFIX = "10.5555/"
"""Crossref's prefix for test deposits ("Test accounts")."""


def is_deleted_doi(record: Record) -> bool:
    """Whether the record is a Crossref tombstone or test deposit: the listing of deleted
    DOIs (container "CrossRef Listing of Deleted DOIs", landing page ``deleted_DOI.html``)
    or a DOI under the test prefix 10.5555. Such records keep only a DOI, a title and
    dates, by design, and completeness rules leave them alone."""
    data = record.data
    if not record.profile.has(Convention.TOMBSTONES) or not isinstance(data, dict):
        return False
    doi = data.get("DOI")
    if isinstance(doi, str) and doi.startswith(TEST_PREFIX):
        return True
    containers = data.get("container-title")
    if isinstance(containers, list) and DELETED_DOI_CONTAINER in containers:
        return True
    resource = data.get("resource")
    primary = resource.get("primary") if isinstance(resource, dict) else None
    url = primary.get("URL") if isinstance(primary, dict) else None
    return isinstance(url, str) and url.endswith("/deleted_DOI.html")


UNTITLED_TYPES = frozenset({"journal-issue", "journal-volume", "journal", "component",
                            "book-series", "proceedings-series", "report-series",
                            "standard-series"})
"""Crossref types that carry no title of their own (an issue DOI, a supplementary
component)."""

_NAMES = {"source_id": "the platform id", "doi": "DOI", "pmid": "PMID", "pmcid": "PMCID",
          "publication_date": "publication date", "issued": "publication date (issued)",
          "authors": "creators"}


def _has_value(value: object) -> bool:
    """Whether a field value says something: not null, blank, or an empty container;
    for date-parts, a year is present."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_has_value(item) for item in value)
    if isinstance(value, dict):
        if "date-parts" in value:
            parts = value["date-parts"]
            first = parts[0] if isinstance(parts, list) and parts else None
            year = first[0] if isinstance(first, list) and first else None
            return isinstance(year, (int, str)) and not isinstance(year, bool) and \
                bool(str(year).strip())
        return bool(value)
    return True


def _partial(record: Record) -> bool:
    """Whether the record is a partial response (fields chosen by the request)."""
    return record.profile.is_partial(record.data)


@rule("REC001", "required-field-missing", severity="warning", reads=RECORD)
def required_field_missing(record: Record, ctx: Context) -> Iterator[Violation]:
    """A field the record's shape requires is missing or empty.

    ## What it does
    Checks, per profile, that the record has a value (not null, blank, or an empty list)
    for each group of required canonical fields:

    - aggregator: title; an identifier (DOI, PMID, PMCID or platform id); year or date;
    - Semantic Scholar and OpenAlex: the platform id, title, year or date;
    - Crossref: DOI, title and an `issued` date with a year (`[[null]]` has none), except
      for records of containers and components (journal, issue, volume, series, component);
    - CSL: title;
    - DataCite: DOI, title, creators, publisher, publication year (its mandatory
      properties).

    In shapes that write absence as null (Semantic Scholar, OpenAlex) a missing key means
    the field was not requested, and only a null or empty value is reported; so it is in a
    Crossref record without its `indexed`/`deposited` dates, a `select=` response: a key it
    lacks was not requested, but a title it has as an empty list (`"title": []`) is
    reported. Crossref's test deposits and listing of deleted DOIs are not checked. The
    generic profile requires nothing.

    ## Why is this bad?
    Without a title, an identifier or a date, a record cannot be cited, matched, or
    deduplicated, and it is usually the trace of a failed lookup or a lossy conversion.

    ## Example
    ```json
    {"DOI": "10.1177/15266028251361770", "title": [], "indexed": {"date-parts": [[2025, 8, 23]]},
     "issued": {"date-parts": [[null]]}}
    ```
    Use instead:
    ```json
    {"DOI": "10.1177/15266028251361770", "title": ["Application of Wharton's Jelly ..."],
     "indexed": {"date-parts": [[2025, 8, 23]]}, "issued": {"date-parts": [[2025, 8, 23]]}}
    ```

    ## Fix
    None: the missing value has to come from the source.
    """
    groups = record.profile.required
    if not groups or not isinstance(record.data, dict) or is_deleted_doi(record):
        return
    # A partial response (Crossref's select=) left out what was not requested: a missing
    # key says nothing, but a key that is there was requested, and an empty one is missing.
    partial = _partial(record)
    omitted_means_missing = record.profile.omitted_means_missing and not partial
    type_ = record.value("type")
    container_type = isinstance(type_, str) and type_ in UNTITLED_TYPES
    for group in groups:
        if container_type and group in (("title",), ("issued",)):
            continue
        fields = [record.field(name) for name in group]
        if any(f is not None and _has_value(f.value) for f in fields):
            continue
        if any(_has_value(lookup(record.data, pointer))
               for name in group for pointer in record.profile.required_aliases.get(name, ())):
            continue
        present = next((f for f in fields if f is not None), None)
        what = " or ".join(_NAMES.get(name, name.replace("_", " ")) for name in group)
        if present is not None:
            state = "null" if present.value is None else "empty"
            yield Violation(f"required {what} is {state}", present.pointer)
            continue
        pointers = record.profile.pointers(group[0])
        pointer = pointers[0] if pointers else ""
        parent = pointer.rpartition("/")[0]
        if parent and pointer.endswith("/0") and isinstance(lookup(record.data, parent), list):
            yield Violation(f"required {what} is empty", parent)  # Crossref's `title: []`
        elif omitted_means_missing:
            yield Violation(f"required {what} is missing", pointer)


PRESENTATION_KEYS = ("Score", "Total", "resultStr", "ArticlePicture")
"""The aggregator's search-result artefacts: relevance score, hit count, highlighted result
string, thumbnail list."""


@rule("REC002", "presentation-key", severity="info", fix="unsafe", reads=RECORD)
def presentation_key(record: Record, ctx: Context) -> Iterator[Violation]:
    """The record carries a search site's presentation keys.

    ## What it does
    Reports the aggregator's keys that belong to a search-result page, not to the work:
    `Score` (relevance score), `Total` (number of hits), `resultStr` (the highlighted
    result string) and `ArticlePicture` (thumbnails), whatever their value.

    ## Why is this bad?
    They describe one search on one site at one time. Stored with the record they change
    between exports without the work changing (breaking diffs and deduplication by
    content), and they mean nothing to any other consumer.

    ## Example
    ```json
    {"title": "...", "Score": null, "Total": 0, "resultStr": null, "ArticlePicture": []}
    ```
    Use instead:
    ```json
    {"title": "..."}
    ```

    ## Fix
    Unsafe: removes the key. Unsafe because a consumer of the export may still read it.
    """
    data = record.data
    if not record.profile.has(Convention.SEARCH_EXPORT) or not isinstance(data, dict):
        return
    for key, violation in _PRESENTATION_VIOLATIONS:
        if key in data:
            yield violation


_PRESENTATION_VIOLATIONS = tuple(
    (key, Violation(f"{key} is a search-result artefact, not bibliographic data", f"/{key}",
                    Fix.remove(f"/{key}", f"Remove {key}", unsafe=True)))
    for key in PRESENTATION_KEYS)
"""REC002's violations, built once: they depend on the key alone, and a Violation (with its
Fix) is immutable, so every record reporting a key can share one (the aggregator's records
all carry the four keys)."""


@rule("REC003", "schema-violation", severity="warning", fix="safe", fallback=True, reads=RECORD)
def schema_violation(record: Record, ctx: Context) -> Iterator[Violation]:
    """A value breaks the JSON Schema of the record's profile.

    ## What it does
    Validates the record against its profile's schema in `schemas/` (the aggregator shape,
    the Semantic Scholar paper, the Crossref work, the OpenAlex work, the published
    csl-data schema, the DataCite DOI) with a format checker, so `"2025-02-30"` is not a
    date. Each problem is one finding at the pointer of the offending value, with a short
    message (never the whole value): the expected type, the pattern or the allowed values.
    Records of the generic profile have no schema and are not checked.

    This rule is the safety net under the specific rules: where another rule reports at the
    same pointer (TYP001 for a count stored as a string, ABS001 for markup), its finding
    explains the defect better and this one is dropped.

    ## Why is this bad?
    Consumers are written against the shape: a string where an integer belongs breaks sums
    and sorting, an impossible date breaks parsing, a value outside the vocabulary breaks
    whatever switches on it. The schema states the shape; a record that breaks it is a
    record some program will mishandle.

    ## Example
    ```json
    {"title": "A title", "doi": "10.1000/182", "RegionNum": "2", "EPubDate": "2025-02-30"}
    ```
    Use instead:
    ```json
    {"title": "A title", "doi": "10.1000/182", "RegionNum": 2, "EPubDate": "2025-02-28"}
    ```

    ## Fix
    Safe where the correction keeps the meaning: a string of digits where an integer is
    expected becomes the integer (`"2"` -> `2`), `"true"`/`"false"` where a boolean is
    expected becomes the boolean, a number string where a number is expected becomes the
    number, and a blank string where the schema allows null becomes null (or the key is
    removed in a shape that omits absent keys). Other problems (an impossible date, a value
    outside the vocabulary) need the source and have no fix.
    """
    # The pointers the record's other findings are at, when the engine runs this rule last
    # (the engine's EXPLAINED): its findings there would be dropped (one defect, one
    # finding), so they are neither explained nor yielded.
    explained: frozenset[str] = ctx.state.get("explained", frozenset())
    for problem in record_problems(record, explained):
        # A missing required key is reported at the key's own pointer, where the rule that
        # explains it (REC001) reports it too: the catch-all then yields (one defect, one
        # finding), as it does at any pointer another rule reports.
        name = _REQUIRED_RE.fullmatch(problem.message)
        pointer = join_pointer(problem.pointer, name[1]) if name else problem.pointer
        if explained and pointer in explained:
            continue
        if name:
            yield Violation(problem.message, pointer)
            continue
        fix = problem.fix
        if (fix is not None and record.profile.absent == "omit" and problem.pointer
                and fix.ops[0].value is None):
            fix = Fix.remove(problem.pointer, "Remove the empty value")
        yield Violation(problem.message, problem.pointer, fix)
