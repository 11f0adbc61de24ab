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
    Reports items of a record array, or JSON Lines lines, that are not objects; and a `.json`
    file named on the command line that holds no bibliographic record at all (a JSON Schema,
    a package manifest, editor settings), which is then not checked further. (A folder walk,
    or `--force-exclude`, skips such files and counts them in the summary instead.)

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
    """`NaN`, `Infinity` or `-Infinity` in a JSON text, or a number no reader can hold.

    ## What it does
    Reports the first such number of a record, at its position: the literals `NaN`,
    `Infinity` and `-Infinity`; a number too large for a 64-bit float (`1e999`, which
    readers turn into Infinity); an integer of more digits than readers accept (Python
    refuses more than 4300). The record is not checked further.

    ## Why is this bad?
    The literals are not JSON (RFC 8259 section 6): Python writes them by default, most
    other parsers reject the whole file. An overflowing number reads as Infinity in one
    language and fails in another; either way the value written is not the value read.

    ## Example
    `{"PeriodicalIF": NaN}`, `{"PeriodicalIF": 1e999}`.

    ## Fix
    None: write `null` for an unknown number.
    """
    return iter(())


@rule("IO006", "duplicate-key", severity="error", scope="input")
def duplicate_key(record: Record, ctx: Context) -> Iterator[Violation]:
    """One JSON object holds the same key twice.

    ## What it does
    Reports each key that appears more than once in one object, at the position of the
    object's member. The record is still checked, with the value Python's parser keeps (the
    last), but a file with a repeated key is never rewritten by `--fix`.

    ## Why is this bad?
    RFC 8259 (section 4) leaves the meaning of repeated names to each parser: Python and
    JavaScript keep the last value, others keep the first or reject the object. One of the
    values is silently lost, and which one depends on the reader: two consumers of the same
    file see two different records.

    ## Example
    `{"id": "10.5063/f1m61h5x", "id": "https://doi.org/10.5063/f1m61h5x"}`.

    ## Fix
    None: which value is right needs a person (or the source).
    """
    return iter(())


@rule("IO007", "unsafe-xml", severity="error", scope="input")
def unsafe_xml(record: Record, ctx: Context) -> Iterator[Violation]:
    """An XML file whose DOCTYPE declares entities: refused unread.

    ## What it does
    Reports an XML file whose document type declaration has an internal subset declaring
    an entity (`<!ENTITY ...>`), before the parser sees the document, and a prolog too long
    to vet. Nothing is expanded and no DTD or external entity is fetched: XML is parsed
    without entity expansion, DTD loading, network access or lxml's huge-tree mode.

    ## Why is this bad?
    Bibliographic XML (PubMed, JATS, Crossref, DataCite) never declares its own entities.
    A file that does has the shape of an attack: an external entity (XXE) reads local files
    or URLs into the data, and nested entities (billion laughs) expand a few hundred bytes
    into gigabytes of memory.

    ## Example
    ```xml
    <!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
    <PubmedArticleSet><PubmedArticle>&xxe;</PubmedArticle></PubmedArticleSet>
    ```

    ## Fix
    None: get the data from its source again.
    """
    return iter(())


@rule("IO008", "invalid-xml", severity="error", scope="input")
def invalid_xml(record: Record, ctx: Context) -> Iterator[Violation]:
    """XML that is not well-formed (a mismatched tag, an undeclared entity, a truncated file).

    ## What it does
    Reports the parser's message at its line and column. The records before the error are
    still checked; the rest of the file cannot be read.

    ## Why is this bad?
    No XML consumer reads the file: a truncated download of a MEDLINE file, an HTML entity
    such as `&ouml;` with no DTD to declare it, or a hand edit that broke the nesting.

    ## Example
    `<volume>12</issue>` -> `XML is not well-formed: Opening and ending tag mismatch`.

    ## Fix
    None: repair the file by hand. XML files are never written by `--fix`.
    """
    return iter(())


