"""Record profiles: which shape a record has and where its canonical fields live.

Rules never hard-code a key such as ``DOIUrl``: they ask the record for the canonical field
``doi_url`` and the record's profile says where that shape keeps it (``/DOIUrl`` in the
aggregator shape, absent in OpenAlex, ``/URL`` in Crossref). One DOI rule then serves every
shape. A profile also states the conventions of its shape (how absence is written, whether
the DOI is stored as a URL) so that a convention is never reported as a defect.

Detection is per record: each profile scores the record's keys and the best positive score
wins; the generic profile is the fallback. Config (``profile = "..."``) or ``--profile``
forces one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

CANONICAL_FIELDS: Mapping[str, str] = {
    # name: what the value is (the expected JSON type in the canonical form)
    "doi": "string: the bare DOI (10.xxxx/yyyy)",
    "doi_url": "string: the DOI as a https://doi.org/ URL",
    "url": "string: the landing page URL",
    "landing_url": "string: another landing URL kept by the source",
    "title": "string: the title",
    "abstract": "string: the abstract as plain text",
    "authors": "array: the authors, one item each",
    "container": "string: the journal or container title",
    "container_alt": "string: a second copy of the container title",
    "volume": "string: the volume",
    "issue": "string: the issue",
    "pages": "string: the page range",
    "article_number": "string: the article number / e-locator",
    "pmid": "string: the PubMed id",
    "pmcid": "string: the PubMed Central id (PMC1234567)",
    "source_id": "string: the id of the record at its source platform",
    "platform": "string: the source platform's name",
    "publication_date": "string: the publication date (ISO 8601)",
    "epub_date": "string: the electronic publication date (ISO 8601)",
    "pub_model": "string: NLM PubModel (Print, Electronic, Print-Electronic...)",
    "publication_types": "array: the publication types",
    "fields_of_study": "array: subjects",
    "is_oa": "boolean: whether the work is open access",
    "oa_url": "string: the open-access full text URL",
    "citation_count": "integer: times cited",
    "reference_count": "integer: number of references",
    "year": "integer: the publication year",
    "first_page": "string: the first page",
    "last_page": "string: the last page",
    "issn": "string or array: the ISSN(s) of the container",
    "isbn": "string or array: the ISBN(s)",
    "arxiv": "string: the arXiv identifier",
    "type": "string: the work type in the shape's own vocabulary",
    "publisher": "string: the publisher",
    "issued": "object: the issue date as date-parts ({'date-parts': [[Y, M, D]]})",
}
"""The canonical fields that profiles map and rules read, with their canonical type."""

COUNT_FIELDS = ("citation_count", "reference_count")
LIST_FIELDS = ("authors", "publication_types", "fields_of_study")


@dataclass(frozen=True)
class Profile:
    """One record shape.

    ``fields`` maps a canonical field to the JSON Pointers where this shape may keep it, in
    order of preference (the first that exists in the record is used).
    """

    name: str
    title: str
    fields: Mapping[str, tuple[str, ...]]
    detect: Callable[[Any], int]
    schema: str | None = None
    absent: Literal["null", "omit"] = "null"
    """How the shape writes 'no value': a null, or by leaving the key out."""
    conventions: frozenset[str] = field(default_factory=frozenset)
    """Named habits of the shape that rules must not report (e.g. ``doi-as-url``)."""
    empty_ok: frozenset[str] = field(default_factory=frozenset)
    """Where the shape documents ``""`` as its way of saying 'none' (TYP002 is quiet): a key
    (any value under that name) or a JSON Pointer (that one place, e.g. ``/openAccessPdf/url``)."""

    def pointers(self, name: str) -> tuple[str, ...]:
        return self.fields.get(name, ())

    def load_schema(self) -> dict[str, Any] | None:
        return load_schema(self.schema) if self.schema else None


@cache
def load_schema(filename: str) -> dict[str, Any]:
    """A JSON Schema shipped in schemas/ (the ``biblint.schemas`` package).

    ``name.json#/items`` gives a subschema (with the document's definitions), so the CSL
    profile validates one item against the published csl-data.json, which describes a list.
    """
    name, _, fragment = filename.partition("#")
    text = resources.files("biblint.schemas").joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    if fragment:
        part: dict[str, Any] = dict(schema)
        for token in fragment.strip("/").split("/"):
            part = part[token]
        return {**part, "$schema": schema.get("$schema"),
                "definitions": schema.get("definitions", {})}
    return schema


def _keys_score(markers: frozenset[str], needed: int) -> Callable[[Any], int]:
    """A detector that scores the number of marker keys present, if at least ``needed``."""

    def detect(data: Any) -> int:
        if not isinstance(data, dict):
            return 0
        hits = len(markers.intersection(data))
        return hits if hits >= needed else 0

    return detect


AGGREGATOR = Profile(
    name="aggregator",
    title="Aggregator envelope around Semantic Scholar / PubMed fields (the seed record)",
    fields={
        "doi": ("/doi",),
        "doi_url": ("/DOIUrl",),
        "url": ("/url",),
        "landing_url": ("/ListUrlMain",),
        "title": ("/title",),
        "abstract": ("/abstract",),
        "authors": ("/authors",),
        "container": ("/journal/name",),
        "container_alt": ("/PeriodicalName",),
        "volume": ("/journal/volume",),
        "issue": ("/journal/issue",),
        "pages": ("/journal/pages",),
        "pmid": ("/PMID", "/pmid"),
        "pmcid": ("/PMCID",),
        "source_id": ("/paperid", "/paperId"),
        "platform": ("/platform",),
        "publication_date": ("/publicationDate",),
        "epub_date": ("/EPubDate",),
        "pub_model": ("/PubModel",),
        "publication_types": ("/publicationTypes",),
        "fields_of_study": ("/fieldsOfStudy",),
        "is_oa": ("/isOpenAccess",),
        "oa_url": ("/openAccessPdf",),
        "citation_count": ("/citationCount",),
        "year": ("/year",),
    },
    detect=_keys_score(
        frozenset(
            {
                "DOIUrl",
                "ListUrlMain",
                "PeriodicalId",
                "PeriodicalName",
                "PeriodicalIF",
                "EPubDate",
                "PubModel",
                "JCR",
                "JCRName",
                "RegionNum",
                "RegionCategory",
                "TitleCN",
                "AbstractTextCN",
            }
        ),
        needed=2,
    ),
    schema="aggregator.schema.json",
    absent="null",
    # Built on Semantic Scholar: isOpenAccess without an openAccessPdf link is its habit.
    conventions=frozenset({"oa-url-optional"}),
)

GENERIC = Profile(
    name="generic",
    title="Any JSON object: common key names only, no shape conventions assumed",
    fields={
        "doi": ("/doi", "/DOI"),
        "url": ("/url", "/URL"),
        "title": ("/title",),
        "abstract": ("/abstract",),
        "authors": ("/authors", "/author"),
        "volume": ("/volume",),
        "issue": ("/issue",),
        "pages": ("/pages", "/page"),
        "pmid": ("/pmid", "/PMID"),
        "pmcid": ("/pmcid", "/PMCID"),
        "publication_date": ("/publicationDate", "/publication_date"),
        "citation_count": ("/citationCount", "/citation_count"),
        "year": ("/year",),
    },
    detect=lambda data: 0,
    absent="null",
    # An unknown shape may write absence as "" (Zotero's web API does): do not assume null.
    conventions=frozenset({"empty-string-absent"}),
)

def _s2(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    paper_id = data.get("paperId")
    markers = {"paperId", "externalIds", "corpusId", "s2FieldsOfStudy", "publicationVenue",
               "influentialCitationCount", "citationStyles"}
    hits = len(markers.intersection(data))
    if isinstance(paper_id, str) and len(paper_id) == 40:
        hits += 2
    return hits if hits >= 2 else 0


def _crossref(data: Any) -> int:
    if not isinstance(data, dict) or "DOI" not in data or isinstance(data.get("title"), str):
        return 0  # a string title is CSL (Crossref serves CSL with its own keys mixed in)
    markers = {"indexed", "deposited", "created", "member", "prefix", "reference-count",
               "is-referenced-by-count", "content-domain", "short-container-title",
               "published-print", "published-online", "issn-type", "score"}
    hits = len(markers.intersection(data))
    if isinstance(data.get("title"), list):
        hits += 2  # with "DOI": even a select=DOI,title response
    return hits if hits >= 2 else 0


def _openalex(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    ident = data.get("id")
    hits = 3 if isinstance(ident, str) and ident.startswith("https://openalex.org/W") else 0
    markers = {"display_name", "publication_year", "authorships", "open_access",
               "cited_by_count", "abstract_inverted_index", "primary_location", "biblio",
               "host_venue", "concepts", "counts_by_year"}
    hits += len(markers.intersection(data))
    return hits if hits >= 3 else 0


def _csl(data: Any) -> int:
    if not isinstance(data, dict) or isinstance(data.get("title"), list):
        return 0  # a list title is Crossref's REST shape, which uses CSL type names too
    kind = data.get("type")
    hits = 2 if isinstance(kind, str) and kind in _csl_types() else 0
    issued = data.get("issued")
    if isinstance(issued, dict) and ("date-parts" in issued or "raw" in issued):
        hits += 1
    markers = {"id", "container-title", "author", "DOI", "page", "URL", "accessed",
               "citation-key", "title", "editor", "publisher-place", "collection-title"}
    hits += len(markers.intersection(data))
    return hits if hits >= 4 else 0


@cache
def _csl_types() -> frozenset[str]:
    enum: list[str] = load_schema("csl-data.json")["items"]["properties"]["type"]["enum"]
    return frozenset(enum)


def _datacite(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    attributes = data.get("attributes")
    if data.get("type") == "dois" and isinstance(attributes, dict):
        return 10
    body = attributes if isinstance(attributes, dict) else data
    markers = {"creators", "titles", "publicationYear", "publication_year", "types",
               "resourceTypeGeneral", "descriptions", "rightsList", "relatedIdentifiers",
               "schemaVersion", "schema_version", "fundingReferences"}
    hits = len(markers.intersection(body))
    return hits if hits >= 3 else 0


S2 = Profile(
    name="s2",
    title="Semantic Scholar Graph API paper",
    fields={
        "doi": ("/externalIds/DOI",),
        "pmid": ("/externalIds/PubMed",),
        "pmcid": ("/externalIds/PubMedCentral",),
        "arxiv": ("/externalIds/ArXiv",),
        "source_id": ("/paperId",),
        "url": ("/url",),
        "title": ("/title",),
        "abstract": ("/abstract",),
        "authors": ("/authors",),
        "container": ("/journal/name", "/venue"),
        "volume": ("/journal/volume",),
        "pages": ("/journal/pages",),
        "issn": ("/publicationVenue/issn",),
        "publication_date": ("/publicationDate",),
        "year": ("/year",),
        "publication_types": ("/publicationTypes",),
        "fields_of_study": ("/fieldsOfStudy",),
        "is_oa": ("/isOpenAccess",),
        "oa_url": ("/openAccessPdf/url",),
        "citation_count": ("/citationCount",),
        "reference_count": ("/referenceCount",),
    },
    detect=_s2,
    schema="s2.schema.json",
    absent="null",
    conventions=frozenset({"pmcid-bare-digits", "s2-page-ranges", "oa-url-optional"}),
    # "venue": the API's value for an unknown venue; openAccessPdf {"url": "", "status":
    # "CLOSED", "disclaimer": ...}: the API's way to say there is no open PDF.
    empty_ok=frozenset({"venue", "/openAccessPdf/url"}),
)

CROSSREF = Profile(
    name="crossref",
    title="Crossref REST API work (api.crossref.org/works)",
    fields={
        "doi": ("/DOI",),
        "url": ("/resource/primary/URL",),
        "doi_url": ("/URL",),
        "title": ("/title/0",),
        "abstract": ("/abstract",),
        "authors": ("/author",),
        "container": ("/container-title/0",),
        "volume": ("/volume",),
        "issue": ("/issue",),
        "pages": ("/page",),
        "article_number": ("/article-number",),
        "issn": ("/ISSN",),
        "isbn": ("/ISBN",),
        "type": ("/type",),
        "publisher": ("/publisher",),
        "issued": ("/issued",),
        "citation_count": ("/is-referenced-by-count",),
        "reference_count": ("/reference-count",),
    },
    detect=_crossref,
    schema="crossref.schema.json",
    absent="omit",
    conventions=frozenset({"abstract-markup", "doi-lowercase", "doi-registered", "title-array",
                           "date-parts"}),
)

OPENALEX = Profile(
    name="openalex",
    title="OpenAlex work (api.openalex.org/works)",
    fields={
        "doi": ("/doi", "/ids/doi"),
        "source_id": ("/id",),
        "pmid": ("/ids/pmid",),
        "pmcid": ("/ids/pmcid",),
        "title": ("/title", "/display_name"),
        "authors": ("/authorships",),
        "container": ("/primary_location/source/display_name", "/host_venue/display_name"),
        "volume": ("/biblio/volume",),
        "issue": ("/biblio/issue",),
        "first_page": ("/biblio/first_page",),
        "last_page": ("/biblio/last_page",),
        "issn": ("/primary_location/source/issn", "/host_venue/issn"),
        "type": ("/type",),
        "publication_date": ("/publication_date",),
        "year": ("/publication_year",),
        "is_oa": ("/open_access/is_oa",),
        "oa_url": ("/open_access/oa_url",),
        "citation_count": ("/cited_by_count",),
        "url": ("/primary_location/landing_page_url",),
    },
    detect=_openalex,
    schema="openalex.schema.json",
    absent="null",
    conventions=frozenset({"doi-as-url", "pmid-as-url", "pmcid-as-url", "inverted-abstract",
                           "year-as-january-first"}),
    empty_ok=frozenset({"qualifier_ui", "qualifier_name"}),  # MeSH descriptor, no qualifier
)

CSL = Profile(
    name="csl",
    title="CSL-JSON item (citation-style-language csl-data schema)",
    fields={
        "doi": ("/DOI",),
        "url": ("/URL",),
        "title": ("/title",),
        "abstract": ("/abstract",),
        "authors": ("/author",),
        "container": ("/container-title",),
        "volume": ("/volume",),
        "issue": ("/issue",),
        "pages": ("/page",),
        "first_page": ("/page-first",),
        "article_number": ("/number",),
        "pmid": ("/PMID",),
        "pmcid": ("/PMCID",),
        "issn": ("/ISSN",),
        "isbn": ("/ISBN",),
        "type": ("/type",),
        "publisher": ("/publisher",),
        "issued": ("/issued",),
    },
    detect=_csl,
    schema="csl-data.json#/items",
    absent="omit",
    conventions=frozenset({"csl-rich-text", "date-parts"}),
)

DATACITE = Profile(
    name="datacite",
    title="DataCite REST API DOI record (JSON:API data, or its attributes)",
    fields={
        "doi": ("/attributes/doi", "/doi"),
        "url": ("/attributes/url", "/url"),
        "title": ("/attributes/titles/0/title", "/titles/0/title"),
        "abstract": ("/attributes/descriptions/0/description", "/descriptions/0/description"),
        "authors": ("/attributes/creators", "/creators"),
        "container": ("/attributes/container/title", "/container/title"),
        "volume": ("/attributes/container/volume", "/container/volume"),
        "issue": ("/attributes/container/issue", "/container/issue"),
        "first_page": ("/attributes/container/firstPage", "/container/firstPage"),
        "last_page": ("/attributes/container/lastPage", "/container/lastPage"),
        "type": ("/attributes/types/resourceTypeGeneral", "/types/resourceTypeGeneral"),
        "publisher": ("/attributes/publisher", "/publisher"),
        "year": ("/attributes/publicationYear", "/publicationYear", "/publication_year"),
        "citation_count": ("/attributes/citationCount", "/citationCount"),
        "reference_count": ("/attributes/referenceCount", "/referenceCount"),
    },
    detect=_datacite,
    schema="datacite.schema.json",
    absent="null",
    conventions=frozenset({"doi-lowercase", "doi-registered", "year-as-string"}),
)

PROFILES: dict[str, Profile] = {
    p.name: p for p in (AGGREGATOR, S2, CROSSREF, OPENALEX, CSL, DATACITE, GENERIC)
}
"""Every known profile by name; GENERIC is the fallback and is never detected."""


def detect_profile(data: Any) -> Profile:
    """The best-scoring profile for a record, or the generic one."""
    best, best_score = GENERIC, 0
    for profile in PROFILES.values():
        score = profile.detect(data)
        if score > best_score:
            best, best_score = profile, score
    return best


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown profile {name!r} (known: {known})") from None
