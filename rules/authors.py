"""AUTH: authors."""

from __future__ import annotations

import json
from collections.abc import Iterator

import regex

from biblint.model import Fix, Violation
from biblint.record import Record
from biblint.registry import Context, rule

# Delimiters between names when there is no `;`: `,` (with an Oxford `, and `), `&`, ` and `.
# The look-behind starts a try only at the start of a run of spaces: linear on long runs.
_COMMA_AND_RE = regex.compile(r"(?<!\s)(?:\s*+[,&]\s*+(?:and\s++)?|\s++and\s++)")
# Anything that separates names: a string holding one is never wrapped as a single name.
_DELIMITER_RE = regex.compile(r"[;,&|\n]|\sand\s")
# An initial: "J", "J.", "JK", "J.-P.", "Ch." is not one (lower-case letters).
_INITIALS_RE = regex.compile(r"(?:\p{Lu}\.?-?){1,3}+")


def _shown(value: str, limit: int = 40) -> str:
    """A value quoted for a message, cut to ``limit`` characters."""
    return json.dumps(value if len(value) <= limit else value[: limit - 1] + "…",
                      ensure_ascii=False)


def split_authors(value: str) -> list[str] | None:
    """The names of a delimited author string, or None when splitting is ambiguous.

    Splits on `;` when there is one, else on `,`, `&` and ` and `. Every name must have at least
    two words and none may be initials only: "Smith, J., Doe, K." (Family, Given pairs) and
    "Smith, John" (one name, inverted) are ambiguous.
    """
    parts = value.split(";") if ";" in value else _COMMA_AND_RE.split(value)
    names = [part.strip() for part in parts if part.strip()]
    if len(names) < 2:
        return None
    for name in names:
        words = name.split()
        if len(words) < 2 or all(_INITIALS_RE.fullmatch(w.rstrip(",")) for w in words):
            return None
    return names


@rule("AUTH001", "authors-flattened", severity="error", fix="unsafe")
def authors_flattened(record: Record, ctx: Context) -> Iterator[Violation]:
    """The authors field holds one string instead of a list of authors.

    ## What it does
    Reports a non-blank string in the canonical `authors` field, where the record's shape
    keeps a JSON array (one item per author): typically several names joined by `, ` or `;`,
    as in the seed record. Empty and whitespace-only strings are left to TYP002 and TYP003.

    ## Why is this bad?
    Author counts, first-author matching, deduplication and citation formatting all need
    the individual names. A joined string cannot be split back reliably: `"Smith, J., Doe,
    K."` is two inverted names, `"Hao Liang, Bin Zhao"` two direct ones, and tools guess
    differently (bibclean silently corrupted the seed's string; bibtexparser dropped the
    entry).

    ## Example
    ```json
    {"authors": "Hao Liang, Bin Zhao, Yuanyuan Ren, Peng Li, Xiangchen Dai"}
    ```
    Use instead:
    ```json
    {"authors": ["Hao Liang", "Bin Zhao", "Yuanyuan Ren", "Peng Li", "Xiangchen Dai"]}
    ```

    ## Fix
    Unsafe, and only when the split is unambiguous: on `;` when present, else on `,`, `&`
    and ` and `; every resulting name must have at least two words and none may be initials
    only. Otherwise the finding has no fix. A string with no delimiter is one name: the safe
    fix wraps it in a one-item list. A string holding a JSON array is decoded (safe).
    """
    found = record.field("authors")
    if found is None or not isinstance(found.value, str) or not found.value.strip():
        return
    value = found.value
    pointer = found.pointer
    decoded = _json_list(value)
    if decoded is not None:
        fix = Fix.replace(pointer, decoded, "Decode the JSON-encoded list")
        yield Violation(f"authors stored as JSON text ({_shown(value)})", pointer, fix)
        return
    if not _DELIMITER_RE.search(value):
        fix = Fix.replace(pointer, [value.strip()], "Wrap the name in a one-item list",
                          unsafe=False)
        yield Violation(f"authors is a string, not a list ({_shown(value)})", pointer, fix)
        return
    names = split_authors(value)
    if names is None:
        yield Violation(f"authors flattened into one string; the split is ambiguous "
                        f"({_shown(value)})", pointer)
        return
    fix = Fix.replace(pointer, names, f"Split into {len(names)} names", unsafe=True)
    yield Violation(f"authors flattened into one string of {len(names)} names "
                    f"({_shown(value)})", pointer, fix)


def _json_list(value: str) -> list[object] | None:
    """The list a string holds as JSON (`'["A B", "C D"]'`), else None."""
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        decoded = json.loads(text)
    except ValueError:
        return None
    return decoded if isinstance(decoded, list) else None
