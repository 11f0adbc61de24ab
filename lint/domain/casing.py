"""Title Case for ALL-CAPS titles: small words, acronyms and Roman numerals kept.
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
            out.append(token.lower())
        else:
            out.append(_WORD_PART_RE.sub(_capitalise, token))
        start = token.endswith(_SENTENCE_BREAK)
    out.append(text[pos:])
    return "".join(out)


def _capitalise(match: regex.Match[str]) -> str:
    word = match.group()
    return word[:1].upper() + word[1:].lower()
