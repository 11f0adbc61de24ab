"""ID: identifier syntax and check digits."""

from __future__ import annotations
