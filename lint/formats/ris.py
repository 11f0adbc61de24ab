"""The RIS profile: records as :mod:`biblint.readers.ris` reads them (a dict of tags).

Repeated tags (``AU``, ``KW``, ``UR``) are lists, so the author rules see one item per
``AU`` line, as RIS writes authors. The pages are ``SP``, which many exporters fill with
the whole range; dates keep RIS's
``YYYY/MM/DD/other`` form, which the date rules do not read (only ``PY`` as the year).
What only RIS has (``TY`` and ``ER`` lines, the tag vocabulary) is checked by the RIS rules
(``biblint.rules.ris``).
"""

from __future__ import annotations

from typing import Any

from ..profiles import AuthorStyle, Convention, Profile


def _detect(data: Any) -> int:
    """Records come with their profile named by the reader; a JSON object whose keys are
    RIS tags with a ``TY`` (a RIS record dumped as JSON) is one too."""
    if isinstance(data, dict) and isinstance(data.get("TY"), str) and all(
            isinstance(k, str) and len(k) == 2 and k.isupper() for k in data):
        return 5
    return 0


RIS = Profile(
    name="ris",
    title="RIS record (tags as keys; repeated tags as lists)",
    fields={
        "doi": ("/DO",),
        "url": ("/UR/0",),
        "title": ("/TI", "/T1"),
        "abstract": ("/AB", "/N2"),
        "authors": ("/AU", "/A1"),
        "container": ("/JF", "/JO", "/T2"),
        "volume": ("/VL",),
        "issue": ("/IS",),
        # SP is "start page" by the specification but holds the whole range in many
        # exports (EndNote's "123-145"): read as the pages; EP alone is no range to check.
        "pages": ("/SP",),
        # C7 is the specification's "Article Number" (PAGE003 moves one there).
        "article_number": ("/C7",),
        "type": ("/TY",),
        "publisher": ("/PB",),
    },
    detect=_detect,
    absent="omit",
    conventions=frozenset({Convention.YEAR_AS_STRING, Convention.RIS_TAGS}),
    author_style=AuthorStyle.STRING,
    research_types=frozenset({"JOUR", "CONF", "CPAPER", "EJOUR"}),
    journal_types=frozenset({"JOUR", "EJOUR", "JFULL"}),
    known_shape=False,
    # An empty TY is RIS001's (a record without a type), not an empty string to drop.
    empty_ok=frozenset({"/TY"}),
)

PROFILES: tuple[Profile, ...] = (RIS,)
"""Registered as the ``ris`` entry point of ``biblint.profiles``."""
