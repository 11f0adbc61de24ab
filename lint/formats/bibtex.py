"""The BibTeX profile: entries as :mod:`biblint.readers.bibtex` reads them.

The reader gives each entry as text (macros resolved, TeX decoded, ``--`` ranges as a
hyphen in ``pages``, names split at ``and``), so the shared rules read BibTeX as they read
JSON. What only BibTeX has (required fields per entry type, citation keys, braces, TeX in
verbatim fields) is checked by the BIB rules (``biblint.rules.bibtex``).
"""

from __future__ import annotations

from typing import Any

from ..profiles import AuthorStyle, Convention, Profile


def _detect(data: Any) -> int:
    """Entries come with their profile named by the reader; a JSON object holding
    bibtexparser's ``ENTRYTYPE`` and ``ID`` keys (its dict form) is one too."""
    if isinstance(data, dict) and isinstance(data.get("ENTRYTYPE"), str) and "ID" in data:
        return 5
    return 0


BIBTEX = Profile(
    name="bibtex",
    title="BibTeX entry (fields lower-cased, ENTRYTYPE and ID, as bibtexparser names them)",
    fields={
        "doi": ("/doi",),
        "url": ("/url",),
        "title": ("/title",),
        "abstract": ("/abstract",),
        "authors": ("/author",),
        "container": ("/journal", "/journaltitle", "/booktitle"),
        "volume": ("/volume",),
        "issue": ("/number", "/issue"),
        "pages": ("/pages",),
        # biblatex's electronic identifier: where an article number belongs (PAGE003).
        "article_number": ("/eid",),
        "pmid": ("/pmid",),
        "pmcid": ("/pmcid",),
        "issn": ("/issn",),
        "isbn": ("/isbn",),
        "type": ("/ENTRYTYPE",),
        "publisher": ("/publisher",),
        "year": ("/year",),
    },
    detect=_detect,
    absent="omit",
    # Every value of a BibTeX file is text: a year is "2025".
    conventions=frozenset({Convention.YEAR_AS_STRING, Convention.BIBTEX_ENTRIES}),
    author_style=AuthorStyle.STRING,
    research_types=frozenset({"article", "inproceedings", "conference"}),
    journal_types=frozenset({"article"}),
    # Entries of one file carry different fields by type and by habit: no shape to drift.
    known_shape=False,
)

PROFILES: tuple[Profile, ...] = (BIBTEX,)
"""Registered as the ``bibtex`` entry point of ``biblint.profiles``."""
