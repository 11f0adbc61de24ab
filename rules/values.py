"""TYP: value types, null versus empty, list shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import regex

from biblint.model import Fix, Violation
from biblint.profiles import COUNT_FIELDS
from biblint.record import Record
from biblint.registry import Context, rule

INTEGER_FIELDS = (*COUNT_FIELDS, "year")
"""Canonical fields whose canonical type is an integer."""

EMPTY_STRING_KEYS: frozenset[str] = frozenset()
"""Keys (the last token of a pointer) where an empty string is meaningful and TYP002 is quiet.
None is known in the supported shapes yet; this is the place to add one."""

EMPTY_AS_ABSENT = "empty-string-absent"
"""Profile convention: the shape writes absence as ``""`` (Zotero's web API fills every
field of an item so); TYP002 is quiet for records of such a shape."""

YEAR_AS_STRING = "year-as-string"
"""Profile convention: the year may be a string (DataCite's publicationYear is "2016" or 2016)."""

STRING_LIST_FIELDS = ("publication_types", "fields_of_study")
"""Canonical list fields TYP005 checks (``authors`` has its own rule, AUTH001)."""

_DIGITS_RE = regex.compile(r"[0-9]+")
# A number written as text: sign, thousands separators, decimals, surrounding spaces.
_NUMBER_RE = regex.compile(r"\s*[+-]?[0-9]+(?:[.,][0-9]+)*\s*")
_WHITESPACE_RE = regex.compile(r"\p{White_Space}+")
_LIST_DELIMITERS_RE = regex.compile(r"[;|]")
_ANY_DELIMITER_RE = regex.compile(r"[;|,]")
# NLM publication types that contain a comma: one item each, never split at their comma.
_COMMA_TERMS = (
    "Research Support, American Recovery and Reinvestment Act",
    "Research Support, N.I.H., Extramural",
    "Research Support, N.I.H., Intramural",
    "Research Support, Non-U.S. Gov't",
    "Research Support, U.S. Gov't, Non-P.H.S.",
    "Research Support, U.S. Gov't, P.H.S.",
    "Research Support, U.S. Gov't",
    "Clinical Trial, Phase IV",
    "Clinical Trial, Phase III",
    "Clinical Trial, Phase II",
    "Clinical Trial, Phase I",
    "Clinical Trial, Veterinary",
    "Randomized Controlled Trial, Veterinary",
    "Observational Study, Veterinary",
    "Consensus Development Conference, NIH",
)
_COMMA_ITEM_RE = regex.compile(
    r"\s*((?:" + "|".join(regex.escape(t) for t in _COMMA_TERMS) + r")(?=\s*(?:,|$))|[^,]*)"
    r"\s*(?:,|$)",
    regex.IGNORECASE,
)


def _shown(value: str, limit: int = 40) -> str:
    """A value quoted for a message, cut to ``limit`` characters."""
    return json.dumps(value if len(value) <= limit else value[: limit - 1] + "…",
                      ensure_ascii=False)


@rule("TYP001", "integer-as-string", severity="error", fix="safe")
def integer_as_string(record: Record, ctx: Context) -> Iterator[Violation]:
    """An integer field (a count or the year) holds a string.

    ## What it does
    Checks the canonical integer fields (citation count, reference count, year) and reports
    a string value that spells a number, such as `"0"`, `"1,234"` or `"-1"`. Empty and
    whitespace-only strings are left to TYP002 and TYP003.

    ## Why is this bad?
    Consumers that sort, sum or compare counts get text ordering (`"10" < "9"`) or a type
    error, and JSON Schema validation of the record fails. Semantic Scholar, Crossref and
    OpenAlex all serve these fields as JSON integers; a string means a lossy conversion
    happened on the way.

    ## Example
    ```json
    {"citationCount": "0"}
    ```
    Use instead:
    ```json
    {"citationCount": 0}
    ```

    ## Fix
    Safe: replaces a string of ASCII digits (`^[0-9]+$`, nothing stripped) with the integer.
    Other spellings (`"1,234"`, `"12.0"`, `"-1"`, `" 12 "`) are reported without a fix, as
    turning them into an integer needs a judgement.
    """
    for name in INTEGER_FIELDS:
        if name == "year" and YEAR_AS_STRING in record.profile.conventions:
            continue
        found = record.field(name)
        if found is None:
            continue
        value = found.value
        if not isinstance(value, str) or not _NUMBER_RE.fullmatch(value):
            continue
        if _DIGITS_RE.fullmatch(value):
            fix = Fix.replace(found.pointer, int(value), f"Replace {_shown(value)} with "
                              f"the integer {int(value)}")
            yield Violation(f"integer stored as a string ({_shown(value)})", found.pointer, fix)
        else:
            yield Violation(f"integer field holds the text {_shown(value)}, not an integer",
                            found.pointer)


def _blank_fix(record: Record, pointer: str, what: str) -> Fix | None:
    """The fix of an empty or blank string: null, or no key, as the shape writes absence.

    None inside an array (removing an item would shift the pointers of the others) and for
    the record itself.
    """
    if not pointer:
        return None
    parent = _parent(record.data, pointer)
    if not isinstance(parent, dict):
        return None
    if record.profile.absent == "omit":
        return Fix.remove(pointer, f"Remove the key with the {what} string")
    return Fix.replace(pointer, None, f"Replace the {what} string with null")


def _instead(record: Record, fix: Fix | None) -> str:
    """How the message ends: what belongs there instead."""
    if fix is None:
        return "in a list"
    return "instead of an absent key" if record.profile.absent == "omit" else "instead of null"


def _parent(data: object, pointer: str) -> object:
    """The container holding the value at ``pointer`` (a pointer that exists), or None.

    A direct walk: jsonpointer's resolver parses the pointer into an object on every call,
    which costs more than the whole rule.
    """
    node = data
    for token in pointer.split("/")[1:-1]:
        if isinstance(node, dict):
            node = node.get(token.replace("~1", "/").replace("~0", "~") if "~" in token
                            else token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _last_key(pointer: str) -> str:
    return pointer.rpartition("/")[2].replace("~1", "/").replace("~0", "~")


@rule("TYP002", "empty-string", severity="warning", fix="safe")
def empty_string(record: Record, ctx: Context) -> Iterator[Violation]:
    """A value is the empty string where the shape writes absence as null (or no key).

    ## What it does
    Reports every `""` in the record, at any depth. Keys listed in
    `biblint.rules.values.EMPTY_STRING_KEYS` and in the profile's `empty_ok` (S2's unknown
    `venue`, OpenAlex's MeSH `qualifier_ui`) are exempt, and so are records whose
    profile declares the convention `empty-string-absent` (a shape that writes absence as
    `""`, as Zotero's web API does).

    ## Why is this bad?
    `""` and null mean the same thing to a reader but not to a program: `if value is None`
    passes an empty string through, `"" != null` breaks merging and deduplication, and a
    field that should be an object or a date (`openAccessPdf`, `EPubDate`) suddenly has a
    third shape. Absence should be written one way, the way the record's shape writes it.

    ## Example
    ```json
    {"EPubDate": "", "PubModel": "", "openAccessPdf": ""}
    ```
    Use instead:
    ```json
    {"EPubDate": null, "PubModel": null, "openAccessPdf": null}
    ```

    ## Fix
    Safe: replaces the value with null, or removes the key when the record's profile writes
    absence by omission. An empty string inside an array is reported without a fix, since
    removing the item would shift the positions of the items after it.
    """
    if EMPTY_AS_ABSENT in record.profile.conventions:
        return
    exempt = EMPTY_STRING_KEYS | record.profile.empty_ok
    for pointer, value in record.strings():
        if value:
            continue
        if exempt and _last_key(pointer) in exempt:
            continue
        fix = _blank_fix(record, pointer, "empty")
        yield Violation(f"empty string {_instead(record, fix)}", pointer, fix)


@rule("TYP003", "whitespace-only", severity="warning", fix="safe")
def whitespace_only(record: Record, ctx: Context) -> Iterator[Violation]:
    """A value is made only of whitespace (spaces, tabs, newlines, no-break spaces).

    ## What it does
    Reports every non-empty string, at any depth, whose characters all have the Unicode
    White_Space property (`" "`, `"\\t"`, `"\\n"`, U+00A0, U+2009, U+3000...). The empty
    string is TYP002's; a string with any visible character is not reported.

    ## Why is this bad?
    A blank value looks like data to a program (it is truthy, non-null, non-empty) and like
    nothing to a person. It usually stands for "not known yet", as the seed record's volume
    `" "` of an article published ahead of print, and should be written as absence.

    ## Example
    ```json
    {"journal": {"volume": " "}}
    ```
    Use instead:
    ```json
    {"journal": {"volume": null}}
    ```

    ## Fix
    Safe: replaces the value with null, or removes the key when the record's profile writes
    absence by omission. Inside an array the value is reported without a fix.
    """
    for pointer, value in record.strings():
        if not value or not value.isspace() or not _WHITESPACE_RE.fullmatch(value):
            continue
        fix = _blank_fix(record, pointer, "blank")
        shown = json.dumps(value if len(value) <= 8 else value[:8], ensure_ascii=True)
        more = "" if len(value) <= 8 else f"… ({len(value)} characters)"
        yield Violation(f"whitespace-only string ({shown}{more}) {_instead(record, fix)}",
                        pointer, fix)


def _split_list(text: str) -> list[str]:
    """The items of a delimited list (``;`` or ``|`` first, else ``,``), stripped, non-empty."""
    if _LIST_DELIMITERS_RE.search(text):
        parts = _LIST_DELIMITERS_RE.split(text)
    else:
        parts = [m.group(1) for m in _COMMA_ITEM_RE.finditer(text) if m.group(0)]
    return [p.strip() for p in parts if p.strip()]


def _json_list(text: str) -> list[str] | None:
    """The list a JSON-encoded list of strings stands for (``'["Review"]'``), or None."""
    stripped = text.strip()
    if not (stripped.startswith("[") and stripped.endswith("]")):
        return None
    try:
        parsed = json.loads(stripped)
    except ValueError:
        return None
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return parsed
    return None


@rule("TYP005", "list-as-string", severity="warning", fix="safe")
def list_as_string(record: Record, ctx: Context) -> Iterator[Violation]:
    """A list field (publication types, fields of study) holds a single string.

    ## What it does
    Checks the canonical list fields `publication_types` and `fields_of_study` and reports a
    non-blank string where a JSON array belongs. Authors have their own rule (AUTH001);
    empty and whitespace-only strings are TYP002's and TYP003's.

    ## Why is this bad?
    Code that iterates the field walks the characters of the string (`"J"`, `"o"`, ...), a
    membership test such as `"Review" in types` becomes a substring test, and the record no
    longer validates against its shape (Semantic Scholar serves both fields as arrays).

    ## Example
    ```json
    {"publicationTypes": "Journal Article", "fieldsOfStudy": "Medicine; Biology"}
    ```
    Use instead:
    ```json
    {"publicationTypes": ["Journal Article"], "fieldsOfStudy": ["Medicine", "Biology"]}
    ```

    ## Fix
    Safe when the string holds one item (no `;`, `,` or `|`): it becomes a one-item list;
    also when the string is a JSON-encoded list of strings (`'["Review"]'`), which is decoded.
    Unsafe when the string must be split at delimiters: `;` or `|` when present, else `,`
    (keeping NLM types that contain a comma, such as "Research Support, Non-U.S. Gov't",
    whole), as a delimiter may also occur inside one item.
    """
    fix: Fix | None
    for name in STRING_LIST_FIELDS:
        found = record.field(name)
        if found is None or not isinstance(found.value, str):
            continue
        value = found.value
        if not value.strip():
            continue
        decoded = _json_list(value)
        if decoded is not None:
            fix = Fix.replace(found.pointer, decoded, "Decode the JSON-encoded list")
            yield Violation(f"list stored as JSON text ({_shown(value)})", found.pointer, fix)
            continue
        items = _split_list(value)
        if not _ANY_DELIMITER_RE.search(value) or items == [value.strip()]:
            fix = Fix.replace(found.pointer, [value], "Wrap the value in a one-item list")
        elif items:
            fix = Fix.replace(found.pointer, items, f"Split into a list of {len(items)} "
                              f"item{'s' if len(items) != 1 else ''}", unsafe=True)
        else:  # only delimiters: nothing to keep
            fix = None
        yield Violation(f"list stored as a string ({_shown(value)})", found.pointer, fix)
