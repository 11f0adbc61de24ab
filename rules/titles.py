"""TTL: titles."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from biblint.model import Fix, Violation
from biblint.record import Record
from biblint.registry import Context, rule

TITLE_ABBREVIATIONS = frozenset(
    {
        "al", "approx", "bros", "bzw", "ca", "cf", "co", "comb", "corp", "dept", "dr", "ed", "eds",
        "eq", "etc", "fig", "figs", "ft", "gen", "inc", "jr", "ltd", "mr", "mrs", "ms", "mt", "no",
        "nos", "nov", "pp", "prof", "pt", "rev", "ser", "sp", "spp", "sr", "ssp", "st", "subsp",
        "suppl", "univ", "usw", "var", "vol", "vols", "vs"
    }
)
"""Words (lower case, without the period) whose period is part of the word: `et al.`,
`Inc.`, `Ltd.`, `Co.`, `vs.`, `etc.`, `St.`, `No.`, `Vol.`, `sp.`, `spp.`, `var.`, ..."""

# The last word of the title, with the trailing period: letters only (a word such as "al").
_LAST_WORD_RE = regex.compile(r"(?<![\p{L}\p{N}])(\p{L}++)\.$")
# A token with internal periods between short letter groups: "U.S.", "U.S.A.", "Ph.D.".
_DOTTED_TOKEN_RE = regex.compile(r"(?<![\p{L}\p{N}.])(?:\p{L}{1,4}+\.){2,}+$")


def _abbreviated_elsewhere(title: str, word: str, end: int) -> bool:
    """Whether ``word`` also occurs with a period earlier in the title: an abbreviation, such
    as the botanical author in "Riccardia latifrons (Lindb.) Lindb."."""
    start = title.find(word + ".")
    while 0 <= start < end:
        if start == 0 or not (title[start - 1].isalnum()):
            return True
        start = title.find(word + ".", start + 1)
    return False


@rule("TTL001", "title-trailing-period", severity="warning", fix="safe")
def title_trailing_period(record: Record, ctx: Context) -> Iterator[Violation]:
    """The title ends with a period.

    ## What it does
    Reports a title (a string; list-valued titles are not checked yet) that ends with exactly
    one period, as PubMed's `ArticleTitle` does. Not reported: an ellipsis (`...`, `…`), a
    final abbreviation whose period belongs to it (`et al.`, `Inc.`, `Ltd.`, `Co.`, `vs.`,
    `etc.`, `St.`, `No.`, `Vol.`, `sp.`, `spp.`, `var.`, ...), a single-letter initial
    (`Escherichia coli K.`), a token with internal periods (`U.S.`, `U.S.A.`, `Ph.D.`), or a
    word that the title also abbreviates earlier (the botanical author in
    `Riccardia latifrons (Lindb.) Lindb.`).

    ## Why is this bad?
    Titles are not sentences: Crossref, Semantic Scholar and citation styles give them
    without a final period (a style adds its own punctuation, giving `Ischemia..`). Exact-
    title deduplication and title matching across sources miss the same work with and
    without the period.

    ## Example
    ```json
    {"title": "Application of Wharton's Jelly Mesenchymal Stem Cells in Critical Limb Ischemia."}
    ```
    Use instead:
    ```json
    {"title": "Application of Wharton's Jelly Mesenchymal Stem Cells in Critical Limb Ischemia"}
    ```

    ## Fix
    Safe: removes the final period (and any whitespace before it). The guards above keep
    periods that belong to a word.
    """
    found = record.field("title")
    if found is None or not isinstance(found.value, str):
        return
    title = found.value
    if not title.endswith(".") or title[-2:-1] in (".", "…"):
        return
    stripped = title[:-1].rstrip()
    if not stripped:
        return
    word = _LAST_WORD_RE.search(title)
    if word is not None and (
        len(word[1]) == 1
        or word[1].lower() in TITLE_ABBREVIATIONS
        or _abbreviated_elsewhere(title, word[1], word.start())
    ):
        return
    if _DOTTED_TOKEN_RE.search(title):
        return
    fix = Fix.replace(found.pointer, stripped, "Remove the trailing period")
    yield Violation("title ends with a period", found.pointer, fix)
