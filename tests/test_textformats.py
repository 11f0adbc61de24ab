"""BibTeX, RIS, MEDLINE text and gzip: reading, positions, sniffing, walking, and fixes that
change only the fixed values' bytes."""

from __future__ import annotations

import gzip
import json
import stat
from pathlib import Path

import pytest

import biblint
from biblint import Config, Linter
from biblint.readers import open_path, read_bytes, sniff, walkable
from biblint.readers.bibtex import BibtexDocument
from biblint.readers.gz import GzipLinesStream
from biblint.readers.ris import RisDocument

from .conftest import FIXTURES, SEED

SEED_BIB = FIXTURES / "seed" / "seed-record.bib"
SEED_RIS = FIXTURES / "seed" / "seed-record.ris"

CARRIED = {
    # The seed's defects that each format can hold. Not carried: the aggregator's own keys
    # (DOIUrl, url/ListUrlMain, journal metrics, resultStr, Score, paperid, EPubDate,
    # PubModel, openAccessPdf, citationCount), its publication types (PT001, PT002, TYP005:
    # neither format has a publication-type list), and the whitespace-only volume (TYP003:
    # BibTeX and RIS read a blank value as empty).
    "bibtex": {"TTL001", "AUTH001", "ABS001", "ABS002", "ABS003", "ABS004", "PAGE003"},
    "ris": {"TTL001", "AUTH001", "ABS001", "ABS002", "ABS003", "ABS004", "PAGE003"},
}


def codes(path: Path) -> set[str]:
    return {f.code for f in Linter(Config()).check_paths([path]).findings}


@pytest.mark.parametrize(("fmt", "path"), [("bibtex", SEED_BIB), ("ris", SEED_RIS)])
def test_seed_versions_get_the_seed_findings_the_format_can_carry(fmt, path):
    json_codes = codes(SEED)
    assert CARRIED[fmt] <= json_codes  # the table names real findings of the JSON seed
    assert codes(path) == CARRIED[fmt]


def _field_lines(text: str, keys: tuple[str, ...]) -> list[str]:
    """The lines that belong to no field in ``keys`` (a field is one line in the seeds)."""
    return [line for line in text.split("\n") if not line.lstrip().startswith(keys)]


@pytest.mark.parametrize(("path", "fixed_keys"), [
    (SEED_BIB, ("title", "author", "pages", "abstract", "eid")),
    (SEED_RIS, ("TI  -", "AU  -", "SP  -", "AB  -", "C7  -")),
])
def test_fix_of_the_seed_versions_leaves_the_rest_byte_identical(tmp_path, path, fixed_keys):
    copy = tmp_path / path.name
    original = path.read_bytes()
    copy.write_bytes(original)
    copy.chmod(0o640)
    report = Linter().check_paths([copy], fix=True, unsafe=True)
    assert report.errors == []
    new = copy.read_bytes()
    assert new != original
    assert {f.code for f in report.files[0].fixed} >= {"TTL001", "AUTH001", "ABS001"}
    old_text, new_text = original.decode(), new.decode()
    assert _field_lines(old_text, fixed_keys) == _field_lines(new_text, fixed_keys)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o640
    again = Linter().check_paths([copy], fix=True, unsafe=True)
    assert copy.read_bytes() == new  # idempotent
    assert {f.code for f in again.findings} <= {"DUP001"}
    record = read_bytes(new, str(copy)).records[0].data
    assert isinstance(record, dict)
    authors = record.get("author", record.get("AU"))
    assert authors == ["Hao Liang", "Bin Zhao", "Yuanyuan Ren", "Peng Li", "Xiangchen Dai"]


TEX_BIB = r"""% a comment that stays
@string{jet = "Journal of Endovascular Therapy"}
@Article{Godel1931,
  author    = {G{\"o}del, Kurt and M\"uller, J. and others},
  title     = "{\"U}ber formal unentscheidbare S{\"a}tze der {P}rincipia {M}athematica.",
  journal   = jet # { (Berlin)},
  year      = 1931,
  month     = jan,
  pages     = {173--98},
  doi       = {10.1007/BF01700692},
}
"""


