"""DATE: publication dates."""

from __future__ import annotations
