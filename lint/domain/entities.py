"""HTML character references in plain text: found, decoded, and double escapes undone
(TXT, TTL, ABS rules). Every pattern is linear: one bounded try per ``&``.
"""

from __future__ import annotations

import html
import html.entities as html_entities

import regex

# bounded try per `&`.
ENTITY_RE = regex.compile(
    r"&(?:#(?P<dec>[0-9]{1,8}+);|#[xX](?P<hex>[0-9A-Fa-f]{1,8}+);"
    r"|(?P<name>[A-Za-z][A-Za-z0-9]{0,31}+);|(?P<bare>amp|lt|gt|quot|nbsp)(?![A-Za-z0-9;=]))"
)
# `&amp;` followed by the body of another reference: escaped twice (`&amp;amp;`, `&amp;#8217;`).
_DOUBLE_RE = regex.compile(
    r"&amp;(?=#[0-9]{1,8}+;|#[xX][0-9A-Fa-f]{1,8}+;|(?P<name>[A-Za-z][A-Za-z0-9]{0,31}+);)"
)


def entity_value(match: regex.Match[str]) -> str | None:
    """What a match of :data:`ENTITY_RE` stands for, or None when it stands for no character:
    an unknown name (`&foo;`), NUL, a surrogate, a control character, or beyond U+10FFFF."""
    if match["name"] is not None:
        return html_entities.html5.get(match["name"] + ";")
    if match["bare"] is not None:
        return html_entities.html5.get(match["bare"] + ";")
    digits = match["dec"] if match["dec"] is not None else match["hex"]
    if digits is None:
        return None
    code = int(digits, 10 if match["dec"] is not None else 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code == 0:
        return None
    if (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or code == 0x7F:
        return None
    value = html.unescape(match.group())  # HTML's mapping of &#128;-&#159; to Windows-1252
    if (value == "\ufffd" and code != 0xFFFD) or _CONTROL_RE.search(value):
        return None
    return value


def html_entities_in(text: str) -> list[regex.Match[str]]:
    """The character references of ``text`` that stand for a character (see
    :func:`entity_value`), in order."""
    if "&" not in text:
        return []
    return [m for m in ENTITY_RE.finditer(text) if entity_value(m) is not None]


def unescape_entities(text: str) -> str:
    """``text`` with each reference that stands for a character replaced by it, once:
    `&amp;amp;` becomes `&amp;`. Unknown names and references to no character stay."""
    if "&" not in text:
        return text

    def replace(match: regex.Match[str]) -> str:
        value = entity_value(match)
        return match.group() if value is None else value

    return ENTITY_RE.sub(replace, text)


def double_escapes_in(text: str) -> list[regex.Match[str]]:
    """The `&amp;` of each reference escaped twice (`&amp;amp;`, `&amp;lt;`, `&amp;#8217;`)."""
    if "&amp;" not in text:
        return []
    return [m for m in _DOUBLE_RE.finditer(text)
            if m["name"] is None or m["name"] + ";" in html_entities.html5]


def unescape_double(text: str) -> str:
    """``text`` with each twice-escaped reference escaped once (`&amp;lt;` -> `&lt;`)."""
    matches = double_escapes_in(text)
    if not matches:
        return text
    out: list[str] = []
    pos = 0
    for match in matches:
        out.append(text[pos : match.start()])
        out.append("&")
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


# --- control characters --------------------------------------------------------------------

_CONTROL_RE = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