@rule("IO009", "xml-not-read", severity="error", scope="input")
def xml_not_read(record: Record, ctx: Context) -> Iterator[Violation]:
    """An XML file holding no records biblint reads: another kind of XML, an HTML page, or
    an empty PubMed set.

    ## What it does
    Reports an XML document whose root element is not one of the kinds biblint reads
    (PubMed/MEDLINE `PubmedArticleSet`, JATS `article`, Crossref `crossref_result`,
    `doi_records` and `doi_batch`, DataCite `resource`), naming its root and, when known, what
    it is (EndNote XML, OAI-PMH, RDF, dblp, MARC, MODS); an HTML page saved as `.xml`; and a
    document of a known kind with no records in it (an empty `PubmedArticleSet`, a Crossref
    query that resolved nothing).

    ## Why is this bad?
    A gate that passes a file it did not read shows a false green: the file is reported so
    it is either converted to a format biblint reads or excluded on purpose.

    ## Example
    `<xml><records><record>...` (an EndNote export) -> `an EndNote XML export (<xml>
    root): not a kind of XML biblint reads`.

    ## Fix
    None: export the data as PubMed, JATS, Crossref or DataCite XML, BibTeX, RIS or JSON, or
    exclude the file in the configuration.
    """
    return iter(())


# -- text formats and compressed files (issue 10, text half) ------------------------------


@rule("IO010", "invalid-bibtex", severity="error", scope="input")
def invalid_bibtex(record: Record, ctx: Context) -> Iterator[Violation]:
    """A BibTeX block that does not parse, or an entry that repeats a field.

    ## What it does
    Reports each block bibtexparser cannot parse (a missing comma after the key, a field
    without `=`...) at the block's line, and each field name repeated within one entry at
    the repeat's line. The other entries are still checked; an entry with a repeated field
    is checked with its first value.

    ## Why is this bad?
    BibTeX and biber skip a block they cannot parse, so the work is missing from every
    bibliography built from the file; for a repeated field BibTeX keeps the first value and
    other tools the last, so two tools print two different references.

    ## Example
    `@article{key title = {A}}`: no comma after the key.

    ## Fix
    None: repair the entry by hand. A file with this finding is never written by `--fix`.
    """
    return iter(())


@rule("IO011", "invalid-ris", severity="error", scope="input")
def invalid_ris(record: Record, ctx: Context) -> Iterator[Violation]:
    """Text in a RIS file that is neither a tag line nor the continuation of one.

    ## What it does
    Reports the first line outside any record that is not a `TAG  - value` line (a
    header, an export banner), and a file recognised as RIS that holds no record; a Web of
    Science tagged export saved as `.ris` is named as such.

    ## Why is this bad?
    RIS readers drop such text, or fail on it: whatever it held is lost on import.

    ## Example
    `Exported from MyLibrary on 2020-01-01` above the first `TY  - JOUR`.

    ## Fix
    None. A file with this finding is never written by `--fix`.
    """
    return iter(())


@rule("IO012", "invalid-medline", severity="error", scope="input")
def invalid_medline(record: Record, ctx: Context) -> Iterator[Violation]:
    """A line of a MEDLINE (`.nbib`) file that is neither a tag line nor a continuation.

    ## What it does
    Reports lines that do not have the form `TAG - value` (a tag of up to four letters,
    padded to four) and are not indented by six spaces to continue the previous value.

    ## Why is this bad?
    Reference managers importing `.nbib` drop or misfile the line's content.

    ## Example
    `Title: Some title` inside a record.

    ## Fix
    None: MEDLINE files are regenerated from PubMed, not edited.
    """
    return iter(())


@rule("IO013", "invalid-gzip", severity="error", scope="input")
def invalid_gzip(record: Record, ctx: Context) -> Iterator[Violation]:
    """A `.gz` file that does not decompress, or decompresses to more than can be read.

    ## What it does
    Reports a corrupt or truncated gzip stream (where it fails, as a line of the
    decompressed text), gzip inside gzip, and a file that is not JSON Lines and inflates
    to more than 512 MiB (a gzip bomb, or a dump too large to read in memory: JSON Lines
    inside gzip is streamed whatever its size).

    ## Why is this bad?
    A truncated download or an interrupted `gzip` leaves a file that looks fine by name:
    its records from the break on are lost.

    ## Example
    `snapshot.jsonl.gz` cut off at 1 GB by a failed transfer.

    ## Fix
    None. `--fix` never rewrites compressed files (it says so when there is something to
    fix): decompress, fix, and compress again.
    """
    return iter(())
