"""DUP: duplicates across the records of a run."""

from __future__ import annotations
