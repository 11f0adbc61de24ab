"""DataCite XML (``resource``, metadata kernel 4; kernels 2.2 and 3 read alike).

One record per ``resource``, shaped like the ``attributes`` of DataCite's REST JSON (itself a
mirror of the XML): ``{"doi", "identifierType", "creators": [{"name", "nameType",
"givenName", "familyName", "nameIdentifiers": [{"nameIdentifier", "nameIdentifierScheme",
"schemeUri"}], "affiliation": [...]}], "titles": [{"title", "titleType", "lang"}],
"publisher", "publicationYear", "types": {"resourceTypeGeneral", "resourceType"},
"subjects", "contributors", "dates": [{"date", "dateType"}], "language", "version",
"alternateIdentifiers", "relatedIdentifiers", "sizes", "formats", "rightsList",
"descriptions": [{"description", "descriptionType", "lang"}], "fundingReferences",
"schemaVersion"}``. Text is kept as written, except that pretty-printed multi-line text is
collapsed to single spaces.
"""

from __future__ import annotations

from typing import Any

from .xmlbase import Element, Node, child, children, local_name, namespace, text_of

RECORD_TAGS = ("resource",)
ROOTS = frozenset({"resource"})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _text(element: Element) -> str:
    return text_of(element, collapse=True)


def _names(node: Node, key: str, element: Element | None, item_name: str, name_tag: str,
           *, role: str | None = None) -> None:
    items = children(element, item_name)
    if element is None or not items:
        return
    out = node.arr(key, element)
    for item in items:
        entry = out.obj(None, item)
        name = child(item, name_tag)
        if name is not None:
            entry.set("name", _text(name), name)
            entry.text("nameType", name, attribute="nameType")
        for part in ("givenName", "familyName"):
            found = child(item, part)
            if found is not None:
                entry.set(part, _text(found), found)
        identifiers = children(item, "nameIdentifier")
        if identifiers:
            listed = entry.arr("nameIdentifiers", identifiers[0])
            for identifier in identifiers:
                one = listed.obj(None, identifier)
                one.set("nameIdentifier", _text(identifier), identifier)
                one.text("nameIdentifierScheme", identifier, attribute="nameIdentifierScheme")
                one.text("schemeUri", identifier, attribute="schemeURI")
        affiliations = children(item, "affiliation")
        if affiliations:
            listed = entry.arr("affiliation", affiliations[0])
            for affiliation in affiliations:
                listed.set(None, _text(affiliation), affiliation)
        if role is not None:
            entry.text(role, item, attribute=role)


def _listed(node: Node, key: str, element: Element | None, item_name: str, value_key: str,
            attributes: tuple[str, ...]) -> None:
    items = children(element, item_name)
    if element is None or not items:
        return
    out = node.arr(key, element)
    for item in items:
        entry = out.obj(None, item)
        value = _text(item)
        if value or not item.attrib:  # <rights rightsURI="..."/>: the attributes are the value
            entry.set(value_key, value, item)
        for attribute in attributes:
            entry.text(attribute, item, attribute=attribute)
        lang = item.get(_XML_LANG)
        if lang is not None:
            entry.set("lang", lang, item)


def _strings(node: Node, key: str, element: Element | None, item_name: str) -> None:
    items = children(element, item_name)
    if element is None or not items:
        return
    out = node.arr(key, element)
    for item in items:
        out.set(None, _text(item), item)


def build(element: Element) -> tuple[dict[str, Any], dict[str, Element], str] | None:
    if local_name(element.tag) != "resource":
        return None
    node, where = Node.root(element)
    ns = namespace(element.tag)
    if ns:
        node.set("schemaVersion", ns, element)
    identifier = child(element, "identifier")
    if identifier is not None:
        kind = identifier.get("identifierType") or ""
        node.set("doi" if kind.upper() == "DOI" else "identifier", _text(identifier).strip()
                 if kind.upper() == "DOI" else _text(identifier), identifier)
        node.set("identifierType", kind, identifier)
    _names(node, "creators", child(element, "creators"), "creator", "creatorName")
    _listed(node, "titles", child(element, "titles"), "title", "title", ("titleType",))
    publisher = child(element, "publisher")
    if publisher is not None:
        node.set("publisher", _text(publisher), publisher)
    year = child(element, "publicationYear")
    if year is not None:
        node.set("publicationYear", _text(year), year)
    resource_type = child(element, "resourceType")
    if resource_type is not None:
        types = node.obj("types", resource_type)
        types.text("resourceTypeGeneral", resource_type, attribute="resourceTypeGeneral")
        types.set("resourceType", _text(resource_type), resource_type)
    _listed(node, "subjects", child(element, "subjects"), "subject", "subject",
            ("subjectScheme", "schemeURI", "classificationCode"))
    _names(node, "contributors", child(element, "contributors"), "contributor",
           "contributorName", role="contributorType")
    _listed(node, "dates", child(element, "dates"), "date", "date",
            ("dateType", "dateInformation"))
    language = child(element, "language")
    if language is not None:
        node.set("language", _text(language), language)
    _listed(node, "alternateIdentifiers", child(element, "alternateIdentifiers"),
            "alternateIdentifier", "alternateIdentifier", ("alternateIdentifierType",))
    _listed(node, "relatedIdentifiers", child(element, "relatedIdentifiers"),
            "relatedIdentifier", "relatedIdentifier",
            ("relatedIdentifierType", "relationType", "resourceTypeGeneral"))
    _strings(node, "sizes", child(element, "sizes"), "size")
    _strings(node, "formats", child(element, "formats"), "format")
    version = child(element, "version")
    if version is not None:
        node.set("version", _text(version), version)
    _listed(node, "rightsList", child(element, "rightsList"), "rights", "rights",
            ("rightsURI", "rightsIdentifier", "rightsIdentifierScheme"))
    _listed(node, "descriptions", child(element, "descriptions"), "description", "description",
            ("descriptionType",))
    funding = child(element, "fundingReferences")
    references = children(funding, "fundingReference")
    if funding is not None and references:
        out = node.arr("fundingReferences", funding)
        for reference in references:
            entry = out.obj(None, reference)
            for name in ("funderName", "funderIdentifier", "awardNumber", "awardTitle"):
                found = child(reference, name)
                if found is not None:
                    entry.set(name, _text(found), found)
    assert isinstance(node.data, dict)
    return node.data, where, "datacite-xml"
