"""AUTH: authors."""

from __future__ import annotations
