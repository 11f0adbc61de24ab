"""Profile of Crossref XML records (:mod:`biblint.readers.crossrefxml`): unixref, query
results and deposits.

The record is the registration agency's own metadata (``doi-registered``); an issue or a
book series may be registered without a title, so only the DOI is required. Titles and
abstracts are read as plain text (their JATS face markup is dropped by the reader). ISSNs
are not mapped: the deposit schema writes them without their hyphen (``00217298``), and the
ISSN rules would report the schema's own form.
"""

from __future__ import annotations

from typing import Any

from biblint.profiles import AuthorStyle, Convention, Profile


def _never(data: Any) -> int:
    """Never detected: the reader names the profile of each record it yields."""
    return 0


CROSSREF_XML = Profile(
    name="crossref-xml",
    title="Crossref XML work (unixref doi_record, crossref_result, doi_batch deposit)",
    fields={
        "doi": ("/doi_data/doi",),
        "url": ("/doi_data/resource",),
        "title": ("/titles/title",),
        "abstract": ("/abstract",),
        "authors": ("/contributors",),
        "container": ("/container/title",),
        "volume": ("/volume",),
        "issue": ("/issue",),
        "first_page": ("/pages/first_page",),
        "last_page": ("/pages/last_page",),
        "article_number": ("/item_number",),
        "isbn": ("/container/isbn",),
        "publisher": ("/publisher",),
        "type": ("/type",),
        "publication_date": ("/publication_date/print", "/publication_date/date",
                             "/publication_date/online", "/publication_date/posted"),
        "epub_date": ("/publication_date/online",),
    },
    detect=_never,
    absent="omit",
    conventions=frozenset({Convention.DOI_REGISTERED, Convention.TOMBSTONES}),
    required=(("doi",),),
    author_style=AuthorStyle.PARTS,
    research_types=frozenset({"journal_article", "conference_paper"}),
)

PROFILES = (CROSSREF_XML,)
"""Registered as the ``crossref-xml`` entry point of ``biblint.profiles``."""
