"""Crossref XML: query results (``crossref_result``), unixref (``doi_records``) and deposits
(``doi_batch``).

One record per ``doi_record`` (per work of a deposit's ``body``). The work is the element of
the record that carries the registered DOI (the last one with a ``doi_data`` child, outside
``component_list``): a ``journal_article``, a book's ``content_item``, a ``dataset``, a
``posted_content``... The record mirrors it, keyed by Crossref's element names:

``{"type": "journal_article", "doi_data": {"doi", "resource"}, "titles": {"title",
"subtitle", "original_language_title"}, "contributors": [...], "publication_date":
{"print": "2006-12-20", "online": ...}, "pages": {"first_page", "last_page",
"other_pages"}, "item_number", "abstract", "volume", "issue", "publisher", "container":
{"title", "abbrev_title", "issn": [...], "isbn": [...]}}``

A contributor is ``{"given", "family", "suffix", "ORCID", "sequence", "contributor_role"}``
(a ``person_name``) or ``{"name", ...}`` (an ``organization``). Dates are ISO 8601 strings
(their parts when not Y[-M[-D]]). Mixed content is plain text, pretty-printing collapsed.
"""

from __future__ import annotations

from typing import Any

from .jatsxml import _blocks
from .xmlbase import Element, Node, child, children, local_name, text_of

RECORD_TAGS = ("doi_record", "body")
ROOTS = frozenset({"crossref_result", "doi_records", "doi_record", "doi_batch"})

Built = tuple[dict[str, Any], dict[str, Element], str]


def _text(element: Element) -> str:
    return text_of(element, collapse=True).strip()


def date_value(element: Element) -> str | dict[str, str]:
    parts = {local_name(c.tag): _text(c) for c in element
             if local_name(c.tag) in ("year", "month", "day")}
    year, month, day = parts.get("year"), parts.get("month"), parts.get("day")
    if not (year and year.isdigit() and len(year) == 4):
        return parts
    if not month:
        return year if not day else parts
    if not month.isdigit() or len(month) > 2:
        return parts
    if not day:
        return f"{year}-{int(month):02d}"
    if not day.isdigit() or len(day) > 2:
        return parts
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _has_component_ancestor(element: Element, stop: Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return False
        if local_name(ancestor.tag) == "component_list":
            return True
    return False


def _work(container: Element) -> Element | None:
    candidates = [e for e in container.iter() if child(e, "doi_data") is not None]
    outside = [e for e in candidates if not _has_component_ancestor(e, container)]
    chosen = outside or candidates
    return chosen[-1] if chosen else None


def _metadata(container: Element, work: Element) -> Element | None:
    for element in container:
        name = local_name(element.tag)
        if name.endswith("_metadata") and element is not work and name != "event_metadata":
            return element
    return None


def _contributors(node: Node, work: Element) -> None:
    group = child(work, "contributors")
    people = [c for c in group if local_name(c.tag) in ("person_name", "organization")] \
        if group is not None else []
    if not people:
        return
    out = node.arr("contributors", group)
    for person in people:
        item = out.obj(None, person)
        if local_name(person.tag) == "organization":
            item.set("name", _text(person), person)
        else:
            for key, name in (("given", "given_name"), ("family", "surname"),
                              ("suffix", "suffix"), ("ORCID", "ORCID")):
                found = child(person, name)
                if found is not None:
                    item.set(key, _text(found), found)
        item.text("sequence", person, attribute="sequence")
        item.text("contributor_role", person, attribute="contributor_role")


def _dates(node: Node, work: Element, key: str, *names: str) -> None:
    dates = [d for name in names for d in children(work, name)]
    if not dates:
        return
    group = node.obj(key, dates[0])
    for date in dates:
        kind = date.get("media_type") or ("posted" if local_name(date.tag) == "posted_date"
                                          else "date")
        group.set(kind, date_value(date), date)


def _titles(node: Node, element: Element, key: str = "titles") -> None:
    titles = child(element, "titles")
    if titles is None:
        return
    out = node.obj(key, titles)
    for name in ("title", "subtitle", "original_language_title"):
        found = child(titles, name)
        if found is not None:
            out.set(name, _text(found), found)


def _container(node: Node, metadata: Element) -> None:
    out = node.obj("container", metadata)
    for name in ("full_title", "proceedings_title", "title"):
        found = child(metadata, name)
        if found is not None:
            out.set("title", _text(found), found)
            break
    else:
        title = child(metadata, "titles", "title")
        if title is not None:
            out.set("title", _text(title), title)
    abbrev = child(metadata, "abbrev_title")
    if abbrev is not None:
        out.set("abbrev_title", _text(abbrev), abbrev)
    for name in ("issn", "isbn"):
        found = children(metadata, name)
        if found:
            listed = out.arr(name, found[0])
            for item in found:
                listed.set(None, _text(item), item)


def build_work(container: Element) -> Built | None:
    """One work of a ``crossref`` element (or of a deposit's ``body``)."""
    work = _work(container)
    if work is None:
        return None
    node, where = Node.root(work)
    node.set("type", local_name(work.tag), work)
    doi_data = child(work, "doi_data")
    if doi_data is not None:
        out = node.obj("doi_data", doi_data)
        for name in ("doi", "resource"):
            found = child(doi_data, name)
            if found is not None:
                out.set(name, _text(found), found)
    _titles(node, work)
    _contributors(node, work)
    _dates(node, work, "publication_date", "publication_date", "posted_date",
           "approval_date")
    pages = child(work, "pages")
    if pages is not None:
        out = node.obj("pages", pages)
        for name in ("first_page", "last_page", "other_pages"):
            found = child(pages, name)
            if found is not None:
                out.set(name, _text(found), found)
    item = child(work, "publisher_item", "item_number")
    if item is not None:
        node.set("item_number", _text(item), item)
    abstracts = children(work, "abstract")
    if abstracts:
        node.set("abstract", _blocks(abstracts[0]), abstracts[0])
    issue = child(container, "journal_issue")
    if issue is not None:
        volume = child(issue, "journal_volume", "volume")
        if volume is not None:
            node.set("volume", _text(volume), volume)
        number = child(issue, "issue")
        if number is not None:
            node.set("issue", _text(number), number)
    metadata = _metadata(container, work)
    if metadata is None and local_name(work.tag).endswith("_metadata"):
        series = child(work, "series_metadata")
        metadata = series
    if metadata is not None:
        _container(node, metadata)
        if "volume" not in node.data:
            volume = child(metadata, "volume")
            if volume is not None:
                node.set("volume", _text(volume), volume)
    for holder in (work, metadata):
        publisher = child(holder, "publisher", "publisher_name") if holder is not None else None
        if publisher is not None:
            node.set("publisher", _text(publisher), publisher)
            break
    assert isinstance(node.data, dict)
    return node.data, where, "crossref-xml"


def build(element: Element) -> list[Built] | Built | None:
    name = local_name(element.tag)
    if name == "doi_record":
        crossref = child(element, "crossref")
        if crossref is None:
            return None
        found = [c for c in crossref if isinstance(c.tag, str)]
        if not found or local_name(found[0].tag) == "error":
            return None
        return build_work(found[0])
    if name == "body":
        parent = element.getparent()
        if parent is None or local_name(parent.tag) != "doi_batch":
            return None
        out = [build_work(item) for item in element if isinstance(item.tag, str)]
        return [b for b in out if b is not None]
    return None