def test_bibtex_record_is_decoded_text():
    document = read_bytes(TEX_BIB.encode(), "x.bib")
    assert isinstance(document, BibtexDocument)
    assert document.problems == []
    (raw,) = document.records
    assert raw.profile == "bibtex"
    assert raw.data == {
        "ENTRYTYPE": "article", "ID": "Godel1931",
        "author": ["Gödel, Kurt", "Müller, J."],
        "title": "Über formal unentscheidbare Sätze der Principia Mathematica.",
        "journal": "Journal of Endovascular Therapy (Berlin)", "year": "1931",
        "month": "January", "pages": "173-98", "doi": "10.1007/BF01700692"}


def test_bibtex_positions_are_fields_and_names():
    document = read_bytes(TEX_BIB.encode(), "x.bib")
    assert document.locate(0, "") == (3, 1)
    assert document.locate(0, "/title") == (5, 3)
    assert document.locate(0, "/author/1") == (4, 36)  # the M of M\\"uller
    assert document.locate(0, "/nothing") == (3, 1)


def test_bibtex_fix_edits_only_the_changed_characters():
    new, result = Linter().fix_bytes(TEX_BIB.encode(), "x.bib")
    assert result.errors == []
    assert {f.code for f in result.fixed} == {"TTL001", "PAGE002"}
    expected = TEX_BIB.replace("athematica.\"", "athematica\"").replace(
        "{173--98}", "{173--198}")
    assert new.decode() == expected


def test_bibtex_fix_through_a_macro_is_refused_not_guessed():
    text = "@string{t = \"A title.\"}\n@misc{k, title = t}\n"
    new, result = Linter(Config(select=("TTL001",))).fix_bytes(text.encode(), "m.bib")
    assert new == text.encode()
    assert any("macro" in error for error in result.errors)


def test_bibtex_file_with_a_failed_block_is_reported_and_never_written(tmp_path):
    path = tmp_path / "bad.bib"
    data = b"@article{a, title = {A title.}}\n\n@article{b title = {B}}\n"
    path.write_bytes(data)
    report = Linter().check_paths([path], fix=True)
    assert path.read_bytes() == data
    found = {(f.code, f.line) for f in report.findings}
    assert ("IO010", 3) in found and ("TTL001", 1) in found
    assert report.files[0].records == 1


def test_bibtex_not_utf8_is_io002_and_still_read():
    document = read_bytes("@misc{k, title = {Caf\xe9.}}\n".encode("latin-1"), "l.bib")
    assert [p.code for p in document.problems] == ["IO002"]
    assert not document.writable
    assert len(document.records) == 1


RIS_TEXT = """TY  - JOUR
AU  - Smith, John
AU  - Doe, Jane
TI  - A title.
T2  - Journal
SP  - 123–45
DO  - https://doi.org/10.1000/xyz
KW  - one
ER  -

TY  - BOOK
TI  - A book
with a second line
ER  -
"""


def test_ris_records_lists_and_continuations():
    document = read_bytes(RIS_TEXT.encode(), "r.ris")
    assert isinstance(document, RisDocument)
    assert document.problems == []
    first, second = (r.data for r in document.records)
    assert first == {"TY": "JOUR", "AU": ["Smith, John", "Doe, Jane"], "TI": "A title.",
                     "T2": "Journal", "SP": "123–45", "DO": "https://doi.org/10.1000/xyz",
                     "KW": ["one"]}
    assert second == {"TY": "BOOK", "TI": "A book with a second line"}
    assert document.locate(0, "/AU/1") == (3, 7)
    assert document.locate(1, "/TI") == (12, 7)


def test_ris_fix_edits_only_the_changed_bytes():
    new, result = Linter().fix_bytes(RIS_TEXT.encode(), "r.ris")
    assert result.errors == []
    assert {f.code for f in result.fixed} >= {"TTL001", "DOI003", "PAGE004"}
    old_lines, new_lines = RIS_TEXT.split("\n"), new.decode().split("\n")
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [("TI  - A title.", "TI  - A title"),
                       ("SP  - 123–45", "SP  - 123-145"),
                       ("DO  - https://doi.org/10.1000/xyz", "DO  - 10.1000/xyz")]


def test_ris_missing_er_is_reported_but_the_file_is_still_fixed():
    text = "TY  - JOUR\nTI  - A title.\n"
    new, result = Linter().fix_bytes(text.encode(), "r.ris")
    assert new == b"TY  - JOUR\nTI  - A title\n"
    assert {f.code for f in result.findings} == {"RIS002", "AUTH008"}


