"""TXT: text hygiene in every string field."""

from __future__ import annotations
