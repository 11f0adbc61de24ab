"""PAGE: pages, volume, issue."""

from __future__ import annotations
