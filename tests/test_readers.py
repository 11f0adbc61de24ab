"""The JSON / JSON Lines reader: shapes, sniffing, encodings, positions and bad input.

Tested through the library: :meth:`biblint.Linter.check_bytes` / ``check_paths`` and the
reader functions in :mod:`biblint.readers`. Rules other than XREF001 are being written in
parallel, so tests that look at findings select XREF001 (or the input rules, which always run).
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

import biblint
from biblint import Config, Linter
from biblint.readers import READERS, read_bytes, read_path
from biblint.readers.jsonfile import JsonDocument
from biblint.registry import default_registry

from .conftest import SEED

IO_CODES = {r.code for r in default_registry() if r.scope == "input"}

# A record in the aggregator shape (two of its marker keys) with one XREF001 defect: DOIUrl
# null beside a DOI. Its only null is the DOIUrl.
REC = {"title": "A title", "doi": "10.1177/15266028251361770", "DOIUrl": None,
       "PeriodicalName": "J"}


@pytest.fixture(scope="module")
def xref() -> Linter:
    """Only XREF001 (and the input rules, which cannot be deselected)."""
    return Linter(Config(select=("XREF001",)))


def position_of(text: str, needle: str, after: str = "") -> tuple[int, int]:
    """1-based line and column of ``needle`` in ``text`` (searching after ``after``)."""
    offset = text.index(needle, text.index(after) + len(after) if after else 0)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def codes(result: biblint.FileResult) -> list[str]:
    return [f.code for f in result.findings]


def io_findings(result: biblint.FileResult) -> list[biblint.Finding]:
    return [f for f in result.findings if f.code in IO_CODES]


# -- shapes and wrappers ----------------------------------------------------------------


SHAPES = {
    "one-record": (REC, [""]),
    "array": ([REC, REC, REC], ["/0", "/1", "/2"]),
    "empty-array": ([], []),
    "crossref-list": (
        {"status": "ok", "message-type": "work-list",
         "message": {"total-results": 2, "items": [{"DOI": "10.1/a"}, {"DOI": "10.1/b"}]}},
        ["/message/items/0", "/message/items/1"],
    ),
    "crossref-work": (
        {"status": "ok", "message-type": "work", "message": {"DOI": "10.1/a", "title": ["T"]}},
        ["/message"],
    ),
    "crossref-work-without-message-type": (
        {"status": "ok", "message": {"DOI": "10.1/a", "title": ["T"]}},
        ["/message"],
    ),
    "bare-items": (
        {"items": [{"DOI": "10.1/a"}, {"DOI": "10.1/b"}], "total": 2},
        ["/items/0", "/items/1"],
    ),
    "items-inside-a-record-is-not-a-wrapper": ({"title": "T", "items": [{"x": 1}]}, [""]),
    "openalex-results": (
        {"meta": {"count": 2}, "results": [{"id": "https://openalex.org/W1"},
                                           {"id": "https://openalex.org/W2"}]},
        ["/results/0", "/results/1"],
    ),
    "datacite-list": (
        {"data": [{"id": "10.5061/a", "type": "dois", "attributes": {"doi": "10.5061/a"}},
                  {"id": "10.5061/b", "type": "dois", "attributes": {"doi": "10.5061/b"}}]},
        ["/data/0", "/data/1"],
    ),
    "datacite-one": (
        {"data": {"id": "10.5061/a", "type": "dois", "attributes": {"doi": "10.5061/a"}}},
        ["/data"],
    ),
    "data-without-attributes-is-a-record": ({"data": {"x": 1}, "title": "T"}, [""]),
    "message-that-is-not-a-work-is-a-record": ({"message": {"x": 1}}, [""]),
}


@pytest.mark.parametrize("indent", [None, 2], ids=["minified", "pretty"])
@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_shapes_give_records_with_index_and_base(shape, indent):
    value, bases = SHAPES[shape]
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    document = read_bytes(text.encode(), "x.json")
    assert document.problems == []
    assert [r.origin.base for r in document.records] == bases
    assert [r.origin.index for r in document.records] == list(range(len(bases)))
    assert all(r.origin.file == "x.json" for r in document.records)
    for raw in document.records:
        assert raw.data == biblint.model.resolve_pointer(value, raw.origin.base)
    result = Linter().check_bytes(text.encode(), "x.json")
    assert result.records == len(bases)
    assert result.errors == []
    assert not io_findings(result)


def test_record_position_inside_a_wrapper():
    value = {"message-type": "work-list",
             "message": {"items": [{"DOI": "10.1/a", "page": "1-2"},
                                   {"DOI": "10.1/b", "page": "3-4"}]}}
    text = json.dumps(value, indent=1)
    document = read_bytes(text.encode(), "w.json")
    assert document.locate(1, "/page") == position_of(text, '"3-4"')
    assert document.locate(0, "") == position_of(text, "{", '"items": [')
    # A missing key points at the object that should hold it.
    assert document.locate(1, "/nope") == position_of(text, "{", '"1-2"')


def test_findings_carry_record_index_and_pointer_relative_to_the_record(xref):
    text = json.dumps({"results": [{"title": "ok"}, REC]}, indent=2)
    result = xref.check_bytes(text.encode(), "page.json")
    (finding,) = result.findings
    assert (finding.code, finding.record, finding.pointer) == ("XREF001", 1, "/DOIUrl")
    assert (finding.line, finding.column) == position_of(text, "null")
    assert finding.file == "page.json"


# -- positions of findings ----------------------------------------------------------------


def test_seed_position_pretty(xref):
    result = xref.check_paths([SEED]).files[0]
    (finding,) = result.findings
    assert (finding.code, finding.pointer, finding.line, finding.column) == (
        "XREF001", "/DOIUrl", 5, 13)
    assert finding.record == 0
    assert finding.file == str(SEED)


def test_seed_position_minified(xref):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    text = json.dumps(seed, ensure_ascii=False, separators=(",", ":"))
    (finding,) = xref.check_bytes(text.encode(), "seed.json").findings
    assert (finding.line, finding.column) == position_of(text, "null", '"DOIUrl":')
    assert finding.line == 1


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson", ".json"])
def test_seed_position_json_lines(xref, suffix):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    lines = [json.dumps({"title": "first", "doi": None}),
             json.dumps(seed, ensure_ascii=False),
             json.dumps(seed, ensure_ascii=True, separators=(",", ":"))]
    text = "\n".join(lines) + "\n"
    result = xref.check_bytes(text.encode(), "dump" + suffix)
    assert result.records == 3
    got = [(f.record, f.line, f.column) for f in result.findings]
    col2 = lines[1].index('"DOIUrl": null') + len('"DOIUrl": ') + 1
    col3 = lines[2].index('"DOIUrl":null') + len('"DOIUrl":') + 1
    assert got == [(1, 2, col2), (2, 3, col3)]


def test_columns_count_characters_not_bytes(xref):
    text = '{"title": "é中文😀", "doi": "10.1/x", "PeriodicalName": "J", "DOIUrl": null}'
    (finding,) = xref.check_bytes(text.encode(), "u.json").findings
    assert finding.column == text.index("null") + 1


def test_crlf_line_endings(xref):
    text = json.dumps(REC, indent=2).replace("\n", "\r\n")
    (finding,) = xref.check_bytes(text.encode(), "crlf.json").findings
    assert finding.line == 4
    assert finding.column == len('  "DOIUrl": ') + 1
    lines = (json.dumps(REC) + "\r\n") * 2
    result = xref.check_bytes(lines.encode(), "crlf.jsonl")
    assert [(f.record, f.line) for f in result.findings] == [(0, 1), (1, 2)]


# -- JSON Lines and sniffing --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "lines", "records"),
    [
        ("a.jsonl", '{"a": 1}\n{"b": 2}\n', True, 2),
        ("a.ndjson", '{"a": 1}\n{"b": 2}', True, 2),
        ("a.jsonl", '{"a": 1}', True, 1),
        ("a.json", '{"a": 1}\n{"b": 2}\n', True, 2),  # sniffed
        ("a.json", '\n\n{"a": 1}\n\n{"b": 2}\n\n', True, 2),  # blank lines are skipped
        ("a.json", '{"a": 1}\n', False, 1),  # single-line JSON
        ("a.json", '{"a": 1}', False, 1),
        ("a.json", '[{"a": 1}, {"b": 2}]\n', False, 2),
        ("a.json", '{\n  "a": 1\n}\n', False, 1),  # pretty JSON
        ("a.json", '[\n  {"a": 1},\n  {"b": 2}\n]\n', False, 2),
        ("a.json", '[{"a": 1},\n {"b": 2}]\n', False, 2),
        ("noext", '{"a": 1}\n{"b": 2}\n', True, 2),  # unknown suffix: read as JSON, sniffed
    ],
)
def test_json_lines_and_sniffing(name, text, lines, records):
    document = read_bytes(text.encode(), name)
    assert isinstance(document, JsonDocument)
    assert document.lines is lines
    assert document.problems == []
    assert len(document.records) == records
    result = Linter().check_bytes(text.encode(), name)
    assert result.records == records
    assert not io_findings(result)


def test_json_lines_records_have_no_base_and_dense_indexes():
    text = '{"a": 1}\n\n{"b": 2}\n{"c": 3}\n'
    document = read_bytes(text.encode(), "x.jsonl")
    assert [(r.origin.index, r.origin.base) for r in document.records] == [
        (0, ""), (1, ""), (2, "")]
    assert document.locate(2, "/c") == (4, 7)


def test_json_lines_are_not_unwrapped():
    """A Crossref response per line is one record per line (wrappers are for .json files)."""
    line = json.dumps({"message": {"items": [{"DOI": "10.1/a"}]}})
    document = read_bytes((line + "\n" + line + "\n").encode(), "x.jsonl")
    assert [r.origin.base for r in document.records] == ["", ""]


def test_bad_line_in_the_middle_of_json_lines(xref):
    good = json.dumps(REC)
    text = f"{good}\n{{\"doi\": \"10.1/x\", \n{good}\n42\n{good}\n"
    result = xref.check_bytes(text.encode(), "dump.jsonl")
    assert result.records == 3
    io = io_findings(result)
    assert [(f.code, f.record, f.line) for f in io] == [("IO003", 1, 2), ("IO004", 3, 4)]
    assert all(f.column is not None for f in io)
    assert "line 2" in io[0].message
    xrefs = [(f.record, f.line) for f in result.findings if f.code == "XREF001"]
    assert xrefs == [(0, 1), (2, 3), (4, 5)]
    assert not read_bytes(text.encode(), "dump.jsonl").writable


def test_json_file_with_bad_first_line_is_read_as_json():
    """Sniffing needs a whole value on the first line; otherwise the file is one JSON text."""
    text = '{"a": \n{"b": 2}\n'
    result = Linter().check_bytes(text.encode(), "x.json")
    assert codes(result) == ["IO003"]
    assert result.records == 0


# -- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
@pytest.mark.parametrize("name", ["x.json", "x.jsonl"])
def test_byte_order_marks(xref, bom, encoding, name):
    record = dict(REC, title="Ünïcødé 中文 😀")
    if name.endswith(".jsonl"):
        text = json.dumps(record, ensure_ascii=False) + "\n" + json.dumps(record) + "\n"
    else:
        text = json.dumps(record, ensure_ascii=False, indent=2)
    data = bom + text.encode(encoding)
    document = read_bytes(data, name)
    assert document.problems == []
    assert all(r.data == record for r in document.records)
    result = xref.check_bytes(data, name)
    assert not io_findings(result)
    first = result.findings[0]
    assert (first.line, first.column) == position_of(text, "null")


def test_invalid_utf8_in_json():
    data = b'{"title": "caf\xe9",\n "doi": "10.1/x"}'
    result = Linter().check_bytes(data, "latin1.json")
    assert result.records == 0
    (finding,) = result.findings
    assert finding.code == "IO002"
    assert (finding.line, finding.column) == (1, 15)
    assert "0xe9" in finding.message
    assert not read_bytes(data, "latin1.json").writable


def test_invalid_utf8_in_json_lines_other_lines_checked(xref):
    good = json.dumps(REC).encode()
    data = good + b'\n{"title": "\xff\xfe"}\n' + good + b"\n"
    result = xref.check_bytes(data, "x.jsonl")
    assert result.records == 2
    assert [(f.code, f.record, f.line) for f in result.findings] == [
        ("XREF001", 0, 1), ("IO002", 1, 2), ("XREF001", 2, 3)]
    io = result.findings[1]
    assert io.column == 12 and "0xff" in io.message


@pytest.mark.parametrize("name", ["x.json", "x.jsonl"])
@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b'{"title": "\xff"}\n{"title": "ok"}\n',
        codecs.BOM_UTF16_LE + '{"title": "ok"}\n'.encode("utf-16-le") + b"\x00\xd8",
        codecs.BOM_UTF16_BE + '{"title": "ok"}\n{"title": "'.encode("utf-16-be")
        + b"\xdc\x00" + '"}\n'.encode("utf-16-be"),
    ],
    ids=["utf8-bom-bad-byte", "utf16le-odd-tail", "utf16be-lone-low-surrogate"],
)
def test_invalid_bytes_after_a_bom_are_reported_and_never_written(data, name):
    """Regression: in JSON Lines the decode problem after a BOM used to be dropped, and the
    file was writable although its bad bytes had become U+FFFD."""
    document = read_bytes(data, name)
    assert not document.writable
    result = Linter().check_bytes(data, name)
    io = io_findings(result)
    assert "IO002" in {f.code for f in io}
    assert all(f.line is not None and f.column is not None for f in io)
    new, _ = Linter().fix_bytes(data, name)
    assert new == data


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("e.json", "", [("IO003", 1, 1)]),
        ("e.json", " \n\t\n", [("IO003", 1, 1)]),
        ("e.jsonl", "", []),
        ("e.jsonl", "\n\n", []),
        ("t.json", '{"title": "A", "doi": ', [("IO003", 1, 23)]),
        ("t.json", '{"a": 1} {"b": 2}', [("IO003", 1, 10)]),
        ("n.json", '{"title": "A",\n "PeriodicalIF": NaN}', [("IO005", 2, 18)]),
        ("n.json", '[{"a": [1, Infinity]}]', [("IO005", 1, 12)]),
        ("n.jsonl", '{"a": 1}\n{"b": -Infinity}\n', [("IO005", 2, 7)]),
        ("s.json", '"just a string"', [("IO004", 1, 1)]),
        ("s.json", "42", [("IO004", 1, 1)]),
        ("s.json", "null", [("IO004", 1, 1)]),
        ("s.json", '[{"title": "A"},\n "B", 3, null, [], true]',
         [("IO004", 2, 2), ("IO004", 2, 7), ("IO004", 2, 10), ("IO004", 2, 16),
          ("IO004", 2, 20)]),
        ("s.jsonl", '{"title": "A"}\n[1, 2]\n"x"\n', [("IO004", 2, 1), ("IO004", 3, 1)]),
    ],
)
def test_bad_input_becomes_io_findings(name, text, expected):
    result = Linter().check_bytes(text.encode(), name)
    assert result.errors == []
    got = [(f.code, f.line, f.column) for f in io_findings(result)]
    assert got == expected
    for finding in io_findings(result):
        assert finding.file == name
        assert finding.fix is None
        assert finding.severity is biblint.Severity.ERROR


def test_nan_record_is_not_checked_and_names_the_literal():
    result = Linter().check_bytes(b'[{"x": NaN}, {"title": "ok"}]', "n.json")
    (finding,) = io_findings(result)
    assert (finding.code, finding.record, finding.pointer) == ("IO005", 0, "/x")
    assert "NaN" in finding.message
    assert result.records == 1


def test_nan_inside_a_string_is_text():
    result = Linter().check_bytes(b'{"title": "NaN and Infinity"}', "n.json")
    assert not io_findings(result)


def test_deep_nesting_does_not_crash():
    deep = "[" * 100_000 + "]" * 100_000
    for name in ("deep.json", "deep.jsonl"):
        result = Linter().check_bytes(deep.encode(), name)
        assert {f.code for f in result.findings} <= IO_CODES
        assert result.errors == []


# -- paths: missing files, folders, links ---------------------------------------------------


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.json"
    report = Linter().check_paths([missing])
    (result,) = report.files
    (finding,) = result.findings
    assert finding.code == "IO001"
    assert "cannot read" in finding.message
    assert result.path == str(missing)
    assert report.records == 0


def test_directory_read_as_a_file_is_io001(tmp_path):
    document = read_path(tmp_path)
    assert [p.code for p in document.problems] == ["IO001"]
    assert "directory" in document.problems[0].message
    assert not document.writable


def test_directory_passed_as_a_path_is_walked(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(REC))
    report = Linter().check_paths([tmp_path])
    assert [r.path for r in report.files] == [str(tmp_path / "a.json")]
    assert report.records == 1


def test_folders_walked_for_json_files_sorted(tmp_path):
    names = ["b.json", "a.jsonl", "c.ndjson", "Z.JSON", "notes.txt", "data.csv", "x.json.bak",
             "sub/d.json", "sub/inner/e.jsonl", "sub/skip.yaml", "a_dir/f.json",
             ".hidden/g.json"]
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"title": name}) + "\n")
    report = Linter().check_paths([tmp_path])
    got = [Path(r.path).relative_to(tmp_path).as_posix() for r in report.files]
    assert got == ["Z.JSON", "a.jsonl", "b.json", "c.ndjson", "a_dir/f.json", "sub/d.json",
                   "sub/inner/e.jsonl"]
    assert report.records == len(got)
    assert {".json", ".jsonl", ".ndjson"} <= set(READERS)  # and the other formats (issue 10)


def test_files_given_explicitly_are_read_whatever_their_suffix(tmp_path):
    path = tmp_path / "records.txt"
    path.write_text(json.dumps(REC) + "\n" + json.dumps(REC) + "\n")
    report = Linter().check_paths([path, path])
    assert [r.records for r in report.files] == [2]  # named twice: checked once


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_inside_a_walked_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "r.json").write_text(json.dumps(REC))
    try:
        os.symlink(tmp_path, tmp_path / "a" / "loop")  # a/loop -> .. -> a/loop/a/...
        os.symlink(tmp_path / "a", tmp_path / "a" / "self")
        os.symlink("bad.json", tmp_path / "bad.json")  # a link to itself
    except OSError:  # pragma: no cover - platforms without symlink rights
        pytest.skip("cannot create symlinks here")
    report = Linter().check_paths([tmp_path])
    paths = [Path(r.path).relative_to(tmp_path).as_posix() for r in report.files]
    assert paths == ["bad.json", "a/r.json"]
    assert [f.code for f in report.files[0].findings] == ["IO001"]
    assert report.records == 1
    assert report.errors == []


def test_unreadable_file(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = tmp_path / "secret.json"
    path.write_text("{}")
    path.chmod(0)
    try:
        (result,) = Linter().check_paths([path]).files
    finally:
        path.chmod(0o644)
    assert [f.code for f in result.findings] == ["IO001"]
