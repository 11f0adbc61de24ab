"""Values shown in messages: quoted, cut, invisible characters made visible.

Every function here is pure and never raises on any value.
"""

from __future__ import annotations

import json

import regex

_EXCERPT_SPACE_RE = regex.compile(r"\s++")


_INVISIBLE_RE = regex.compile(r"[\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _quoted(text: str) -> str:
    """JSON quoting with invisible characters escaped too (C1 controls, zero-width and
    bidirectional marks), so a message shows what is there."""
    quoted = _ENCODE(text)
    if quoted.isascii() and "\x7f" not in quoted:  # nothing invisible to escape
        return quoted
    return _INVISIBLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(text, ensure_ascii=False)`` without building an encoder per call."""


def shown(value: object, limit: int = 40) -> str:
    """How a message shows a value: a string JSON-quoted (non-ASCII kept; controls,
    zero-width and bidirectional marks escaped, so the message shows what is there) and cut
    to ``limit`` characters with `…`; any other JSON value as JSON, cut the same way. The one
    helper every rule uses, so that a value reads the same in every message."""
    if isinstance(value, str):
        return _quoted(value if len(value) <= limit else value[: limit - 1] + "…")
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON data, or an integer too long to print
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def codepoints(chars: str, limit: int = 6) -> str:
    """The distinct code points of ``chars`` (``U+200B, U+FEFF``), the first ``limit`` of them
    and a count of the rest, so that a message stays short whatever the value holds."""
    distinct = list(dict.fromkeys(chars))
    named = ", ".join(f"U+{ord(c):04X}" for c in distinct[:limit])
    rest = len(distinct) - limit
    return f"{named} and {rest} more" if rest > 0 else named


def excerpt(text: str, start: int, end: int, before: int = 12, after: int = 12) -> str:
    """``text[start:end]`` quoted (JSON) with a little context, whitespace collapsed, never the
    whole of a long text: `…` marks each cut."""
    left = max(0, start - before)
    right = min(len(text), end + after)
    snippet = _EXCERPT_SPACE_RE.sub(" ", text[left:right])
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    return _quoted(prefix + snippet + suffix)
