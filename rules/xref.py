"""XREF: consistency between fields of one record."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import regex

from biblint.domain.doi import (
    DOI_RE,
    doi_from_url,
    doi_key,
    doi_match_key,
    doi_url,
    normalise_doi,
    strip_doi_prefix,
)
from biblint.domain.identifiers import normalise_pmcid, valid_issn
from biblint.domain.show import shown
from biblint.model import Applicability, Fix, PatchOp, Violation, resolve_pointer
from biblint.profiles import Convention
from biblint.record import Field, Record
from biblint.registry import Context, Option, rule


@rule("XREF001", "doi-url-missing", severity="error", fix="safe", reads=("doi", "doi_url"))
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


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _at(record: Record, pointer: str) -> object:
    """The value at ``pointer``, or None when the record has no such place."""
    try:
        return resolve_pointer(record.data, pointer)
    except Exception:
        return None


def _other_dois(record: Record, primary: str) -> Iterator[tuple[str, str, str]]:
    """Other places of the record that name its DOI: (what, pointer, bare DOI)."""
    for name, what in (("doi_url", "DOI URL"), ("landing_url", "landing URL"), ("url", "URL")):
        found = record.field(name)
        if found is not None and found.pointer != primary:
            embedded = doi_from_url(found.value)
            if embedded is not None:
                yield what, found.pointer, embedded
    for pointer in record.profile.pointers("doi"):
        if pointer != primary:
            other = normalise_doi(_at(record, pointer))
            if other is not None:
                yield "second DOI field", pointer, other
    if (record.profile.has(Convention.DOI_AS_ID) and isinstance(record.data, dict)
            and record.data.get("type") == "dois" and primary != "/id"):
        other = normalise_doi(record.data.get("id"))
        if other is not None:
            yield "record id", "/id", other


@rule("XREF002", "doi-mismatch", severity="error", reads=("doi", "doi_url", "landing_url", "url"))
def doi_mismatch(record: Record, ctx: Context) -> Iterator[Violation]:
    """Another field of the record names a different DOI than the DOI field.

    ## What it does
    Reads the DOI out of the record's DOI URL field (the aggregator's `DOIUrl`, Crossref's
    `URL`), of landing and URL fields that are DOI resolver links (`https://doi.org/…`,
    `http://dx.doi.org/…`, the aggregator's `ListUrlMain`, OpenAlex's `landing_page_url`), of
    a second DOI field of the shape (OpenAlex's `ids.doi`) and of DataCite's record `id`, and
    reports each one that differs from the DOI field. DOIs are compared as DOIs: without
    resolver prefixes or encoding, and case-insensitively (ASCII case folding, as the DOI
    Handbook specifies), so `https://doi.org/10.1103/PhysRevLett.1` matches
    `10.1103/physrevlett.1`. A DOI field that is not a DOI is left to the DOI rules.

    ## Why is this bad?
    One of the two is wrong, and consumers disagree on which to trust: a link built from
    the URL shows another paper than the identifier names, and merging by DOI joins the
    record with the wrong work. It is the typical trace of a merge of two records or of a
    landing page taken from a neighbouring item.

    ## Example
    ```json
    {"doi": "10.1103/PhysRevLett.118.091101",
     "ListUrlMain": "https://doi.org/10.1103/PhysRevLett.118.221101"}
    ```

    ## Fix
    None: which of the two is right needs the registry or the full text.
    """
    found = record.field("doi")
    if found is None:
        return
    doi = normalise_doi(found.value)
    key = doi_match_key(doi)
    if doi is None or key is None:
        return
    for what, pointer, other in _other_dois(record, found.pointer):
        if doi_match_key(other) != key:
            yield Violation(f"{what} names DOI {shown(other)}, the DOI field {shown(doi)}",
                            pointer)


@rule("XREF003", "url-missing", severity="warning", fix="unsafe",
      reads=("doi_url", "landing_url", "url"))
def url_missing(record: Record, ctx: Context) -> Iterator[Violation]:
    """The landing URL is null or empty although another URL field of the record is set.

    ## What it does
    Reports the canonical `url` field when it is null or blank while the shape's other
    landing field or its DOI URL field holds a URL. Only shapes that keep such a second
    field are concerned; a key that is absent is not reported. Where the shape keeps the
    landing URL in its second landing field and leaves `url` null (profile convention
    `landing-url-elsewhere`: the aggregator's `ListUrlMain`), a null `url` beside it is the
    shape's habit: that field is the one asked for, and is reported when it is empty while
    the DOI URL (`DOIUrl`) is set.

    ## Why is this bad?
    Consumers that read only `url` (most do) find no link and treat the work as offline, while
    the record does know where it lives. The fields disagree in completeness, which usually
    means the record was assembled from two sources and one of them was not copied over.

    ## Example
    ```json
    {"url": null, "ListUrlMain": "https://doi.org/10.1177/15266028251361770"}
    ```
    Use instead:
    ```json
    {"url": "https://doi.org/10.1177/15266028251361770",
     "ListUrlMain": "https://doi.org/10.1177/15266028251361770"}
    ```

    ## Fix
    Unsafe: copies the other URL (the landing field first, else the DOI URL) into `url`. The
    fields may mean different things to the source (a platform page, a publisher page, a
    resolver link), so the copy is a judgement.
    """
    url = record.field("url")
    others: tuple[str, ...] = ("landing_url", "doi_url")
    if record.profile.has(Convention.LANDING_URL_ELSEWHERE):
        url, others = record.field("landing_url"), ("doi_url",)
    if url is None or not _blank(url.value):
        return
    for name in others:
        other = record.field(name)
        if other is None or other.pointer == url.pointer:
            continue
        value = other.value
        if isinstance(value, str) and value.strip() and "://" in value:
            target = value.strip()
            fix = Fix.replace(url.pointer, target, f"Copy {shown(target)} into the URL",
                              unsafe=True)
            state = "null" if url.value is None else "empty"
            yield Violation(f"URL {url.pointer} is {state} although {other.pointer} holds a URL",
                            url.pointer, fix)
            return


_YEAR_RE = regex.compile(r"\s*+([0-9]{4})(?![0-9])")


def _year_of(value: object) -> int | None:
    """A year given as an integer, a digit string, or the start of an ISO date."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 10000 else None
    if isinstance(value, str):
        match = _YEAR_RE.match(value)
        return int(match.group(1)) if match else None
    return None


@rule("XREF005", "year-date-mismatch", severity="warning",
      options={"tolerance": Option(0, {"type": "integer", "minimum": 0, "maximum": 100},
                                   "Years by which the two may differ without a finding.")},
                                   reads=("publication_date", "year"))
def year_date_mismatch(record: Record, ctx: Context) -> Iterator[Violation]:
    """The year field disagrees with the year of the publication date.

    ## What it does
    Compares the canonical `year` (S2's and the aggregator's `year`, OpenAlex's
    `publication_year`) with the year of the publication date (`publicationDate`,
    `publication_date`) when the record has both, and reports a difference larger than the
    `tolerance` option (default 0). Crossref and CSL keep one date only (`issued`).

    ## Why is this bad?
    Citation styles print the year, sorting and filtering use the date (or the other way
    round), so one record shows two years depending on the consumer; deduplication by
    title + year misses the pair (JabRef/jabref#7943). Often one of the two is the online
    date and the other the issue date, or one was defaulted.

    ## Example
    ```json
    {"year": 2024, "publicationDate": "2025-01-03"}
    ```

    ## Fix
    None: which date is meant (online, print, issue) is a judgement.

    ## Options
    `tolerance` (default 0): a difference of up to this many years is accepted, for
    datasets where the year is deliberately the print year and the date the online date.
    """
    year_field = record.field("year")
    if year_field is None:
        return
    year = _year_of(year_field.value)
    if year is None:
        return
    tolerance = int(ctx.options.get("tolerance", 0))
    found = record.field("publication_date")
    if found is None:
        return
    other = _year_of(found.value)
    if other is not None and abs(other - year) > tolerance:
        yield Violation(f"year {year} but {found.pointer} is in {other}", year_field.pointer)


# The ISSN a DOI suffix embeds: Elsevier PIIs (`S0140-6736(20)…`, `0022-2836(75)…`) and
# SICIs (`(SICI)1097-4636(1997…`, `1521-3773(2002…`) write it with its hyphen before a
# bracket; SAGE (`10.1177/15266028…`) and Taylor & Francis (`10.1080/09602011.2023…`) put
# the eight characters first.
_PII_ISSN_RE = regex.compile(r"(?:\(sici\)|s)?+([0-9]{4}-[0-9]{3}[0-9x])[(\[]", regex.IGNORECASE)
_LEADING_ISSN_RE = {
    "10.1177": regex.compile(r"([0-9]{7}[0-9x])[0-9]", regex.IGNORECASE),
    "10.1080": regex.compile(r"([0-9]{7}[0-9x])\.", regex.IGNORECASE),
}
_ISSN_TOKEN_RE = regex.compile(r"(?<![0-9])([0-9]{4})-?+([0-9]{3}[0-9Xx])(?![0-9])")


def _embedded_issn(doi: str) -> str | None:
    """The ISSN (8 characters, upper case, no hyphen) a DOI embeds, with a valid check
    digit, or None."""
    prefix, _, suffix = doi.partition("/")
    match = _PII_ISSN_RE.match(suffix)
    if match is None and prefix in _LEADING_ISSN_RE:
        match = _LEADING_ISSN_RE[prefix].match(suffix)
    if match is None:
        return None
    found = match.group(1).replace("-", "").upper()
    return found if valid_issn(found) else None


def _record_issns(record: Record) -> list[str]:
    """Every ISSN the record gives for its container (8 characters, no hyphen)."""
    values: list[object] = []
    found = record.field("issn")
    if found is not None:
        values.extend(found.value if isinstance(found.value, list) else [found.value])
    alternates = record.value("issn_alternates")  # S2's alternate_issns, OpenAlex's issn_l
    values.extend(alternates if isinstance(alternates, list) else [alternates])
    out: list[str] = []
    for value in values:
        if isinstance(value, str):
            for match in _ISSN_TOKEN_RE.finditer(value):
                token = (match.group(1) + match.group(2)).upper()
                if token not in out:
                    out.append(token)
    return out


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _hyphenated(value: str) -> str:
    return f"{value[:4]}-{value[4:]}"


@rule("XREF006", "doi-issn-mismatch", severity="info",
      reads=("doi", "issn", "issn_alternates"))
def doi_issn_mismatch(record: Record, ctx: Context) -> Iterator[Violation]:
    """The ISSN embedded in the DOI is not among the record's ISSNs.

    ## What it does
    Some publishers build article DOIs from the journal's ISSN: Elsevier PIIs
    (`10.1016/S0140-6736(20)30183-5`: The Lancet, 0140-6736), Wiley SICIs
    (`10.1002/(SICI)1097-4636(199706)…`), SAGE (`10.1177/15266028251361770`: 1526-6028) and
    Taylor & Francis (`10.1080/09602011.2023.2255797`: 0960-2011). When the embedded ISSN has
    a valid check digit and the record lists ISSNs for its journal (S2's
    `publicationVenue.issn` and `alternate_issns`, OpenAlex's source `issn` and `issn_l`, CSL's
    `ISSN`), the rule reports an embedded ISSN that is none of them. Quiet for the
    registration agency's own records (`doi-registered`: Crossref, DataCite), where DOI and
    ISSNs come from the same deposit, and for records without ISSNs.

    ## Why is this bad?
    The DOI and the journal data came from different works: an aggregator attached the
    record to the wrong venue (Semantic Scholar's venue conflation, an OpenAlex source that
    is another journal) or the DOI to the wrong record. Venue-based metrics, filters and
    citations then describe another journal.

    ## Example
    ```json
    {"externalIds": {"DOI": "10.1080/10447318.2022.2096737"},
     "publicationVenue": {"name": "International Journal of Human-Computer Interaction",
                          "issn": "2180-1347"}}
    ```
    The DOI names ISSN 1044-7318 (the journal's print ISSN); the venue's ISSN is another's.

    ## Fix
    None. Note that a journal that changed its title keeps DOIs with its former ISSN: check
    the ISSN register before changing anything.
    """
    if record.profile.has(Convention.DOI_REGISTERED):
        return
    found = record.field("doi")
    if found is None:
        return
    doi = normalise_doi(found.value)
    embedded = _embedded_issn(doi) if doi is not None else None
    if embedded is None:
        return
    issns = _record_issns(record)
    if not issns or embedded in issns:
        return
    listed = ", ".join(_hyphenated(i) for i in issns[:3]) + (", …" if len(issns) > 3 else "")
    yield Violation(f"DOI embeds ISSN {_hyphenated(embedded)}, not among the record's ISSNs "
                    f"({listed})", found.pointer)


_STOPWORDS = frozenset({"of", "the", "and", "for", "in", "on", "at", "de", "des", "du", "la",
                        "le", "les", "et", "der", "die", "das", "und", "fur", "für", "di", "y"})
"""Words ISO 4 abbreviations leave out (`Soc Sci Med` for `Social Science & Medicine`)."""
_WORD_RE = regex.compile(r"[\p{L}\p{N}]++")


def _words(name: str) -> list[str]:
    """The words of a journal name's main title (before a `:` subtitle), case-folded."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    main = text.partition(":")[0]
    words = _WORD_RE.findall(main)
    return words or _WORD_RE.findall(text)


def same_container(first: str, second: str) -> bool:
    """Whether two journal names are variants of one name: equal up to case, punctuation,
    `&`/`and`, a subtitle after `:` and left-out small words, with each remaining word of
    one a prefix of the other's (ISO 4 abbreviations: `J Endovasc Ther`)."""
    if first == second:  # the same words, each a prefix of itself: the usual case, for free
        return True
    return _same_words(first, second)


def _same_words(first: str, second: str) -> bool:
    """:func:`same_container` without its shortcut (the reference it is tested against)."""
    one, two = _words(first), _words(second)
    i = j = 0
    while i < len(one) and j < len(two):
        a, b = one[i], two[j]
        if a.startswith(b) or b.startswith(a):
            i, j = i + 1, j + 1
        elif a in _STOPWORDS and b not in _STOPWORDS:
            i += 1
        elif b in _STOPWORDS and a not in _STOPWORDS:
            j += 1
        else:
            return False
    return all(w in _STOPWORDS for w in one[i:]) and all(w in _STOPWORDS for w in two[j:])


@rule("XREF007", "container-mismatch", severity="warning", reads=("container", "container_alt"))
def container_mismatch(record: Record, ctx: Context) -> Iterator[Violation]:
    """Two copies of the journal name in one record name different journals.

    ## What it does
    Compares the record's journal name with the second copy its shape keeps (the
    aggregator's `journal.name` and `PeriodicalName`) and reports names that are not
    variants of each other. Variants are accepted: case, punctuation, `&` for `and`, small
    words left out (`The Lancet` / `Lancet`), an ISO 4 abbreviation (`J Endovasc Ther` for
    `Journal of Endovascular Therapy`) and a subtitle after a colon. `Nature` and `Nature
    Communications`, or `Education for Health` and `Education and Health`, differ.

    ## Why is this bad?
    One record claims two journals. Metrics, subject categories and the impact factor hang
    on one of them, the citation prints the other; the usual cause is a merge with the wrong
    journal row (by an internal journal id or a near-identical name, allenai/s2-folks#204).

    ## Example
    ```json
    {"journal": {"name": "Journal of Endovascular Therapy"},
     "PeriodicalName": "Journal of Vascular Surgery"}
    ```

    ## Fix
    None: which journal is right needs the ISSN or the publisher's page.
    """
    first = record.field("container")
    second = record.field("container_alt")
    if first is None or second is None or first.pointer == second.pointer:
        return
    one, two = first.value, second.value
    if not isinstance(one, str) or not isinstance(two, str) or not one.strip() or not two.strip():
        return
    if same_container(one, two):
        return
    yield Violation(f"journal {shown(one, 30)} but {second.pointer} {shown(two, 30)}",
                    second.pointer)


_ARXIV_DOI_PREFIX = "10.48550/arxiv."
_ARXIV_ID_RE = regex.compile(
    r"(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)?+([a-z][a-z.\-]*+/[0-9]{7}|[0-9]{4}\.[0-9]{4,5})"
    r"(?:v[0-9]++)?+(?:\.pdf)?+\Z",
    regex.IGNORECASE,
)


def _arxiv_id(value: object) -> str | None:
    """An arXiv identifier without prefix and version, lower-cased, or None."""
    if not isinstance(value, str):
        return None
    match = _ARXIV_ID_RE.match(value.strip())
    return match.group(1).lower() if match else None


@rule("XREF008", "arxiv-doi-mismatch", severity="error", reads=("arxiv", "doi"))
def arxiv_doi_mismatch(record: Record, ctx: Context) -> Iterator[Violation]:
    """The arXiv DOI names another arXiv paper than the record's arXiv id.

    ## What it does
    When the DOI is an arXiv DOI (`10.48550/arXiv.<id>`) and the record has an arXiv id field
    (S2's `externalIds.ArXiv`), compares the two identifiers, ignoring case, an `arXiv:`
    prefix or abs URL and a version suffix (`v2`), and reports a difference.

    ## Why is this bad?
    An arXiv DOI is made from the arXiv identifier, so the two must name the same preprint.
    A difference means the DOI or the id was taken from another record; links and the
    matching of the preprint with its version of record go to the wrong paper.

    ## Example
    ```json
    {"externalIds": {"DOI": "10.48550/arXiv.2404.13957", "ArXiv": "2404.13975"}}
    ```

    ## Fix
    None: which one is right needs arXiv.
    """
    found = record.field("doi")
    arxiv = record.field("arxiv")
    if found is None or arxiv is None:
        return
    doi = normalise_doi(found.value)
    if doi is None or not doi_key(doi).startswith(_ARXIV_DOI_PREFIX):
        return
    from_doi = _arxiv_id(doi[len(_ARXIV_DOI_PREFIX):])
    from_field = _arxiv_id(arxiv.value)
    if from_doi is None or from_field is None or from_doi == from_field:
        return
    yield Violation(f"arXiv DOI names {from_doi}, the arXiv id field {from_field}",
                    arxiv.pointer)


_PMID_RE = regex.compile(
    r"(?:https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)"
    r"|pmid\s*+[:=]?\s*+)?+([1-9][0-9]{0,8})/?\Z",
    regex.IGNORECASE,
)
_PMID_LABEL_RE = regex.compile(
    r"(?:pmid\s*+[:=]?\s*+|https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/"
    r"|ncbi\.nlm\.nih\.gov/pubmed/))[1-9][0-9]{0,8}/?\Z",
    regex.IGNORECASE,
)
_PMC_LABEL_RE = regex.compile(
    r"(?:pmc\s*+[:=]?\s*+[0-9]|pmcid|https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc/"
    r"|pmc\.ncbi\.nlm\.nih\.gov/|europepmc\.org/))",
    regex.IGNORECASE,
)


def _pmid_number(value: object) -> str | None:
    """The number of a PMID written as digits, an integer, `PMID: n` or a PubMed URL."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 < value < 10**9 else None
    if not isinstance(value, str):
        return None
    match = _PMID_RE.match(value.strip())
    return match.group(1) if match else None


def _move(record: Record, source: Field, target_name: str, value: object,
          title: str) -> Fix | None:
    """Moves ``value`` into the (blank or absent) canonical field ``target_name`` and clears
    ``source``; None when the target holds something or has no place in the record."""
    target = record.field(target_name)
    ops: list[PatchOp] = []
    if target is not None:
        if not _blank(target.value):
            return None
        ops.append(PatchOp("replace", target.pointer, value))
    else:
        pointers = record.profile.pointers(target_name)
        if not pointers or not isinstance(_at(record, pointers[0].rpartition("/")[0]), dict):
            return None
        ops.append(PatchOp("add", pointers[0], value))
    if record.profile.absent == "omit":
        ops.append(PatchOp("remove", source.pointer))
    else:
        ops.append(PatchOp("replace", source.pointer, None))
    return Fix(title, tuple(ops), Applicability.UNSAFE)


@rule("XREF009", "id-slot-swap", severity="error", fix="unsafe", reads=("pmcid", "pmid"))
def id_slot_swap(record: Record, ctx: Context) -> Iterator[Violation]:
    """A PubMed id sits in the PMCID field, a PMC id in the PMID field, or both hold one id.

    ## What it does
    Checks the canonical `pmid` and `pmcid` fields and reports: a PMCID in the PMID field
    (`PMC5832410`, a PMC article URL), a PMID in the PMCID field (`PMID: 29424689`, a
    PubMed URL), and the same number in both fields (`PubMed: "10581430"`,
    `PubMedCentral: "10581430"`), since a PMID and a PMCID of one article never coincide.
    Each shape's own forms are understood (S2's bare PMC digits, OpenAlex's URLs).

    ## Why is this bad?
    PMIDs and PMCIDs are both numbers, so a mix-up goes unnoticed until a lookup returns
    another article (allenai/s2-folks#157): links, the NCBI ID converter and merges by
    PubMed id then join the record with an unrelated paper.

    ## Example
    ```json
    {"PMID": "PMC5832410", "PMCID": null}
    ```
    Use instead:
    ```json
    {"PMID": null, "PMCID": "PMC5832410"}
    ```

    ## Fix
    Unsafe: moves a labelled id (`PMC…`, `PMID: …`, a PubMed or PMC URL) into its own field
    when that field is empty or absent, and clears the field it was in. No fix when both
    fields hold the same number: which one is right needs PubMed.
    """
    pmid = record.field("pmid")
    pmcid = record.field("pmcid")
    if pmid is not None and isinstance(pmid.value, str) and _PMC_LABEL_RE.match(
            pmid.value.strip()):
        moved = normalise_pmcid(pmid.value)
        fix = (_move(record, pmid, "pmcid", moved, f"Move {moved} to the PMCID field")
               if moved is not None else None)
        yield Violation(f"the PMID field holds a PMCID ({shown(pmid.value, 30)})",
                        pmid.pointer, fix)
        return
    if pmcid is not None and isinstance(pmcid.value, str) and _PMID_LABEL_RE.match(
            pmcid.value.strip()):
        number = _pmid_number(pmcid.value)
        fix = (_move(record, pmcid, "pmid", number, f"Move PMID {number} to the PMID field")
               if number is not None else None)
        yield Violation(f"the PMCID field holds a PMID ({shown(pmcid.value, 30)})",
                        pmcid.pointer, fix)
        return
    if pmid is None or pmcid is None:
        return
    number = _pmid_number(pmid.value)
    pmc = normalise_pmcid(pmcid.value)
    if number is not None and pmc is not None and pmc == f"PMC{number}":
        yield Violation(f"the PMID and the PMCID are the same number ({number})", pmcid.pointer)


# -- XREF004: PubMed XML (issue 10) ---------------------------------------------------------


def _elocation_doi(record: Record) -> tuple[str, object] | None:
    """The publisher's ``ELocationID EIdType="doi"`` of a PubMed XML record (an article's
    or a book's), with its pointer, when the record has one."""
    data = record.data
    if not isinstance(data, dict):
        return None
    for holder, pointer in ((data.get("Article"), "/Article/ELocationID/doi"),
                            (data, "/ELocationID/doi")):
        locations = holder.get("ELocationID") if isinstance(holder, dict) else None
        if isinstance(locations, dict) and locations.get("doi") is not None:
            return pointer, locations["doi"]
    return None


@rule("XREF004", "elocation-doi-mismatch", severity="error", reads=("doi",))
def elocation_doi_mismatch(record: Record, ctx: Context) -> Iterator[Violation]:
    """PubMed's `ArticleId` DOI and the publisher's `ELocationID` DOI name different DOIs.

    ## What it does
    In a PubMed/MEDLINE XML record, compares the DOI of `ArticleIdList/ArticleId
    IdType="doi"` (PubMed's identifier list, the record's DOI) with the DOI of `ELocationID
    EIdType="doi" ValidYN="Y"` (the electronic location the publisher supplied), as DOIs:
    without resolver prefixes, case-insensitively. An `ELocationID` marked `ValidYN="N"` is
    not compared (NLM already says it is wrong).

    ## Why is this bad?
    Both are meant to be the article's one DOI. When they differ, one of them belongs to
    another work (a supplement, an erratum, a neighbouring article), and tools that take
    the DOI from either place link and deduplicate the record differently.

    ## Example
    ```xml
    <ELocationID EIdType="doi" ValidYN="Y">10.1177/15266028251361770</ELocationID>
    ...
    <ArticleId IdType="doi">10.1177/15266028251361707</ArticleId>
    ```

    ## Fix
    None, and report-only in any case: which DOI is right needs the registry, and biblint
    does not write into XML files (an element's text cannot be replaced byte-minimally in
    every case).
    """
    found = record.field("doi")
    location = _elocation_doi(record)
    if found is None or location is None:
        return
    pointer, value = location
    ours, theirs = doi_match_key(found.value), doi_match_key(value)
    if ours is None or theirs is None or ours == theirs:
        return
    yield Violation(f"ELocationID DOI {shown(value)} but ArticleId DOI {shown(found.value)}",
                    pointer)
