"""OA and CIT: open access and citation counts."""

from __future__ import annotations
