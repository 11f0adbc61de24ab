"""Values shown in messages: quoted, cut, invisible characters made visible.

The one place that decides how text appears in a message, in every output format: as it is
(`"Ogás"`, `"北京"`), JSON-quoted, with only what a reader cannot see escaped: control
characters, format characters (zero-width, bidirectional, soft hyphen, BOM, tags), spaces
other than U+0020 (no-break, thin, ideographic...), line and paragraph separators, private-use
and unassigned code points. Every function here is pure and never raises on any value.
"""

from __future__ import annotations

import json

import regex

_EXCERPT_SPACE_RE = regex.compile(r"\s++")


_INVISIBLE_RE = regex.compile(
    r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
    r"\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]")
"""What a reader cannot see: controls, format characters, spaces other than U+0020, line
and paragraph separators, private-use, surrogate and unassigned code points, fillers and
variation selectors."""
_INVISIBLE_OR_MARK_RE = regex.compile(_INVISIBLE_RE.pattern[:-1] + r"\p{M}]")


def _escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # as JSON writes it: a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def quoted(text: str, *, combining: bool = False) -> str:
    """``text`` JSON-quoted as it is, with only invisible characters escaped (see the module
    docstring); with ``combining``, combining marks too, for a message about how a letter is
    composed (`"e\\u0301"` rather than a decomposed `"é"` that looks composed)."""
    out = _ENCODE(text)
    if out.isascii() and "\x7f" not in out:  # nothing invisible to escape
        return out
    pattern = _INVISIBLE_OR_MARK_RE if combining else _INVISIBLE_RE
    return pattern.sub(lambda m: _escape(m.group()), out)


_quoted = quoted


def _fitted(value: str, limit: int) -> str:
    """The longest prefix of ``value`` (with `…` when cut) whose characters fit in ``limit``
    once each invisible one is counted as its escape (``\\u200b`` six characters, an astral
    code point's surrogate pair twelve): thirty unassigned code points must not make a
    message of 360 characters."""
    used = 0
    for index, char in enumerate(value):
        used += len(_escape(char)) if _INVISIBLE_RE.match(char) else 1
        if (used > limit - 1 and index < len(value) - 1) or used > limit:
            return value[:index] + "…"
    return value


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(text, ensure_ascii=False)`` without building an encoder per call."""


def shown(value: object, limit: int = 40) -> str:
    """How a message shows a value: a string JSON-quoted (non-ASCII kept; controls,
    zero-width and bidirectional marks escaped, so the message shows what is there) and cut
    to ``limit`` characters with `…`; any other JSON value as JSON, cut the same way. The one
    helper every rule uses, so that a value reads the same in every message."""
    if isinstance(value, str):
        out = _quoted(value if len(value) <= limit else value[: limit - 1] + "…")
        if len(out) <= limit + 2 or not _INVISIBLE_RE.search(value, 0, limit):
            return out
        return _quoted(_fitted(value, limit))
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
