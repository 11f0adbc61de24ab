"""Edits that keep a value's outer whitespace (which TXT006 owns).
"""

from __future__ import annotations


def keep_outer_space(original: str, inner: str) -> str:
    """``inner`` with the leading and trailing whitespace of ``original``: a fix of the value
    leaves its outer whitespace alone, which is TXT006's to report and fix."""
    stripped = original.strip()
    if not stripped:
        return inner
    start = original.find(stripped)
    return original[:start] + inner + original[start + len(stripped):]
