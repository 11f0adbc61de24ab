"""Title Case for ALL-CAPS titles and names: small words, acronyms and Roman numerals kept;
lower case that adds no combining marks (Turkish İ).
"""

from __future__ import annotations

import regex

# --- title case --------------------------------------------------------------------------------

SMALL_WORDS = frozenset({
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "if", "in", "into", "nor", "of",
    "off", "on", "onto", "or", "over", "per", "so", "than", "the", "to", "up", "upon", "via",
    "vs", "with", "within", "without", "yet",
})
"""Words a title keeps in lower case unless they start it or follow a colon."""
ACRONYMS = frozenset({
    "AIDS", "ATP", "BMI", "CNS", "COPD", "CT", "DNA", "ECG", "EEG", "EU", "FDA", "GDP", "HIV",
    "HPV", "ICU", "IEEE", "MRI", "NASA", "NATO", "NMR", "PCR", "PET", "RNA", "SARS", "UK",
    "UN", "UNESCO", "USA", "US", "UV", "WHO",
})
"""Acronyms an ALL-CAPS title is taken to mean (`WHO` is the organisation there)."""
_ROMAN_RE = regex.compile(r"(?=[IVXLC])(?:X{0,3}+)(?:IX|IV|V?I{0,3}+)")
_TITLE_TOKEN_RE = regex.compile(r"\S++")
_WORD_PART_RE = regex.compile(r"\p{L}[\p{L}\p{M}'’]*+")
_SENTENCE_BREAK = (":", "?", "!", ".", "—", "–")


_TURKISH_LOWER = str.maketrans({"İ": "i", "I": "ı"})


def is_turkish_caps(text: str) -> bool:
    """Whether capitals ``text`` are Turkish or Azerbaijani: only they write the dotted
    capital İ, and there the dotless I lowers to ı."""
    return "İ" in text


def lower(text: str, *, turkish: bool = False) -> str:
    """``text`` in lower case without combining marks the case mapping would add:
    ``str.lower`` turns İ into i plus a combining dot above (U+0307). With ``turkish``
    (:func:`is_turkish_caps` of the whole value), İ lowers to i and I to ı; otherwise İ
    still lowers to a plain i."""
    if turkish:
        return text.translate(_TURKISH_LOWER).lower()
    return text.replace("İ", "i").lower() if "İ" in text else text.lower()


def titlecase(text: str) -> str:
    """An ALL-CAPS title in Title Case: small words in lower case (except first and after a
    colon), tokens with a digit (`COVID-19`, `BRCA1`), Roman numerals and known acronyms as
    they are, `'s` after an apostrophe in lower case."""
    out: list[str] = []
    pos = 0
    start = True
    for match in _TITLE_TOKEN_RE.finditer(text):
        out.append(text[pos : match.start()])
        token = match.group()
        pos = match.end()
        core = token.strip("\"'“”‘’()[]{}«»,;:.!?")
        if any(c.isdigit() for c in token) or core in ACRONYMS or (
            core and _ROMAN_RE.fullmatch(core) and len(core) > 1
        ):
            out.append(token)
        elif not start and core.lower() in SMALL_WORDS:
            out.append(lower(token))
        else:
            # Turkish lowering per word: a title may name İstanbul in English.
            out.append(_WORD_PART_RE.sub(
                _capitalise_turkish if is_turkish_caps(token) else _capitalise, token))
        start = token.endswith(_SENTENCE_BREAK)
    out.append(text[pos:])
    return "".join(out)


def _capitalise(match: regex.Match[str]) -> str:
    word = match.group()
    return word[:1].upper() + lower(word[1:])


def _capitalise_turkish(match: regex.Match[str]) -> str:
    word = match.group()
    return word[:1] + lower(word[1:], turkish=True)
