"""PT: publication types."""

from __future__ import annotations
