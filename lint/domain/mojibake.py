"""Mojibake (UTF-8 read as a legacy code page) detected and repaired through ftfy,
configured to touch nothing but the encoding (TXT001).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import regex

# --- mojibake (ftfy) -------------------------------------------------------------------------


@cache
def _ftfy() -> tuple[Any, Any, Any]:
    """ftfy's ``fix_and_explain``, its badness test, and the configuration: imported on the
    first string that passes the cheap gate (importing ftfy takes a twentieth of a second, and
    most runs never need it).

    ftfy is configured to repair mojibake and nothing else: no HTML unescaping (that creates
    markup from `&lt;i&gt;`), no quote uncurling, no ligature or width folding, no Unicode
    normalisation, no control-character or line-break changes (other rules own those)."""
    import ftfy
    from ftfy.badness import is_bad

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )
    return ftfy.fix_and_explain, is_bad, config


MARC_NONSORT_RE = regex.compile(r"\x98[^\x98\x9c]{0,80}+\x9c")
"""Library catalogue (MARC 21) non-sort markers around a leading article: U+0098 START OF
STRING and U+009C STRING TERMINATOR (`\x98The \x9cLancet` sorts as `Lancet`). They are
control characters, not Windows-1252 mojibake of `˜` and `œ`."""


# Characters that some byte of a UTF-8 lead (0xC2-0xF4) becomes in a legacy single-byte
# encoding ftfy knows: Latin-1 and Windows-1252 (Â-ô), Latin-2 and Windows-1250 (Ă, Ĺ...),
# Windows-1251 (Р, С), Greek (Γ), code page 437 (box drawing, Γ), MacRoman (√, ‚, ƒ, ≈, ∆);
# and C1 controls. Mojibake of UTF-8 has at least one of them; text without them is skipped
# before ftfy's (slower) test.
_MOJIBAKE_GATE_RE = regex.compile(
    "[\x80-\u017f\u0192\u0391-\u03c9\u0400-\u045f\u2044\u201a\u2206\u221a\u2248"
    "\u2500-\u257f\u25ca\uf8ff]"
)
_NON_ASCII_RE = regex.compile(r"[^\x00-\x7f]++")


def _non_ascii_windows(text: str) -> str:
    """The runs of non-ASCII characters with three characters of context each side, joined
    by spaces: what ftfy's badness patterns can see, without scanning long ASCII stretches
    (a whole abstract for one accented name)."""
    return " ".join(text[max(0, m.start() - 3): m.end() + 3] for m in _NON_ASCII_RE.finditer(text))


def fix_mojibake(text: str) -> str | None:
    """The text ftfy recovers from mojibake (`MÃ¼ller` -> `Müller`), or None.

    None unless ftfy (configured in :func:`_ftfy`) changes the text through a re-decoding
    step: text that is merely unusual (`Ã` alone, curly quotes, `A&amp;B`) is left alone, and
    so is text with MARC non-sort markers (:data:`MARC_NONSORT_RE`).
    """
    if text.isascii() or ("\x98" in text and MARC_NONSORT_RE.search(text)):
        return None
    if _MOJIBAKE_GATE_RE.search(text) is None:
        return None
    fix_and_explain, is_bad, config = _ftfy()
    try:
        if not is_bad(_non_ascii_windows(text)):
            return None
        result = fix_and_explain(text, config)
    except Exception:  # ftfy on lone surrogates and the like: not mojibake we can repair
        return None
    if result.text == text or not any(step[0] == "decode" for step in result.explanation or ()):
        return None
    fixed: str = result.text
    return fixed


# --- HTML entities -----------------------------------------------------------------------------

# A character reference: decimal, hexadecimal, or a name with `;`; and the few legacy names
# that real data writes without `;` (`&amp`, `&lt`, `&gt`, `&quot`, `&nbsp`) when no letter,
# digit, `;` or `=` follows (`&ampersand` and a URL's `&lt=5` are no entities). Linear: one
