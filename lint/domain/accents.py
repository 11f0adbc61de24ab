"""Spacing accents (´, `, ¨, ¸, ˆ, ˜...) standing where a letter's accent or an apostrophe
belongs: what each one is, and the text it stands for.

A spacing accent is a character of its own: PDF text extraction produces it from a TeX-set
accent ("Garc´ıa", "Mu¨ller", "Fran¸cois"), and keyboards without an apostrophe key give
"O´Brien" and "don´t". Every function is pure and never raises.
"""

from __future__ import annotations

import unicodedata

import regex

SPACING_ACCENTS = {
    "\u00b4": "\u0301", "`": "\u0300", "\u00a8": "\u0308", "\u00b8": "\u0327",
    "\u02c6": "\u0302", "\u02dc": "\u0303", "\u02d8": "\u0306", "\u02c7": "\u030c",
    "\u02da": "\u030a", "\u02d9": "\u0307", "\u02dd": "\u030b", "\u00af": "\u0304",
}
"""Spacing accents and the combining mark each stands for."""
APOSTROPHE_ACCENTS = frozenset({"\u00b4", "`"})
"""The accents typed as apostrophes."""

# An accent next to a letter (a backtick only between two letters: Markdown and TeX use it).
ACCENT_RE = regex.compile(
    r"(?<=\p{L})`(?=\p{L})|(?<=\p{L})[\u00b4\u00a8\u00b8\u02c6\u02dc\u02d8\u02c7\u02da\u02d9"
    r"\u02dd\u00af]|[\u00b4\u00a8\u00b8\u02c6\u02dc\u02d8\u02c7\u02da\u02d9\u02dd\u00af]"
    r"(?=\p{L})"
)
# An apostrophe: a contraction or possessive ("don´t", "it´s", "we´ll") or an elided
# particle at the start of a word ("O´Brien", "d´Alembert", "l´homme").
_CONTRACTION_RE = regex.compile(r"(?:s|t|ll|re|ve|d|m)(?!\p{L})")
_DOTLESS = {"ı": "i", "ȷ": "j"}


def _composed(letter: str, mark: str) -> str | None:
    """``letter`` with ``mark`` as one precomposed character, or None."""
    base = _DOTLESS.get(letter, letter)
    joined = unicodedata.normalize("NFC", base + mark)
    return joined if len(joined) == 1 else None


def accent_repair(text: str, pos: int) -> tuple[str, int, int, str] | None:
    """What the spacing accent at ``pos`` stands for: (kind, start, end, replacement) where
    ``text[start:end]`` becomes ``replacement``; kind is ``apostrophe`` or ``diacritic``.
    None when it cannot be told (the accent has no precomposed letter on either side)."""
    accent = text[pos]
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos + 1] if pos + 1 < len(text) else ""
    particle = before in "OoDdLl" and before != "" and (pos < 2 or not text[pos - 2].isalpha())
    if accent in APOSTROPHE_ACCENTS and before.isalpha() and after.isalpha() and (
            particle or _CONTRACTION_RE.match(text, pos + 1)):
        return "apostrophe", pos, pos + 1, "\u2019"
    if accent in APOSTROPHE_ACCENTS and before in "sS" and before and not after.isalpha():
        return "apostrophe", pos, pos + 1, "\u2019"  # a plural's possessive: "François´ "
    mark = SPACING_ACCENTS[accent]
    if before.isalpha() and not before.isascii() and before not in _DOTLESS:
        # A second accent typed after an accented letter: Vietnamese "Quyê´n" is "Quyến".
        joined = _composed(before, mark)
        if joined is not None:
            return "diacritic", pos - 1, pos + 1, joined
    if after.isalpha():  # TeX sets the accent before its letter: "Jos´e", "Garc´ıa"
        joined = _composed(after, mark)
        if joined is not None:
            return "diacritic", pos, pos + 2, joined
    if before.isalpha():  # "Mu¨ller", "Jose´"
        joined = _composed(before, mark)
        if joined is not None:
            return "diacritic", pos - 1, pos + 1, joined
    if accent in APOSTROPHE_ACCENTS and before.isalpha() and after.isalpha():
        return "apostrophe", pos, pos + 1, "\u2019"
    return None


def repair_accents(text: str) -> tuple[list[regex.Match[str]], str | None]:
    """The spacing accents of ``text`` next to a letter, and the text with each one made
    the letter's accent or an apostrophe (None when one of them cannot be told)."""
    matches = list(ACCENT_RE.finditer(text))
    if not matches:
        return matches, None
    # The record's own apostrophe: ASCII where it writes "'" and never "’".
    apostrophe = "'" if "'" in text and "\u2019" not in text else "\u2019"
    out: list[str] = []
    pos = 0
    for match in matches:
        repair = accent_repair(text, match.start())
        if repair is None or repair[1] < pos:
            return matches, None
        kind, start, end, replacement = repair
        out.append(text[pos:start])
        out.append(apostrophe if kind == "apostrophe" else replacement)
        pos = end
    out.append(text[pos:])
    return matches, "".join(out)
