"""XREF: consistency between fields of one record."""

from __future__ import annotations

from collections.abc import Iterator

from biblint.ids import DOI_RE, doi_url, strip_doi_prefix
from biblint.model import Fix, Violation
from biblint.record import Record
from biblint.registry import Context, rule


@rule("XREF001", "doi-url-missing", severity="error", fix="safe")
def doi_url_missing(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI URL field is null or empty although the record has a DOI.

    ## What it does
    Checks records whose shape keeps the DOI URL in its own field (the aggregator's
    `DOIUrl`) and reports the field when it is null or an empty string while the DOI is set.

    ## Why is this bad?
    Consumers that link through the URL field show no link, and the record looks as if it
    had no DOI. The URL is fully determined by the DOI, so leaving it out loses nothing but
    usability.

    ## Example
    ```json
    {"doi": "10.1177/15266028251361770", "DOIUrl": null}
    ```
    Use instead:
    ```json
    {"doi": "10.1177/15266028251361770", "DOIUrl": "https://doi.org/10.1177/15266028251361770"}
    ```

    ## Fix
    Safe: sets the field to `https://doi.org/` followed by the bare DOI (Crossref's display
    guidelines). Only offered when the DOI is well-formed.
    """
    doi = record.value("doi")
    url = record.field("doi_url")
    if not isinstance(doi, str) or not doi.strip() or url is None:
        return
    if url.value is not None and not (isinstance(url.value, str) and not url.value.strip()):
        return
    shown = "null" if url.value is None else "empty"
    bare = strip_doi_prefix(doi)
    fix = None
    if DOI_RE.match(bare):
        target = doi_url(bare)
        fix = Fix.replace(url.pointer, target, f"Set the DOI URL to {target}")
    yield Violation(f"DOI URL is {shown} although the DOI {bare} is present", url.pointer, fix)