MEDLINE_TEXT = """PMID- 12345678
OWN - NLM
TI  - Application of Wharton's Jelly Mesenchymal Stem Cells in Critical Limb
      Ischemia.
PG  - 1199-205
LID - 10.1177/15266028251361770 [doi]
AB  - Peripheral artery disease.
FAU - Liang, Hao
AU  - Liang H
FAU - Zhao, Bin
AU  - Zhao B
PT  - Journal Article
PT  - Review
IS  - 1526-6028 (Electronic)
AID - 10.1177/15266028251361770 [doi]
AID - S0000 [pii]

PMID- 2
TI  - Second.
"""


def test_medline_records_and_positions():
    document = read_bytes(MEDLINE_TEXT.encode(), "p.txt")  # recognised by content
    assert document.problems == []
    first, second = (r.data for r in document.records)
    assert document.records[0].profile == "medline"
    assert first["TI"] == ("Application of Wharton's Jelly Mesenchymal Stem Cells in Critical "
                           "Limb Ischemia.")
    assert first["FAU"] == ["Liang, Hao", "Zhao, Bin"]
    assert first["LID"] == {"doi": "10.1177/15266028251361770"}
    assert first["AID"] == {"doi": "10.1177/15266028251361770", "pii": "S0000"}
    assert first["IS"] == {"Electronic": "1526-6028"}
    assert second == {"PMID": "2", "TI": "Second."}
    assert document.locate(0, "/FAU/1") == (10, 7)
    assert document.locate(1, "/TI") == (19, 7)
    # Elided pages are MEDLINE's own convention: not reported; never rewritten.
    report = Linter().check_bytes(MEDLINE_TEXT.encode(), "p.nbib")
    assert "PAGE002" not in {f.code for f in report.findings}
    new, _ = Linter().fix_bytes(MEDLINE_TEXT.encode(), "p.nbib")
    assert new == MEDLINE_TEXT.encode()


@pytest.mark.parametrize(("head", "expected"), [
    (b"@article{a,", "bibtex"),
    (b"\xef\xbb\xbf% comment\n@book{b,", "bibtex"),
    (b"\nTY  - JOUR\n", "ris"),
    (b"1.\nTY  - JOUR\n", "ris"),
    (b"PMID- 1\nTI  - x\n", "medline"),
    (b"  <?xml version='1.0'?><x/>", "xml"),
    (b'{"a": 1}', None),
    (b'[{"TY": "x"}]', None),
    (b"\x1f\x8b\x08", "gzip"),
    (b"hello world", None),
])
def test_sniff(head, expected):
    assert sniff(head) == expected


def test_content_wins_over_a_json_name():
    document = read_bytes(b"@misc{k, title = {A}}\n", "refs.json")
    assert isinstance(document, BibtexDocument)


def test_walk_reads_text_formats_and_skips_other_txt(tmp_path):
    (tmp_path / "a.bib").write_text("@misc{k, title = {A}}\n")
    (tmp_path / "b.ris").write_text("TY  - JOUR\nTI  - B\nER  - \n")
    (tmp_path / "c.nbib").write_text("PMID- 1\nTI  - C\n")
    (tmp_path / "d.txt").write_text("PMID- 2\nTI  - D\n")
    (tmp_path / "README.txt").write_text("Not bibliographic.\n")
    (tmp_path / "e.jsonl.gz").write_bytes(gzip.compress(b'{"title": "E"}\n'))
    (tmp_path / "f.tar.gz").write_bytes(gzip.compress(b"tar"))
    report = Linter().check_paths([tmp_path])
    names = sorted(Path(r.path).name for r in report.files)
    assert names == ["a.bib", "b.ris", "c.nbib", "d.txt", "e.jsonl.gz"]
    assert report.records == 5
    assert not walkable(tmp_path / "README.txt") and walkable(tmp_path / "d.txt")


def _seed_lines(count: int) -> bytes:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    return "".join(json.dumps(dict(seed, doi=f"10.1177/{i}")) + "\n"
                   for i in range(count)).encode()


