"""REC: record-level completeness and presentation keys."""

from __future__ import annotations
