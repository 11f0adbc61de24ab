"""The built-in rules, one module per family.

This package is registered under the ``biblint.rules`` entry-point group (see pyproject.toml),
exactly as a third-party plugin would be: ``RULES`` is the explicit list of what it provides.
"""

from __future__ import annotations

from biblint.registry import collect

from . import abstracts, authors, ids, io, pages, titles, values, xref

RULES = collect(io, xref, ids, values, titles, abstracts, authors, pages)
"""Every built-in rule, in family order."""
