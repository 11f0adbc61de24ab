"""The built-in rules, one module per family.

This package is registered under the ``biblint.rules`` entry-point group (see pyproject.toml),
exactly as a third-party plugin would be: ``RULES`` is the explicit list of what it provides.
"""

from __future__ import annotations

from biblint.registry import collect

from . import (
    abstracts,
    access,
    authors,
    bibtex,
    dates,
    doi,
    duplicates,
    ids,
    io,
    jats,
    journals,
    pages,
    pubmed,
    pubtypes,
    records,
    ris,
    text,
    titles,
    values,
    xref,
)

RULES = collect(
    io, doi, xref, ids, text, values, records, titles, abstracts, authors, dates, pages,
    pubtypes, journals, access, duplicates,
    # Formats beyond JSON (issue 10).
    pubmed, jats, bibtex, ris,
)
"""Every built-in rule, in family order."""
