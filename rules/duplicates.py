"""DUP: duplicates across the records of a run.

These rules compare the records of one run (all files of one ``biblint check``, or one
:meth:`biblint.Linter.lint_stream`) in two phases (:mod:`biblint.runscope`): each record gives
small keys (8-byte digests of its DOI, title, abstract...), and after the run the records that
share a key are judged together. Which record of a group is reported does not depend on the
order of records or files. A group's records are compared with its **reference**: for
DUP002-DUP005 the first record (in content order) of the value most of the group share (the
DOI of most records with one title or abstract, the title of most records with one DOI, the
DOI of most records with one PMID), so the odd records out are reported; for DUP001 every
record but the canonical one. Content order is by record key (DOI, else PMID, source id or
content hash), then the compared value, then file name and record index (which only break
ties between records equal in both). Memory is bounded: one small
entry per record and key (not the records), and at most ``max-keys`` keys per rule; past that,
new keys are no longer remembered.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

import regex

from biblint.domain.doi import doi_key, strip_doi_prefix
from biblint.domain.markup import has_markup, strip_markup
from biblint.model import Violation
from biblint.record import Record
from biblint.registry import Context, Option, rule
from biblint.runscope import Entry, Key, reference

_MAX_KEYS = Option(
    1_000_000,
    {"type": "integer", "minimum": 1},
    "How many distinct keys a run remembers (about 100 bytes each) before it stops adding.",
)
_SCOPE_OPTION = {"type": "string", "enum": ["profile", "run"]}
_PROFILE_SCOPE = Option(
    "profile", _SCOPE_OPTION,
    "Which records are compared: `profile` (records of one profile, the default: the same "
    "work as a Crossref record and as a CSL item is two representations, not a duplicate) "
    "or `run` (every record of the run).")
_RUN_SCOPE = Option(
    "run", _SCOPE_OPTION,
    "Which records are compared: `run` (every record of the run, the default: a conflict "
    "between two identifiers is one whatever the shapes) or `profile` (records of one "
    "profile only).")


def _scoped(record: Record, ctx: Context, key: Hashable) -> Hashable:
    """``key`` within the rule's scope: with ``scope = "profile"`` records of different
    profiles never share a key (a record's profile is data here, never a test)."""
    if ctx.options.get("scope", "run") == "profile":
        return (record.profile.name, key)
    return key


_PUNCT = regex.compile(r"[\p{P}\p{S}]+")
_SPACE = regex.compile(r"\s+")
_ASCII_KEY = bytes(
    c + 32 if 65 <= c <= 90 else 32 if chr(c) in string.punctuation or chr(c) in " \t\n\v\f\r"
    else c for c in range(256))
"""``normalise_title`` of ASCII text as one ``bytes.translate``: A-Z lower-cased, and the
ASCII characters of ``[\\p{P}\\p{S}]`` (exactly ``string.punctuation``) and of ``\\s`` (space,
tab, LF, VT, FF, CR; not \\x1c-\\x1f) made spaces."""
_SPACES_RE = re.compile(rb"  +")
_GENERIC_TITLES = frozenset({
    "preface", "foreword", "editorial", "editorial board", "introduction", "reply",
    "response", "erratum", "errata", "correction", "corrigendum", "retraction",
    "book review", "book reviews", "letter to the editor", "letters to the editor",
    "front matter", "back matter", "index", "contents", "table of contents", "cover image",
    "in this issue", "news", "announcements", "acknowledgements", "acknowledgments",
    "abstracts", "commentary", "obituary", "untitled", "title", "masthead", "issue information",
})


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _doi(record: Record) -> str | None:
    """The record's DOI key, once per record (four DUP rules compare it)."""
    return record.memo("duplicates.doi", _read_doi)


def _read_doi(record: Record) -> str | None:
    value = record.value("doi")
    if not isinstance(value, str) or not strip_doi_prefix(value):
        return None
    return doi_key(value)


def normalise_title(title: str) -> str:
    """The comparison key of a title: markup stripped, NFKC, case-folded, no punctuation."""
    if has_markup(title):
        title = strip_markup(title)
    if title.isascii():  # NFKC and case folding change no ASCII letter but A-Z: one pass
        # Runs of spaces made one in C (no list of words); \\x1c-\\x1f stay, as ``_SPACE``
        # leaves them, and ``str.strip()`` takes them off the ends with the spaces.
        key = _SPACES_RE.sub(b" ", title.encode("ascii").translate(_ASCII_KEY))
        return key.decode("ascii").strip()
    text = unicodedata.normalize("NFKC", title).casefold()
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def _title(record: Record) -> str | None:
    value = record.value("title")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return value if isinstance(value, str) and value.strip() else None


def _title_key(record: Record) -> str | None:
    """:func:`normalise_title` of the record's title (None without one), once per record:
    DUP002 and DUP004 compare the same key."""
    return record.memo("duplicates.title_key", _read_title_key)


def _read_title_key(record: Record) -> str | None:
    title = _title(record)
    return None if title is None else normalise_title(title)


def _year(record: Record) -> int | None:
    year = record.value("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    if isinstance(year, str) and year[:4].isdigit():
        return int(year[:4])
    date = record.value("publication_date")
    if isinstance(date, str) and date[:4].isdigit():
        return int(date[:4])
    issued = record.value("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = parts[0][0]
            if isinstance(first, int) and not isinstance(first, bool):
                return first
            if isinstance(first, str) and first[:4].isdigit():
                return int(first[:4])
    return None


def _first_author_family(record: Record) -> str:
    authors = record.value("authors")
    if isinstance(authors, str):  # flattened into one string (AUTH001): its first name
        authors = [authors.split(";")[0] if ";" in authors else authors.split(",")[0]]
    if not isinstance(authors, list) or not authors:
        return ""
    first = authors[0]
    name: Any = first
    if isinstance(first, dict):
        inner = first.get("author")
        author: dict[str, Any] = inner if isinstance(inner, dict) else first
        name = (author.get("family") or author.get("familyName") or author.get("name")
                or author.get("display_name") or author.get("literal") or "")
        if author.get("family") or author.get("familyName"):
            return normalise_title(str(name))
    if not isinstance(name, str) or not name.strip():
        return ""
    name = name.split(",")[0] if "," in name else name.split()[-1]
    return normalise_title(name)


def _judge_doi(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
               ) -> Iterator[tuple[Entry, Violation]]:
    first = entries[0]
    for entry in entries[1:]:
        yield entry, Violation(f"same DOI as {first.place}", entry.payload[0])


@rule("DUP001", "duplicate-doi", severity="warning",
      options={"max-keys": _MAX_KEYS, "scope": _PROFILE_SCOPE},
      scope="run", judge=_judge_doi, reads=("doi",))
def duplicate_doi(record: Record, ctx: Context) -> Iterator[Key]:
    """Two records of the run have the same DOI (after normalisation).

    ## What it does
    Compares DOIs case-insensitively (ASCII case folding, as the DOI Handbook specifies)
    and without resolver prefixes, so `https://doi.org/10.1177/X` and `10.1177/x` are one
    DOI. Of the records sharing a DOI, every one but the canonical record is reported,
    naming it: a group of n records gives n - 1 findings whatever their order. The
    canonical record is the one whose DOI pointer, file name and record index sort first;
    the others share its record key, so their fingerprints do not depend on the choice.

    ## Why is this bad?
    One work counted twice inflates counts and splits citations; merges and updates go to
    one copy and not the other. bibtex-tidy misses the prefixed case.

    ## Example
    `{"doi": "10.1177/15266028251361770"}` in one file and
    `{"doi": "https://doi.org/10.1177/15266028251361770"}` in another.

    ## Fix
    None: which copy to keep, and what to merge, is a judgement.

    ## Options
    - `max-keys`: how many DOIs a run remembers (memory bound; default 1,000,000).
    - `scope`: `profile` (default) compares records of one profile only: the same work as a
      Crossref record in one file and a CSL item in another is two representations of it,
      not a duplicate; `run` compares every record of the run.
    """
    key = _doi(record)
    if key is None:
        return
    found = record.field("doi")
    assert found is not None
    yield Key(_scoped(record, ctx, _digest(key)), (found.pointer,))


def _judge_title(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
                 ) -> Iterator[tuple[Entry, Violation]]:
    first = reference(entries, _doi_of_title)
    year, doi = first.payload[0], first.payload[1]
    for entry in entries:
        other_year, other_doi, pointer = entry.payload
        near = not year or not other_year or abs(year - other_year) <= 1
        if near and other_doi != doi:
            yield entry, Violation(f"same title, first author and year as {first.place} "
                                   "(another DOI or none)", pointer)


def _doi_of_title(entry: Entry) -> Hashable:
    doi: str = entry.payload[1]
    return doi


@rule("DUP002", "duplicate-title", severity="info",
      options={"max-keys": _MAX_KEYS, "scope": _PROFILE_SCOPE},
      scope="run", judge=_judge_title,
      reads=("authors", "doi", "issued", "publication_date", "title", "year"))
def duplicate_title(record: Record, ctx: Context) -> Iterator[Key]:
    """Two records have the same title, first author and year (±1) but different DOIs.

    ## What it does
    Compares titles after stripping markup, NFKC normalisation, case folding and removal of
    punctuation (so a PubMed trailing period does not matter), together with the first
    author's family name and the year within one year. Generic titles ("Editorial",
    "Preface", "Reply", "Erratum"...) are never compared, nor are records without an
    author: unsigned items (news, digests, editorial sections) share short titles by design,
    and "no author" matched to "no author" would make two of them one work. Records without
    a DOI are compared too; a pair with the same DOI is DUP001's. Of the records sharing a title and
    first author, those with the DOI most of them share are the reference (a tie: the DOI
    of the record whose key sorts first; never a choice by position), and each record with
    another DOI (or none) and a year within one of the reference's is reported.

    ## Why is this bad?
    A preprint and its version of record, or a work registered twice, look like two works:
    the usual cause of double counting in bibliographies.

    ## Example
    `{"title": "Deep learning.", "doi": "10.48550/arXiv.1234.5678", "year": 2020}` and
    `{"title": "Deep Learning", "doi": "10.1038/nature14539", "year": 2021}` by the same
    first author.

    ## Fix
    None: whether they are versions of one work is a judgement.

    ## Options
    - `max-keys`: how many titles a run remembers (memory bound; default 1,000,000).
    - `scope`: `profile` (default) compares records of one profile only; `run` every record
      of the run.
    """
    key = _title_key(record)
    if key is None:
        return
    if len(key) < 12 or key in _GENERIC_TITLES:
        return
    family = _first_author_family(record)
    if not family:
        return  # no author to compare: unsigned items share short titles by design
    found = record.field("title")
    assert found is not None
    yield Key(_scoped(record, ctx, _digest(f"{key}\x1f{family}")),
              (_year(record) or 0, _doi(record) or "", found.pointer))


def _first_value(entry: Entry) -> Hashable:
    value: str = entry.payload[0]
    return value


def _judge_pmid(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
                ) -> Iterator[tuple[Entry, Violation]]:
    first = reference(entries, _first_value)
    kind = key[0] if isinstance(key, tuple) else ""
    for entry in entries:
        other, pmid, pointer = entry.payload
        if other == first.payload[0]:
            continue
        if kind == "pmid":
            yield entry, Violation(f"PMID {pmid} has another DOI in {first.place}", pointer)
        else:
            yield entry, Violation(f"this DOI has another PMID in {first.place}", pointer)


@rule("DUP003", "pmid-doi-conflict", severity="warning",
      options={"max-keys": _MAX_KEYS, "scope": _RUN_SCOPE},
      scope="run", judge=_judge_pmid, reads=("doi", "pmid"))
def pmid_doi_conflict(record: Record, ctx: Context) -> Iterator[Key]:
    """The same PubMed id appears with two different DOIs, or one DOI with two PMIDs.

    ## What it does
    Collects the DOI of each PMID and the PMID of each DOI in the run and reports each
    record whose pair contradicts the DOI most records of that PMID carry (or the PMID most
    records of that DOI carry; a tie: the smallest). A choice by content, never by position;
    a record is reported once.

    ## Why is this bad?
    A PMID names one article. Two DOIs for it (or two PMIDs for one DOI) mean a merge
    artefact or a wrong identifier (allenai/s2-folks#157), and links or citations go to the
    wrong work.

    ## Example
    `{"pmid": "40849737", "doi": "10.1177/A"}` and `{"pmid": "40849737", "doi": "10.1177/B"}`.

    ## Fix
    None: which identifier is wrong needs a look at the sources.

    ## Options
    - `max-keys`: how many identifiers a run remembers (memory bound; default 1,000,000).
    - `scope`: `run` (default) compares every record of the run: two identifiers that
      contradict each other do so in any shape; `profile` compares records of one profile.
    """
    doi = _doi(record)
    pmid_value = record.value("pmid")
    if doi is None or pmid_value is None:
        return
    pmid = str(pmid_value).strip().rsplit("/", 1)[-1]
    if not pmid:
        return
    found = record.field("pmid")
    assert found is not None
    # Payloads hold the other identifier itself, so the reference of a group with one DOI
    # (or PMID) is the smallest PMID (or DOI), an order a reader can follow.
    yield Key(("pmid", _scoped(record, ctx, _digest(pmid))), (doi, pmid, found.pointer))
    yield Key(("doi", _scoped(record, ctx, _digest(doi))), (pmid, pmid, found.pointer))


def _judge_abstract(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
                    ) -> Iterator[tuple[Entry, Violation]]:
    first = reference(entries, _first_value)
    for entry in entries:
        doi, pointer = entry.payload
        if doi != first.payload[0]:
            yield entry, Violation(f"same abstract as {first.place}, which has another DOI",
                                   pointer)


@rule("DUP005", "duplicate-abstract", severity="warning",
      options={"max-keys": _MAX_KEYS, "scope": _PROFILE_SCOPE},
      scope="run", judge=_judge_abstract, reads=("abstract", "doi"))
def duplicate_abstract(record: Record, ctx: Context) -> Iterator[Key]:
    """Two records with different DOIs have the same abstract.

    ## What it does
    Hashes each abstract of at least 200 characters after markup stripping and whitespace
    and case normalisation. Of the records sharing an abstract, those with the DOI most of
    them carry are the reference (a tie: the DOI of the record whose key sorts first; never a
    choice by position), and each record with another DOI (or none) is reported.

    ## Why is this bad?
    Either the records are one work (a duplicate that DUP001 missed because the DOIs
    differ) or an abstract was attached to the wrong work.

    ## Example
    A preprint and a journal article sharing the abstract, or two articles of one issue
    carrying the issue's editorial text as abstract.

    ## Fix
    None: which record is right needs a look at the sources.

    ## Options
    - `max-keys`: how many abstracts a run remembers (memory bound; default 1,000,000).
    - `scope`: `profile` (default) compares records of one profile only; `run` every record
      of the run.
    """
    abstract = record.value("abstract")
    if not isinstance(abstract, str) or len(abstract) < 200:
        return
    key = normalise_title(abstract)
    if len(key) < 200:
        return
    found = record.field("abstract")
    assert found is not None
    yield Key(_scoped(record, ctx, _digest(key)), (_doi(record) or "", found.pointer))


def _tokens(key: str) -> frozenset[str]:
    return frozenset(key.split())


def _judge_doi_title(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
                     ) -> Iterator[tuple[Entry, Violation]]:
    first = reference(entries, _first_value)
    theirs = _tokens(first.payload[0])
    for entry in entries:
        title, pointer = entry.payload
        if title == first.payload[0]:
            continue
        mine = _tokens(title)
        shared = len(mine & theirs) / max(1, min(len(mine), len(theirs)))
        if shared < 0.5:
            yield entry, Violation(f"same DOI as {first.place} but another title", pointer)


@rule("DUP004", "doi-title-conflict", severity="warning",
      options={"max-keys": _MAX_KEYS, "scope": _RUN_SCOPE},
      scope="run", judge=_judge_doi_title, reads=("doi", "title"))
def doi_title_conflict(record: Record, ctx: Context) -> Iterator[Key]:
    """Two records with the same DOI have clearly different titles.

    ## What it does
    Collects the normalised title (markup stripped, NFKC, case-folded, no punctuation; its
    first 200 characters) of each DOI and reports each record whose title shares less than
    half of its words with the title most records of the DOI carry (a tie: the title that
    sorts first; never a choice by position). Case, markup, punctuation and a subtitle
    added or dropped do not count as different.

    ## Why is this bad?
    A DOI names one work: different titles mean a wrong DOI was attached to one of the
    records (CenterForOpenScience/SHARE#697), so links and citations go to the wrong work.

    ## Example
    `{"doi": "10.1/x", "title": "Stem cells in limb ischemia"}` and
    `{"doi": "10.1/X", "title": "A survey of graph neural networks"}`.

    ## Fix
    None: which record carries the wrong DOI needs a look at the sources.

    ## Options
    - `max-keys`: how many DOIs a run remembers (memory bound; default 1,000,000).
    - `scope`: `run` (default) compares every record of the run: a DOI with two titles is a
      conflict in any shape; `profile` compares records of one profile.
    """
    doi = _doi(record)
    title_key = _title_key(record)
    if doi is None or title_key is None:
        return
    key = title_key[:200]
    if not key:
        return
    found = record.field("title")
    assert found is not None
    yield Key(_scoped(record, ctx, _digest(doi)), (key, found.pointer))
