"""Profiles of PubMed/MEDLINE XML records (:mod:`biblint.readers.pubmedxml`).

``pubmed`` (a ``PubmedArticle``), ``pubmed-book`` (a ``PubmedBookArticle``) and
``pubmed-delete`` (a ``DeleteCitation`` block of an update file). NLM's conventions are
declared, not reported: an ``ArticleTitle`` ends with a period, ``MedlinePgn`` elides the
leading digits of the last page (``1199-205``), and a ``Season`` or a free-text
``MedlineDate`` is a legitimate publication date (the reader keeps those as objects, which
the date rules do not read as dates). The DOI is PubMed's ``ArticleId IdType="doi"``; the
publisher's ``ELocationID`` DOI is compared with it by XREF004.
"""

from __future__ import annotations

from typing import Any

from biblint.profiles import Convention, Profile

PUBLICATION_TYPES_REVIEW = ("review", "case report")


def _never(data: Any) -> int:
    """Never detected: the reader names the profile of each record it yields."""
    return 0


PUBMED = Profile(
    name="pubmed",
    title="PubMed/MEDLINE XML PubmedArticle (efetch, baseline and update files)",
    fields={
        "pmid": ("/PMID",),
        "doi": ("/PubmedData/ArticleIdList/doi",),
        "pmcid": ("/PubmedData/ArticleIdList/pmc",),
        "title": ("/Article/ArticleTitle",),
        "abstract": ("/Article/Abstract/AbstractText/0/text",),
        "authors": ("/Article/AuthorList",),
        "container": ("/Article/Journal/Title",),
        "volume": ("/Article/Journal/Volume",),
        "issue": ("/Article/Journal/Issue",),
        "pages": ("/Article/Pagination/MedlinePgn",),
        "first_page": ("/Article/Pagination/StartPage",),
        "last_page": ("/Article/Pagination/EndPage",),
        "issn": ("/Article/Journal/ISSN",),
        "issn_alternates": ("/MedlineJournalInfo/ISSNLinking",),
        "publication_date": ("/Article/Journal/PubDate",),
        "epub_date": ("/Article/ArticleDate",),
        "pub_model": ("/Article/PubModel",),
        "publication_types": ("/Article/PublicationTypeList",),
    },
    detect=_never,
    absent="omit",
    conventions=frozenset({Convention.NLM_TITLE_PERIOD, Convention.ELIDED_PAGE_RANGES,
                           Convention.PUBMED_DERIVED}),
    required=(("pmid",), ("title",)),
    research_types=frozenset({"Journal Article", "Clinical Trial", "Randomized Controlled Trial",
                              "Meta-Analysis", "Systematic Review", "Case Reports"}),
    type_vocabulary="pubmed",
    type_claims=PUBLICATION_TYPES_REVIEW,
)

PUBMED_BOOK = Profile(
    name="pubmed-book",
    title="PubMed XML PubmedBookArticle (an NCBI Bookshelf book or chapter)",
    fields={
        "pmid": ("/PMID",),
        "doi": ("/ArticleIdList/doi", "/PubmedBookData/ArticleIdList/doi"),
        "title": ("/ArticleTitle", "/Book/BookTitle"),
        "abstract": ("/Abstract/AbstractText/0/text",),
        "authors": ("/AuthorList", "/Book/AuthorList"),
        "container": ("/Book/BookTitle",),
        "volume": ("/Book/Volume",),
        "isbn": ("/Book/Isbn",),
        "publisher": ("/Book/PublisherName",),
        "publication_date": ("/Book/PubDate",),
        "publication_types": ("/PublicationTypeList",),
    },
    detect=_never,
    absent="omit",
    conventions=frozenset({Convention.NLM_TITLE_PERIOD, Convention.PUBMED_DERIVED}),
    required=(("pmid",), ("title",)),
    type_vocabulary="pubmed",
    type_claims=PUBLICATION_TYPES_REVIEW,
)

PUBMED_DELETE = Profile(
    name="pubmed-delete",
    title="PubMed XML DeleteCitation block (PMIDs an update file deletes)",
    fields={},
    detect=_never,
    absent="omit",
)

PROFILES = (PUBMED, PUBMED_BOOK, PUBMED_DELETE)
"""Registered as the ``pubmed`` entry point of ``biblint.profiles``."""
