"""PubMed/MEDLINE XML (efetch ``PubmedArticleSet``, MEDLINE baseline and update files).

Each ``PubmedArticle`` becomes one record (profile ``pubmed``), each ``PubmedBookArticle``
one record (``pubmed-book``) and each ``DeleteCitation`` block of an update file one record
(``pubmed-delete``) listing the PMIDs it deletes. A record mirrors the element structure
under ``MedlineCitation`` (and ``BookDocument``), keyed by element names, with these choices
so that a profile can point at every canonical field:

* lists of typed items become objects keyed by type: ``ArticleIdList`` ->
  ``{"doi": ..., "pubmed": ..., "pmc": ...}``, ``ELocationID`` -> ``{"doi": ..., "pii": ...}``
  (a repeated type is kept as ``doi#2``; an ``ELocationID`` with ``ValidYN="N"`` as
  ``doi (invalid)``);
* a date of ``Year``/``Month``/``Day`` becomes one ISO 8601 string (``2025-08-23``, month
  names read as NLM writes them), so the date rules can check it; a ``Season`` or a free-text
  ``MedlineDate`` is kept as an object (``{"Year": "1976", "Season": "Fall"}``,
  ``{"MedlineDate": "1998 Dec-1999 Jan"}``): NLM's own forms, not defects;
* ``AbstractText`` sections are a list of ``{"Label", "NlmCategory", "text"}``;
* an ``Author`` keeps ``LastName``, ``ForeName``, ``Initials``, ``Suffix``,
  ``CollectiveName``, an ``ORCID`` from its ``Identifier Source="ORCID"`` and its
  ``Affiliation`` texts.
"""

from __future__ import annotations

from typing import Any

from ..domain.dates import MONTHS
from .xmlbase import Element, Node, child, children, local_name, text_of

RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")
ROOTS = frozenset({"PubmedArticleSet", "PubmedArticle", "PubmedBookArticle",
                   "PubmedBookArticleSet"})


def date_value(element: Element) -> str | dict[str, str]:
    """A PubMed date element as an ISO 8601 string when it is ``Year`` [``Month`` [``Day``]]
    in NLM's forms, else its parts as an object (``Season``, ``MedlineDate``, odd months)."""
    parts = {local_name(c.tag): text_of(c).strip() for c in element
             if local_name(c.tag) in ("Year", "Month", "Day", "Season", "MedlineDate")}
    if not parts:
        return text_of(element).strip()  # an empty date element: an empty value
    year, month, day = parts.get("Year"), parts.get("Month"), parts.get("Day")
    if set(parts) <= {"Year", "Month", "Day"} and year and year.isdigit() and len(year) == 4:
        if not month:
            return year if not day else parts
        number = int(month) if month.isdigit() else MONTHS.get(month.lower())
        if number is None or not 1 <= number <= 99:
            return parts
        if not day:
            return f"{year}-{number:02d}"
        if not day.isdigit() or len(day) > 2:
            return parts
        return f"{year}-{number:02d}-{int(day):02d}"
    return parts


def _set_date(node: Node, key: str, element: Element | None) -> None:
    if element is not None:
        node.set(key, date_value(element), element)


def _keyed(node: Node, key: str, items: list[tuple[str, str, Element]]) -> None:
    """``items`` (type, value, element) as an object keyed by type (``doi#2`` for a repeat)."""
    if not items:
        return
    group = node.obj(key, items[0][2].getparent() if items[0][2].getparent() is not None
                     else items[0][2])
    seen: dict[str, int] = {}
    for kind, value, element in items:
        count = seen[kind] = seen.get(kind, 0) + 1
        group.set(kind if count == 1 else f"{kind}#{count}", value, element)


def _article_ids(node: Node, id_list: Element | None) -> None:
    if id_list is None:
        return
    items = [(c.get("IdType") or "unknown", text_of(c).strip(), c)
             for c in children(id_list, "ArticleId")]
    _keyed(node, "ArticleIdList", items)


def _authors(node: Node, author_list: Element | None, key: str = "AuthorList") -> None:
    if author_list is None:
        return
    out = node.arr(key, author_list)
    for author in children(author_list, "Author"):
        item = out.obj(None, author)
        for name in ("LastName", "ForeName", "Initials", "Suffix", "CollectiveName"):
            item.text(name, child(author, name))
        for identifier in children(author, "Identifier"):
            if (identifier.get("Source") or "").upper() == "ORCID":
                item.text("ORCID", identifier)
        affiliations = [a for info in children(author, "AffiliationInfo")
                        for a in children(info, "Affiliation")]
        if affiliations:
            where = item.arr("Affiliation", affiliations[0])
            for affiliation in affiliations:
                where.text(None, affiliation)
        if author.get("ValidYN") == "N":
            item.set("ValidYN", "N", author)


def _abstract(node: Node, abstract: Element | None) -> None:
    if abstract is None:
        return
    out = node.obj("Abstract", abstract)
    sections = out.arr("AbstractText", abstract)
    for section in children(abstract, "AbstractText"):
        item = sections.obj(None, section)
        item.text("Label", section, attribute="Label")
        item.text("NlmCategory", section, attribute="NlmCategory")
        item.text("text", section)
    out.text("CopyrightInformation", child(abstract, "CopyrightInformation"))


def _elocations(node: Node, parent: Element) -> None:
    items = []
    for location in children(parent, "ELocationID"):
        kind = location.get("EIdType") or "unknown"
        if location.get("ValidYN") == "N":
            kind = f"{kind} (invalid)"
        items.append((kind, text_of(location).strip(), location))
    _keyed(node, "ELocationID", items)


