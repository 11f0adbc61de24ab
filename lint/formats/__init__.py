"""Profiles of the non-JSON formats (PubMed/MEDLINE XML, JATS, Crossref and DataCite XML,
BibTeX, RIS, MEDLINE text): one module per format, each mapping the canonical fields of the
records its reader builds (see :mod:`biblint.readers`) to pointers, with the format's
conventions. They are registered through the ``biblint.profiles`` entry-point group, as the
JSON profiles of :mod:`biblint.profiles` are, and a reader names the profile of each record it
yields (``RawRecord.profile``), so no detection is needed for them.
"""
