"""Record profiles: which shape a record has and where its canonical fields live.

Rules never hard-code a key such as ``DOIUrl``: they ask the record for the canonical field
``doi_url`` and the record's profile says where that shape keeps it (``/DOIUrl`` in the
aggregator shape, absent in OpenAlex, ``/URL`` in Crossref). One DOI rule then serves every
shape. Everything else a rule needs to know about a shape is data on its profile too: the
conventions of the shape (how absence is written, whether the DOI is stored as a URL), so that
a convention is never reported as a defect; its required fields, type vocabulary, extra dates
and how its authors are written. No rule asks which profile a record has, only what the
profile declares, so a profile defined in configuration (:func:`profile_from_config`) serves
every rule as a built-in one does.

Detection is per record: each profile scores the record's keys and the best positive score
wins (a user-defined profile that recognises a record wins over the built-in ones); the
generic profile is the fallback. Config (``profile = "..."``) or ``--profile`` forces one.
Profiles are registered through the ``biblint.profiles`` entry-point group, the built-in ones
included (:data:`BUILTIN`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import regex

from .domain.identifiers import PLATFORM_ID_FORMATS

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
    "abstract_index": "object: the abstract as an inverted index (word -> positions)",
    "is_paratext": "boolean: whether the work is front or back matter, not an article",
    "issn_alternates": "string or array: other ISSNs of the container (alternates, ISSN-L)",
    "venue": "string: the venue as the source's own index names it, beside the container "
             "(Semantic Scholar's `venue` next to `journal.name`)",
}
"""The canonical fields that profiles map and rules read, with their canonical type."""

COUNT_FIELDS = ("citation_count", "reference_count")
LIST_FIELDS = ("authors", "publication_types", "fields_of_study")


class Convention(str, Enum):
    """A named habit of a shape that rules must not report as a defect, or that tells a rule
    where the shape keeps something. Each member is read by at least one rule (a test holds
    that); the value is the name used in configuration."""

    OA_URL_OPTIONAL = "oa-url-optional"
    """An open-access flag without an open-access URL is normal (Semantic Scholar): OA001."""
    EMPTY_STRING_ABSENT = "empty-string-absent"
    """The shape may write absence as ``""`` (unknown shapes, Zotero): TYP002 is quiet."""
    PMCID_BARE_DIGITS = "pmcid-bare-digits"
    """PMCIDs are stored as bare digits (Semantic Scholar's ``externalIds.PubMedCentral``):
    ID002 accepts them."""
    PMCID_AS_URL = "pmcid-as-url"
    """PMCIDs are stored as PMC article URLs (OpenAlex's ``ids.pmcid``): ID002, ID008."""
    PMID_AS_URL = "pmid-as-url"
    """PMIDs are stored as PubMed URLs (OpenAlex's ``ids.pmid``): ID001, ID008."""
    DOI_AS_URL = "doi-as-url"
    """The DOI field holds the DOI as a ``https://doi.org/`` URL (OpenAlex): DOI rules, ID008."""
    DOI_REGISTERED = "doi-registered"
    """The record is the registration agency's own metadata (Crossref, DataCite), so its DOI is
    registered exactly as written: DOI rules, XREF."""
    DOI_AS_ID = "doi-as-id"
    """The record's ``/id`` is its DOI (DataCite's JSON:API document): XREF compares it."""
    SPACED_PAGE_RANGES = "spaced-page-ranges"
    """Page ranges are written with a spaced hyphen (Semantic Scholar's ``D480 - D489``):
    PAGE004 accepts ``-`` and `` - ``."""
    EN_DASH_PAGE_RANGES = "en-dash-page-ranges"
    """Page ranges may use an en dash: CSL processors read ``-`` and ``–`` alike, and Zotero
    and Better BibTeX write ``–`` in CSL-JSON on purpose: PAGE004 accepts it."""
    ABSTRACT_MARKUP = "abstract-markup"
    """Abstracts are JATS/HTML markup by the shape's definition (Crossref): ABS001, ABS002,
    TXT."""
    CSL_RICH_TEXT = "csl-rich-text"
    """Titles and text fields may hold CSL's rich-text tags (``<i>``, ``<sc>``...): TXT, TTL."""
    TITLE_FACE_MARKUP = "title-face-markup"
    """Titles may hold JATS face markup (Crossref's ``<i>``, ``<sub>``, ``<sup>``...): TTL."""
    SUBTITLE_ARRAY = "subtitle-array"
    """Subtitles are kept in a ``/subtitle`` array beside the title (Crossref): TTL."""
    TYPED_TITLES = "typed-titles"
    """Titles are a ``titles`` array of ``{title, titleType}`` objects, subtitles typed
    ``Subtitle`` (DataCite): TTL."""
    DATE_PARTS = "date-parts"
    """Date objects are CSL date-parts objects; a string where one belongs is a defect
    (Crossref): DATE001."""
    CSL_DATES = "csl-dates"
    """Dates are CSL date variables: an EDTF string is a date, date-parts may hold numbers as
    strings, and year 0 and negative years are allowed: DATE001, DATE004."""
    YEAR_AS_JANUARY_FIRST = "year-as-january-first"
    """A year-only date is written as 1 January (OpenAlex's ``publication_date``): DATE004,
    DATE007."""
    YEAR_AS_STRING = "year-as-string"
    """The year may be a string (DataCite's ``publicationYear``): DATE, TYP001."""
    UNKNOWN_CODES = "unknown-codes"
    """DataCite's standard values for unknown information (``:unav``, ``:etal``...) are the
    shape's way to say unknown: TYP004, AUTH002."""
    ISSN_TYPE = "issn-type"
    """An ``issn-type`` list of ``{value, type}`` sits beside the ``ISSN`` list (Crossref):
    ID005."""
    ISSN_L = "issn-l"
    """Each source carries an ISSN-L beside its ISSN list (OpenAlex locations): ID005."""
    OA_LOCATIONS = "oa-locations"
    """The open-access status is ``/open_access/oa_status`` and licences sit on the
    locations (OpenAlex): OA004."""
    OA_PDF_STATUS = "oa-pdf-status"
    """The open-access status is ``/openAccessPdf/status`` (Semantic Scholar): OA004."""
    JOURNAL_METRICS = "journal-metrics"
    """The record carries journal metrics and CAS categories (the aggregator's
    ``PeriodicalIF``, ``JCR``, ``RegionNum``, ``FirstCategoryId``): JRN004, JRN005."""
    SEARCH_EXPORT = "search-export"
    """The record is a search-result export that may carry presentation keys (``Score``,
    ``resultStr``...): REC002."""
    TOMBSTONES = "tombstones"
    """The registry keeps records of deleted DOIs and test deposits, which keep only a DOI, a
    title and dates by design (Crossref): completeness rules leave them alone."""
    PUBMED_DERIVED = "pubmed-derived"
    """Records come from PubMed even without a PMID (the aggregator shape): TTL."""
    INFERRED_TYPES = "inferred-types"
    """Work types are assigned by an indexer rather than the publisher, so the title may
    contradict them (Semantic Scholar, OpenAlex): PT."""
    SINGLE_TYPE = "single-type"
    """A work has one type, so a review typed as a book chapter is a chapter (OpenAlex): PT."""
    NLM_TITLE_PERIOD = "nlm-title-period"
    """Titles end with a period by NLM's rule (PubMed/MEDLINE XML's ``ArticleTitle``): the
    format's convention, not a defect: TTL001."""
    ELIDED_PAGE_RANGES = "elided-page-ranges"
    """Page ranges leave out the leading digits of the last page by NLM's rule (MEDLINE's
    ``MedlinePgn`` ``1199-205``): PAGE002."""
    LEGACY_CROSSREF_TYPES = "legacy-crossref-types"
    """Records that still carry ``host_venue`` predate mid-2023 and use Crossref's types
    beside the shape's own (OpenAlex): PT001."""
    ARTICLE_NUMBER_IN_PAGE = "article-number-in-page"
    """The registry's deposit puts the article number of an article without pages in the
    page field too (Crossref's ``page`` beside ``article-number``): a page equal to the
    record's own article number is the deposit, not a defect: PAGE003."""
    REGISTRY_DOI_URL = "registry-doi-url"
    """The DOI URL field is written by the registry itself, in the form it used when the
    response was made (Crossref's ``URL`` was ``http://dx.doi.org/...`` in older responses):
    DOI011 leaves that field alone when it holds the record's own DOI."""
    LANDING_URL_ELSEWHERE = "landing-url-elsewhere"
    """The shape keeps the work's landing URL in its second landing field (the aggregator's
    ``ListUrlMain``) and leaves ``url`` null: XREF003 asks for that field instead."""
    UNDATED_METRICS = "undated-metrics"
    """The shape's journal metrics are the current ones and it has no key for their year
    (the aggregator): JRN004 checks their ranges but does not ask for a year."""

    # -- text formats (issue 10): records of a tagged or braced file format ---------------
    BIBTEX_ENTRIES = "bibtex-entries"
    """Records are BibTeX entries as biblint.readers.bibtex reads them (``ENTRYTYPE``,
    ``ID``, lower-cased fields): the BIB rules."""
    RIS_TAGS = "ris-tags"
    """Records are RIS records, keyed by their two-character tags: the RIS rules."""

    @classmethod
    def parse(cls, value: object) -> Convention:
        """The member named ``value``; ValueError naming the known ones otherwise."""
        if isinstance(value, Convention):
            return value
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(member.value for member in cls)
            raise ValueError(f"unknown convention {value!r} (known: {known})") from None


class AuthorStyle(str, Enum):
    """How a shape writes one author, so a fix can write names in the record's own form."""

    STRING = "string"
    """A plain string per author (the aggregator shape, unknown shapes)."""
    NAME = "name"
    """``{"name": ...}`` (DataCite creators)."""
    ID_NAME = "id-name"
    """``{"authorId": null, "name": ...}`` (Semantic Scholar)."""
    LITERAL = "literal"
    """``{"literal": ...}`` (CSL)."""
    PARTS = "parts"
    """``{"given", "family"}``: a name cannot be split into parts without guessing (Crossref)."""
    AUTHORSHIP = "authorship"
    """Authorship objects around an author object (OpenAlex)."""

    def item(self, name: str) -> object | None:
        """One author called ``name`` in this style; None where parts would be guessed."""
        if self is AuthorStyle.STRING:
            return name
        if self is AuthorStyle.NAME:
            return {"name": name}
        if self is AuthorStyle.ID_NAME:
            return {"authorId": None, "name": name}
        if self is AuthorStyle.LITERAL:
            return {"literal": name}
        return None


DATE_ROLES = ("issue", "epub")
"""What an extra date of a shape dates: the issue, the electronic publication, or (None)
nothing the date rules compare (format and validity only)."""

TYPE_VOCABULARIES = ("s2", "crossref", "csl", "openalex", "datacite", "pubmed")
"""The work-type vocabularies the PT rules know (``biblint.rules.pubtypes``)."""


class ProfileError(ValueError):
    """A profile definition is invalid; the message names the key."""


@dataclass(frozen=True)
class Profile:
    """One record shape: where its canonical fields live and what the shape declares.

    ``fields`` maps a canonical field to the JSON Pointers where this shape may keep it, in
    order of preference (the first that exists in the record is used). Every other property
    is what some rule needs to know about the shape; the defaults describe a shape that
    declares nothing, so a rule that depends on a property is quiet there.
    """

    name: str
    title: str
    fields: Mapping[str, tuple[str, ...]]
    detect: Callable[[Any], int]
    schema: str | None = None
    """The JSON Schema: a file in ``biblint.schemas`` (``name.json#/fragment``) or an
    absolute path (user-defined profiles)."""
    absent: Literal["null", "omit"] = "null"
    """How the shape writes 'no value': a null, or by leaving the key out."""
    conventions: frozenset[Convention] = field(default_factory=frozenset)
    """Named habits of the shape that rules must not report (e.g. ``doi-as-url``)."""
    empty_ok: frozenset[str] = field(default_factory=frozenset)
    """Where the shape documents ``""`` as its way of saying 'none' (TYP002 is quiet): a key
    (any value under that name) or a JSON Pointer (that one place, e.g. ``/openAccessPdf/url``)."""
    required: tuple[tuple[str, ...], ...] = ()
    """Groups of canonical fields; each group needs at least one with a value (REC001)."""
    required_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Where the shape may also keep a required field that ``fields`` does not map (REC001)."""
    omission_is_missing: bool = False
    """A missing key means a missing value although the shape writes absence as null (every
    record carries every key). When False and ``absent`` is null, a missing key means the
    field was not requested."""
    complete_keys: frozenset[str] = field(default_factory=frozenset)
    """Keys that every full record of the shape has: a record with none of them is a partial
    response (Crossref's ``select=``) and completeness rules leave it alone."""
    author_style: AuthorStyle = AuthorStyle.STRING
    """How the shape writes one author (AUTH001's fix)."""
    research_types: frozenset[str] = field(default_factory=frozenset)
    """Work types of research articles, which always have authors (AUTH008)."""
    journal_types: frozenset[str] | None = None
    """When the container may be a book or a series: the types whose container is a journal
    (JRN001). None: every container is a journal."""
    type_vocabulary: str | None = None
    """The vocabulary of the work type (one of :data:`TYPE_VOCABULARIES`), read from
    ``type`` or, when the shape has no ``type``, ``publication_types`` (PT rules)."""
    type_claims: tuple[str, ...] = ()
    """Kinds of work (``review``, ``case report``) whose type the PT rules compare with what
    the title and abstract claim."""
    extra_dates: tuple[tuple[str, str | None], ...] = ()
    """Date values besides the canonical ones: (JSON Pointer, role in :data:`DATE_ROLES` or
    None), checked for format and validity by the DATE rules."""
    system_dates: tuple[str, ...] = ()
    """Pointers of the registry's bookkeeping dates (Crossref's ``created``): DATE006 reports
    an issue date that is one of them."""
    publication_dates: tuple[str, ...] = ()
    """Pointers of the shape's own publication-event dates, which vouch for an issue date
    that happens to equal a system date (DATE006)."""
    source_id_formats: Mapping[str, tuple[regex.Pattern[str], str]] = field(
        default_factory=lambda: PLATFORM_ID_FORMATS)
    """Platform key -> (pattern of a record id there, what it is) for ID009."""
    known_shape: bool = True
    """Whether records of the profile share one shape (TYP008 compares them); False for the
    generic fallback."""
    detect_keys_only: bool = False
    """Whether ``detect`` reads only which keys a record has, never their values: its score
    is then computed once per key set (see :meth:`ProfileSet.detect`)."""
    detect_needs: tuple[frozenset[str], int] | None = None
    """A necessary condition of a positive ``detect`` score on the record's keys alone:
    ``(keys, n)``, the record has at least ``n`` of ``keys`` (None: none declared). A record
    whose keys fail it is not offered to ``detect``."""

    def __post_init__(self) -> None:
        try:
            conventions = frozenset(Convention.parse(c) for c in self.conventions)
        except ValueError as exc:
            raise ProfileError(f"profile {self.name!r}: conventions: {exc}") from None
        object.__setattr__(self, "conventions", conventions)
        for name, pointers in self.fields.items():
            if name not in CANONICAL_FIELDS:
                raise ProfileError(f"profile {self.name!r}: fields: unknown canonical field "
                                   f"{name!r} (known: {', '.join(CANONICAL_FIELDS)})")
            _check_pointers(self.name, f"fields.{name}", pointers)
        for group in self.required:
            for name in group:
                if name not in CANONICAL_FIELDS:
                    raise ProfileError(f"profile {self.name!r}: required: unknown canonical "
                                       f"field {name!r}")
        for pointer, role in self.extra_dates:
            _check_pointers(self.name, "extra-dates", (pointer,))
            if role is not None and role not in DATE_ROLES:
                raise ProfileError(f"profile {self.name!r}: extra-dates: unknown role {role!r}")
        _check_pointers(self.name, "system-dates", self.system_dates)
        _check_pointers(self.name, "publication-dates", self.publication_dates)
        if self.type_vocabulary is not None and self.type_vocabulary not in TYPE_VOCABULARIES:
            raise ProfileError(f"profile {self.name!r}: type-vocabulary: unknown vocabulary "
                               f"{self.type_vocabulary!r} (known: {', '.join(TYPE_VOCABULARIES)})")
        if self.absent not in ("null", "omit"):
            raise ProfileError(f"profile {self.name!r}: absent: {self.absent!r} is not "
                               "'null' or 'omit'")

    def pointers(self, name: str) -> tuple[str, ...]:
        return self.fields.get(name, ())

    def has(self, convention: Convention) -> bool:
        """Whether the shape declares ``convention``."""
        return convention in self.conventions

    @property
    def type_field(self) -> str:
        """The canonical field of the work type (see :attr:`type_vocabulary`)."""
        return "type" if "type" in self.fields or "publication_types" not in self.fields \
            else "publication_types"

    @property
    def omitted_means_missing(self) -> bool:
        """Whether a missing key means a missing value (REC001)."""
        return self.absent == "omit" or self.omission_is_missing

    def is_partial(self, data: object) -> bool:
        """Whether ``data`` is a partial response of this shape (see :attr:`complete_keys`)."""
        if not isinstance(data, dict):
            return True
        return bool(self.complete_keys) and self.complete_keys.isdisjoint(data)

    def load_schema(self) -> dict[str, Any] | None:
        return load_schema(self.schema) if self.schema else None


def _check_pointers(profile: str, key: str, pointers: Iterable[str]) -> None:
    for pointer in pointers:
        if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
            raise ProfileError(f"profile {profile!r}: {key}: {pointer!r} is not a JSON "
                               "Pointer (it starts with '/')")


@cache
def load_schema(filename: str) -> dict[str, Any]:
    """A JSON Schema shipped in schemas/ (the ``biblint.schemas`` package), or at an absolute
    path (the schema of a user-defined profile).

    ``name.json#/items`` gives a subschema (with the document's definitions), so the CSL
    profile validates one item against the published csl-data.json, which describes a list.
    """
    name, _, fragment = filename.partition("#")
    if Path(name).is_absolute():  # a user-defined profile's own schema
        text = Path(name).read_text(encoding="utf-8")
    else:
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
    detect_keys_only=True,  # _keys_score: which marker keys are there
    schema="aggregator.schema.json",
    absent="null",
    # Not oa-url-optional: the export keeps only openAccessPdf as the place of the free copy,
    # so isOpenAccess true beside a null openAccessPdf promises a copy the record cannot give.
    conventions=frozenset({Convention.OA_PDF_STATUS, Convention.LANDING_URL_ELSEWHERE,
                           Convention.JOURNAL_METRICS, Convention.UNDATED_METRICS,
                           Convention.SEARCH_EXPORT, Convention.PUBMED_DERIVED,
                           Convention.INFERRED_TYPES}),
    required=(("title",), ("doi", "pmid", "pmcid", "source_id"), ("year", "publication_date")),
    omission_is_missing=True,  # an export: every record carries every key
    research_types=frozenset({"JournalArticle", "Conference", "Review", "CaseReport",
                              "ClinicalTrial", "MetaAnalysis", "Study", "Journal Article",
                              "Case Reports", "Clinical Trial", "Meta-Analysis",
                              "Systematic Review", "Randomized Controlled Trial"}),
    type_vocabulary="s2",
    type_claims=("review", "case report"),
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
    detect_keys_only=True,
    absent="null",
    # An unknown shape may write absence as "" (Zotero's web API does): do not assume null.
    conventions=frozenset({Convention.EMPTY_STRING_ABSENT}),
    known_shape=False,
)

_S2_MARKERS = frozenset({"paperId", "externalIds", "corpusId", "s2FieldsOfStudy",
                         "publicationVenue", "influentialCitationCount", "citationStyles"})


def _s2(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    paper_id = data.get("paperId")
    hits = len(_S2_MARKERS.intersection(data))
    if isinstance(paper_id, str) and len(paper_id) == 40:
        hits += 2
    return hits if hits >= 2 else 0


_CROSSREF_MARKERS = frozenset({
    "indexed", "deposited", "created", "member", "prefix", "reference-count",
    "is-referenced-by-count", "content-domain", "short-container-title", "published-print",
    "published-online", "issn-type", "score"})


def _crossref(data: Any) -> int:
    if not isinstance(data, dict) or "DOI" not in data or isinstance(data.get("title"), str):
        return 0  # a string title is CSL (Crossref serves CSL with its own keys mixed in)
    hits = len(_CROSSREF_MARKERS.intersection(data))
    if isinstance(data.get("title"), list):
        hits += 2  # with "DOI": even a select=DOI,title response
    return hits if hits >= 2 else 0


_OPENALEX_KEYS = frozenset({
    "cited_by_count", "counts_by_year", "abstract_inverted_index", "primary_location",
    "best_oa_location", "locations_count", "host_venue", "authorships", "biblio",
    "referenced_works", "referenced_works_count", "related_works", "cited_by_api_url",
    "type_crossref", "primary_topic", "topics", "sustainable_development_goals", "apc_list",
    "apc_paid", "fwci", "has_fulltext", "fulltext_origin", "is_authors_truncated",
    "corresponding_author_ids", "corresponding_institution_ids", "countries_distinct_count",
    "institutions_distinct_count", "citation_normalized_percentile",
    "cited_by_percentile_year", "indexed_in", "ngrams_url", "institution_assertions",
    "open_access",
})
"""Keys only an OpenAlex work has: one is enough to recognise a ``select=`` response."""
_OPENALEX_WEAK_KEYS = frozenset({"display_name", "publication_year", "concepts", "ids",
                                 "is_paratext", "is_retracted", "mesh", "keywords", "grants",
                                 "updated_date", "created_date"})
"""Keys an OpenAlex work has that other shapes may use too: they only add up."""


def _openalex(data: Any) -> int:
    """Scores whatever keys the record has, so a ``select=doi,open_access`` response (two
    keys) is recognised as well as a full work: an OpenAlex id (``https://openalex.org/W``,
    also inside ``ids``), a key only OpenAlex works have, an ``open_access`` object with
    ``is_oa``/``oa_status``, and a DOI written as a doi.org URL (OpenAlex's habit) beside any
    of them."""
    if not isinstance(data, dict):
        return 0
    ident = data.get("id")
    hits = 3 if isinstance(ident, str) and ident.startswith("https://openalex.org/W") else 0
    ids = data.get("ids")
    if isinstance(ids, dict) and isinstance(ids.get("openalex"), str):
        hits += 3
    strong = _OPENALEX_KEYS.intersection(data)
    if "open_access" in strong:
        access = data["open_access"]
        if not (isinstance(access, dict) and ("is_oa" in access or "oa_status" in access)):
            strong = strong - {"open_access"}
    hits += 3 * min(len(strong), 2) + len(strong) - min(len(strong), 2)
    hits += len(_OPENALEX_WEAK_KEYS.intersection(data))
    doi = data.get("doi")
    if hits and isinstance(doi, str) and doi.startswith("https://doi.org/"):
        hits += 1
    return hits if hits >= 3 else 0


_CSL_MARKERS = frozenset({"id", "container-title", "author", "DOI", "page", "URL", "accessed",
                          "citation-key", "title", "editor", "publisher-place",
                          "collection-title"})


def _csl(data: Any) -> int:
    if not isinstance(data, dict) or isinstance(data.get("title"), list):
        return 0  # a list title is Crossref's REST shape, which uses CSL type names too
    kind = data.get("type")
    hits = 2 if isinstance(kind, str) and kind in _csl_types() else 0
    issued = data.get("issued")
    if isinstance(issued, dict) and ("date-parts" in issued or "raw" in issued):
        hits += 1
    hits += len(_CSL_MARKERS.intersection(data))
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
    hits = len(_DATACITE_MARKERS.intersection(body))
    return hits if hits >= 3 else 0


_DATACITE_MARKERS = frozenset({
    "creators", "titles", "publicationYear", "publication_year", "types",
    "resourceTypeGeneral", "descriptions", "rightsList", "relatedIdentifiers", "schemaVersion",
    "schema_version", "fundingReferences"})

# Necessary conditions of the detectors above on a record's keys alone (Profile.detect_needs):
# a record with fewer of the keys scores 0, whatever its values.
# _s2: a score needs 2 hits; the paperId bonus needs paperId, itself a marker: >= 1 marker.
_S2_NEEDS = (_S2_MARKERS, 1)
# _crossref: "DOI" or nothing.
_CROSSREF_NEEDS = (frozenset({"DOI"}), 1)
# _openalex: "id" and "ids" (the OpenAlex ids), the strong and the weak keys are all it
# scores; the DOI point needs one of those first.
_OPENALEX_NEEDS = (_OPENALEX_KEYS | _OPENALEX_WEAK_KEYS | {"id", "ids"}, 1)
# _csl: a score needs 4 points; "type" gives at most 2, "issued" and each marker 1: two keys
# give at most 3, so >= 3 keys.
_CSL_NEEDS = (_CSL_MARKERS | {"type", "issued"}, 3)
# _datacite: 10 needs "type" and "attributes"; markers are counted in "attributes" when it is
# an object, else among the record's own keys (3 of them).
_DATACITE_NEEDS = (_DATACITE_MARKERS | {"type", "attributes"}, 1)


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
        "venue": ("/venue",),
        "volume": ("/journal/volume",),
        "pages": ("/journal/pages",),
        "issn": ("/publicationVenue/issn",),
        "issn_alternates": ("/publicationVenue/alternate_issns",),
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
    detect_needs=_S2_NEEDS,
    schema="s2.schema.json",
    absent="null",
    conventions=frozenset({Convention.PMCID_BARE_DIGITS, Convention.SPACED_PAGE_RANGES,
                           Convention.OA_URL_OPTIONAL, Convention.OA_PDF_STATUS,
                           Convention.INFERRED_TYPES}),
    required=(("source_id",), ("title",), ("year", "publication_date")),
    author_style=AuthorStyle.ID_NAME,
    research_types=frozenset({"JournalArticle", "Conference", "Review", "CaseReport",
                              "ClinicalTrial", "MetaAnalysis", "Study"}),
    type_vocabulary="s2",
    type_claims=("review", "case report"),
    # "venue": the API's value for an unknown venue; openAccessPdf {"url": "", "status":
    # "CLOSED", "disclaimer": ...}: the API's way to say there is no open PDF.
    # journal {"name": "", "volume": ""}: the same convention as venue, for the journal.
    empty_ok=frozenset({"venue", "/openAccessPdf/url", "/journal/name", "/journal/volume"}),
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
    detect_needs=_CROSSREF_NEEDS,
    schema="crossref.schema.json",
    absent="omit",
    conventions=frozenset({Convention.ABSTRACT_MARKUP, Convention.DOI_REGISTERED,
                           Convention.DATE_PARTS, Convention.TITLE_FACE_MARKUP,
                           Convention.SUBTITLE_ARRAY, Convention.ISSN_TYPE,
                           Convention.TOMBSTONES, Convention.ARTICLE_NUMBER_IN_PAGE,
                           Convention.REGISTRY_DOI_URL}),
    required=(("doi",), ("title",), ("issued",)),
    complete_keys=frozenset({"indexed", "deposited"}),  # without them: a select= response
    author_style=AuthorStyle.PARTS,
    research_types=frozenset({"journal-article", "proceedings-article"}),
    journal_types=frozenset({"journal-article"}),
    type_vocabulary="crossref",
    extra_dates=(("/published", "issue"), ("/published-print", "issue"),
                 ("/published-online", "epub"), ("/posted", "epub"), ("/accepted", None),
                 ("/approved", None), ("/content-created", None), ("/created", None),
                 ("/deposited", None), ("/indexed", None)),
    system_dates=("/created", "/deposited", "/indexed"),
    publication_dates=("/published", "/published-print", "/published-online", "/posted",
                       "/accepted", "/approved", "/content-created", "/published-other"),
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
        # The first that exists is the field; OA001 looks for a URL in each of them.
        "oa_url": ("/open_access/oa_url", "/best_oa_location/pdf_url",
                   "/best_oa_location/landing_page_url"),
        "citation_count": ("/cited_by_count",),
        "url": ("/primary_location/landing_page_url",),
        "abstract_index": ("/abstract_inverted_index",),
        "is_paratext": ("/is_paratext",),
        "issn_alternates": ("/primary_location/source/issn_l",),
    },
    detect=_openalex,
    detect_needs=_OPENALEX_NEEDS,
    schema="openalex.schema.json",
    absent="null",
    conventions=frozenset({Convention.DOI_AS_URL, Convention.PMID_AS_URL,
                           Convention.PMCID_AS_URL, Convention.YEAR_AS_JANUARY_FIRST,
                           Convention.ISSN_L, Convention.OA_LOCATIONS, Convention.INFERRED_TYPES,
                           Convention.SINGLE_TYPE, Convention.LEGACY_CROSSREF_TYPES}),
    required=(("source_id",), ("title",), ("year", "publication_date")),
    author_style=AuthorStyle.AUTHORSHIP,
    research_types=frozenset({"article", "preprint", "review"}),
    type_vocabulary="openalex",
    type_claims=("review",),
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
    detect_needs=_CSL_NEEDS,
    schema="csl-data.json#/items",
    absent="omit",
    conventions=frozenset({Convention.CSL_RICH_TEXT, Convention.DATE_PARTS, Convention.CSL_DATES,
                           Convention.EN_DASH_PAGE_RANGES}),
    # Only a title: books and web pages legitimately lack identifiers and dates.
    required=(("title",),),
    author_style=AuthorStyle.LITERAL,
    research_types=frozenset({"article-journal", "paper-conference"}),
    journal_types=frozenset({"article-journal"}),
    type_vocabulary="csl",
    extra_dates=(("/accessed", None), ("/submitted", None), ("/original-date", None),
                 ("/event-date", None), ("/available-date", None)),
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
    detect_needs=_DATACITE_NEEDS,
    schema="datacite.schema.json",
    absent="null",
    conventions=frozenset({Convention.DOI_REGISTERED, Convention.YEAR_AS_STRING,
                           Convention.UNKNOWN_CODES, Convention.DOI_AS_ID,
                           Convention.TYPED_TITLES}),
    # Its five mandatory properties.
    required=(("doi",), ("title",), ("authors",), ("publisher",), ("year",)),
    # The older JSON flavour writes publication-year (bolognese's fixtures).
    required_aliases={"year": ("/attributes/publication-year", "/publication-year")},
    omission_is_missing=True,
    author_style=AuthorStyle.NAME,
    research_types=frozenset({"JournalArticle", "ConferencePaper", "Preprint"}),
    type_vocabulary="datacite",
)

BUILTIN: tuple[Profile, ...] = (AGGREGATOR, S2, CROSSREF, OPENALEX, CSL, DATACITE, GENERIC)
"""The built-in profiles, registered as the ``builtin`` entry point of ``biblint.profiles``."""

PROFILES: dict[str, Profile] = {p.name: p for p in BUILTIN}
"""The built-in profiles by name; GENERIC is the fallback and is never detected. Installed
and user-defined profiles are in a :class:`ProfileSet` (:func:`installed_profiles`)."""

ENTRY_POINT_GROUP = "biblint.profiles"


class ProfileSet:
    """The profiles a run knows: detection, lookup by name, and the fallback.

    User-defined profiles (from configuration) come first: one that recognises a record wins
    over every installed profile, since it describes the user's own data.
    """

    def __init__(self, profiles: Iterable[Profile], user: Iterable[Profile] = ()) -> None:
        self.user: tuple[Profile, ...] = tuple(user)
        self.installed: tuple[Profile, ...] = tuple(profiles)
        self.by_name: dict[str, Profile] = {}
        for profile in (*self.user, *self.installed):
            if profile.name in self.by_name:
                raise ProfileError(f"profile {profile.name!r} is defined twice")
            self.by_name[profile.name] = profile
        self.fallback = self.by_name.get(GENERIC.name, GENERIC)
        self._plans: dict[tuple[str, ...], tuple[_Candidates, ...]] = {}

    def __iter__(self) -> Iterator[Profile]:
        return iter(self.by_name.values())

    def __len__(self) -> int:
        return len(self.by_name)

    def names(self) -> list[str]:
        return sorted(self.by_name)

    def get(self, name: str) -> Profile:
        try:
            return self.by_name[name]
        except KeyError:
            known = ", ".join(self.names())
            raise ValueError(f"unknown profile {name!r} (known: {known})") from None

    def detect(self, data: Any) -> Profile:
        """The best-scoring user profile for a record, else the best-scoring installed one,
        else the fallback.

        What the record's keys alone decide is worked out once per key tuple (records of
        one source share a few): the scores of the detectors that read only keys
        (:attr:`Profile.detect_keys_only`), and which detectors the keys rule out
        (:attr:`Profile.detect_needs`); only the remaining ones read the record. A profile
        left out scores 0, which never wins (a score must be positive), and the others keep
        their order, so ties go to the same profile as when every detector is called.
        """
        if type(data) is not dict:
            return self._detect(data)
        keys = tuple(data)
        plan = self._plans.get(keys)
        if plan is None:
            if len(self._plans) >= 256:  # records of ever new shapes: bounded memory
                self._plans.clear()
            plan = self._plans[keys] = tuple(_candidates(group, data)
                                             for group in (self.user, self.installed))
        for group in plan:
            best, best_score = None, 0
            for profile, known in group:
                score = profile.detect(data) if known is None else known
                if score > best_score:
                    best, best_score = profile, score
            if best is not None:
                return best
        return self.fallback

    def _detect(self, data: Any) -> Profile:
        """:meth:`detect` with every detector called (the definition)."""
        for group in (self.user, self.installed):
            best, best_score = None, 0
            for profile in group:
                score = profile.detect(data)
                if score > best_score:
                    best, best_score = profile, score
            if best is not None:
                return best
        return self.fallback

    def with_user(self, user: Iterable[Profile]) -> ProfileSet:
        """This set with ``user`` profiles added (ahead of the installed ones)."""
        return ProfileSet(self.installed, (*self.user, *user))


_Candidates = tuple[tuple[Profile, "int | None"], ...]
"""The profiles of a group that may score a record with given keys, in order, each with its
score when the keys decide it (None: ask its detector)."""


def _candidates(group: Iterable[Profile], data: dict[str, Any]) -> _Candidates:
    """What ``data``'s keys decide of the detection of ``group`` (see ProfileSet.detect)."""
    out: list[tuple[Profile, int | None]] = []
    for profile in group:
        needs = profile.detect_needs
        if needs is not None and len(needs[0].intersection(data)) < needs[1]:
            continue
        if profile.detect_keys_only:
            score = profile.detect(data)
            if score > 0:
                out.append((profile, score))
        else:
            out.append((profile, None))
    return tuple(out)


@cache
def installed_profiles() -> ProfileSet:
    """Every profile registered under the ``biblint.profiles`` entry-point group, loaded
    once per process. An entry point names a :class:`Profile` or an iterable of them."""
    from .registry import RegistryError, _installed_entry_points

    found: list[Profile] = []
    for ep in _installed_entry_points(ENTRY_POINT_GROUP):
        try:
            loaded = ep.load()
        except Exception as exc:
            raise RegistryError(f"profile plugin {ep.name!r} ({ep.value}) failed to load: "
                                f"{exc}") from exc
        items = [loaded] if isinstance(loaded, Profile) else list(loaded) \
            if isinstance(loaded, (list, tuple)) else []
        if not items or not all(isinstance(item, Profile) for item in items):
            raise RegistryError(f"profile plugin {ep.name!r} ({ep.value}) provides no profiles")
        found.extend(items)
    if not found:  # not installed (a source checkout on sys.path): the built-in ones
        found = list(BUILTIN)
    return ProfileSet(found)


def detect_profile(data: Any) -> Profile:
    """The best-scoring installed profile for a record, or the generic one."""
    return installed_profiles().detect(data)


def get_profile(name: str) -> Profile:
    """The installed profile called ``name``; ValueError naming the known ones otherwise."""
    return installed_profiles().get(name)


# -- user-defined profiles ---------------------------------------------------------------------


def value_at(data: Any, pointer: str) -> Any:
    """The value at ``pointer`` in ``data``, or None when there is none (never raises)."""
    from .model import lookup

    return lookup(data, pointer)


def _keys_detector(keys: tuple[str, ...], needed: int) -> Callable[[Any], int]:
    """A detector scoring the number of ``keys`` present (a top-level key name, or a JSON
    Pointer for a nested one), if at least ``needed``."""
    names = frozenset(k for k in keys if not k.startswith("/"))
    pointers = tuple(k for k in keys if k.startswith("/"))

    def detect(data: Any) -> int:
        if not isinstance(data, dict):
            return 0
        hits = len(names.intersection(data))
        hits += sum(1 for pointer in pointers if value_at(data, pointer) is not None)
        return hits if hits >= needed else 0

    return detect


def _never(data: Any) -> int:
    return 0


def profile_from_config(name: str, table: Mapping[str, Any], *,
                        root: Path | None = None) -> Profile:
    """A :class:`Profile` from a ``[tool.biblint.profiles.NAME]`` table (already checked
    against schemas/config.schema.json for its structure). Raises :class:`ProfileError`
    naming the key for anything the schema cannot know: an unknown canonical field or
    convention, a schema file that does not exist.

    Keys (all optional but ``fields``): ``title``; ``schema`` (a JSON Schema file, relative to
    the config file's folder); ``detect = {keys = [...], min = N}`` (the record has at least
    ``min`` of the keys: top-level names, or JSON Pointers for nested keys; ``min`` defaults
    to all of them; without ``detect`` the profile is only used when forced); ``fields``
    (canonical field -> a JSON Pointer or a list of them); ``absent`` (``null`` or
    ``omit``); ``conventions``; ``empty-ok``; ``required`` (groups of canonical fields);
    ``authors`` (:class:`AuthorStyle`); ``research-types``; ``journal-types``;
    ``type-vocabulary``; ``type-claims``; ``extra-dates`` (pointer -> ``issue``, ``epub`` or
    ``other``); ``system-dates``; ``publication-dates``; ``complete-keys``;
    ``omission-is-missing``.
    """
    where = f"profiles.{name}"
    if name in PROFILES:
        raise ProfileError(f"{where}: {name!r} is the name of a built-in profile")

    def pointers(value: str | list[str]) -> tuple[str, ...]:
        return (value,) if isinstance(value, str) else tuple(value)

    fields = {key: pointers(value) for key, value in table.get("fields", {}).items()}
    schema = table.get("schema")
    if schema is not None:
        path = Path(schema)
        if not path.is_absolute():
            path = (root or Path.cwd()) / path
        if not path.is_file():
            raise ProfileError(f"{where}.schema: no such file: {path}")
        try:
            loaded = load_schema(str(path.resolve()))
            import jsonschema

            jsonschema.validators.validator_for(loaded).check_schema(loaded)
        except (OSError, ValueError, jsonschema.SchemaError) as exc:
            first = str(exc).split("\n")[0]
            raise ProfileError(f"{where}.schema: not a valid JSON Schema: {first}") from None
        schema = str(path.resolve())
    detect: Callable[[Any], int] = _never
    needs: tuple[frozenset[str], int] | None = None
    keys_only = True  # no detector (never) reads nothing
    if "detect" in table:
        keys = tuple(table["detect"]["keys"])
        needed = int(table["detect"].get("min", len(keys)))
        if needed > len(keys):
            raise ProfileError(f"{where}.detect.min: {needed} is more than the "
                               f"{len(keys)} keys")
        detect = _keys_detector(keys, needed)
        from .model import split_pointer

        # A hit is a key there, or a value at a pointer, which needs the pointer's first key.
        needs = (frozenset(split_pointer(k)[0] if k.startswith("/") else k for k in keys), 1)
        keys_only = not any(k.startswith("/") for k in keys)  # names only: it counts keys
    try:
        authors = AuthorStyle(table.get("authors", AuthorStyle.STRING.value))
    except ValueError:
        known = ", ".join(style.value for style in AuthorStyle)
        raise ProfileError(f"{where}.authors: unknown author style {table['authors']!r} "
                           f"(known: {known})") from None
    roles = {"issue": "issue", "epub": "epub", "other": None}
    try:
        profile = Profile(
            name=name,
            title=table.get("title", f"user-defined profile {name}"),
            fields=fields,
            detect=detect,
            detect_keys_only=keys_only,
            detect_needs=needs,
            schema=schema,
            absent=table.get("absent", "null"),
            conventions=frozenset(table.get("conventions", ())),
            empty_ok=frozenset(table.get("empty-ok", ())),
            required=tuple(pointers(group) for group in table.get("required", ())),
            omission_is_missing=bool(table.get("omission-is-missing", False)),
            complete_keys=frozenset(table.get("complete-keys", ())),
            author_style=authors,
            research_types=frozenset(table.get("research-types", ())),
            journal_types=(frozenset(table["journal-types"]) if "journal-types" in table
                           else None),
            type_vocabulary=table.get("type-vocabulary"),
            type_claims=tuple(table.get("type-claims", ())),
            extra_dates=tuple((pointer, roles[role])
                              for pointer, role in table.get("extra-dates", {}).items()),
            system_dates=tuple(table.get("system-dates", ())),
            publication_dates=tuple(table.get("publication-dates", ())),
        )
    except ProfileError as exc:
        # "profile 'x': conventions: ..." -> "profiles.x.conventions: ..."
        message = str(exc).removeprefix(f"profile {name!r}: ")
        key, _, rest = message.partition(": ")
        raise ProfileError(f"{where}.{key}: {rest}") from None
    return profile
