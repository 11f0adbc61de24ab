"""TYP: value types, null versus empty, list shapes."""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any

import regex

from biblint.domain.show import quoted
from biblint.domain.show import shown as _shown
from biblint.model import Applicability, Fix, PatchOp, Violation
from biblint.profiles import COUNT_FIELDS, PROFILES, Convention
from biblint.record import Record, child_pointer
from biblint.registry import MEMBERS, STRINGS, Context, rule
from biblint.runscope import Entry, Key
from biblint.schema import breaks, fix_keeps_schema, record_problems

INTEGER_FIELDS = (*COUNT_FIELDS, "year")
"""Canonical fields whose canonical type is an integer."""

EMPTY_STRING_KEYS: frozenset[str] = frozenset()
"""Keys (the last token of a pointer) where an empty string is meaningful and TYP002 is quiet.
None is known in the supported shapes yet; this is the place to add one."""

EMPTY_AS_ABSENT = Convention.EMPTY_STRING_ABSENT
"""Profile convention: the shape writes absence as ``""`` (Zotero's web API fills every
field of an item so); TYP002 is quiet for records of such a shape."""

YEAR_AS_STRING = Convention.YEAR_AS_STRING
"""Profile convention: the year may be a string (DataCite's publicationYear is "2016" or 2016)."""

STRING_LIST_FIELDS = ("publication_types", "fields_of_study")
"""Canonical list fields TYP005 checks (``authors`` has its own rule, AUTH001)."""

_DIGITS_RE = regex.compile(r"[0-9]+")
# A number written as text: sign, thousands separators, decimals, surrounding spaces.
NUMBER_TEXT_RE = regex.compile(r"\s*[+-]?[0-9]+(?:[.,][0-9]+)*\s*")
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




@rule("TYP001", "integer-as-string", severity="error", fix="safe",
      reads=("citation_count", "reference_count", "year"))
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
        if not isinstance(value, str) or not NUMBER_TEXT_RE.fullmatch(value):
            continue
        if _DIGITS_RE.fullmatch(value):
            # Past 18 digits no count or year is meant (and int() refuses 4300): no fix.
            fix = (Fix.replace(found.pointer, int(value), f"Replace {_shown(value)} with "
                               f"the integer {int(value)}") if len(value) <= 18 else None)
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
        fix = Fix.remove(pointer, f"Remove the key with the {what} string")
    else:
        fix = Fix.replace(pointer, None, f"Replace the {what} string with null")
    schema = record.profile.schema
    if schema and not fix_keeps_schema(
            record.data, fix, schema,
            lambda: breaks(record.data, schema, record_problems(record))):
        return None  # the shape requires a string there: the value must come from the source
    return fix


def _instead(record: Record, pointer: str, fix: Fix | None) -> str:
    """How the message ends: what belongs there instead."""
    if fix is None:
        in_list = isinstance(_parent(record.data, pointer), list)
        return "in a list" if in_list else "in a key the shape requires"
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


@rule("TYP002", "empty-string", severity="warning", fix="safe", reads=STRINGS)
def empty_string(record: Record, ctx: Context) -> Iterator[Violation]:
    """A value is the empty string where the shape writes absence as null (or no key).

    ## What it does
    Reports every `""` in the record, at any depth. Keys listed in
    `biblint.rules.values.EMPTY_STRING_KEYS` and the keys and pointers in the profile's
    `empty_ok` (S2's unknown `venue` and its no-PDF `openAccessPdf.url`, OpenAlex's MeSH
    `qualifier_ui`) are exempt, and so are records whose
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
    removing the item would shift the positions of the items after it, and so is one in a
    key the shape's schema requires as a string (CSL's `id`, DataCite's `id`): null or no
    key would break the record more.
    """
    if EMPTY_AS_ABSENT in record.profile.conventions:
        return
    exempt = EMPTY_STRING_KEYS | record.profile.empty_ok
    for pointer, value in record.strings():
        if value:
            continue
        if exempt and (_last_key(pointer) in exempt or pointer in exempt):
            continue
        fix = _blank_fix(record, pointer, "empty")
        yield Violation(f"empty string {_instead(record, pointer, fix)}", pointer, fix)


