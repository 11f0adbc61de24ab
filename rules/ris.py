"""RIS: what only RIS records can get wrong.

The shared rules read RIS through its profile (titles, DOIs, pages, authors); these rules
check the format: the ``TY`` line that opens a record and the ``ER`` line that closes it
(reported by the reader, :mod:`biblint.readers.ris`, which sees the lines), and tags outside
the RIS specification. They apply to records whose profile declares ``ris-tags``.
"""

from __future__ import annotations

from collections.abc import Iterator

from biblint.model import Violation
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, Context, rule

RIS = Convention.RIS_TAGS

KNOWN_TAGS = frozenset({
    "TY", "A1", "A2", "A3", "A4", "AB", "AD", "AN", "AU", "AV", "BT", "C1", "C2", "C3", "C4",
    "C5", "C6", "C7", "C8", "CA", "CN", "CP", "CT", "CY", "DA", "DB", "DI", "DO", "DP", "ED",
    "EP", "ER", "ET", "H1", "H2", "ID", "IS", "J1", "J2", "JA", "JF", "JO", "KW", "L1", "L2",
    "L3", "L4", "LA", "LB", "LK", "M1", "M2", "M3", "N1", "N2", "NV", "OP", "PB", "PP", "PY",
    "RI", "RN", "RP", "SE", "SN", "SP", "ST", "T1", "T2", "T3", "TA", "TI", "TT", "U1", "U2",
    "U3", "U4", "U5", "UR", "VL", "VO", "Y1", "Y2",
})
"""The tags of the RIS specification (Research Information Systems, 2011 revision, with
the tags of the 1990s version it keeps readable: ``A1``, ``Y1``, ``JF``, ``N2``...)."""


@rule("RIS001", "ris-missing-ty", severity="error", scope="input")
def missing_ty(record: Record, ctx: Context) -> Iterator[Violation]:
    """A RIS record does not start with a `TY` line, or tag lines sit outside any record.

    ## What it does
    Reported by the RIS reader: a record closed by `ER` whose first tag is not `TY`, and
    tag lines after an `ER` that no `TY` opens and no `ER` closes (Ovid writes its `NL`
    tag and a link after the `ER`). The records are still checked.

    ## Why is this bad?
    `TY` opens a record and says its type: readers skip a record without it, or merge it
    into the record before, and drop lines outside records without a word.

    ## Example
    ```
    AU  - Smith, J.
    TI  - A title
    ER  -
    ```

    ## Fix
    None: which type the record has needs the source.
    """
    return iter(())


@rule("RIS002", "ris-missing-er", severity="error", scope="input")
def missing_er(record: Record, ctx: Context) -> Iterator[Violation]:
    """A RIS record is not closed by an `ER` line.

    ## What it does
    Reported by the RIS reader: a record followed by the next `TY` or by the end of the
    file with no `ER  -` line between. The record is still checked.

    ## Why is this bad?
    `ER` closes a record: rispy and EndNote drop a final record without it, and others
    merge it with the next one, so a work silently disappears from an import.

    ## Example
    ```
    TY  - JOUR
    TI  - A title
    TY  - JOUR
    TI  - Another title
    ER  -
    ```

    ## Fix
    None reported as a fix; add `ER  -` after the record's last tag.
    """
    return iter(())


@rule("RIS003", "ris-unknown-tag", severity="warning", reads=RECORD)
def unknown_tag(record: Record, ctx: Context) -> Iterator[Violation]:
    """A RIS record holds a tag that the RIS specification does not define.

    ## What it does
    Reports every tag of a RIS record outside the specification's set (`TY`, `AU`, `TI`,
    `T2`, `PY`, `DO`...; the older `A1`, `Y1`, `JF`, `N2` included), once per tag.

    ## Why is this bad?
    Importers drop unknown tags or keep them as notes: the value is lost in the next tool.
    Many are typos or another format's tags (Web of Science's `PT`, `SO`; MEDLINE's
    `PMID`), a sign the file was assembled by hand or converted badly.

    ## Example
    ```
    TY  - JOUR
    SO  - Nature
    ER  -
    ```

    ## Fix
    None: what the tag meant needs a person (`SO` would be `T2` or `JO`).
    """
    data = record.data
    if RIS not in record.profile.conventions or not isinstance(data, dict):
        return
    for tag in data:
        if tag not in KNOWN_TAGS:
            yield Violation(f"unknown RIS tag {tag}", f"/{tag}")
