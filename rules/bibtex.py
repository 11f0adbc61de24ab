"""BIB: what only BibTeX entries can get wrong.

The shared rules read BibTeX through its profile (titles, DOIs, pages, authors); these rules
check the format itself: the fields each entry type requires, citation keys, braces, and TeX
where a field is read verbatim. They apply to records whose profile declares
``bibtex-entries`` (the ``bibtex`` profile, :mod:`biblint.formats.bibtex`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

import regex

from biblint.model import Fix, Violation
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, Context, rule
from biblint.runscope import Entry, Key

BIBTEX = Convention.BIBTEX_ENTRIES

REQUIRED: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal", "journaltitle"), ("year", "date")),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year", "date")),
    "booklet": (("title",),),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages"), ("publisher",),
               ("year", "date")),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",),
                     ("year", "date")),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "conference": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "manual": (("title",),),
    "mastersthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "phdthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "proceedings": (("title",), ("year", "date")),
    "techreport": (("author",), ("title",), ("institution",), ("year", "date")),
    "unpublished": (("author",), ("title",), ("note",)),
}
"""The required fields of the standard entry types (Patashnik, *BibTeXing*, 1988, section
4; ``journaltitle``, ``date`` and ``institution`` for a thesis: biblatex's equivalents).
Types not listed (``misc``, ``online``, a tool's own) require nothing."""


def _present(data: dict[str, Any], names: tuple[str, ...]) -> bool:
    return any(isinstance(data.get(n), (str, list)) and data.get(n) for n in names)


@rule("BIB001", "bibtex-required-field-missing", severity="warning", reads=RECORD)
def required_field_missing(record: Record, ctx: Context) -> Iterator[Violation]:
    """A BibTeX entry lacks a field its entry type requires.

    ## What it does
    Checks the required fields of the standard entry types (`@article`: `author`, `title`,
    `journal`, `year`; `@book`: `author` or `editor`, `title`, `publisher`, `year`;
    `@inproceedings`: `author`, `title`, `booktitle`, `year`; and so on, after Patashnik's
    *BibTeXing*), accepting biblatex's `journaltitle` and `date`. An empty value counts as
    missing. Types outside the standard set (`@misc`, `@online`) require nothing. A
    research article without authors is AUTH008's finding, not this rule's. An entry
    without a citation key (`@article{,`) is reported too. An entry with a `crossref` (or
    biblatex `xdata`) field inherits what it lacks from the entry it names: not checked.

    ## Why is this bad?
    BibTeX warns (`empty journal in ...`) and the standard styles print the reference with
    a hole; a citation without its journal or year cannot be found by a reader.

    ## Example
    ```bibtex
    @article{liang2025, title = {Wharton's Jelly}, journal = {J Endovasc Ther}}
    ```
    lacks `author` and `year`.

    ## Fix
    None: the missing value has to come from the source.
    """
    data = record.data
    if BIBTEX not in record.profile.conventions or not isinstance(data, dict):
        return
    kind = data.get("ENTRYTYPE")
    if not data.get("ID"):
        yield Violation(f"@{kind} without a citation key: it cannot be cited", "/ENTRYTYPE")
    groups = REQUIRED.get(kind.lower(), ()) if isinstance(kind, str) else ()
    if data.get("crossref") or data.get("xdata"):
        return  # the missing fields may come from the entry it cross-references
    for group in groups:
        if group == ("author",) and kind in record.profile.research_types:
            continue  # AUTH008 reports a research article without authors: one finding
        if not _present(data, group):
            names = " or ".join(f"`{n}`" for n in group)
            pointer = f"/{group[0]}" if group[0] in data else "/ENTRYTYPE"
            yield Violation(f"@{kind} without {names}, which the entry type requires", pointer)


def _judge_keys(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
                ) -> Iterator[tuple[Entry, Violation]]:
    ordered = sorted(entries, key=lambda entry: entry.record)
    first = ordered[0]
    for entry in ordered[1:]:
        yield entry, Violation(f"citation key {entry.payload[0]!r} is already the key of "
                               f"record {first.record}", "/ID")


@rule("BIB002", "bibtex-duplicate-key", severity="error", scope="run", judge=_judge_keys,
      reads=RECORD)
def duplicate_key(record: Record, ctx: Context) -> Iterator[Key]:
    """Two entries of one BibTeX file have the same citation key.

    ## What it does
    Compares the citation keys of the entries of each file, case-insensitively as BibTeX
    does, and reports every entry after the first that repeats a key.

    ## Why is this bad?
    `\\cite{key}` can point at one entry only: BibTeX stops with `Repeated entry` and
    biber keeps the first, so the second work is silently never cited; tools that merge
    libraries by key overwrite one entry with the other.

    ## Example
    ```bibtex
    @article{smith2020, title = {A}}
    @article{Smith2020, title = {B}}
    ```

    ## Fix
    None: renaming a key breaks the documents that cite it.
    """
    data = record.data
    if BIBTEX not in record.profile.conventions or not isinstance(data, dict):
        return
    cite = data.get("ID")
    if isinstance(cite, str) and cite:
        yield Key((record.origin.file or "", cite.lower()), (cite,))


@rule("BIB003", "bibtex-unbalanced-braces", severity="error", scope="input")
def unbalanced_braces(record: Record, ctx: Context) -> Iterator[Violation]:
    """A BibTeX field value opens more braces than it closes, or closes more than it opens.

    ## What it does
    Reported by the BibTeX reader: a `"..."` value whose braces do not balance, or an entry
    that does not parse because of an unbalanced brace (then the entry is this finding
    instead of IO010, at the entry's line).

    ## Why is this bad?
    BibTeX reads past the value (or the entry) looking for the closing brace, swallowing
    the following fields or entries; other tools stop at the quote and keep a stray brace
    that later breaks LaTeX.

    ## Example
    ```bibtex
    @article{a, title = "The {DNA repair", year = 2020}
    ```

    ## Fix
    None: where the brace belongs needs a person. A file with this finding is never
    written by `--fix`.
    """
    return iter(())


_VERBATIM_TEX = regex.compile(
    r"\{\\[_&%#]\}|\\[_&%#]|\{\\textunderscore\}|\\textunderscore(?:\{\})?"
    r"|\$\\sim\$|\{\\textasciitilde\}|\\textasciitilde(?:\{\})?|\\~\{\}")
_PLAIN = {"textunderscore": "_", "sim": "~", "textasciitilde": "~"}


def _plain(match: regex.Match[str]) -> str:
    text = match.group()
    for name, char in _PLAIN.items():
        if name in text:
            return char
    if text == "\\~{}":
        return "~"
    return text.strip("{}").lstrip("\\")


@rule("BIB004", "bibtex-tex-in-verbatim-field", severity="warning", fix="safe", reads=RECORD)
def tex_in_verbatim_field(record: Record, ctx: Context) -> Iterator[Violation]:
    """A DOI, URL or other identifier field of a BibTeX entry holds TeX escapes.

    ## What it does
    Reports `\\_`, `{\\_}`, `\\&`, `\\%`, `\\#`, `\\textunderscore`, `$\\sim$` and
    `\\textasciitilde` in the fields that biblatex reads verbatim and BibTeX styles pass to
    `\\url` or `\\doi`: `doi`, `url`, `eprint`, `isbn`, `issn`, `pmid`, `pmcid`.

    ## Why is this bad?
    These fields are not TeX: `\\url{...}` prints and links the characters as they are,
    so `10.1000/a\\_b` resolves to a DOI with a backslash, which does not exist. The
    escapes come from exporters that escape every field alike.

    ## Example
    ```bibtex
    @article{a, doi = {10.1002/(SICI)1097-4571(199806)49:8\\<693::AID-ASI4\\>3.0.CO;2-0},
                url = {https://example.org/a\\_b\\%20c}}
    ```
    Use instead: `url = {https://example.org/a_b%20c}`.

    ## Fix
    Safe: each escape becomes the character it stands for; only those bytes change.
    """
    data = record.data
    if BIBTEX not in record.profile.conventions or not isinstance(data, dict):
        return
    for key in ("doi", "url", "eprint", "isbn", "issn", "pmid", "pmcid"):
        value = data.get(key)
        if not isinstance(value, str) or not _VERBATIM_TEX.search(value):
            continue
        fixed = _VERBATIM_TEX.sub(_plain, value)
        shown = ", ".join(dict.fromkeys(m.group() for m in _VERBATIM_TEX.finditer(value)))
        yield Violation(f"TeX escapes in the verbatim field {key} ({shown})", f"/{key}",
                        Fix.replace(f"/{key}", fixed, "Write the characters unescaped"))
