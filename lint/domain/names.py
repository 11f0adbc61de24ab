"""Author items of every supported shape, seen one way.

Each record shape writes an author differently:

- a plain string (the aggregator's list, a CSL-ish export): ``"Hao Liang"``;
- Semantic Scholar: ``{"authorId": "...", "name": "Hao Liang"}``;
- Crossref: ``{"given", "family", "name" (organisations), "ORCID" (URL), "suffix"}``;
- CSL-JSON: ``{"family", "given", "non-dropping-particle", "dropping-particle", "suffix",
  "literal"}``;
- OpenAlex: an authorship ``{"author": {"display_name", "orcid"}, "raw_author_name", ...}``;
- DataCite: ``{"name", "nameType", "givenName", "familyName", "nameIdentifiers": [{
  "nameIdentifier", "nameIdentifierScheme"}]}`` (schema.org and DataCite's internal JSON use
  ``"@type"``/``"type"`` and an ORCID URL in ``"@id"``/``"id"``);
- PubMed-derived JSON: ``{"LastName", "ForeName", "Initials", "CollectiveName"}``.

:func:`author_of` turns any of them into an :class:`Author`: the display name, the given and
family parts when the shape splits them, the ORCID as written, and JSON Pointers to the item
and to each of its name strings, so a rule can report and fix the exact value. It looks at
the item's keys, not at the record's profile: one function serves every shape, and an item
of an unexpected shape is read as far as its keys allow.

:func:`name_key` is the comparison key of a name (for duplicate detection). Every function
here is pure and never raises, whatever JSON value it is given.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, NamedTuple

import regex

from ..model import join_pointer


class NamePart(NamedTuple):
    """One name string of an author item: its role, where it is, and its value."""

    role: str
    """``name`` (a display string), ``given``, ``family`` or ``literal``."""
    pointer: str
    value: str


class Author(NamedTuple):
    """An author item of any shape, seen one way."""

    display: str
    """The name as a reader sees it (``""`` when the item has none)."""
    given: str | None
    """The given name(s), when the shape splits the name."""
    family: str | None
    """The family name, when the shape splits the name."""
    orcid: str | None
    """The ORCID as written in the item (a URL or a bare id), if any."""
    pointer: str
    """JSON Pointer of the item in the record."""
    orcid_pointer: str | None = None
    """JSON Pointer of the ORCID value."""
    organization: bool = False
    """True when the shape says the author is an organisation (Crossref's ``name`` without
    given/family, DataCite's ``nameType: Organizational``, a PubMed ``CollectiveName``)."""
    parts: tuple[NamePart, ...] = ()
    """The name strings of the item, with their pointers (empty strings left out)."""


_SPACE_RE = regex.compile(r"\s++")
_KEY_DROP_RE = regex.compile(r"[^\p{L}\p{N}]++")
_ORCID_IN_URL = "orcid.org/"


def _text(value: object) -> str | None:
    """A non-blank string, whitespace collapsed; else None."""
    if not isinstance(value, str):
        return None
    if value.isascii() and value.isprintable() and "  " not in value:
        # Fast path (a regex call costs a microsecond): in printable ASCII the only
        # whitespace is the space, and no two in a row means nothing to collapse.
        collapsed = value.strip()
    else:
        collapsed = _SPACE_RE.sub(" ", value).strip()
    return collapsed or None


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _child(pointer: str, key: str | int) -> str:
    # join_pointer, without its per-call generator for the common case: an index, or a
    # key with nothing to escape.
    if isinstance(key, int) or ("~" not in key and "/" not in key):
        return f"{pointer}/{key}"
    return join_pointer(pointer, key)


def _part(parts: list[NamePart], item: dict[str, Any], key: str, role: str,
          pointer: str) -> str | None:
    value = item.get(key)
    if isinstance(value, str) and value.strip():
        parts.append(NamePart(role, _child(pointer, key), value))
    return _text(value)


def _orcid_from_identifiers(item: dict[str, Any], pointer: str
                            ) -> tuple[str | None, str | None]:
    """The first ORCID among DataCite ``nameIdentifiers`` (by scheme, scheme URI or value)."""
    identifiers = item.get("nameIdentifiers")
    if not isinstance(identifiers, list):
        return None, None
    for index, entry in enumerate(identifiers):
        if not isinstance(entry, dict):
            continue
        value = entry.get("nameIdentifier")
        if not isinstance(value, str) or not value.strip():
            continue
        scheme = entry.get("nameIdentifierScheme")
        scheme_uri = entry.get("schemeUri")
        if ((isinstance(scheme, str) and "orcid" in scheme.lower())
                or (isinstance(scheme_uri, str) and "orcid" in scheme_uri.lower())
                or _ORCID_IN_URL in value.lower()):
            return value, _child(_child(_child(pointer, "nameIdentifiers"), index),
                                 "nameIdentifier")
    return None, None


def _orcid_of(item: dict[str, Any], pointer: str) -> tuple[str | None, str | None]:
    """The ORCID of a Crossref/CSL/schema.org/DataCite item, with its pointer."""
    for key in ("ORCID", "orcid"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value, _child(pointer, key)
    found = _orcid_from_identifiers(item, pointer)
    if found[0] is not None:
        return found
    for key in ("@id", "id"):
        value = item.get(key)
        if isinstance(value, str) and _ORCID_IN_URL in value.lower():
            return value, _child(pointer, key)
    return None, None


def _is_organization_type(value: object) -> bool:
    kinds = value if isinstance(value, list) else [value]
    return any(isinstance(k, str) and k.lower() in ("organization", "organizational")
               for k in kinds)


def _openalex(item: dict[str, Any], inner: dict[str, Any], pointer: str) -> Author:
    author_pointer = _child(pointer, "author")
    parts: list[NamePart] = []
    display = _part(parts, inner, "display_name", "name", author_pointer)
    if display is None:
        display = _part(parts, item, "raw_author_name", "name", pointer)
    orcid = inner.get("orcid")
    if isinstance(orcid, str) and orcid.strip():
        return Author(display or "", None, None, orcid, pointer,
                      _child(author_pointer, "orcid"), False, tuple(parts))
    return Author(display or "", None, None, None, pointer, None, False, tuple(parts))


def _datacite(item: dict[str, Any], pointer: str) -> Author:
    parts: list[NamePart] = []
    name = _part(parts, item, "name", "name", pointer)
    given = _part(parts, item, "givenName", "given", pointer)
    family = _part(parts, item, "familyName", "family", pointer)
    organization = (_is_organization_type(item.get("nameType"))
                    or _is_organization_type(item.get("@type"))
                    or _is_organization_type(item.get("type")))
    display = _join(given, family) if (given or family) and not organization else name or ""
    orcid, orcid_pointer = _orcid_of(item, pointer)
    return Author(display or name or "", given, family, orcid, pointer, orcid_pointer,
                  organization, tuple(parts))


def _csl(item: dict[str, Any], pointer: str) -> Author:
    parts: list[NamePart] = []
    given = _part(parts, item, "given", "given", pointer)
    family = _part(parts, item, "family", "family", pointer)
    literal = _part(parts, item, "literal", "literal", pointer)
    name = _part(parts, item, "name", "name", pointer)
    dropping = _text(item.get("dropping-particle"))
    particle = _text(item.get("non-dropping-particle"))
    suffix = _text(item.get("suffix"))
    if given or family:
        display = _join(given, dropping, particle, family, suffix)
    else:
        display = literal or name or ""
    # Crossref writes an organisation as `name` with no given/family.
    organization = name is not None and not (given or family or literal)
    orcid, orcid_pointer = _orcid_of(item, pointer)
    return Author(display, given, family, orcid, pointer, orcid_pointer, organization,
                  tuple(parts))


def _pubmed(item: dict[str, Any], pointer: str) -> Author:
    parts: list[NamePart] = []
    family = _part(parts, item, "LastName", "family", pointer)
    given = _part(parts, item, "ForeName", "given", pointer)
    collective = _part(parts, item, "CollectiveName", "name", pointer)
    if given is None:
        given = _text(item.get("Initials"))
    orcid, orcid_pointer = _orcid_of(item, pointer)
    if collective and not family:
        return Author(collective, None, None, orcid, pointer, orcid_pointer, True,
                      tuple(parts))
    return Author(_join(given, family), given, family, orcid, pointer, orcid_pointer, False,
                  tuple(parts))


_DATACITE_KEYS = frozenset({"givenName", "familyName", "nameIdentifiers", "nameType",
                            "@type"})
_CSL_KEYS = frozenset({"given", "family", "literal", "ORCID", "non-dropping-particle",
                       "dropping-particle", "sequence"})
_PUBMED_KEYS = frozenset({"LastName", "ForeName", "CollectiveName"})


def author_of(item: object, pointer: str = "") -> Author | None:
    """The :class:`Author` of one author item of any supported shape, or None.

    None for values that are no author item at all (numbers, lists, null, objects with no
    known name key). ``pointer`` is the item's JSON Pointer in the record; the pointers of
    the result are built under it. Never raises.
    """
    if isinstance(item, str):
        display = _text(item)
        parts = (NamePart("name", pointer, item),) if display else ()
        return Author(display or "", None, None, None, pointer, None, False, parts)
    if not isinstance(item, dict):
        return None
    inner = item.get("author")
    if isinstance(inner, dict):
        return _openalex(item, inner, pointer)
    keys = item.keys()
    if not _DATACITE_KEYS.isdisjoint(keys):
        return _datacite(item, pointer)
    if not _CSL_KEYS.isdisjoint(keys):
        return _csl(item, pointer)
    if not _PUBMED_KEYS.isdisjoint(keys):
        return _pubmed(item, pointer)
    if "name" in keys or "display_name" in keys or "raw_name" in keys:
        found: list[NamePart] = []
        display = (_part(found, item, "name", "name", pointer)
                   or _part(found, item, "display_name", "name", pointer)
                   or _part(found, item, "raw_name", "name", pointer))
        orcid, orcid_pointer = _orcid_of(item, pointer)
        return Author(display or "", None, None, orcid, pointer, orcid_pointer, False,
                      tuple(found))
    orcid, orcid_pointer = _orcid_of(item, pointer)
    if orcid is not None:
        return Author("", None, None, orcid, pointer, orcid_pointer, False, ())
    return None


def authors_of(value: object, pointer: str = "") -> list[Author]:
    """The authors of an authors field (a JSON array); [] for anything else. Never raises.

    Items that are no author (see :func:`author_of`) are skipped; the others keep the
    pointer of their position in the array.
    """
    if not isinstance(value, list):
        return []
    found: list[Author] = []
    for index, item in enumerate(value):
        author = author_of(item, f"{pointer}/{index}")
        if author is not None:
            found.append(author)
    return found


def name_key(text: str) -> str:
    """The comparison key of a name: accents, case, punctuation and spacing ignored.

    ``"María  R. López-Díaz"`` and ``"maria r lopez diaz"`` share the key ``"mariarlopezdiaz"``.
    Letters and digits of every script are kept (compatibility-decomposed, case-folded);
    combining marks, punctuation and spaces are dropped. Idempotent
    (``name_key(name_key(x)) == name_key(x)``) and never raises.
    """
    if text.isascii():
        # NFKD changes no ASCII character, case folding is lower(), and the ASCII letters
        # and digits are [a-z0-9] once lowered: the key is stable after one pass.
        return _ASCII_DROP_RE.sub("", text.lower())
    return _name_key(text)


_ASCII_DROP_RE = re.compile(r"[^a-z0-9]+")


def _name_key(text: str) -> str:
    """:func:`name_key` without its shortcut for ASCII (the reference it is tested against)."""
    key = _key_once(text)
    for _ in range(4):  # case folding can expose a new decomposition: repeat until stable
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


def _key_once(text: str) -> str:
    return _KEY_DROP_RE.sub("", unicodedata.normalize("NFKD", text.casefold()))
