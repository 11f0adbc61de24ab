"""Profile of DataCite XML records (:mod:`biblint.readers.datacitexml`).

The reader shapes a ``resource`` like the attributes of DataCite's REST JSON, so this profile
points where the JSON ``datacite`` profile does, with DataCite's conventions (the DOI is
registered as written, ``publicationYear`` is text, ``:unav`` and friends mean unknown,
titles are typed).
"""

from __future__ import annotations

from typing import Any

from biblint.profiles import AuthorStyle, Convention, Profile


def _never(data: Any) -> int:
    """Never detected: the reader names the profile of each record it yields."""
    return 0


DATACITE_XML = Profile(
    name="datacite-xml",
    title="DataCite XML resource (metadata kernel 4; 2.2 and 3 read alike)",
    fields={
        "doi": ("/doi",),
        "title": ("/titles/0/title",),
        "abstract": ("/descriptions/0/description",),
        "authors": ("/creators",),
        "type": ("/types/resourceTypeGeneral",),
        "publisher": ("/publisher",),
        "year": ("/publicationYear",),
    },
    detect=_never,
    absent="omit",
    conventions=frozenset({Convention.DOI_REGISTERED, Convention.YEAR_AS_STRING,
                           Convention.UNKNOWN_CODES, Convention.TYPED_TITLES}),
    required=(("doi",), ("title",), ("authors",), ("publisher",), ("year",)),
    author_style=AuthorStyle.NAME,
    research_types=frozenset({"JournalArticle", "ConferencePaper", "Preprint"}),
    type_vocabulary="datacite",
)

PROFILES = (DATACITE_XML,)
"""Registered as the ``datacite-xml`` entry point of ``biblint.profiles``."""
