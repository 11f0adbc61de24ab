"""IO: input that cannot be read as records.

These rules are reported by the readers, not checked on records: a file that cannot be read,
decoded or parsed is always a failing finding (exit 1), so they cannot be deselected.
"""

from __future__ import annotations

from collections.abc import Iterator

from biblint.model import Violation
from biblint.record import Record
from biblint.registry import Context, rule


@rule("IO001", "unreadable-file", severity="error", scope="input")
def unreadable_file(record: Record, ctx: Context) -> Iterator[Violation]:
    """A path could not be read (missing, a folder given as a file, no permission).

    ## What it does
    Reports a path that could not be opened or read.

    ## Why is this bad?
    A gate that skips what it cannot read shows a false green.

    ## Example
    `biblint check missing.json` reports `missing.json:1:1: IO001 cannot read file: No such
    file or directory`.

    ## Fix
    None: make the file readable, or stop passing it.
    """
    return iter(())


@rule("IO002", "invalid-encoding", severity="error", scope="input")
def invalid_encoding(record: Record, ctx: Context) -> Iterator[Violation]:
    """Bytes that are not valid UTF-8 (or not valid in the encoding their BOM declares).

    ## What it does
    Reports the first undecodable byte of a JSON file, or of each affected JSON Lines line,
    with its line and column. The other lines of a JSON Lines file are still checked.

    ## Why is this bad?
    JSON text is UTF-8 (RFC 8259 section 8.1); other tools will reject or mangle the file.

    ## Example
    A Latin-1 `é` (byte `0xe9`) inside a UTF-8 file.

    ## Fix
    None: re-encode the file from its real encoding.
    """
    return iter(())


@rule("IO003", "invalid-json", severity="error", scope="input")
def invalid_json(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text that does not parse as JSON: a syntax error, an empty file, excessive nesting.

    ## What it does
    Reports the position where parsing failed. In a JSON Lines file each bad line is reported
    and the other lines are still checked.

    ## Why is this bad?
    No consumer can read the record; a truncated dump often looks like this.

    ## Example
    `{"title": "A", "doi": }` -> `invalid JSON: Expecting value` at the `}`.

    ## Fix
    None: repair the file by hand. Files that fail to parse are never written by `--fix`.
    """
    return iter(())


@rule("IO004", "not-a-record", severity="error", scope="input")
def not_a_record(record: Record, ctx: Context) -> Iterator[Violation]:
    """A value where a record (a JSON object) belongs is a string, number, array or null.

    ## What it does
    Reports items of a record array, or JSON Lines lines, that are not objects.

    ## Why is this bad?
    Ingestion code expecting records will crash or silently drop the item.

    ## Example
    `[{"title": "A"}, "B"]`: the second item is a string.

    ## Fix
    None.
    """
    return iter(())


@rule("IO005", "non-finite-number", severity="error", scope="input")
def non_finite_number(record: Record, ctx: Context) -> Iterator[Violation]:
    """`NaN`, `Infinity` or `-Infinity` in a JSON text.

    ## What it does
    Reports the first non-finite literal of a record, at its position.

    ## Why is this bad?
    They are not JSON (RFC 8259 section 6); Python writes them by default, most other
    parsers reject the whole file.

    ## Example
    `{"PeriodicalIF": NaN}`.

    ## Fix
    None: write `null` for an unknown number.
    """
    return iter(())