def _publication_types(node: Node, parent: Element, list_name: str | None) -> None:
    holder = child(parent, list_name) if list_name else parent
    if holder is None:
        return
    types = children(holder, "PublicationType")
    if types:
        out = node.arr("PublicationTypeList", holder)
        for item in types:
            out.text(None, item)


def _languages(node: Node, parent: Element) -> None:
    languages = children(parent, "Language")
    if languages:
        out = node.arr("Language", languages[0])
        for language in languages:
            out.text(None, language)


def build_article(element: Element) -> tuple[dict[str, Any], dict[str, Element], str]:
    """A ``PubmedArticle`` as a record (see the module docstring)."""
    node, where = Node.root(element)
    citation = child(element, "MedlineCitation")
    if citation is not None:
        node.text("PMID", child(citation, "PMID"))
        node.text("Status", citation, attribute="Status")
        article = child(citation, "Article")
        if article is not None:
            out = node.obj("Article", article)
            out.text("PubModel", article, attribute="PubModel")
            journal = child(article, "Journal")
            if journal is not None:
                j = out.obj("Journal", journal)
                issn = child(journal, "ISSN")
                j.text("ISSN", issn)
                j.text("IssnType", issn, attribute="IssnType")
                j.text("Title", child(journal, "Title"))
                j.text("ISOAbbreviation", child(journal, "ISOAbbreviation"))
                issue = child(journal, "JournalIssue")
                if issue is not None:
                    j.text("Volume", child(issue, "Volume"))
                    j.text("Issue", child(issue, "Issue"))
                    _set_date(j, "PubDate", child(issue, "PubDate"))
            out.text("ArticleTitle", child(article, "ArticleTitle"))
            out.text("VernacularTitle", child(article, "VernacularTitle"))
            pagination = child(article, "Pagination")
            if pagination is not None:
                pages = out.obj("Pagination", pagination)
                for name in ("MedlinePgn", "StartPage", "EndPage"):
                    pages.text(name, child(pagination, name))
            _elocations(out, article)
            _abstract(out, child(article, "Abstract"))
            _authors(out, child(article, "AuthorList"))
            _languages(out, article)
            _publication_types(out, article, "PublicationTypeList")
            dates = children(article, "ArticleDate")
            electronic = [d for d in dates if (d.get("DateType") or "Electronic") == "Electronic"]
            if electronic:
                _set_date(out, "ArticleDate", electronic[0])
        info = child(citation, "MedlineJournalInfo")
        if info is not None:
            j = node.obj("MedlineJournalInfo", info)
            for name in ("Country", "MedlineTA", "NlmUniqueID", "ISSNLinking"):
                j.text(name, child(info, name))
        keywords = [k for group in children(citation, "KeywordList")
                    for k in children(group, "Keyword")]
        if keywords:
            out_keywords = node.arr("KeywordList", keywords[0])
            for keyword in keywords:
                out_keywords.text(None, keyword)
    data = child(element, "PubmedData")
    if data is not None:
        pubmed = node.obj("PubmedData", data)
        pubmed.text("PublicationStatus", child(data, "PublicationStatus"))
        _article_ids(pubmed, child(data, "ArticleIdList"))
    assert isinstance(node.data, dict)
    return node.data, where, "pubmed"


def build_book(element: Element) -> tuple[dict[str, Any], dict[str, Element], str]:
    """A ``PubmedBookArticle`` (a book or a chapter of one in NCBI Bookshelf)."""
    node, where = Node.root(element)
    document = child(element, "BookDocument")
    if document is not None:
        node.text("PMID", child(document, "PMID"))
        book = child(document, "Book")
        if book is not None:
            out = node.obj("Book", book)
            publisher = child(book, "Publisher")
            if publisher is not None:
                out.text("PublisherName", child(publisher, "PublisherName"))
            out.text("BookTitle", child(book, "BookTitle"))
            _set_date(out, "PubDate", child(book, "PubDate"))
            out.text("Volume", child(book, "Volume"))
            _authors(out, child(book, "AuthorList"))
            isbns = children(book, "Isbn")
            if isbns:
                listed = out.arr("Isbn", isbns[0])
                for isbn in isbns:
                    listed.text(None, isbn)
        node.text("ArticleTitle", child(document, "ArticleTitle"))
        node.text("LocationLabel", child(document, "LocationLabel"))
        _elocations(node, document)
        _abstract(node, child(document, "Abstract"))
        _authors(node, child(document, "AuthorList"))
        _languages(node, document)
        _publication_types(node, document, None)
        _article_ids(node, child(document, "ArticleIdList"))
    data = child(element, "PubmedBookData")
    if data is not None:
        pubmed = node.obj("PubmedBookData", data)
        pubmed.text("PublicationStatus", child(data, "PublicationStatus"))
        _article_ids(pubmed, child(data, "ArticleIdList"))
    assert isinstance(node.data, dict)
    return node.data, where, "pubmed-book"


def build_delete(element: Element) -> tuple[dict[str, Any], dict[str, Element], str]:
    """A ``DeleteCitation`` block: ``{"DeleteCitation": {"PMID": [...]}}``."""
    node, where = Node.root(element)
    block = node.obj("DeleteCitation", element)
    pmids = block.arr("PMID", element)
    for pmid in children(element, "PMID"):
        pmids.text(None, pmid)
    assert isinstance(node.data, dict)
    return node.data, where, "pubmed-delete"


def build(element: Element) -> tuple[dict[str, Any], dict[str, Element], str] | None:
    name = local_name(element.tag)
    if name == "PubmedArticle":
        return build_article(element)
    if name == "PubmedBookArticle":
        return build_book(element)
    if name == "DeleteCitation":
        return build_delete(element)
    return None
