"""JATS (NISO Z39.96) articles: the front matter's ``journal-meta`` and ``article-meta``.

A record mirrors the front matter, keyed by JATS element names:

``{"article-type": ..., "journal-meta": {"journal-id": {"nlm-ta": ...}, "journal-title",
"abbrev-journal-title", "issn": {"epub": ..., "ppub": ...}, "publisher-name"},
"article-meta": {"article-id": {"doi": ..., "pmid": ..., "pmc": ...}, "subject": [...],
"article-title", "subtitle", "contrib": [...], "pub-date": {"epub": "2007-07-20", ...},
"volume", "issue", "fpage", "lpage", "elocation-id", "copyright-year", "abstract"}}``

Typed items (``article-id``, ``issn``, ``journal-id``, ``pub-date``) are objects keyed by their
type (``pub-type``, or ``date-type`` and ``publication-format`` joined as ``pub-electronic``);
a repeated type is kept as ``doi#2``. A date of ``year``/``month``/``day`` is one ISO 8601
string; a ``season``, a ``string-date`` or a date without a year is kept as its parts. An
author (``contrib``) has ``family`` (``surname``), ``given`` (``given-names``), ``name``
(``collab``), ``ORCID`` (a ``contrib-id`` of type orcid) and ``contrib-type``. Mixed content
(titles, the abstract) is plain text with the whitespace of pretty-printing collapsed.
"""

from __future__ import annotations

from typing import Any

from .xmlbase import Element, Node, child, children, local_name, text_of

RECORD_TAGS = ("article",)
ROOTS = frozenset({"article", "pmc-articleset"})


def date_value(element: Element) -> str | dict[str, str]:
    """A JATS date as an ISO 8601 string, or its parts when it is not Y[-M[-D]]."""
    parts = {local_name(c.tag): text_of(c, collapse=True).strip() for c in element
             if local_name(c.tag) in ("year", "month", "day", "season", "string-date")}
    year, month, day = parts.get("year"), parts.get("month"), parts.get("day")
    if set(parts) <= {"year", "month", "day"} and year and year.isdigit() and len(year) == 4:
        if not month:
            return year if not day else parts
        if not month.isdigit() or len(month) > 2:
            return parts
        if not day:
            return f"{year}-{int(month):02d}"
        if not day.isdigit() or len(day) > 2:
            return parts
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return parts


def _typed(node: Node, key: str, elements: list[Element], kind_of: Any,
           value_of: Any) -> None:
    if not elements:
        return
    group = node.obj(key, elements[0])
    seen: dict[str, int] = {}
    for element in elements:
        kind = kind_of(element) or "unknown"
        count = seen[kind] = seen.get(kind, 0) + 1
        group.set(kind if count == 1 else f"{kind}#{count}", value_of(element), element)


def _date_kind(element: Element) -> str:
    kind: str | None = element.get("pub-type")
    if kind:
        return kind
    date_type = element.get("date-type") or "pub"
    form = element.get("publication-format")
    return f"{date_type}-{form}" if form else date_type


def _text(element: Element) -> str:
    return text_of(element, collapse=True).strip()


def _first(*elements: Element | None) -> Element | None:
    """The first element that exists (lxml elements without children are falsy)."""
    return next((e for e in elements if e is not None), None)


_BLOCKS = frozenset({"p", "title", "list-item", "disp-quote"})


def _blocks(element: Element) -> str:
    """The text of an abstract, its paragraphs and section titles joined by a space (they
    are often written with nothing between them: ``</p><p>``)."""
    parts = [_text(e) for e in element.iter()
             if local_name(e.tag) in _BLOCKS and not any(
                 local_name(a.tag) in _BLOCKS for a in e.iterancestors())]
    parts = [p for p in parts if p]
    return " ".join(parts) if parts else _text(element)


def _contribs(node: Node, meta: Element) -> None:
    contribs = [c for group in children(meta, "contrib-group") for c in children(group, "contrib")
                if (c.get("contrib-type") or "author") == "author"]  # not editors, reviewers
    if not contribs:
        return
    out = node.arr("contrib", contribs[0])
    for contrib in contribs:
        item = out.obj(None, contrib)
        name = child(contrib, "name")
        if name is None:
            name = child(contrib, "name-alternatives", "name")
        if name is not None:
            item.text("family", child(name, "surname"), collapse=True)
            item.text("given", child(name, "given-names"), collapse=True)
        collab = child(contrib, "collab")
        if collab is not None:
            item.set("name", _text(collab), collab)
        for identifier in children(contrib, "contrib-id"):
            if (identifier.get("contrib-id-type") or "").lower() == "orcid":
                item.set("ORCID", _text(identifier), identifier)
        item.text("contrib-type", contrib, attribute="contrib-type")


def build(element: Element) -> tuple[dict[str, Any], dict[str, Element], str] | None:
    """A JATS ``article`` as a record; None when it has no front matter (then it is not
    JATS: the caller reports it)."""
    front = child(element, "front")
    if front is None:
        return None
    node, where = Node.root(element)
    node.text("article-type", element, attribute="article-type")
    journal = child(front, "journal-meta")
    if journal is not None:
        j = node.obj("journal-meta", journal)
        _typed(j, "journal-id", children(journal, "journal-id"),
               lambda e: e.get("journal-id-type"), _text)
        title = _first(child(journal, "journal-title-group", "journal-title"),
                       child(journal, "journal-title"))
        if title is not None:
            j.set("journal-title", _text(title), title)
        abbrev = _first(child(journal, "journal-title-group", "abbrev-journal-title"),
                        child(journal, "abbrev-journal-title"))
        if abbrev is not None:
            j.set("abbrev-journal-title", _text(abbrev), abbrev)
        _typed(j, "issn", children(journal, "issn"),
               lambda e: e.get("pub-type") or e.get("publication-format"), _text)
        publisher = child(journal, "publisher", "publisher-name")
        if publisher is not None:
            j.set("publisher-name", _text(publisher), publisher)
    meta = child(front, "article-meta")
    if meta is not None:
        m = node.obj("article-meta", meta)
        _typed(m, "article-id", children(meta, "article-id"),
               lambda e: e.get("pub-id-type"), _text)
        headings = [s for group in children(child(meta, "article-categories"), "subj-group")
                    if group.get("subj-group-type") == "heading"
                    for s in children(group, "subject")]
        if headings:
            subjects = m.arr("subject", headings[0])
            for heading in headings:
                subjects.set(None, _text(heading), heading)
        group = child(meta, "title-group")
        if group is not None:
            for name in ("article-title", "subtitle"):
                found = child(group, name)
                if found is not None:
                    m.set(name, _text(found), found)
        _contribs(m, meta)
        _typed(m, "pub-date", children(meta, "pub-date"), _date_kind, date_value)
        for name in ("volume", "issue", "fpage", "lpage", "elocation-id"):
            found = child(meta, name)
            if found is not None:
                m.set(name, _text(found), found)
        year = child(meta, "permissions", "copyright-year")
        if year is not None:
            m.set("copyright-year", _text(year), year)
        abstracts = [a for a in children(meta, "abstract") if not a.get("abstract-type")]
        if abstracts:
            m.set("abstract", _blocks(abstracts[0]), abstracts[0])
    assert isinstance(node.data, dict)
    return node.data, where, "jats"
