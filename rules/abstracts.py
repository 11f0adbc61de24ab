"""ABS: abstracts."""

from __future__ import annotations
