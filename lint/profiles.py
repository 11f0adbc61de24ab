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

    def pointers(self, name: str) -> tuple[str, ...]:
        return self.fields.get(name, ())

    def load_schema(self) -> dict[str, Any] | None:
        return load_schema(self.schema) if self.schema else None


@cache
def load_schema(filename: str) -> dict[str, Any]:
    """A JSON Schema shipped in schemas/ (the ``biblint.schemas`` package)."""
    text = resources.files("biblint.schemas").joinpath(filename).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
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
)

PROFILES: dict[str, Profile] = {p.name: p for p in (AGGREGATOR, GENERIC)}
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
