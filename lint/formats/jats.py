"""Profile of JATS articles (:mod:`biblint.readers.jatsxml`): the front matter.

PMC writes ``article-id pub-id-type="pmc"`` as bare digits, declared here. The publication
date is the print (``ppub``, ``pub-print``), else the ``collection``, else the electronic
date; the electronic one is also the epub date. The JATS rules (``JATS``) check the
consistency of ``pub-date`` and ``article-id`` themselves.
"""

from __future__ import annotations

from typing import Any

from biblint.profiles import AuthorStyle, Convention, Profile


def _never(data: Any) -> int:
    """Never detected: the reader names the profile of each record it yields."""
    return 0


_DATES = "/article-meta/pub-date"

JATS = Profile(
    name="jats",
    title="JATS article front matter (PMC, PLOS, eLife...)",
    fields={
        "doi": ("/article-meta/article-id/doi",),
        "pmid": ("/article-meta/article-id/pmid",),
        "pmcid": ("/article-meta/article-id/pmc", "/article-meta/article-id/pmcid"),
        "title": ("/article-meta/article-title",),
        "abstract": ("/article-meta/abstract",),
        "authors": ("/article-meta/contrib",),
        "container": ("/journal-meta/journal-title",),
        "volume": ("/article-meta/volume",),
        "issue": ("/article-meta/issue",),
        "first_page": ("/article-meta/fpage",),
        "last_page": ("/article-meta/lpage",),
        "article_number": ("/article-meta/elocation-id",),
        "issn": ("/journal-meta/issn/ppub", "/journal-meta/issn/print",
                 "/journal-meta/issn/epub", "/journal-meta/issn/electronic"),
        "issn_alternates": ("/journal-meta/issn/epub", "/journal-meta/issn/electronic"),
        "publisher": ("/journal-meta/publisher-name",),
        "type": ("/article-type",),
        "publication_date": (f"{_DATES}/ppub", f"{_DATES}/pub-print", f"{_DATES}/epub-ppub",
                             f"{_DATES}/collection", f"{_DATES}/epub",
                             f"{_DATES}/pub-electronic", f"{_DATES}/pub"),
        "epub_date": (f"{_DATES}/epub", f"{_DATES}/pub-electronic"),
    },
    detect=_never,
    absent="omit",
    conventions=frozenset({Convention.PMCID_BARE_DIGITS}),
    required=(("title",),),
    author_style=AuthorStyle.PARTS,
    research_types=frozenset({"research-article"}),
)

PROFILES = (JATS,)
"""Registered as the ``jats`` entry point of ``biblint.profiles``."""
