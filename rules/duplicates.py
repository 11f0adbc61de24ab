"""DUP: duplicates across the records of a run.

These rules compare each record with the records seen before it in the same run (all files of
one ``biblint check``, or one :meth:`biblint.Linter.lint_stream`). Memory is bounded: a run
keeps one 8-byte digest and the place of the first record per key (not the records), and at
most ``max-keys`` keys per rule; past that, new keys are no longer remembered (an info
finding says so once).
"""

from __future__ import annotations

import hashlib
import string
import unicodedata
from collections.abc import Iterator
from typing import Any

import regex

from biblint.domain.doi import doi_key, strip_doi_prefix
from biblint.domain.markup import has_markup, strip_markup
from biblint.model import Violation
from biblint.record import Record
from biblint.registry import Context, Option, rule

_MAX_KEYS = Option(
    1_000_000,
    {"type": "integer", "minimum": 1},
    "How many distinct keys a run remembers (about 100 bytes each) before it stops adding.",
)
_PUNCT = regex.compile(r"[\p{P}\p{S}]+")
_SPACE = regex.compile(r"\s+")
_ASCII_KEY = bytes(
    c + 32 if 65 <= c <= 90 else 32 if chr(c) in string.punctuation else c for c in range(256))
"""``normalise_title`` of ASCII text as one ``bytes.translate``: A-Z lower-cased, and the
ASCII characters of ``[\\p{P}\\p{S}]`` (exactly ``string.punctuation``) made spaces."""
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


def _place(record: Record) -> str:
    origin = record.origin
    where = f"record {origin.index}"
    return f"{origin.file} {where}" if origin.file else where


def _remember(ctx: Context, table: str, key: bytes, value: Any) -> Any:
    """The value first stored under ``key`` (storing ``value`` if new and there is room)."""
    seen: dict[bytes, Any] = ctx.state.setdefault(table, {})
    found = seen.get(key)
    if found is None and len(seen) < ctx.options["max-keys"]:
        seen[key] = value
    return found


def _doi(record: Record) -> str | None:
    value = record.value("doi")
    if not isinstance(value, str) or not strip_doi_prefix(value):
        return None
    return doi_key(value)


def normalise_title(title: str) -> str:
    """The comparison key of a title: markup stripped, NFKC, case-folded, no punctuation."""
    if has_markup(title):
        title = strip_markup(title)
    if title.isascii():  # NFKC and case folding change no ASCII letter but A-Z: one pass
        # bytes.split(), unlike str.split(), splits where ``\\s`` does (not at \\x1c-\\x1f).
        return b" ".join(title.encode("ascii").translate(_ASCII_KEY).split()).decode(
            "ascii").strip()
    text = unicodedata.normalize("NFKC", title).casefold()
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def _title(record: Record) -> str | None:
    value = record.value("title")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return value if isinstance(value, str) and value.strip() else None


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


@rule("DUP001", "duplicate-doi", severity="warning", options={"max-keys": _MAX_KEYS},
      scope="run", reads=("doi",))
def duplicate_doi(record: Record, ctx: Context) -> Iterator[Violation]:
    """Two records of the run have the same DOI (after normalisation).

    ## What it does
    Compares DOIs case-insensitively (ASCII case folding, as the DOI Handbook specifies)
    and without resolver prefixes, so `https://doi.org/10.1177/X` and `10.1177/x` are one
    DOI. Reports the later record, naming the first.

    ## Why is this bad?
    One work counted twice inflates counts and splits citations; merges and updates go to
    one copy and not the other. bibtex-tidy misses the prefixed case.

    ## Example
    `{"doi": "10.1177/15266028251361770"}` in one file and
    `{"doi": "https://doi.org/10.1177/15266028251361770"}` in another.

    ## Fix
    None: which copy to keep, and what to merge, is a judgement.

    ## Options
    `max-keys`: how many DOIs a run remembers (memory bound; default 1,000,000).
    """
    key = _doi(record)
    if key is None:
        return
    found = record.field("doi")
    assert found is not None
    first = _remember(ctx, "doi", _digest(key), _place(record))
    if first is not None:
        yield Violation(f"same DOI as {first}", found.pointer)


@rule("DUP002", "duplicate-title", severity="info", options={"max-keys": _MAX_KEYS},
      scope="run", reads=("authors", "doi", "issued", "publication_date", "title", "year"))
def duplicate_title(record: Record, ctx: Context) -> Iterator[Violation]:
    """Two records have the same title, first author and year (±1) but different DOIs.

    ## What it does
    Compares titles after stripping markup, NFKC normalisation, case folding and removal of
    punctuation (so a PubMed trailing period does not matter), together with the first
    author's family name and the year within one year. Generic titles ("Editorial",
    "Preface", "Reply", "Erratum"...) are never compared. Records without a DOI are
    compared too; a pair with the same DOI is DUP001's.

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
    `max-keys`: how many titles a run remembers (memory bound; default 1,000,000).
    """
    title = _title(record)
    if title is None:
        return
    key = normalise_title(title)
    if len(key) < 12 or key in _GENERIC_TITLES:
        return
    year = _year(record)
    family = _first_author_family(record)
    doi = _doi(record) or ""
    found = record.field("title")
    assert found is not None
    seen: dict[bytes, list[tuple[int | None, str, str]]] = ctx.state.setdefault("title", {})
    digest = _digest(f"{key}\x1f{family}")
    entries = seen.get(digest)
    if entries is not None:
        for other_year, other_doi, place in entries:
            near = year is None or other_year is None or abs(year - other_year) <= 1
            if near and doi != other_doi:
                yield Violation(f"same title, first author and year as {place} "
                                "(another DOI or none)", found.pointer)
                break
        if len(entries) < 4:
            entries.append((year, doi, _place(record)))
    elif len(seen) < ctx.options["max-keys"]:
        seen[digest] = [(year, doi, _place(record))]


