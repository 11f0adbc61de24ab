"""The MEDLINE profile: PubMed's tagged text (``.nbib``) as :mod:`biblint.readers.medline`
reads it.

``FAU`` (full names) is preferred over ``AU`` for the authors; the DOI is the ``[doi]``
item of ``LID`` or ``AID``. Not mapped, on purpose: ``PG``, whose ranges MEDLINE elides by
its own convention (``1199-205``; PAGE002 would report every article, and the file is not
rewritten), and ``DP``/``DEP``, free-text and ``YYYYMMDD`` dates that are the format's own.
"""

from __future__ import annotations

from typing import Any

from ..profiles import AuthorStyle, Profile


def _detect(data: Any) -> int:
    """Records come with their profile named by the reader; a JSON object with ``PMID`` and
    two-to-four letter tags (``TI``, ``FAU``, ``DP``) is one too."""
    if isinstance(data, dict) and "PMID" in data and len({"TI", "FAU", "DP", "SO"} & set(
            data)) >= 2:
        return 5
    return 0


MEDLINE = Profile(
    name="medline",
    title="MEDLINE tagged text record (PubMed's .nbib format)",
    fields={
        "doi": ("/LID/doi", "/AID/doi"),
        "pmid": ("/PMID",),
        "pmcid": ("/PMC",),
        "title": ("/TI",),
        "abstract": ("/AB",),
        "authors": ("/FAU", "/AU"),
        "container": ("/JT",),
        "volume": ("/VI",),
        "issue": ("/IP",),
        "issn": ("/IS/Electronic", "/IS/Print", "/IS/Linking"),
        "publisher": ("/PB",),
    },
    detect=_detect,
    absent="omit",
    author_style=AuthorStyle.STRING,
    known_shape=False,
)

PROFILES: tuple[Profile, ...] = (MEDLINE,)
"""Registered as the ``medline`` entry point of ``biblint.profiles``."""
