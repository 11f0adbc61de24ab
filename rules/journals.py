"""JRN: journals and journal metrics."""

from __future__ import annotations