@rule("TYP003", "whitespace-only", severity="warning", fix="safe", reads=STRINGS)
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
        shown = quoted(value if len(value) <= 8 else value[:8])
        more = "" if len(value) <= 8 else f"… ({len(value)} characters)"
        yield Violation(f"whitespace-only string ({shown}{more}) {_instead(record, pointer, fix)}",
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


@rule("TYP005", "list-as-string", severity="warning", fix="safe",
      reads=("fields_of_study", "publication_types"))
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
        # Without a delimiter the string is one item, whatever splitting it would give.
        delimited = _ANY_DELIMITER_RE.search(value) is not None
        items = _split_list(value) if delimited else []
        if not delimited or items == [value.strip()]:
            fix = Fix.replace(found.pointer, [value], "Wrap the value in a one-item list")
        elif items:
            fix = Fix.replace(found.pointer, items, f"Split into a list of {len(items)} "
                              f"item{'s' if len(items) != 1 else ''}", unsafe=True)
        else:  # only delimiters: nothing to keep
            fix = None
        yield Violation(f"list stored as a string ({_shown(value)})", found.pointer, fix)


SENTINELS = frozenset({
    "null", "NULL", "Null", "None", "N/A", "n/a", "NaN", "nan", "undefined", "(null)", "#N/A",
    "-", "--", "0000-00-00", "0000-00-00 00:00:00", "0000-00-00T00:00:00",
})
"""Strings that stand for "no value": a program's null written out, spreadsheet and pandas
placeholders, a dash, the zero date. Matched exactly (case matters: `"Nan"` is a name)."""
DATACITE_UNKNOWN = frozenset({
    f"{left}:{code}{right}" for code in ("unac", "unal", "unap", "unas", "unav", "unkn",
                                          "none", "null", "tba")
    for left, right in (("(", ")"), ("", ""))
})
"""DataCite's standard values for unknown information (`(:unav)`, `(:tba)`...): documented
in DataCite records, sentinels anywhere else. `(:etal)` is AUTH002's."""


@rule("TYP004", "sentinel-string", severity="warning", fix="unsafe", reads=STRINGS)
def sentinel_string(record: Record, ctx: Context) -> Iterator[Violation]:
    """A string value is a placeholder for "no value" (`"null"`, `"N/A"`, `"-"`...).

    ## What it does
    Reports every string, at any depth, that is exactly one of `"null"`, `"NULL"`,
    `"Null"`, `"None"`, `"N/A"`, `"n/a"`, `"NaN"`, `"nan"`, `"undefined"`, `"(null)"`,
    `"#N/A"`, `"-"`, `"--"` or the zero date `"0000-00-00"` (with or without a time), and
    DataCite's codes for unknown values (`"(:unav)"`, `":tba"`...) outside DataCite
    records, where they are the documented convention. Case matters: `"Nan"` and `"Na"`
    are names.

    ## Why is this bad?
    The placeholder is text to every program: it is printed in citations ("Vol. null"),
    counted as a value by completeness checks, and compared as a value in deduplication.
    It is the trace of a null or NaN converted to a string on the way (`str(None)`,
    pandas' `NaN`, a spreadsheet's `#N/A`).

    ## Example
    ```json
    {"volume": "null", "issue": "N/A"}
    ```
    Use instead:
    ```json
    {"volume": null, "issue": null}
    ```

    ## Fix
    Unsafe: replaces the value with null, or removes the key when the record's profile
    writes absence by omission; a placeholder inside an array is reported without a fix. A
    placeholder family name beside a given name (`{"given": "Rino", "family": "-"}`) is a
    one-name author: the name moves to the family slot and the given name goes, rather than
    leaving a person with only a given name.
    Unsafe because a field may hold one of these strings as data (a title "None").
    """
    datacite = record.profile.has(Convention.UNKNOWN_CODES)
    for pointer, value in record.strings():
        if len(value) > 19 or (value not in SENTINELS and value not in DATACITE_UNKNOWN):
            continue
        if datacite and value in DATACITE_UNKNOWN:
            continue
        fix = _one_name_fix(record, pointer) or _blank_fix(record, pointer, "placeholder")
        if fix is not None:
            fix = Fix(fix.title, fix.ops, Applicability.UNSAFE)
        yield Violation(f"placeholder string {quoted(value)} {_instead(record, pointer, fix)}",
                        pointer, fix)


_FAMILY_KEYS = {"family": "given", "familyName": "givenName"}


def _one_name_fix(record: Record, pointer: str) -> Fix | None:
    """The fix of a placeholder family name beside a given name (``{"given": "Rino",
    "family": "-"}``): a one-name author, whose name belongs in the family slot (where
    Crossref's and CSL's schemas put a one-name author), not a person with no family
    name. None for any other placeholder."""
    head, _, key = pointer.rpartition("/")
    given_key = _FAMILY_KEYS.get(key)
    authors = record.field("authors")
    if given_key is None or authors is None or not head.startswith(authors.pointer + "/"):
        return None
    item = _parent(record.data, pointer)
    if not isinstance(item, dict):
        return None
    given = item.get(given_key)
    if not isinstance(given, str) or not given.strip() or given in SENTINELS \
            or "name" in item:
        return None
    return Fix("Keep the one name as the family name",
               (PatchOp("replace", pointer, given.strip()),
                PatchOp("remove", f"{head}/{given_key}")))


def _members(record: Record) -> list[tuple[str, str, object]]:
    """(parent pointer, key, value) of every object member with a scalar value, at any depth.

    Walked once per record and shared by TYP006 and TYP007 (:meth:`Record.memo`). A record
    has hundreds of members and the rules report few of them, so a member's own pointer is
    not built here: a rule builds it with ``child_pointer(parent, key)`` when it reports.
    """
    return record.memo("values.members", _walk_members)


def _walk_members(record: Record) -> list[tuple[str, str, object]]:
    # Depth first from a stack: a container's scalar members come before its nested
    # containers, the last nested container first (the order the rules always reported in).
    found: list[tuple[str, str, object]] = []
    append = found.append
    stack: list[tuple[object, str]] = [(record.data, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict):
                    stack.append((value, child_pointer(where, key)))
                elif isinstance(value, list):
                    # A list without objects or lists in it holds no members: skipped with
                    # no pointer built, tested in C rather than item by item (OpenAlex's
                    # inverted index has a list of numbers per word of the abstract).
                    if any(map(isinstance, value, repeat(_CONTAINERS))):
                        stack.append((value, child_pointer(where, key)))
                else:
                    append((where, key, value))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, _CONTAINERS):  # scalar items are no members
                    stack.append((item, f"{where}/{index}"))
    return found


_CONTAINERS = (dict, list)


BOOLEAN_KEYS = frozenset({"authenticated-orcid", "crossmark-restriction"})
"""Boolean keys whose names do not start with `is`/`has` (Crossref's)."""
_BOOLEAN_NAME_RE = regex.compile(r"(?:is|has)(?:_[a-z0-9]|[A-Z])")
_BOOLEAN_PREFIXES = ("is", "has")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


def _boolean_key(key: str) -> bool:
    # The prefix test first: most keys start with neither, and need no regex. (No cache:
    # with OpenAlex's inverted-index words as keys, a bounded cache would mostly miss.)
    return key in BOOLEAN_KEYS or (key.startswith(_BOOLEAN_PREFIXES)
                                   and _BOOLEAN_NAME_RE.match(key) is not None)


@rule("TYP006", "boolean-as-string", severity="error", fix="safe", reads=MEMBERS)
def boolean_as_string(record: Record, ctx: Context) -> Iterator[Violation]:
    """A boolean field holds a string or a number.

    ## What it does
    Checks the fields that are booleans by name (`is_oa`, `isOpenAccess`, `is_retracted`,
    `has_fulltext`, `is_corresponding`... any key starting `is_`/`has_` or `is`/`has` and a
    capital, and Crossref's `authenticated-orcid` and `crossmark-restriction`) and reports
    a string spelling a truth value (`"true"`, `"False"`, `"yes"`, `"N"`, `"1"`) or the
    number 0 or 1 in place of `true`/`false`.

    ## Why is this bad?
    Every non-empty string is truthy: `if record["isOpenAccess"]` is true for `"false"`,
    so closed works are counted as open. Filters on `== true` miss the string, and the
    record no longer validates against its shape.

    ## Example
    ```json
    {"isOpenAccess": "false"}
    ```
    Use instead:
    ```json
    {"isOpenAccess": false}
    ```

    ## Fix
    Safe: `"true"`, `"yes"`, `"y"`, `"1"` and `1` become `true`; `"false"`, `"no"`,
    `"n"`, `"0"` and `0` become `false` (strings in any case, surrounding spaces ignored).
    Other values are reported without a fix.
    """
    for where, key, value in _members(record):
        if value is None or isinstance(value, bool) or not _boolean_key(key):
            continue
        pointer = child_pointer(where, key)
        if isinstance(value, int) and value in (0, 1):
            fixed: bool | None = bool(value)
        elif isinstance(value, str):
            text = value.strip().lower()
            fixed = True if text in _TRUE else False if text in _FALSE else None
            if fixed is None and not text:
                continue  # TYP002 / TYP003
        else:
            continue
        fix = (Fix.replace(pointer, fixed, f"Write the boolean {json.dumps(fixed)}")
               if fixed is not None else None)
        shown = _shown(value) if isinstance(value, str) else json.dumps(value)
        yield Violation(f"boolean field holds {shown}, not true/false", pointer, fix)


NUMBER_KEYS = frozenset({"PeriodicalIF", "score", "relevance_score", "fwci", "impact_factor",
                         "impactFactor"})
"""Keys whose values are decimal numbers: the aggregator's impact factor, Crossref's and
OpenAlex's relevance scores, OpenAlex's field-weighted citation impact and concept, topic
and keyword scores."""
_DECIMAL_RE = regex.compile(r"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+")


def _float_noise(value: float) -> float | None:
    """The short decimal a float with binary noise stands for (`1.5000000000000002` ->
    `1.5`), or None when the float is as written."""
    if not math.isfinite(value):
        return None
    text = repr(value)
    digits = len(text.lstrip("-").replace(".", "").lstrip("0").split("e")[0])
    if digits < 15:
        return None
    for places in range(7):
        rounded = round(value, places)
        if rounded != value and abs(rounded - value) <= 1e-12 * max(1.0, abs(value)):
            return rounded
    return None


@rule("TYP007", "number-as-string", severity="warning", fix="safe", reads=MEMBERS)
def number_as_string(record: Record, ctx: Context) -> Iterator[Violation]:
    """A decimal-number field holds a string, or a float with binary noise.

    ## What it does
    Checks the keys that hold decimal numbers (`PeriodicalIF`, `score`,
    `relevance_score`, `fwci`, `impact_factor`) and reports a string that spells a number
    (`"1.5000"`, `"0.93"`), and a float carrying binary rounding noise from arithmetic or a
    lossy conversion (`1.5000000000000002`, `0.30000000000000004`). Integer fields are
    TYP001's; empty strings are TYP002's.

    ## Why is this bad?
    A number stored as text sorts as text and breaks arithmetic; trailing zeros
    (`"1.5000"`) suggest a precision the metric does not have. Noise digits make equal
    values compare unequal and show up in reports.

    ## Example
    ```json
    {"PeriodicalIF": "1.5000"}
    ```
    Use instead:
    ```json
    {"PeriodicalIF": 1.5}
    ```

    ## Fix
    Safe for a string: the number it spells replaces it (an integer when it has no decimal
    point or exponent). Unsafe for binary noise: the float is rounded to the shortest
    decimal (at most 6 places) within 10^-12 of it.
    """
    for where, key, value in _members(record):
        if key not in NUMBER_KEYS or value is None or isinstance(value, bool):
            continue
        pointer = child_pointer(where, key)
        if isinstance(value, str):
            text = value.strip()
            if not text or not _DECIMAL_RE.fullmatch(text) or len(text) > 40:
                continue
            number: float | int = (int(text) if text.lstrip("+-").isdigit()
                                   else float(text))
            if isinstance(number, float) and not math.isfinite(number):
                continue
            fix = Fix.replace(pointer, number, f"Write the number {number!r}")
            yield Violation(f"number stored as a string ({_shown(value)})", pointer, fix)
        elif isinstance(value, float):
            rounded = _float_noise(value)
            if rounded is not None:
                fix = Fix.replace(pointer, rounded, f"Round to {rounded!r}", unsafe=True)
                yield Violation(f"number {value!r} carries binary rounding noise", pointer,
                                fix)


MAX_SHAPES = 4096
"""TYP008's memory bound: key paths remembered per run (per profile)."""
def _kind(value: object) -> str | None:
    """The shape class TYP008 compares: an object, an array, or a scalar (string, number,
    boolean); None for values that say "absent" (null, empty or blank strings)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else "a scalar"


def _described(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    kind = _kind(value)
    return kind if kind is not None and kind != "a scalar" else "a number"


DATA_KEYED = frozenset({"abstract_inverted_index"})
"""Objects whose keys are data, not field names (OpenAlex's word -> positions index): TYP008
does not look inside them, or every word of every abstract would take a key path."""


def _shape_kind(payload: tuple[Any, ...]) -> Hashable:
    kind: str = payload[0]
    return kind


def _judge_shapes(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
                  ) -> Iterator[tuple[Entry, Violation]]:
    """One finding per other shape of a key path, at that shape's canonical record."""
    first = entries[0]
    pointer = key[1] if isinstance(key, tuple) else str(key)
    for entry in entries[1:]:  # one entry per shape (``keep``)
        yield entry, Violation(f"{pointer[1:]} is {entry.payload[1]} here but "
                               f"{first.payload[1]} in {first.where}", pointer)


@rule("TYP008", "shape-drift", severity="warning", scope="run", judge=_judge_shapes,
      keep=_shape_kind, max_keys=MAX_SHAPES * len(PROFILES), reads=MEMBERS)
def shape_drift(record: Record, ctx: Context) -> Iterator[Key]:
    """One key holds an object in some records of a run and a string or array in others.

    ## What it does
    Collects, for each key of the records of a run (top level and one level down), whether
    it holds an object, an array, or a scalar, and reports a record of the same shape where
    the key holds another of the three than in the key's canonical record: `openAccessPdf` as a URL
    string in one record and `{"url": ..., "status": ...}` in another. Records are compared
    only with records of the same profile, and records of the generic profile (unknown
    shapes) not at all. Null, empty and blank strings say "absent" and are not compared
    (TYP002 and TYP003 cover them); strings versus numbers are TYP001's and TYP007's.
    Each drift (a key and a second shape) is reported once per run: one dataset-level fact,
    not one finding per record. Which records are named depends on content, not position:
    of the records showing one shape of a key, the one whose record key sorts first stands
    for it, and the reference shape is that of the first of these. Memory is bounded: one
    record per key path and shape, at most 4,096 key paths per shape and run.

    ## Why is this bad?
    Code written against one record's shape crashes or silently skips the other
    (`pdf["url"]` on a string, `pdf.startswith` on an object). The drift shows that records
    from different sources or API versions were mixed without normalisation.

    ## Example
    Two records of one run:
    ```json
    {"paperId": "649def34f8be52c8b66281af98ae884c09aef38b",
     "openAccessPdf": {"url": "https://x.org/a.pdf", "status": "GREEN"}}
    {"paperId": "0f6a2b1f5b5d2e1e7c3f0c52f5c7e8a1d2b3c4d5",
     "openAccessPdf": "https://x.org/b.pdf"}
    ```
    Use instead: one shape for the key in every record.

    ## Fix
    None: which shape is right is the dataset's decision.
    """
    data = record.data
    if not record.profile.known_shape or not isinstance(data, dict):
        return  # records of unknown shapes are not comparable
    # The members of the record and of its nested objects, two levels deep, not inside
    # arrays (array items are positions, not keys); each member's key is the one kept for
    # its pointer and its value's type (see _ShapeKeys), built on the first such member.
    profile = record.profile.name  # the keys' own part (records compared within a profile)
    shapes = _SHAPE_KEYS.get(profile)
    if shapes is None or shapes.made >= _MAX_SHAPE_KEYS:
        shapes = _SHAPE_KEYS[profile] = _ShapeKeys(profile)
    top = shapes.top
    for key, value in data.items():
        keys = top.get(key)
        if keys is None:
            keys = shapes.add(top, key, "")
        kind = type(value)
        made = keys.get(kind)
        if made is not None:
            if kind is not str or value.strip():  # a blank string says "absent"
                yield made
        elif kind not in _PAYLOADS:  # not a parsed JSON value (a library caller's)
            payload = _payload(value)
            if payload is not None:
                yield Key((shapes.profile, keys.pointer), payload)
        if isinstance(value, dict) and key not in DATA_KEYED:
            outer = keys.pointer
            inside = shapes.nested.get(key)
            if inside is None:
                inside = shapes.nested[key] = {}
            for inner, item in value.items():
                keys = inside.get(inner)
                if keys is None:
                    keys = shapes.add(inside, inner, outer)
                kind = type(item)
                made = keys.get(kind)
                if made is not None:
                    if kind is not str or item.strip():
                        yield made
                elif kind not in _PAYLOADS:
                    payload = _payload(item)
                    if payload is not None:
                        yield Key((shapes.profile, keys.pointer), payload)


class _PointerKeys(dict[type, Key]):
    """TYP008's keys of one pointer, by the type of the value there: one ``Key`` per JSON
    type with a payload (none for null), shared by every record with such a value there
    (a ``Key`` is an immutable tuple)."""

    pointer: str


class _ShapeKeys:
    """TYP008's keys of one profile, kept for the run's records (bounded: see
    :data:`_MAX_SHAPE_KEYS`): the keys of the top-level members by key, and those of the
    members of nested objects by outer and inner key. Records of one source share their
    keys, so a record costs a lookup per member, not a pointer and a ``Key`` built."""

    def __init__(self, profile: str) -> None:
        self.profile = profile
        self.top: dict[str, _PointerKeys] = {}
        self.nested: dict[str, dict[str, _PointerKeys]] = {}
        self.made = 0

    def add(self, table: dict[str, _PointerKeys], key: str, where: str) -> _PointerKeys:
        pointer = child_pointer(where, key)
        keys = _PointerKeys({kind: Key((self.profile, pointer), payload)
                             for kind, payload in _PAYLOADS.items() if payload is not None})
        keys.pointer = pointer
        table[key] = keys
        self.made += 1
        return keys


_SHAPE_KEYS: dict[str, _ShapeKeys] = {}
_MAX_SHAPE_KEYS = 16_384
"""Pointers whose keys :class:`_ShapeKeys` keeps per profile before starting over (records
whose keys are data: ever new pointers)."""


def _payload(value: object) -> tuple[str, str] | None:
    """``(_kind(value), _described(value))``, None for a value saying "absent"."""
    if type(value) not in _PAYLOADS:
        kind = _kind(value)
        return None if kind is None else (kind, _described(value))
    payload = _PAYLOADS[type(value)]
    if payload is _STRING and isinstance(value, str) and not value.strip():
        return None  # a blank string says "absent"
    return payload


_STRING = ("a scalar", "a string")
_PAYLOADS: dict[type, tuple[str, str] | None] = {
    type(None): None, str: _STRING, bool: ("a scalar", "a boolean"),
    int: ("a scalar", "a number"), float: ("a scalar", "a number"),
    dict: ("an object", "an object"), list: ("an array", "an array")}
"""TYP008's payload, ``(_kind(value), _described(value))``, by the type of a parsed JSON value
(one shared tuple per type, no calls); values of other types (a library caller's) take the
two functions."""
