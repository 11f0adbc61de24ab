"""TXT: text hygiene in every string field."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator, Mapping

import regex

from biblint.domain.accents import repair_accents
from biblint.domain.entities import (
    double_escapes_in,
    html_entities_in,
    unescape_double,
    unescape_entities,
)
from biblint.domain.markup import has_markup
from biblint.domain.mojibake import MARC_NONSORT_RE, fix_mojibake
from biblint.domain.show import excerpt, quoted, shown
from biblint.domain.tex import leaves_tex, tex_construct_text, tex_spans
from biblint.model import Fix, Violation, join_pointer
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, STRINGS, Context, rule

MARKUP_ABSTRACT = Convention.ABSTRACT_MARKUP
"""Profile convention: the abstract is markup by specification (Crossref's JATS)."""
CSL_RICH_TEXT = Convention.CSL_RICH_TEXT
"""Profile convention: text fields are CSL rich text (`<i>`, `<b>`, `<sup>`, `<sub>`, small-caps
and nocase spans), where markup and its character references are the shape's own."""

EXPORT_KEYS = frozenset({"bibtex", "ris", "xml", "endnote", "mods", "jats", "csl"})
"""Keys (lower-cased) whose values are whole records in another format, such as S2's
generated `citationStyles/bibtex`: their whitespace and escaping follow that format, so
TXT006, TXT009 and TXT010 leave them alone."""

MULTILINE_KEYS = frozenset(
    {
        "abstract", "abstractnote", "annotation", "annote", "bibtex", "body", "citation",
        "comment", "comments", "content", "description", "extra", "note", "notes", "ris",
        "summary", "text", "toc", "xml",
    }
)
"""Keys (the last token of a pointer, lower-cased) whose values are multi-line text by nature:
abstracts, descriptions, notes, Zotero's `extra`, S2's generated BibTeX. Any key that contains
`abstract` or `description` counts too. TXT006 keeps their line and paragraph breaks."""

# Whitespace that is not a control character (controls are TXT005's): the space, tab, line
# breaks, no-break and typographic spaces.
_SPACE = "[ \\t\\n\\r\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
_SPACE_CHARS = frozenset(" \t\n\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000"
                         + "".join(chr(c) for c in range(0x2000, 0x200B)))
_LEADING_RE = regex.compile(rf"^{_SPACE}++")
_TRAILING_RE = regex.compile(rf"(?<!{_SPACE}){_SPACE}++$")
# In a single-line value: a line break or tab, or two spaces in a row.
_BREAK_RE = regex.compile("[\t\n\r\u2028\u2029]")
_COLLAPSE_RE = regex.compile(r"[ \t\n\r\u2028\u2029]{2,}+|[\t\n\r\u2028\u2029]")
_ONLY_SPACE_RE = regex.compile(r"\p{White_Space}++")
_URL_RE = regex.compile(r"(?:https?|ftp)://|www\.", regex.IGNORECASE)

_FORMAT_CHARS = {
    "\u200b": "zero-width space",
    "\ufeff": "zero-width no-break space (BOM)",
    "\u2060": "word joiner",
    "\u00ad": "soft hyphen",
}
_FORMAT_RE = regex.compile("[" + "".join(_FORMAT_CHARS) + "]")
# Scripts written without spaces, where U+200B marks word boundaries on purpose.
_NO_SPACE_SCRIPT_RE = regex.compile(
    r"[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}\p{Javanese}\p{Balinese}]"
)

# C0 controls but tab, line feed and carriage return (whitespace, TXT006's), DEL, C1.
_CONTROL_RE = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_C1_RE = regex.compile(r"[\x80-\x9f]")
# A terminal escape sequence (colours): removed whole, not just its ESC.
_TERMINAL_ESCAPE_RE = regex.compile(r"\x1b\[[0-9;]{0,20}+[A-Za-z]")
_SEPARATOR_CONTROLS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")

_LIGATURE_RE = regex.compile("[\ufb00-\ufb06]")
_ODD_CODEPOINT_RE = regex.compile(r"[\p{Co}\p{Cn}\p{Cs}]")
_CJK_COMPATIBILITY_RE = regex.compile(r"[\uf900-\ufaff\U0002f800-\U0002fa1f]")

# Spaces TXT007 looks for in titles and names (not U+3000, the ideographic space of CJK text).
_ODD_SPACE_RE = regex.compile("[\u00a0\u2000-\u200a\u202f\u205f]")
_DIGIT_SIDE = regex.compile(r"\p{N}")
_SIGNS = frozenset("+−-±×=<>≤≥/%°")
_FRENCH_BEFORE = frozenset(";:!?»%")

NAME_KEYS = frozenset(
    {
        "name", "given", "family", "literal", "suffix", "display_name", "raw_author_name",
        "givenName", "familyName", "non-dropping-particle", "dropping-particle", "firstName",
        "lastName", "creatorName", "fullName", "full_name", "first_name", "last_name",
        "ForeName", "LastName",
    }
)
"""Keys of author objects that hold (part of) a person's name."""


def _last_key(pointer: str) -> str:
    return pointer.rpartition("/")[2].replace("~1", "/").replace("~0", "~")


def _is_export(pointer: str) -> bool:
    return _last_key(pointer).lower() in EXPORT_KEYS


@functools.lru_cache(maxsize=512)
def _mojibake(value: str) -> str | None:
    """ftfy's repair of a string (cached: TXT001 and the rules that leave mojibake to it ask
    for the same strings)."""
    return fix_mojibake(value)


def _non_ascii_strings(record: Record) -> list[tuple[str, str]]:
    """The record's strings that are not plain ASCII, with their pointers, in document
    order: the only strings the rules about Unicode characters (TXT001-TXT004, TXT007,
    TXT008, TXT011) look at. Filtered once per record (:meth:`Record.memo`), not by each
    of them: most strings of a record are ASCII."""
    return record.memo("text.non_ascii", _find_non_ascii)


def _find_non_ascii(record: Record) -> list[tuple[str, str]]:
    if _all_text(record).isascii():  # one scan in C: every string is ASCII
        return []
    return [(p, v) for p, v in record.strings() if not v.isascii()]


def _all_text(record: Record) -> str:
    """Every string of the record run together, once per record (:meth:`Record.memo`): one
    scan in C (``"&" in``, ``isprintable()``) tells a rule that no string can hold its
    defect, so its per-string loop is skipped. Only for tests that cannot be fooled by the
    joins: a character, not a sequence that two strings could form."""
    return record.memo("text.all", lambda r: "".join([v for _, v in r.strings()]))


def _all_printable(record: Record) -> bool:
    """Whether every string of the record is printable (``str.isprintable``: no control
    character, no line break or tab, no space but U+0020), once per record."""
    return record.memo("text.printable", lambda r: _all_text(r).isprintable())


def _all_spaced(record: Record) -> str:
    """Every non-empty string of the record between single spaces, once per record: where
    the strings are printable (the space is then their only whitespace), two spaces in a
    row mean a string with a space at an end or two in a row."""
    return record.memo("text.spaced", lambda r: " ".join(
        ["", *filter(None, [v for _, v in r.strings()]), ""]))


def _leave_to_txt001(value: str) -> bool:
    """Whether a string is mojibake: other rules' safe fixes (removing a soft hyphen, an
    NBSP) would destroy the bytes ftfy needs to repair it, so they leave it to TXT001."""
    return not value.isascii() and _mojibake(value) is not None


def _multiline(pointer: str) -> bool:
    key = _last_key(pointer).lower()
    return key in MULTILINE_KEYS or "abstract" in key or "description" in key


def _is_url(value: str) -> bool:
    return _URL_RE.match(value) is not None


def _first_difference(one: str, other: str) -> int:
    """The first index at which two strings differ (the shorter length if one is a prefix)."""
    for index, (a, b) in enumerate(zip(one, other, strict=False)):
        if a != b:
            return index
    return min(len(one), len(other))


def _escaped(text: str, *, combining: bool = False) -> str:
    """A short piece of text quoted as it is, invisible characters escaped (the one helper,
    biblint.domain.show.quoted); with ``combining``, combining marks too (`"e\\u0301"`)."""
    return quoted(text, combining=combining)


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


@rule("TXT001", "mojibake", severity="error", fix="unsafe", reads=STRINGS)
def mojibake(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text was decoded with the wrong character encoding (mojibake).

    ## What it does
    Runs ftfy's `fix_and_explain` on every string that is not plain ASCII, configured to
    repair encodings and nothing else (`uncurl_quotes=False`, `unescape_html=False`,
    `fix_latin_ligatures=False`, `normalization=None`, no control-character, width or
    line-break changes), and reports a string only when ftfy changes it by re-encoding and
    decoding it: `MÃ¼ller` (UTF-8 read as Latin-1), `WhartonÃ¢â‚¬â„¢s` (twice), `â€œHelloâ€`.
    Curly quotes, entities, ligatures and rare but valid letters are not mojibake and stay
    quiet. C1 control characters that ftfy reads as Windows-1252 (`\\x93quoted\\x94`) are
    reported here, not by TXT005, but MARC non-sort markers (`\\x98The \\x9cLancet`) are
    TXT005's. Other text rules leave a mojibake string to this rule, since their safe fixes
    (removing a soft hyphen or a no-break space) would destroy the bytes the repair needs.

    ## Why is this bad?
    The text is wrong for every reader: names no longer match their authority records,
    searches for `Müller` miss `MÃ¼ller`, and each further round trip through a wrong
    decoder makes it worse (double mojibake).

    ## Example
    ```json
    {"title": "PatiÃ±o and MÃ¼ller on Whartonâ€™s jelly"}
    ```
    Use instead:
    ```json
    {"title": "Patiño and Müller on Wharton’s jelly"}
    ```

    ## Fix
    Unsafe: replaces the string with ftfy's repair (same configuration). ftfy is
    conservative, but a repair is a judgement about the history of the bytes.
    """
    for pointer, value in _non_ascii_strings(record):
        fixed = _mojibake(value)
        if fixed is None:
            continue
        start = _first_difference(value, fixed)
        fix = Fix.replace(pointer, fixed, "Repair the mojibake (ftfy)", unsafe=True)
        yield Violation(f"mojibake: {excerpt(value, start, start + 3, 6, 6)} reads as "
                        f"{excerpt(fixed, start, start + 1, 6, 6)}", pointer, fix)


@rule("TXT002", "replacement-character", severity="error", reads=STRINGS)
def replacement_character(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text holds U+FFFD, the replacement character: characters were lost.

    ## What it does
    Reports every string that contains U+FFFD (`�`), the character a decoder puts where it
    met bytes it could not decode.

    ## Why is this bad?
    The original character is gone (`M�ller` may be Müller or Møller), so the value no longer
    matches its source, and no tool can restore it from the record alone. Crossref alone holds
    about half a million works with it (CrossRef/rest-api-doc#67).

    ## Example
    ```json
    {"title": "Die M\\ufffdller-Studie"}
    ```
    Use instead: the value re-fetched or corrected from the source:
    ```json
    {"title": "Die Müller-Studie"}
    ```

    ## Fix
    None: the lost character cannot be known offline.
    """
    for pointer, value in _non_ascii_strings(record):
        first = value.find("\ufffd")
        if first < 0:
            continue
        count = value.count("\ufffd")
        more = f" ({count} in all)" if count > 1 else ""
        yield Violation(f"replacement character U+FFFD: {excerpt(value, first, first + 1)}"
                        f"{more}", pointer)


@rule("TXT003", "not-nfc", severity="warning", fix="safe", reads=STRINGS)
def not_nfc(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text is not in Unicode Normalization Form C.

    ## What it does
    Reports every string that Unicode NFC normalisation would change: letters written as a
    base letter and a combining mark (`cafe\\u0301` for `café`), or canonical singletons
    (U+212B ANGSTROM SIGN for `Å`).

    ## Why is this bad?
    The two spellings look identical but compare, sort, hash and search as different
    strings, so `café` and `café` fail to match in deduplication and lookups. NFC is the form
    the web, Crossref and most databases use (Unicode UAX #15).

    ## Example
    ```json
    {"title": "Cafe\\u0301 culture"}
    ```
    Use instead:
    ```json
    {"title": "Café culture"}
    ```

    ## Fix
    Safe: replaces the string with its NFC form, which is canonically equivalent. Unsafe when
    the string holds CJK compatibility ideographs (U+F900-U+FAFF, U+2F800-U+2FA1F), whose NFC
    form is the unified ideograph and loses a distinction some texts rely on.
    """
    for pointer, value in _non_ascii_strings(record):
        if unicodedata.is_normalized("NFC", value) or _leave_to_txt001(value):
            continue
        nfc = unicodedata.normalize("NFC", value)
        start = _first_difference(value, nfc)
        unsafe = _CJK_COMPATIBILITY_RE.search(value) is not None
        fix = Fix.replace(pointer, nfc, "Normalise to NFC", unsafe=unsafe)
        shown = _escaped(value[max(0, start - 1): start + 2], combining=True)
        yield Violation(f"text is not NFC-normalised: {shown}", pointer, fix)


def _format_chars(value: str) -> list[int]:
    """Positions of the invisible format characters TXT004 removes."""
    spots: list[int] = []
    for match in _FORMAT_RE.finditer(value):
        pos = match.start()
        if value[pos] == "\u200b" and (
            _NO_SPACE_SCRIPT_RE.match(value, max(0, pos - 1), pos) is not None
            or _NO_SPACE_SCRIPT_RE.match(value, pos + 1, pos + 2) is not None
        ):
            continue  # a word boundary in Thai, Khmer, Lao, Myanmar...
        spots.append(pos)
    return spots


@rule("TXT004", "invisible-format-character", severity="warning", fix="safe", reads=STRINGS)
def invisible_format_character(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text holds an invisible format character: zero-width space, BOM, word joiner, soft
    hyphen.

    ## What it does
    Reports strings containing U+200B ZERO WIDTH SPACE, U+FEFF (a byte order mark or
    zero-width no-break space), U+2060 WORD JOINER or U+00AD SOFT HYPHEN. Not reported: the
    zero-width joiner and non-joiner (U+200D, U+200C), which shape Indic, Arabic and emoji
    text, and a zero-width space next to Thai, Lao, Khmer, Myanmar, Tibetan, Javanese or
    Balinese letters, where it marks word boundaries on purpose.

    ## Why is this bad?
    The characters are invisible, so `10.1177/1526…770\\u200b` looks like a valid DOI but
    does not resolve, and a title with a soft hyphen no longer matches the same title
    without it. They come from copying out of web pages and PDFs.

    ## Example
    ```json
    {"doi": "10.1177/15266028251361770\\u200b", "title": "Stem\\u00adcell therapy"}
    ```
    Use instead:
    ```json
    {"doi": "10.1177/15266028251361770", "title": "Stemcell therapy"}
    ```

    ## Fix
    Safe: removes the characters (they carry no visible text).
    """
    for pointer, value in _non_ascii_strings(record):
        spots = _format_chars(value)
        if not spots or _leave_to_txt001(value):
            continue
        names = sorted({_FORMAT_CHARS[value[i]] for i in spots})
        drop = set(spots)
        fixed = "".join(c for i, c in enumerate(value) if i not in drop)
        fix = Fix.replace(pointer, fixed, "Remove the invisible characters")
        shown = _escaped(value[max(0, spots[0] - 8): spots[0] + 2])
        yield Violation(f"invisible {', '.join(names)} ({len(spots)}x): {shown}", pointer, fix)


def _remove_controls(value: str, *, keep_c1: bool) -> str:
    """``value`` without control characters: terminal escapes go whole, MARC non-sort
    markers go (their text stays), separators (VT, FF, FS, GS, RS, US) become a space, the
    rest go; other C1 characters stay when ``keep_c1``."""
    value = _TERMINAL_ESCAPE_RE.sub("", value)
    if "\x98" in value:
        value = MARC_NONSORT_RE.sub(lambda m: m.group()[1:-1], value)

    def replace(match: regex.Match[str]) -> str:
        char = match.group()
        if keep_c1 and "\x80" <= char <= "\x9f":
            return char
        return " " if char in _SEPARATOR_CONTROLS else ""

    return _CONTROL_RE.sub(replace, value)


@rule("TXT005", "control-character", severity="error", fix="safe", reads=STRINGS)
def control_character(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text holds a control character.

    ## What it does
    Reports strings containing C0 control characters other than tab, line feed and carriage
    return (which are whitespace, TXT006's), DEL (U+007F), or C1 control characters
    (U+0080-U+009F), including the MARC 21 non-sort markers U+0098 and U+009C that library
    catalogues put around a leading article (`\\x98The \\x9cLancet`). C1 characters that ftfy
    reads as Windows-1252 mojibake (`\\x93quoted\\x94`) are TXT001's, and so is a string that
    is mojibake. A whitespace-only string is TYP003's.

    ## Why is this bad?
    Control characters are invisible or break output: XML 1.0 forbids most of them (a
    JATS, Crossref or DataCite export fails), terminals interpret them, and they make equal
    values compare unequal. They come from binary data, PDF extraction and broken
    conversions.

    ## Example
    ```json
    {"title": "Bell\\u0007 curves\\u001b[0m"}
    ```
    Use instead:
    ```json
    {"title": "Bell curves"}
    ```

    ## Fix
    Safe: removes C0 controls and DEL (a terminal escape sequence such as `ESC[0m` goes
    whole; vertical tab, form feed and the information separators FS, GS, RS, US, which
    separate words, become a space), and MARC non-sort markers (keeping the article they
    mark: `The Lancet`). Unsafe where the string holds other C1 controls: they are removed,
    but they may stand for characters of a lost legacy encoding.
    """
    if _all_printable(record):  # no string of the record holds a control character
        return
    for pointer, value in record.strings():
        if value.isprintable():  # fast: no control character (nor any other Cc, Zs...)
            continue
        first = _CONTROL_RE.search(value)
        if first is None or _ONLY_SPACE_RE.fullmatch(value):
            continue
        mojibake = _C1_RE.search(value) is not None and _leave_to_txt001(value)
        fixed = _remove_controls(value, keep_c1=mojibake)
        if fixed == value or (mojibake and _leave_to_txt001(fixed)):
            continue  # only C1 characters that TXT001 repairs, or mojibake around them
        chars = [m.group() for m in _CONTROL_RE.finditer(MARC_NONSORT_RE.sub("", value))
                 if not (mojibake and m.group() >= "\x80")]
        unsafe = any(c >= "\x80" for c in chars)
        fix = Fix.replace(pointer, fixed, "Remove the control characters", unsafe=unsafe)
        found = sorted(set(chars)) or ["\x98", "\x9c"]
        codes = ", ".join(_codepoint(c) for c in found[:3])
        more = ", …" if len(found) > 3 else ""
        what = "control characters" if chars else "MARC non-sort markers"
        yield Violation(f"{what} ({codes}{more})", pointer, fix)


def _whitespace_problems(value: str, multiline: bool) -> list[str]:
    problems: list[str] = []
    if _LEADING_RE.match(value):
        problems.append("leading")
    if _TRAILING_RE.search(value):
        problems.append("trailing")
    if multiline:
        return problems
    inner = value.strip()
    if any(c in inner for c in "\n\r\u2028\u2029"):
        problems.append("line break")
    if "\t" in inner:
        problems.append("tab")
    if "  " in inner:
        problems.append("double space")
    return problems


def _normalise_space(value: str, multiline: bool) -> str:
    stripped = _TRAILING_RE.sub("", _LEADING_RE.sub("", value))
    return stripped if multiline else _COLLAPSE_RE.sub(" ", stripped)


@rule("TXT006", "stray-whitespace", severity="warning", fix="safe", reads=STRINGS)
def stray_whitespace(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text has leading or trailing whitespace, or line breaks, tabs or double spaces in a
    single-line field.

    ## What it does
    Reports a string that starts or ends with whitespace (spaces, tabs, line breaks, no-break
    and typographic spaces), and, in a single-line field, one that holds a line break, a tab
    or two spaces in a row. Multi-line fields (abstracts, descriptions, notes, Zotero's
    `extra`, S2's generated BibTeX; see `biblint.rules.text.MULTILINE_KEYS`) keep their line
    and paragraph breaks and are checked at their ends only; one that holds markup is not
    checked at all (whitespace there is insignificant, and ABS001 strips it). Whitespace-only
    strings are TYP003's, control characters TXT005's, no-break spaces inside a title or name
    TXT007's. The values of identifier fields whose own rule parses them, whitespace
    included (the DOI: DOI004; PMID: ID001; PMCID: ID002; arXiv id: ID007), are left to that
    rule.

    ## Why is this bad?
    Values that differ only in whitespace fail exact matching (`" 487-488"` is not `"487-488"`)
    and sort apart; line breaks and indentation in a title or page range are leftovers of
    the XML or PDF the value came from, and show up in citations and exports.

    ## Example
    ```json
    {"title": "The Knots of\\n Sir Gawain", "journal": {"pages": "\\n  487-488\\n "}}
    ```
    Use instead:
    ```json
    {"title": "The Knots of Sir Gawain", "journal": {"pages": "487-488"}}
    ```

    ## Fix
    Safe: strips the ends and, in a single-line field, replaces each run of spaces, tabs and
    line breaks with one space. Multi-line fields are only stripped.
    """
    if _all_printable(record) and "  " not in _all_spaced(record):
        # Of _SPACE_CHARS only the space is printable: no string has one at an end or two in
        # a row, so the test below that skips a string skips them all.
        return
    owned: set[str] | None = None
    for pointer, value in record.strings():
        if not value:
            continue
        edges = value[0] in _SPACE_CHARS or value[-1] in _SPACE_CHARS
        if not edges and "  " not in value and value.isprintable():
            continue  # fast: no tab or line break either
        if _is_export(pointer) or _ONLY_SPACE_RE.fullmatch(value):
            continue  # (whitespace only: TYP003's; told before the identifiers are looked up)
        if owned is None:
            owned = _identifier_pointers(record)
        if pointer in owned:
            continue
        multiline = _multiline(pointer)
        if not edges and (multiline or ("  " not in value and _BREAK_RE.search(value) is None)):
            continue
        if multiline and has_markup(value):
            continue
        problems = _whitespace_problems(value, multiline)
        fixed = _normalise_space(value, multiline)
        if not problems or fixed == value or _leave_to_txt001(value):
            continue
        fix = Fix.replace(pointer, fixed, "Normalise the whitespace")
        what = ", ".join(problems)
        shown = _escaped(value if len(value) <= 30 else value[:29] + "…")
        yield Violation(f"whitespace: {what} ({shown})", pointer, fix)


IDENTIFIER_WHITESPACE_RULES: Mapping[str, str] = {
    "doi": "DOI004", "pmid": "ID001", "pmcid": "ID002", "arxiv": "ID007",
}
"""Canonical identifier fields whose own rule parses the value, whitespace included, and
reports it with a fix that knows the identifier: TXT006 leaves their values to that rule
(one defect, one finding; a catch-all yields to the rule that explains the value)."""


def _identifier_pointers(record: Record) -> set[str]:
    found = (record.field(name) for name in IDENTIFIER_WHITESPACE_RULES)
    return {f.pointer for f in found if f is not None}


def _title_pointers(record: Record) -> set[str]:
    found = record.field("title")
    return {found.pointer} if found is not None and isinstance(found.value, str) else set()


def _is_name(record: Record, pointer: str, authors: str | None) -> bool:
    if authors is None:
        return False
    if pointer == authors:
        return True
    if not pointer.startswith(authors + "/"):
        return False
    tokens = pointer[len(authors) + 1:].split("/")
    if not tokens[0].isdigit():
        return False
    # `/0` (a list of name strings), `/0/family`, OpenAlex's `/0/author/display_name`; not
    # an affiliation's or institution's `name`.
    return len(tokens) == 1 or (
        tokens[1:-1] in ([], ["author"]) and _last_key(pointer) in NAME_KEYS
    )


def _kept_space(value: str, pos: int) -> bool:
    """Whether a no-break or thin space at ``pos`` is typography to keep: between digits or
    a number and its unit (`10 mg`, `1 000`), or French punctuation (`Titre : sous-titre`,
    `« mot »`)."""
    before = value[pos - 1] if pos > 0 else ""
    after = value[pos + 1] if pos + 1 < len(value) else ""
    if before and _DIGIT_SIDE.match(before):
        return True
    return after in _FRENCH_BEFORE or before == "«" or (
        bool(after) and _DIGIT_SIDE.match(after) is not None and not before.isalpha()
    )


@rule("TXT007", "odd-space", severity="info", fix="unsafe", reads=STRINGS)
def odd_space(record: Record, ctx: Context) -> Iterator[Violation]:
    """A title or a person's name holds a no-break or typographic space.

    ## What it does
    Reports U+00A0 NO-BREAK SPACE, U+202F NARROW NO-BREAK SPACE, U+2000-U+200A (en, em,
    thin, hair spaces...) and U+205F inside the title and inside the name parts of the
    authors (`name`, `given`, `family`, `literal`, `display_name`, ...). In a title the space
    is kept where typography wants it: after a number (`10 mg`, `1 000`), before a number,
    and French punctuation (`Titre : sous-titre`, `« mot »`). Leading and trailing spaces are
    TXT006's; U+3000, the ideographic space of CJK text, is not reported.

    ## Why is this bad?
    The characters look like a space but are not one: `Jean Dupont` with a no-break space
    does not match `Jean Dupont` in author matching, and tokenisers and title deduplication
    treat the two words as one or differently. They arrive by copying from word processors
    and web pages.

    ## Example
    ```json
    {"title": "Stem\\u00a0cells in limb ischemia", "authors": [{"name": "Hao\\u2009Liang"}]}
    ```
    Use instead:
    ```json
    {"title": "Stem cells in limb ischemia", "authors": [{"name": "Hao Liang"}]}
    ```

    ## Fix
    Unsafe: replaces the spaces with a plain space. In a title, a space next to a sign
    (`Na\\u2009+`, `x\\u2009=`) is reported without a fix, as it may belong to a formula where
    no space at all was meant.
    """
    titles = _title_pointers(record)
    authors_field = record.field("authors")
    authors = authors_field.pointer if authors_field is not None else None
    for pointer, value in _non_ascii_strings(record):
        is_title = pointer in titles
        if not is_title and not _is_name(record, pointer, authors):
            continue
        spots = [m.start() for m in _ODD_SPACE_RE.finditer(value)
                 if 0 < m.start() < len(value) - 1]
        if is_title:
            spots = [p for p in spots if not _kept_space(value, p)]
        if not spots:
            continue
        signs = is_title and any(value[p - 1] in _SIGNS or value[p + 1] in _SIGNS for p in spots)
        fix = None
        if not signs:
            drop = set(spots)
            fixed = "".join(" " if i in drop else c for i, c in enumerate(value))
            fix = Fix.replace(pointer, fixed, "Replace with plain spaces", unsafe=True)
        what = "title" if is_title else "name"
        names = sorted({_codepoint(value[p]) for p in spots})
        yield Violation(f"{', '.join(names)} space in a {what}: "
                        f"{_escaped(value[max(0, spots[0] - 8): spots[0] + 8])}", pointer, fix)


@rule("TXT008", "latin-ligature", severity="warning", fix="safe", reads=STRINGS)
def latin_ligature(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text holds a Latin typographic ligature character (`ﬁ`, `ﬂ`, `ﬀ`, `ﬃ`, `ﬄ`, `ﬅ`, `ﬆ`).

    ## What it does
    Reports strings containing the presentation forms U+FB00-U+FB06, which PDF text
    extraction produces from ligature glyphs (`ﬁbrosis`, `eﬀect`). Not reported: `Ĳ`/`ĳ`,
    a letter of Dutch, and the Armenian ligatures.

    ## Why is this bad?
    A search for `fibrosis` does not find `ﬁbrosis`, spell checkers and tokenisers see
    unknown words, and the same title with and without ligatures fails to deduplicate.

    ## Example
    ```json
    {"abstract": "Cardiac ﬁbrosis and its eﬀect on ﬂow."}
    ```
    Use instead:
    ```json
    {"abstract": "Cardiac fibrosis and its effect on flow."}
    ```

    ## Fix
    Safe: replaces each ligature with its letters (its NFKC form); nothing else changes.
    """
    for pointer, value in _non_ascii_strings(record):
        first = _LIGATURE_RE.search(value)
        if first is None or _leave_to_txt001(value):
            continue
        fixed = _LIGATURE_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), value)
        fix = Fix.replace(pointer, fixed, "Replace the ligatures with letters")
        yield Violation(f"ligature {shown(first.group())} ({_codepoint(first.group())}): "
                        f"{excerpt(value, first.start(), first.end(), 8, 8)}", pointer, fix)


def _entity_mode(record: Record, pointer: str, value: str) -> str:
    """How TXT009 reads a string: `url` (only `&amp;` is wrong), `markup` (only double
    escapes are wrong) or `plain`."""
    if _is_url(value):
        return "url"
    if CSL_RICH_TEXT in record.profile.conventions:
        return "markup"
    if MARKUP_ABSTRACT in record.profile.conventions:
        found = record.field("abstract")
        if found is not None and found.pointer == pointer:
            return "markup"
    return "markup" if "<" in value and has_markup(value) else "plain"


def _listed(items: list[str]) -> str:
    distinct = list(dict.fromkeys(items))
    return ", ".join(distinct[:3]) + (", …" if len(distinct) > 3 else "")


@rule("TXT009", "html-entity", severity="warning", fix="safe", reads=(STRINGS, RECORD))
def html_entity(record: Record, ctx: Context) -> Iterator[Violation]:
    """Plain text holds HTML character references (`&amp;`, `&#8217;`, `&eacute;`).

    ## What it does
    Reports character references in plain-text fields: named (`&amp;`, `&eacute;`),
    numeric (`&#8217;`, `&#x2019;`), the legacy `&amp`, `&lt`, `&gt`, `&quot`, `&nbsp` without
    `;` when no letter or digit follows, and double escapes (`&amp;amp;`). Also the tokens
    of an OpenAlex `abstract_inverted_index` (J535D165/pyalex#102). Not reported: `AT&T`,
    `R&D` and unknown names (`&foo;`); in a URL, anything but `&amp;` (its `&` separates query
    parameters); in a field that holds markup or is markup by the shape's convention
    (Crossref's JATS abstract, `abstract-markup`; CSL rich text, `csl-rich-text`), anything
    but a double escape, since there the references are the markup's own escaping.

    ## Why is this bad?
    The value was escaped for HTML or XML once more than its plain-text field needs, so
    readers see `Research &amp; Development`, searches for `R&D` miss it, and the next HTML
    rendering shows the entity itself.

    ## Example
    ```json
    {"title": "Research &amp; Development in Wharton&#8217;s jelly"}
    ```
    Use instead:
    ```json
    {"title": "Research & Development in Wharton’s jelly"}
    ```

    ## Fix
    Safe: decodes each reference once (`&amp;amp;` becomes `&amp;`, then `&` on the next
    pass); in a URL, `&amp;` becomes `&`; in markup, a double escape loses one level.
    Unsafe when decoding creates markup (`&lt;i&gt;` becomes `<i>`, which ABS001 or TTL003
    then deal with). References to no character (`&#0;`) are not counted.
    """
    for pointer, value in record.strings() if "&" in _all_text(record) else ():
        if "&" not in value or _is_export(pointer):
            continue
        mode = _entity_mode(record, pointer, value)
        if mode == "url":
            amps = [m for m in html_entities_in(value) if m.group() == "&amp;"]
            if amps:
                fix = Fix.replace(pointer, value.replace("&amp;", "&"), "Decode &amp; in the URL")
                yield Violation("HTML entity &amp; in a URL", pointer, fix)
        elif mode == "markup":
            doubles = double_escapes_in(value)
            if doubles:
                shown = _listed([value[m.start(): value.find(";", m.end()) + 1]
                                 for m in doubles])
                fix = Fix.replace(pointer, unescape_double(value), "Escape once")
                yield Violation(f"HTML entities escaped twice ({shown})", pointer, fix)
        else:
            found = html_entities_in(value)
            if found:
                fixed = unescape_entities(value)
                unsafe = "<" in fixed and has_markup(fixed)
                fix = Fix.replace(pointer, fixed, "Decode the HTML entities", unsafe=unsafe)
                shown = _listed([m.group() for m in found])
                yield Violation(f"HTML entities in plain text ({shown})", pointer, fix)
    yield from _inverted_index_entities(record)


def _inverted_index_entities(record: Record) -> Iterator[Violation]:
    found = record.field("abstract_index")
    index = found.value if found is not None else None
    if found is None or not isinstance(index, dict):
        return
    base = found.pointer
    tokens = [t for t in index if "&" in t and html_entities_in(t)]
    if not tokens:
        return
    fix = None
    if all(isinstance(positions, list) and all(type(p) is int for p in positions)
           for positions in index.values()):
        rebuilt: dict[str, list[int]] = {}
        for token, positions in index.items():
            key = unescape_entities(token) if token in tokens else token
            rebuilt.setdefault(key, []).extend(positions)
        merged = {key: sorted(positions) for key, positions in rebuilt.items()}
        fix = Fix.replace(base, merged, "Decode the entities in the tokens")
    for token in tokens:
        shown = quoted(token[:30])
        yield Violation(f"HTML entity in an abstract token ({shown})",
                        join_pointer(base, token), fix)


def _tex_exempt(pointer: str, value: str) -> bool:
    """BibTeX fields (S2's generated `citationStyles/bibtex`), URLs, and markup that carries
    TeX on purpose (JATS `<tex-math>`, MathML TeX annotations)."""
    if _is_export(pointer) or "bibtex" in pointer.lower() or _is_url(value):
        return True
    return ("tex-math" in value or "annotation" in value) and has_markup(value)


@rule("TXT010", "latex-markup", severity="warning", fix="unsafe", reads=STRINGS)
def latex_markup(record: Record, ctx: Context) -> Iterator[Violation]:
    """A field outside BibTeX holds TeX markup (`\\'{e}`, `{\\"o}`, `$\\alpha$`, `\\textit{}`).

    ## What it does
    Reports unambiguous TeX only: an accent command with its letter braced or the whole accent
    braced (`caf\\'{e}`, `G{\\"o}del`, `\\v{S}koda`, `{\\v s}`), a braced letter command
    (`{\\ss}`, `{\\o}`, `\\aa{}`), a text command with its argument (`\\textit{`, `\\emph{`,
    `\\textbf{`, `\\textsuperscript{`, `\\mathrm{`), a font switch in braces (`{\\it ...}`),
    and inline math holding a command or a script (`$\\alpha$`, `$x^{2}$`, `Na$^+$`). Not
    reported: `O\\'Brien` (an escaped apostrophe), regular expressions (`\\d{4}`), a literal
    `\\u00e9`, money (`$5 and $10`), PHP's `$_GET`, braces alone (`{DNA}`), Markdown escapes
    (`\\_`, `\\&`), S2's generated BibTeX (`citationStyles/bibtex`), URLs, TeX inside JATS
    `<tex-math>` or a MathML annotation, and BibTeX entries (`bibtex-entries`: TeX is their
    text; the reader decodes what has a plain form).

    ## Why is this bad?
    Outside BibTeX nobody renders the TeX: readers see `Schr{\\"o}dinger` and `$\\alpha$`,
    searches for `Schrödinger` miss it, and a later BibTeX export escapes the backslashes
    again. It comes from converting BibTeX or arXiv metadata without decoding it.

    ## Example
    ```json
    {"title": "G{\\"o}del and $\\alpha$-synuclein in caf\\'{e} \\textit{culture}"}
    ```
    Use instead:
    ```json
    {"title": "Gödel and α-synuclein in café culture"}
    ```

    ## Fix
    Unsafe (formatting such as italics is dropped): replaces every construct with its plain
    text, accents composed to NFC, Greek letters and common symbols in math with their
    characters, and scripts with Unicode super- and subscripts (`$10^{-3}$` -> `10⁻³`).
    Reported without a fix when any construct in the string has no certain plain form
    (`$\\mathcal{O}(n)$`, `$T_{eff}$`), or when replacing it would leave TeX behind: a font
    command inside math that is not converted as a whole (`$\\mathrm{CO}_2 $`), or one
    followed by a script (`\\textrm{CO}_2`).
    """
    if record.profile.has(Convention.BIBTEX_ENTRIES):
        return  # BibTeX's text is TeX (its reader decodes what it can; the rest is math)
    everything = _all_text(record)
    if "\\" not in everything and "$" not in everything:
        return  # no string of the record holds TeX
    for pointer, value in record.strings():
        if "\\" not in value and "$" not in value:
            continue
        spans = tex_spans(value)
        if not spans or _tex_exempt(pointer, value):
            continue
        parts: list[str] = []
        pos = 0
        convertible = not leaves_tex(value, spans)
        for match in spans if convertible else ():
            text = tex_construct_text(match)
            if text is None:
                convertible = False
                break
            parts.append(value[pos: match.start()])
            parts.append(text)
            pos = match.end()
        fix = None
        if convertible:
            parts.append(value[pos:])
            fix = Fix.replace(pointer, "".join(parts), "Replace the TeX with text", unsafe=True)
        shown = _listed([quoted(m.group()[:20]) for m in spans])
        yield Violation(f"TeX markup ({shown})", pointer, fix)


@rule("TXT011", "private-or-unassigned-codepoint", severity="warning", reads=STRINGS)
def private_or_unassigned_codepoint(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text holds a private-use, unassigned or surrogate code point.

    ## What it does
    Reports strings containing a private-use character (U+E000-U+F8FF, planes 15 and 16), a
    code point that is unassigned or a noncharacter (U+FDD0-U+FDEF, U+FFFE, U+FFFF, ...), or
    a lone surrogate (U+D800-U+DFFF, which JSON's `\\ud800` escape can produce). Assignment
    follows the Unicode version of the `regex` package, which tracks the latest standard.

    ## Why is this bad?
    A private-use character means whatever one font says it means (PDF extraction leaves
    symbol-font glyphs such as U+F0B7 for a bullet), so other readers see a box or nothing;
    a noncharacter or surrogate is no text at all and fails in UTF-8 encoders and XML.

    ## Example
    ```json
    {"abstract": "Patients \\uf0b7 older than 65 years"}
    ```
    Use instead: the intended character, found in the source:
    ```json
    {"abstract": "Patients older than 65 years"}
    ```

    ## Fix
    None: what the character stood for cannot be known from the record.
    """
    if _all_printable(record):
        return  # every string passes the test below that skips it
    for pointer, value in _non_ascii_strings(record):
        if value.isprintable():  # fast: no Co, Cn or Cs code point
            continue
        match = _ODD_CODEPOINT_RE.search(value)
        if match is None:
            continue
        char = match.group()
        category = unicodedata.category(char)
        kind = ("private-use character" if category == "Co" else
                "lone surrogate" if category == "Cs" else "unassigned code point")
        count = len(_ODD_CODEPOINT_RE.findall(value))
        more = f" ({count} in all)" if count > 1 else ""
        yield Violation(f"{kind} {_codepoint(char)}{more}", pointer)


@rule("TXT012", "spacing-accent", severity="warning", fix="unsafe", reads=STRINGS)
def spacing_accent(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text holds a spacing accent (`´`, `` ` ``, `¨`, `¸`, `ˆ`, `˜`...) next to a letter.

    ## What it does
    Reports a spacing accent character beside a letter: one used as an apostrophe
    (`O´Brien`, `don´t`, `d´Alembert`) or left from a diacritic that PDF extraction split
    off its letter (`Garc´ıa`, `Jos´e`, `Mu¨ller`, `Fran¸cois`, TeX sets the accent before
    its letter). A backtick counts only between two letters (Markdown and TeX quotes use it
    otherwise); an accent with no letter beside it (`5 ¨`) is not reported.

    ## Why is this bad?
    The spacing accent is a character of its own, not part of the letter: `Garc´ıa` is not
    found by a search for `García`, sorts apart from it, breaks name matching and
    deduplication, and prints as a stray mark.

    ## Example
    ```json
    {"title": "Garc´ıa M´arquez and O´Brien´s reading of Mu¨ller"}
    ```
    Use instead:
    ```json
    {"title": "García Márquez and O’Brien’s reading of Müller"}
    ```

    ## Fix
    Unsafe: an accent before (else after) a letter it has a precomposed form with becomes
    that letter (`´e` -> `é`, a dotless `ı` counts as `i`); one in a contraction or after an
    elided particle (`´s`, `´t`, `O´`, `d´`) becomes the record's apostrophe (`'` where it
    writes `'` and never `’`, else `’`). No fix when an accent has no letter to join.
    """
    # Every accent of _ACCENT_HINT_RE but the backtick is beyond ASCII: without a backtick in
    # the record, only its non-ASCII strings can hold one (both lists are in document order).
    strings = record.strings() if "`" in _all_text(record) else _non_ascii_strings(record)
    for pointer, value in strings:
        if not _ACCENT_HINT_RE.search(value) or _is_export(pointer):
            continue
        matches, fixed = repair_accents(value)
        if not matches or _leave_to_txt001(value):
            continue
        fix = None
        if fixed is not None and fixed != value:
            fix = Fix.replace(pointer, fixed, "Join the accents to their letters", unsafe=True)
        first = matches[0]
        yield Violation(f"spacing accent {shown(first.group())} "
                        f"({_codepoint(first.group())}): "
                        f"{excerpt(value, first.start(), first.end(), 8, 8)}", pointer, fix)


_ACCENT_HINT_RE = regex.compile(
    r"[`\u00b4\u00a8\u00b8\u02c6\u02dc\u02d8\u02c7\u02da\u02d9\u02dd\u00af]")