def test_gzip_json_lines_is_streamed_with_positions(tmp_path):
    plain = tmp_path / "s.jsonl"
    plain.write_bytes(_seed_lines(3) + b"{broken\n")
    packed = tmp_path / "s.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert isinstance(open_path(packed, str(packed)), GzipLinesStream)
    a, b = Linter().check_paths([plain]), Linter().check_paths([packed])
    where = [(f.code, f.record, f.line, f.column, f.pointer) for f in a.findings]
    assert where == [(f.code, f.record, f.line, f.column, f.pointer) for f in b.findings]
    assert ("IO003", 3, 4) in {(f.code, f.record, f.line) for f in b.findings}


@pytest.mark.parametrize("name", ["seed-record.json", "seed-record.bib", "seed-record.ris"])
def test_gzip_of_any_format_reads_like_the_plain_file(tmp_path, name):
    source = FIXTURES / "seed" / name
    packed = tmp_path / (name + ".gz")
    packed.write_bytes(gzip.compress(source.read_bytes()))
    plain = Linter().check_paths([source]).findings
    inside = Linter().check_paths([packed]).findings
    assert [(f.code, f.line, f.column) for f in plain] == [
        (f.code, f.line, f.column) for f in inside]


def test_fix_of_a_gzip_file_is_refused_with_a_clear_message(tmp_path):
    packed = tmp_path / "seed.json.gz"
    data = gzip.compress(SEED.read_bytes())
    packed.write_bytes(data)
    report = Linter().check_paths([packed], fix=True)
    assert packed.read_bytes() == data
    assert any("compressed files are not rewritten" in e for e in report.errors)
    assert report.findings  # still reported


@pytest.mark.parametrize(("data", "message"), [
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff\xff", "not a valid gzip"),
    (gzip.compress(b'{"a": 1}\n' * 100)[:-12], "truncated"),
    (gzip.compress(gzip.compress(b"{}")), "compressed twice"),
])
def test_bad_gzip_is_io013(data, message):
    result = Linter().check_bytes(data, "x.json.gz")
    assert [f.code for f in result.findings] == ["IO013"]
    assert message in result.findings[0].message


def test_gzip_bomb_stops_at_the_limit():
    from biblint.readers.gz import inflate

    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    raw, error = inflate(bomb, limit=1024 * 1024)
    assert raw is None and error is not None and "more than 1 MiB" in error


def test_library_lint_of_a_bibtex_dict_detects_the_profile():
    record = {"ENTRYTYPE": "article", "ID": "k", "title": "A title.", "year": "2020"}
    found = {f.code for f in biblint.lint(record)}
    assert "TTL001" in found and "TYP001" not in found


def assert_only_text_values_changed(old: bytes, new: bytes, name: str) -> None:
    """Every line that a fix of a BibTeX or RIS file changed (per difflib) belongs to a
    field or tag whose value changed, and the records read back one for one."""
    import difflib

    before, after = read_bytes(old, name), read_bytes(new, name)
    assert isinstance(before, (BibtexDocument, RisDocument)), type(before)
    assert before.writable and after.writable
    assert len(before.records) == len(after.records)
    allowed: set[int] = set()  # 0-based old line numbers that may change
    for index, (a, b) in enumerate(zip(before.records, after.records, strict=True)):
        assert isinstance(a.data, dict) and isinstance(b.data, dict)
        keys = {k for k in a.data.keys() | b.data.keys() if a.data.get(k) != b.data.get(k)}
        if not keys:
            continue
        if isinstance(before, BibtexDocument):
            fields = before.fields[index]
            last = list(fields.values())[-1][0] if fields else None
            for key in keys:
                item = fields[key][0] if key in fields else last
                assert item is not None
                first = before.text.count("\n", 0, item.key_start)
                allowed.update(range(first, before.text.count("\n", 0, item.end) + 1))
                if key not in b.data:  # a removed field takes the separator before it
                    allowed.add(first - 1)
        else:
            tags = before.tags[index]
            for key in keys:
                for place in tags.get(key, []):
                    first = before.text.count("\n", 0, place.line)
                    allowed.update(range(first, before.text.count("\n", 0, place.end) + 1))
    old_lines = before.text.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, after.text.split("\n"), autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            assert set(range(i1, i2)) <= allowed, (name, tag, old_lines[i1:i2][:3])
