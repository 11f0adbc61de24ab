"""DOI: DOI syntax and normalisation."""

from __future__ import annotations
