"""PAGE: pages, volume, issue."""

from __future__ import annotations

import json
from collections.abc import Iterator

import regex

from biblint.ids import doi_key, doi_suffix
from biblint.model import Applicability, Fix, PatchOp, Violation, resolve_pointer
from biblint.record import Record
from biblint.registry import Context, rule

_ELOCATOR_RE = regex.compile(r"[eE][0-9]+")
_LONG_NUMBER_RE = regex.compile(r"[0-9]{7,}")
_MIN_SUFFIX = 5
"""A DOI suffix shorter than this (``10.1000/182``) may equal a real page by chance."""
_MIN_TAIL = 6
"""The last ``.``/``/`` segment of a DOI suffix counts from this length: shorter tails are
real first pages in DOIs such as ``10.1103/PhysRevLett.77.3865`` (page 3865)."""
_HAS_DIGIT_RE = regex.compile(r"[0-9]")


def _shown(value: str, limit: int = 40) -> str:
    return json.dumps(value if len(value) <= limit else value[: limit - 1] + "…",
                      ensure_ascii=False)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parent_exists(data: object, pointer: str) -> bool:
    try:
        return isinstance(resolve_pointer(data, pointer.rpartition("/")[0]), dict)
    except Exception:
        return False


@rule("PAGE003", "pages-article-number", severity="warning", fix="unsafe")
def pages_article_number(record: Record, ctx: Context) -> Iterator[Violation]:
    """The pages field holds an article number or e-locator, not a page range.

    ## What it does
    Reports a pages value that is the record's DOI suffix (or the DOI itself, or the last
    `.`/`/` segment of the suffix when it has six or more characters, as `107382` for
    `10.1016/j.compbiolchem.2020.107382`), an e-locator (`e0123456`, `e30`), or a single
    number of seven or more digits. Ordinary pages are not reported: `123`, `123-145`,
    `D480 - D489`, `S12`, `1199-205`, `e1-e10`, nor `3865` for
    `10.1103/PhysRevLett.77.3865`, whose DOI ends with its real first page.

    ## Why is this bad?
    Online-only and online-first articles have no pages; publishers and PubMed then deposit
    the article number or DOI suffix as pagination (CrossRef/rest-api-doc#362). Citation
    styles print it as a page range ("pp. 15266028251361770"), page-based matching and
    deduplication fail, and the real article number is not where consumers look for it.

    ## Example
    ```json
    {"doi": "10.1177/15266028251361770", "journal": {"pages": "15266028251361770"}}
    ```
    Use instead:
    ```json
    {"doi": "10.1177/15266028251361770", "journal": {"pages": null}}
    ```

    ## Fix
    Unsafe (a value that looks like an article number may, rarely, be a page). When the
    record's shape has an article-number field and the record has none, the value moves
    there and the pages are cleared. Otherwise the pages are cleared only when the value is
    the DOI suffix (it stays recoverable from the DOI); an e-locator or number that would be
    lost is reported without a fix.
    """
    found = record.field("pages")
    if found is None:
        return
    value = found.value
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        return
    if not text:
        return
    reason = ""
    from_doi = False
    doi = record.value("doi")
    if len(text) >= _MIN_SUFFIX and isinstance(doi, str):
        suffix = doi_suffix(doi)
        if suffix is not None:
            if suffix.strip().lower() == text.lower():
                reason, from_doi = "is the DOI suffix (an article number)", True
            elif doi_key(text) == doi_key(doi):
                reason, from_doi = "is the DOI", True
            elif _is_tail(text, suffix):
                reason, from_doi = "is the end of the DOI (an article number)", True
    if not reason:
        if _ELOCATOR_RE.fullmatch(text):
            reason = "is an e-locator"
        elif _LONG_NUMBER_RE.fullmatch(text):
            reason = "is a long number (an article number)"
        else:
            return
    yield Violation(f"pages {_shown(text)} {reason}, not a page range", found.pointer,
                    _fix(record, found.pointer, text, from_doi))


def _is_tail(text: str, suffix: str) -> bool:
    """Whether ``text`` is the last ``.`` or ``/`` segment of a DOI suffix, and long enough
    (``107382`` in ``j.compbiolchem.2020.107382``, ``fiv167`` in ``femsec/fiv167``)."""
    suffix = suffix.strip()
    if len(text) < _MIN_TAIL or len(text) >= len(suffix):
        return False
    tail = suffix[-len(text) - 1:]
    return (tail[0] in "./" and tail[1:].lower() == text.lower()
            and _HAS_DIGIT_RE.search(text) is not None)


def _fix(record: Record, pages: str, text: str, from_doi: bool) -> Fix | None:
    clear = (PatchOp("remove", pages) if record.profile.absent == "omit"
             else PatchOp("replace", pages, None))
    targets = record.profile.pointers("article_number")
    if targets:
        current = record.field("article_number")
        move: PatchOp | None = None
        if current is None:
            if _parent_exists(record.data, targets[0]):
                move = PatchOp("add", targets[0], text)
        elif _blank(current.value):
            move = PatchOp("replace", current.pointer, text)
        elif str(current.value).strip().lower() == text.lower():
            return Fix("Clear the pages (the value is already the article number)", (clear,),
                       Applicability.UNSAFE)
        if move is not None:
            return Fix(f"Move {_shown(text)} to the article number and clear the pages",
                       (move, clear), Applicability.UNSAFE)
    if from_doi:
        return Fix("Clear the pages (the value is recoverable from the DOI suffix)", (clear,),
                   Applicability.UNSAFE)
    return None