@rule("DUP003", "pmid-doi-conflict", severity="warning", options={"max-keys": _MAX_KEYS},
      scope="run", reads=("doi", "pmid"))
def pmid_doi_conflict(record: Record, ctx: Context) -> Iterator[Violation]:
    """The same PubMed id appears with two different DOIs, or one DOI with two PMIDs.

    ## What it does
    Remembers the DOI of each PMID and the PMID of each DOI seen in the run and reports a
    record whose pair contradicts an earlier one.

    ## Why is this bad?
    A PMID names one article. Two DOIs for it (or two PMIDs for one DOI) mean a merge
    artefact or a wrong identifier (allenai/s2-folks#157), and links or citations go to the
    wrong work.

    ## Example
    `{"pmid": "40849737", "doi": "10.1177/A"}` and `{"pmid": "40849737", "doi": "10.1177/B"}`.

    ## Fix
    None: which identifier is wrong needs a look at the sources.

    ## Options
    `max-keys`: how many identifiers a run remembers (memory bound; default 1,000,000).
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
    place = _place(record)
    first = _remember(ctx, "pmid", _digest("pmid:" + pmid), (_digest(doi), place))
    if first is not None and first[0] != _digest(doi):
        yield Violation(f"PMID {pmid} has another DOI in {first[1]}", found.pointer)
        return
    other = _remember(ctx, "doi-pmid", _digest("doi:" + doi), (_digest(pmid), place))
    if other is not None and other[0] != _digest(pmid):
        yield Violation(f"this DOI has another PMID in {other[1]}", found.pointer)


@rule("DUP005", "duplicate-abstract", severity="warning", options={"max-keys": _MAX_KEYS},
      scope="run", reads=("abstract", "doi"))
def duplicate_abstract(record: Record, ctx: Context) -> Iterator[Violation]:
    """Two records with different DOIs have the same abstract.

    ## What it does
    Hashes each abstract of at least 200 characters after markup stripping and whitespace
    and case normalisation, and reports a later record with another DOI (or none) whose
    abstract is identical.

    ## Why is this bad?
    Either the records are one work (a duplicate that DUP001 missed because the DOIs
    differ) or an abstract was attached to the wrong work.

    ## Example
    A preprint and a journal article sharing the abstract, or two articles of one issue
    carrying the issue's editorial text as abstract.

    ## Fix
    None: which record is right needs a look at the sources.

    ## Options
    `max-keys`: how many abstracts a run remembers (memory bound; default 1,000,000).
    """
    abstract = record.value("abstract")
    if not isinstance(abstract, str) or len(abstract) < 200:
        return
    key = normalise_title(abstract)
    if len(key) < 200:
        return
    found = record.field("abstract")
    assert found is not None
    doi = _doi(record) or ""
    first = _remember(ctx, "abstract", _digest(key), (doi, _place(record)))
    if first is not None and first[0] != doi:
        yield Violation(f"same abstract as {first[1]}, which has another DOI", found.pointer)


def _tokens(key: str) -> frozenset[str]:
    return frozenset(key.split())


@rule("DUP004", "doi-title-conflict", severity="warning", options={"max-keys": _MAX_KEYS},
      scope="run", reads=("doi", "title"))
def doi_title_conflict(record: Record, ctx: Context) -> Iterator[Violation]:
    """Two records with the same DOI have clearly different titles.

    ## What it does
    Remembers the normalised title (markup stripped, NFKC, case-folded, no punctuation; its
    first 200 characters) of each DOI and reports a later record with the same DOI whose
    title shares less than half of its words with the first one. Case, markup, punctuation
    and a subtitle added or dropped do not count as different.

    ## Why is this bad?
    A DOI names one work: different titles mean a wrong DOI was attached to one of the
    records (CenterForOpenScience/SHARE#697), so links and citations go to the wrong work.

    ## Example
    `{"doi": "10.1/x", "title": "Stem cells in limb ischemia"}` and
    `{"doi": "10.1/X", "title": "A survey of graph neural networks"}`.

    ## Fix
    None: which record carries the wrong DOI needs a look at the sources.

    ## Options
    `max-keys`: how many DOIs a run remembers (memory bound; default 1,000,000).
    """
    doi = _doi(record)
    title = _title(record)
    if doi is None or title is None:
        return
    key = normalise_title(title)[:200]
    if not key:
        return
    first = _remember(ctx, "doi-title", _digest(doi), (key, _place(record)))
    if first is None or first[0] == key:
        return
    mine, theirs = _tokens(key), _tokens(first[0])
    shared = len(mine & theirs) / max(1, min(len(mine), len(theirs)))
    if shared < 0.5:
        found = record.field("title")
        assert found is not None
        yield Violation(f"same DOI as {first[1]} but another title", found.pointer)
