"""Real data nobody here wrote (../shared/corpus): lint it all, fix it all in memory.

Skipped cleanly in a clone without ../shared. Record counts are computed independently of the
reader (plain json.loads and the documented wrapper shapes) and compared file by file.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import biblint
from biblint import Applicability, Linter
from biblint.readers import read_bytes, walkable
from biblint.registry import default_registry

from .conftest import corpus_or_skip
from .test_fixer import assert_only_values_changed

pytestmark = pytest.mark.corpus

SUFFIXES = {".json", ".jsonl", ".ndjson", ".xml", ".nxml"}
TEXT_SUFFIXES = {".bib", ".ris", ".nbib", ".txt"}  # .txt: walked when it sniffs as one
IO_CODES = {r.code for r in default_registry() if r.scope == "input"}

# Input findings a corpus file is known to deserve (path relative to the corpus). Every other
# file must read without any.
JUSTIFIED_IO: dict[str, list[str]] = {
    # Invalid JSON on purpose upstream (bolognese's parser test), see SOURCES.md.
    "datacite-json/bolognese/datacite_software_missing_comma.json": ["IO003"],
    # A key written twice in one object (bolognese's test of exactly that; OpenAlex's API
    # response as saved by openalex-python repeats "cited_by_api_url").
    "datacite-json/bolognese/datacite_software_overlapping_keys.json": ["IO006"],
    "openalex-json/openalex-python/W-api-response.json": ["IO006"],
    # XML (issue 10): not well-formed upstream (SOURCES.md), and kinds of XML biblint does
    # not read (EndNote, OAI-PMH, dblp, RDF, Atom, ONIX), each reported as such.
    "other/bolognese-datacite-xml/datacite-example-relateditems.xml": ["IO008"],
    "other/fatcat/example_dblp_article.xml": ["IO008"],
    "other/fatcat/arxivraw_1810.09584.xml": ["IO009"],
    "other/fatcat/example_dblp.xml": ["IO009"],
    "other/fatcat/jalc_lod_sample.xml": ["IO009"],
    "other/pyzotero-zotero-api/citation_doc.xml": ["IO009"],
    "other/rcrossref-crossref-xml/cr_cn_xml_types__01.xml": ["IO009"],
    "other/rcrossref-crossref-xml/cr_cn_xml_types__05.xml": ["IO009"],
    "other/zotero-translators-endnote-xml/Endnote_XML_case01.xml": ["IO009"],
    "other/zotero-translators-endnote-xml/Endnote_XML_case02.xml": ["IO009"],
    "other/zotero-translators-endnote-xml/Endnote_XML_case03.xml": ["IO009"],
    # -- text formats --
    # GBK-encoded on purpose (bibtexparser's own encoding test).
    "bibtex/bibtexparser/gbk_test.bib": ["IO002"],
    # Fields repeated in one entry (title, file, keywords, Author-Email): BBT bug reports.
    "bibtex/zotero-better-bibtex-import/"
    "BBT_Zotfile_creating_duplicate_files_in_the_wrong_location_2300.bib": ["IO010"] * 4,
    "bibtex/zotero-better-bibtex-import/Options_to_use_default_import_process_1562.bib":
        ["IO010"],
    "bibtex/zotero-better-bibtex-import/"
    "Some_bibtex_entries_quietly_discarded_on_import_from_bib_file_873.bib": ["IO010"],
    # An entry without a key, and one with an empty field (", ,"): parser bug reports.
    "bibtex/zotero-better-bibtex-import/Endnote_should_parse.bib": ["IO010"],
    "bibtex/zotero-better-bibtex-import/Import_from_Clipboard_stopped_working_2377.bib":
        ["IO010"],
    # Tool-generated: a record whose TY is empty.
    "ris/asreview/baseline_reference_types.ris": ["RIS001"],
    # Ovid writes an NL tag and a link after each ER: tag lines outside any record.
    "ris/asreview/ovid_psycinfo.ris": ["RIS001"] * 6,
    # rispy's tests: text before the first record, and a Web of Science file named .ris.
    "ris/rispy/example_extraneous_data.ris": ["IO011"],
    "ris/rispy/example_wos.ris": ["IO011"],
}


@pytest.fixture(scope="module")
def corpus() -> Path:
    return corpus_or_skip()


@pytest.fixture(scope="module")
def report(corpus: Path) -> biblint.Report:
    return Linter().check_paths([corpus])


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(
        p for p in corpus.rglob("*")
        if (p.suffix.lower() in SUFFIXES or (p.suffix.lower() in TEXT_SUFFIXES
                                              and walkable(p)))
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )


def relative(corpus: Path, path: str | Path) -> str:
    return Path(path).relative_to(corpus).as_posix()


def expected_records(path: Path) -> int | None:
    """Records in a file by the documented rules, without biblint's reader (None: unreadable)."""
    if path.suffix.lower() in (".xml", ".nxml"):
        return xml_records(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return expected_text_records(path)
    text = path.read_bytes().decode("utf-8-sig")
    lines = [line for line in text.split("\n") if line.strip()]
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return len(lines)
    try:
        value = json.loads(text)
    except ValueError:
        try:
            return len([json.loads(line) for line in lines])  # JSON Lines named .json
        except ValueError:
            return None
    return len(list(unwrap(value)))


XML_RECORDS = {"PubmedArticle", "PubmedBookArticle", "DeleteCitation"}


def xml_records(path: Path) -> int | None:
    """Records of an XML file by the kinds' documented elements (lxml, not biblint's reader):
    PubMed articles, books and deletions, DataCite resources, JATS articles with front
    matter, Crossref doi_records holding a work; None when it is not well-formed."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError:
        return None
    name = etree.QName(root).localname
    if name not in ("PubmedArticleSet", "PubmedArticle", "PubmedBookArticle", "article",
                    "pmc-articleset", "crossref_result", "doi_records", "resource"):
        return 0
    if name == "resource":  # DataCite: one resource per file (Crossref has resource elements)
        return 1
    count = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        work = {"article": "{*}front", "doi_record": "{*}crossref/{*}*"}.get(local)
        if local in XML_RECORDS or (work is not None and element.find(work) is not None):
            count += 1
    return count


UNPARSED_ENTRIES = {
    # Entries that are IO010 findings, not records (see JUSTIFIED_IO).
    "Endnote_should_parse.bib": 1,
    "Import_from_Clipboard_stopped_working_2377.bib": 1,
}

_BIB_ENTRY = re.compile(r"^[ \t%]*@[ \t]*(?!string\b|comment\b|preamble\b)[A-Za-z]\w*[ \t]*[{(]",
                        re.MULTILINE | re.IGNORECASE)
_MEDLINE_TAG = re.compile(r"^[A-Z][A-Z0-9]{1,3} *- ", re.MULTILINE)


def expected_text_records(path: Path) -> int:
    """Entries of a BibTeX file (``@type{`` or ``@type(`` at a line start, also behind a
    ``%``, which BibTeX does not treat as a comment), RIS records (``TY`` lines), MEDLINE
    records (blocks of tag lines between blank lines)."""
    text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
    if path.suffix.lower() == ".bib":
        return len(_BIB_ENTRY.findall(text)) - UNPARSED_ENTRIES.get(path.name, 0)
    if re.search(r"^PMID- ", text, re.MULTILINE) or path.suffix.lower() == ".nbib":
        blocks = re.split(r"\n[ \t\r]*\n", text)
        return sum(1 for block in blocks if _MEDLINE_TAG.search(block))
    return len(re.findall(r"^TY {1,2}-", text, re.MULTILINE))


def unwrap(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        yield from value
        return
    if isinstance(value, dict):
        message = value.get("message")
        if isinstance(message, dict):
            if isinstance(message.get("items"), list):
                yield from message["items"]
                return
            if value.get("message-type") == "work" or "DOI" in message:
                yield message
                return
        items = value.get("items")
        if isinstance(items, list) and not {"DOI", "doi", "title"} & value.keys():
            yield from items  # a bare Crossref-style list
            return
        if isinstance(value.get("results"), list):
            yield from value["results"]
            return
        data = value.get("data")
        if isinstance(data, list):
            yield from data
            return
        if isinstance(data, dict) and "attributes" in data:
            yield data
            return
    yield value


def test_every_file_is_walked(corpus, report):
    walked = [relative(corpus, r.path) for r in report.files]
    assert sorted(walked) == sorted(relative(corpus, p) for p in corpus_files(corpus))
    assert len(walked) == len(set(walked))


def test_no_internal_errors(report):
    assert report.errors == []


def test_every_record_is_counted(corpus, report):
    wrong = []
    for result in report.files:
        expected = expected_records(Path(result.path))
        if expected is None:
            expected = 0
        if result.records != expected:
            wrong.append((relative(corpus, result.path), result.records, expected))
    assert wrong == []
    assert report.records > 2000


def test_input_findings_only_where_justified(corpus, report):
    got = {}
    for result in report.files:
        codes = [f.code for f in result.findings if f.code in IO_CODES]
        if codes:
            got[relative(corpus, result.path)] = codes
    assert got == JUSTIFIED_IO


def test_the_invalid_file_is_io003_with_its_position(corpus, report):
    (result,) = [r for r in report.files
                 if relative(corpus, r.path) == next(iter(JUSTIFIED_IO))]
    assert next(iter(JUSTIFIED_IO)).endswith("missing_comma.json")
    (finding,) = result.findings
    assert finding.code == "IO003"
    assert finding.line is not None and finding.column is not None
    assert result.records == 0


def test_findings_are_well_formed(report):
    for finding in report.findings:
        assert finding.line is not None and finding.line >= 1
        assert finding.column is not None and finding.column >= 1
        assert finding.record is not None or finding.code in IO_CODES
        assert len(finding.message) <= 200, (finding.code, finding.message[:80])


@pytest.mark.slow
def test_fix_every_file_in_memory(corpus):
    """Safe fixes on every file: the result reads back with the same records, nothing safe is
    left to fix, only the fixed values changed, and each record is what biblint.fix gives."""
    linter = Linter()
    problems: list[str] = []
    changed_files = 0
    for path in corpus_files(corpus):
        name = relative(corpus, path)
        data = path.read_bytes()
        new, result = linter.fix_bytes(data, str(path), unsafe=False)
        if result.errors:
            problems.append(f"{name}: errors {result.errors}")
            continue
        before = read_bytes(data, str(path))
        if not before.writable:
            if new != data:
                problems.append(f"{name}: a file that did not read was rewritten")
            continue
        after = read_bytes(new, str(path))
        if not after.writable or len(after.records) != len(before.records):
            problems.append(f"{name}: re-reads as {len(after.records)} records "
                            f"(was {len(before.records)}), problems {after.problems}")
            continue
        left = [(f.code, f.pointer) for f in result.findings
                if f.fix is not None and f.fix.applicability is Applicability.SAFE]
        if left:
            problems.append(f"{name}: safe fixes left {left[:5]}")
        if new == data:
            continue
        changed_files += 1
        if path.suffix.lower() in TEXT_SUFFIXES:
            from .test_textformats import assert_only_text_values_changed

            assert_only_text_values_changed(data, new, str(path))
            again, result = linter.fix_bytes(new, str(path))
            if again != new or result.fixed:
                problems.append(f"{name}: fixing twice changes more: {result.fixed[:3]}")
            continue
        assert_only_values_changed(data, new, str(path))
        for index, (old, fixed) in enumerate(zip(before.records, after.records, strict=True)):
            if old.data is not None and fixed.data != biblint.fix(old.data).record:
                problems.append(f"{name}: record {index} differs from biblint.fix")
        again, result = linter.fix_bytes(new, str(path))
        if again != new or result.fixed:
            problems.append(f"{name}: fixing twice changes more: {result.fixed[:3]}")
    assert problems == []
    assert changed_files > 0


def test_gzipped_copies_read_like_the_files(corpus, tmp_path):
    """A file of each format and source, gzipped by the test: the same findings at the same
    lines and columns as the plain file (JSON Lines inside gzip is streamed)."""
    chosen: dict[str, Path] = {}
    for path in corpus_files(corpus):
        source = "/".join(Path(relative(corpus, path)).parts[:2]) + path.suffix.lower()
        chosen.setdefault(source, path)
    assert len(chosen) > 20
    linter = Linter()
    for source, path in chosen.items():
        copy = tmp_path / (source.replace("/", "_") + ".gz")
        copy.write_bytes(gzip.compress(path.read_bytes()))
        plain, packed = linter.check_paths([path]), linter.check_paths([copy])
        assert packed.errors == [], source
        where = [(f.code, f.record, f.line, f.column, f.pointer) for f in plain.findings]
        assert where == [(f.code, f.record, f.line, f.column, f.pointer)
                         for f in packed.findings], source
        assert packed.records == plain.records, source


# -- the pinned results -------------------------------------------------------------------
# Findings per source (the corpus folder two levels deep, e.g. "crossref-json/fatcat") and
# per code, kept in tests/data/corpus-pin.json, so that a change in any rule's behaviour on
# real data shows up in review as a change of this file. After a deliberate change, rewrite
# it with `python -m tests.test_corpus` and read the diff.

PIN = Path(__file__).parent / "data" / "corpus-pin.json"


def corpus_counts(corpus: Path, report: biblint.Report) -> dict[str, Any]:
    sources: dict[str, dict[str, Any]] = {}
    for result in report.files:
        source = "/".join(Path(relative(corpus, result.path)).parts[:2])
        entry = sources.setdefault(source, {"files": 0, "records": 0, "findings": {}})
        entry["files"] += 1
        entry["records"] += result.records
        for finding in result.findings:
            entry["findings"][finding.code] = entry["findings"].get(finding.code, 0) + 1
    for entry in sources.values():
        entry["findings"] = dict(sorted(entry["findings"].items()))
    return dict(sorted(sources.items()))


def test_corpus_results_are_pinned(corpus, report):
    pinned = json.loads(PIN.read_text(encoding="utf-8"))
    now = corpus_counts(corpus, report)
    changes = []
    for source in sorted(pinned.keys() | now.keys()):
        old = pinned.get(source, {"files": 0, "records": 0, "findings": {}})
        new = now.get(source, {"files": 0, "records": 0, "findings": {}})
        for key in ("files", "records"):
            if old[key] != new[key]:
                changes.append(f"{source}: {key} {old[key]} -> {new[key]}")
        for code in sorted(old["findings"].keys() | new["findings"].keys()):
            before, after = old["findings"].get(code, 0), new["findings"].get(code, 0)
            if before != after:
                changes.append(f"{source}: {code} {before} -> {after}")
    assert not changes, ("corpus results changed (if deliberate, run "
                         "`python -m tests.test_corpus` and review the diff):\n  "
                         + "\n  ".join(changes))


if __name__ == "__main__":
    from .conftest import CORPUS

    counts = corpus_counts(CORPUS, Linter().check_paths([CORPUS]))
    PIN.write_text(json.dumps(counts, indent=1) + "\n", encoding="utf-8")
    total = sum(sum(e["findings"].values()) for e in counts.values())
    print(f"{PIN}: {len(counts)} sources, {total} findings")
