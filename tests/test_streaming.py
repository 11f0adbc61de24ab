"""Streaming end to end: the JSON Lines stream reader, the engine's events, the streaming
reporters and the streamed ``--fix``.

The stream reader is held to the in-memory reader (the reference, tested in
test_readers.py and test_bad_input.py) on the inputs where orjson and the stdlib differ:
every record, problem, position and finding must be the same.
"""

from __future__ import annotations

import io
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import biblint
from biblint import Config, Linter
from biblint.cli import main
from biblint.model import (
    FileFinished,
    FileResult,
    FileStarted,
    Finding,
    LateFindings,
    RecordChecked,
    Report,
    Severity,
)
from biblint.readers import open_path, read_bytes
from biblint.readers.jsonfile import JsonDocument, _same
from biblint.readers.jsonlines import (
    _KEY_END,
    _SUSPECT,
    JsonLinesStream,
    chunks,
    key_ends,
    parse_fast,
    sniff_lines,
    suspect,
)
from biblint.report import REPORTERS, STREAMING, RenderOptions, open_reporter

from .conftest import SEED

REC = {"title": "A title", "doi": "10.1177/15266028251361770", "DOIUrl": None,
       "PeriodicalName": "J"}

# Lines on which orjson and the stdlib reader disagree, or that are not records at all.
AWKWARD = [
    json.dumps(REC),
    "",
    "   ",
    "\u00a0",  # blank only to str.strip(): skipped by the in-memory reader
    '{"a": 1, "a": 2, "title": "dup"}',  # IO006, orjson keeps the last without a word
    '{"x": {"k": 1, "k": 1}, "title": "nested dup"}',
    '{"title": "a \\": key-like string", "doi": "10.1/x"}',  # more key-like tokens than keys
    '{"n": NaN}',
    '{"n": -Infinity, "title": "t"}',
    '{"n": 1e999}',
    '{"big": 123456789012345678901234567890}',  # beyond 64 bits: orjson makes it a float
    '{"big": 18446744073709551616}',
    '{"neg": -9223372036854775809}',
    '{"huge": ' + "9" * 5000 + "}",  # beyond int()'s digit limit
    '{"s": "\\ud800 lone surrogate", "title": "x"}',
    '{"title": "bad byte \xff here"}',
    "[1, 2]",
    '"a string"',
    "null",
    '{"broken": ',
    '{"crlf": "line"}\r',
    '{"deep": ' + "[" * 3000 + "]" * 3000 + "}",
    json.dumps({"title": "é 中文 \U0001f600", "DOIUrl": None, "doi": "10.1/é"},
               ensure_ascii=False),
    json.dumps({"title": "é", "DOIUrl": None, "doi": "10.1/e"}),
    '{"f": 1.5, "i": -0, "e": 1E5, "t": true, "z": null, "title": "numbers"}',
    json.dumps(REC),
]


def awkward_bytes() -> bytes:
    out = b""
    for line in AWKWARD:
        out += line.encode("utf-8", "surrogateescape").replace(b"\xc3\xbf", b"\xff") + b"\n"
    return out


def write(tmp_path: Path, data: bytes, name: str = "dump.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def same_records(stream: JsonLinesStream, memory: JsonDocument) -> None:
    got = list(stream.iter_records())
    assert [r.origin for r in got] == [r.origin for r in memory.records]
    for a, b in zip(got, memory.records, strict=True):
        assert _same(a.data, b.data), (a.origin, a.data, b.data)
    assert stream.problems == memory.problems


def test_stream_reader_matches_the_in_memory_reader(tmp_path):
    data = awkward_bytes()
    assert b"\xff" in data  # the undecodable byte survived
    path = write(tmp_path, data)
    memory = read_bytes(data, "dump.jsonl")
    assert isinstance(memory, JsonDocument)
    codes = {p.code for p in memory.problems}
    assert {"IO002", "IO003", "IO004", "IO005", "IO006"} <= codes
    same_records(JsonLinesStream(path, "dump.jsonl"), memory)


def test_stream_findings_match_check_bytes(tmp_path):
    data = awkward_bytes() + SEED.read_bytes().replace(b"\n", b" ") + b"\n"
    path = write(tmp_path, data)
    linter = Linter()
    streamed = linter.check_paths([path]).files[0]
    memory = linter.check_bytes(data, str(path))
    assert streamed.findings == memory.findings
    assert streamed.records == memory.records and streamed.errors == memory.errors


def test_records_carry_their_byte_spans(tmp_path):
    data = b'{"a": 1}\r\n\n  {"title": "\xc3\xa9"}  \n{"b": 2}'
    path = write(tmp_path, data)
    spans = [r.span for r in JsonLinesStream(path, "x.jsonl").iter_records()]
    assert [data[s:e] for s, e in spans] == [b'{"a": 1}\r', b'  {"title": "\xc3\xa9"}  ',
                                             b'{"b": 2}']


def test_stream_reads_lazily(tmp_path):
    """The first record comes before the rest of the file is read."""
    line = json.dumps(REC).encode() + b"\n"
    path = write(tmp_path, line * 20000)
    document = JsonLinesStream(path, "x.jsonl")
    records = document.iter_records()
    first = next(records)
    assert first.origin.index == 0 and document.offset < path.stat().st_size
    assert document.locate(0, "/DOIUrl") == (1, 1 + line.index(b'null'))
    with pytest.raises(LookupError):
        document.locate(5, "")  # earlier and later lines are not kept
    records.close()


@pytest.mark.parametrize("size", [1, 40, 200, 10**6])
def test_chunks_read_like_the_whole_file(tmp_path, size):
    path = write(tmp_path, awkward_bytes())
    whole = JsonLinesStream(path, "x.jsonl")
    expected = [(r.origin, r.span) for r in whole.iter_records()]
    got: list[Any] = []
    problems = []
    parts = chunks(path, size)
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    for part in parts:
        document = JsonLinesStream(path, "x.jsonl", start=part.start, end=part.end,
                                   first_index=part.first_index, first_line=part.first_line)
        got.extend((r.origin, r.span) for r in document.iter_records())
        problems.extend(document.problems)
    assert got == expected
    assert problems == whole.problems


def test_parse_fast_falls_back_where_orjson_differs():
    assert parse_fast(b'{"a": 1}') == {"a": 1}
    for line in (b'{"a": 1, "a": 2}', b'{"big": 18446744073709551616}', b'{"n": NaN}',
                 b'{"s": "\\ud800"}', b"[1]", b'{"a": "\xff"}', b'{"k": "x\\": y"}'):
        assert parse_fast(line) is not None and not isinstance(parse_fast(line), dict), line


_SUSPECT_BYTES = st.lists(st.sampled_from(
    [b"0", b"1", b"9", b"e", b"E", b"+", b"-", b".", b"N", b"a", b"NaN", b"Infinity", b"x",
     b'"', b"\\", b" ", b"\xc3\xa9", b"0000000000", b"1234567890"]), max_size=40).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.binary(max_size=60), _SUSPECT_BYTES))
def test_suspect_is_the_regex(body: bytes) -> None:
    """The fast test of a line that orjson may read differently is the regex, exactly."""
    assert suspect(body) == (_SUSPECT.search(body) is not None)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.binary(max_size=60),
                 st.lists(st.sampled_from([b'"', b":", b" ", b"\t", b"\n", b"\r", b"a", b"\\"]),
                          max_size=30).map(b"".join)))
def test_key_ends_are_the_regex_matches(body: bytes) -> None:
    """The count of key ends that bounds a line's keys is the regex's count, exactly."""
    assert key_ends(body) == len(_KEY_END.findall(body))


def test_suspect_is_the_regex_on_edges() -> None:
    for body in (b"1" * 18, b"1" * 19, b"x" + b"9" * 19 + b"x", b"1e99", b"1e999", b"1E+999",
                 b"1e+99", b"1e-999", b"e+1", b"NaN", b"-Infinity", b"Infinit", b"Na N",
                 SEED.read_bytes()):
        assert suspect(body) == (_SUSPECT.search(body) is not None), body


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(
    st.text(max_size=4),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                 | st.text(max_size=6),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                 max_leaves=8),
    max_size=4), max_size=4), st.booleans())
def test_stream_reader_matches_on_generated_records(tmp_path_factory, records, ascii_only):
    data = "".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in records).encode(
        "utf-8", "surrogatepass")
    path = write(tmp_path_factory.mktemp("gen"), data)
    same_records(JsonLinesStream(path, "g.jsonl"), read_bytes(data, "g.jsonl"))


def test_large_json_file_holding_lines_is_streamed(tmp_path, monkeypatch):
    import biblint.readers as readers

    data = (json.dumps(REC) + "\n") * 3
    lines = write(tmp_path, data.encode(), "dump.json")
    array = write(tmp_path, json.dumps([REC, REC], indent=1).encode(), "array.json")
    assert sniff_lines(lines) and not sniff_lines(array)
    assert isinstance(open_path(lines), JsonDocument)  # small: in memory
    monkeypatch.setattr(readers, "STREAM_JSON_ABOVE", 10)
    assert isinstance(open_path(lines), JsonLinesStream)
    assert not isinstance(open_path(array), JsonLinesStream)
    bom = write(tmp_path, b"\xef\xbb\xbf" + data.encode(), "bom.jsonl")
    assert isinstance(open_path(bom), JsonDocument)  # a BOM: read in memory


# -- the engine's events -----------------------------------------------------------------


def test_iter_check_events_in_file_order(tmp_path):
    path = write(tmp_path, (json.dumps(REC) + "\n{bad\n" + json.dumps(REC) + "\n").encode())
    events = list(Linter(Config(select=("XREF001",))).iter_check([path]))
    assert isinstance(events[0], FileStarted) and events[0].size == path.stat().st_size
    assert isinstance(events[-1], FileFinished) and events[-1].result.records == 2
    checked = [e for e in events if isinstance(e, RecordChecked)]
    assert [e.index for e in checked] == [0, 1, 2]
    assert [[f.code for f in e.findings] for e in checked] == [["XREF001"], ["IO003"],
                                                               ["XREF001"]]
    assert [e.counted for e in checked] == [True, False, True]
    assert checked[-1].offset == path.stat().st_size - 1  # the end of its line
    assert events[-1].result.findings == []  # sent with the records, not held


def finding(code: str, record: int, file: str = "a.jsonl") -> Finding:
    return Finding(code=code, name="n", severity=Severity.ERROR, message=f"m {code}",
                   pointer="", fix=None, file=file, record=record, line=record + 1,
                   column=1, fingerprint=code)


def test_late_findings_are_sorted_into_the_held_report_and_streamed_after():
    events = [FileStarted("a.jsonl"),
              RecordChecked("a.jsonl", 0, [finding("A001", 0)]),
              RecordChecked("a.jsonl", 1, [finding("A002", 1)]),
              FileFinished(FileResult("a.jsonl", records=2)),
              FileStarted("b.jsonl"), FileFinished(FileResult("b.jsonl", records=0)),
              LateFindings("a.jsonl", [finding("DUP001", 0)])]
    report = Report.collect(events)
    assert [f.code for f in report.files[0].findings] == ["A001", "DUP001", "A002"]
    out = io.StringIO()
    sink = open_reporter("concise", out, RenderOptions())
    for event in events:
        sink.event(event)
    sink.close()
    assert [line.split()[1] for line in out.getvalue().splitlines()] == ["A001", "A002",
                                                                         "DUP001"]


@pytest.mark.parametrize("fmt", sorted(STREAMING))
def test_streaming_formats_write_each_finding_as_it_comes(fmt):
    out = io.StringIO()
    sink = open_reporter(fmt, out, RenderOptions())
    sink.event(FileStarted("a.jsonl"))
    assert out.getvalue() == ""
    sink.event(RecordChecked("a.jsonl", 0, [finding("A001", 0)]))
    assert "A001" in out.getvalue()
    sink.event(FileFinished(FileResult("a.jsonl", records=1)))
    sink.close()
    report = Report([FileResult("a.jsonl", records=1, findings=[finding("A001", 0)])])
    assert out.getvalue() == REPORTERS[fmt](report, RenderOptions())


@pytest.mark.parametrize("fmt", sorted(set(REPORTERS) - set(STREAMING)))
def test_document_formats_are_written_at_the_end(fmt):
    out = io.StringIO()
    sink = open_reporter(fmt, out, RenderOptions())
    sink.event(FileStarted("a.jsonl"))
    sink.event(RecordChecked("a.jsonl", 0, [finding("A001", 0)]))
    sink.event(FileFinished(FileResult("a.jsonl", records=1)))
    assert out.getvalue() == ""
    sink.close()
    report = Report([FileResult("a.jsonl", records=1, findings=[finding("A001", 0)])])
    assert out.getvalue() == REPORTERS[fmt](report, RenderOptions())


def test_cli_stream_equals_the_report_of_check_paths(tmp_path, capsys):
    """Record findings: the streamed formats print exactly what the report renders. (The
    run-scope rules' findings come at the end of a run: next test.)"""
    data = awkward_bytes() + SEED.read_bytes().replace(b"\n", b" ") + b"\n"
    path = write(tmp_path, data)
    report = Linter(Config(ignore=("DUP",))).check_paths([path])
    for fmt in ("text", "concise", "jsonl", "github", "json", "sarif"):
        main(["check", "--isolated", "--ignore", "DUP", "--format", fmt, str(path)])
        out, _ = capsys.readouterr()
        assert out == REPORTERS[fmt](report, RenderOptions()), fmt


def test_late_findings_follow_the_records_in_streamed_formats(tmp_path, capsys):
    """Judged (run-scope) findings are known when every record was read: a streamed format
    prints them after the records, a held one sorts them into place; same findings."""
    data = awkward_bytes() + SEED.read_bytes().replace(b"\n", b" ") + b"\n"
    path = write(tmp_path, data)
    report = Linter().check_paths([path])
    late = [f for f in report.findings if f.code.startswith("DUP")]
    assert late, "the data holds a duplicate"
    main(["check", "--isolated", "--format", "concise", str(path)])
    streamed, _ = capsys.readouterr()
    held = REPORTERS["concise"](report, RenderOptions())
    assert sorted(streamed.splitlines()) == sorted(held.splitlines())
    lines = [line for line in streamed.splitlines() if f"{path}:" in line]
    first_late = min(i for i, line in enumerate(lines) if " DUP" in line)
    assert all(" DUP" in line for line in lines[first_late:])
    main(["check", "--isolated", "--format", "json", str(path)])
    out, _ = capsys.readouterr()
    assert out == REPORTERS["json"](report, RenderOptions())


def test_report_to_a_fifo_is_written_into_it_not_replaced(tmp_path):
    """A device or a pipe as --output-file (say /dev/null) is written, never renamed over."""
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    for fmt in ("concise", "json"):
        if fmt == "json":
            reader.join()
            reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
            reader.start()
        main(["check", "--isolated", "--format", fmt, "-o", str(fifo), str(SEED)])
    reader.join()
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert b"XREF001" in got[0] and json.loads(got[1])["summary"]["findings"] > 0


# -- streamed --fix ----------------------------------------------------------------------


def test_streamed_fix_keeps_mode_and_leaves_no_temporary_file(tmp_path):
    lines = [json.dumps(REC), json.dumps(dict(REC, DOIUrl="https://doi.org/10.1/x")), ""]
    path = write(tmp_path, "\n".join(lines).encode())
    path.chmod(0o640)
    (result,) = Linter(Config(select=("XREF001",))).check_paths([path], fix=True).files
    assert [f.record for f in result.fixed] == [0] and result.findings == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.jsonl"]
    new = path.read_text().split("\n")
    assert new[0] == lines[0].replace("null", '"https://doi.org/10.1177/15266028251361770"')
    assert new[1:] == lines[1:]


def test_streamed_fix_never_writes_an_unreadable_file(tmp_path):
    data = (json.dumps(REC) + "\n{bad\n").encode()
    path = write(tmp_path, data)
    (result,) = Linter(Config(select=("XREF001",))).check_paths([path], fix=True).files
    assert path.read_bytes() == data and result.fixed == []
    assert [f.code for f in result.findings] == ["XREF001", "IO003"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.jsonl"]


def test_streamed_fix_leaves_a_file_that_changed_meanwhile(tmp_path, monkeypatch):
    data = (json.dumps(REC) + "\n") * 3
    path = write(tmp_path, data.encode())
    real = JsonLinesStream.replace_current

    def replace_then_edit(self: JsonLinesStream, body: bytes) -> None:
        real(self, body)
        if self.out is not None:
            path.write_bytes(b'{"title": "someone else"}\n')

    monkeypatch.setattr(JsonLinesStream, "replace_current", replace_then_edit)
    (result,) = Linter(Config(select=("XREF001",))).check_paths([path], fix=True).files
    assert path.read_bytes() == b'{"title": "someone else"}\n'
    assert any("changed on disk" in e for e in result.errors) and result.fixed == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.jsonl"]


def test_streamed_fix_reports_positions_in_the_written_line(tmp_path):
    record = dict(REC, citationCount="3")
    path = write(tmp_path, (json.dumps(record) + "\n").encode())
    (result,) = Linter().check_paths([path], fix=True).files
    again = Linter().check_paths([path]).files[0]
    assert result.findings == again.findings
    assert json.loads(path.read_text()) == biblint.fix(record).record


# -- large JSON arrays and wrappers ------------------------------------------------------

ARRAYS = {
    "array": [REC, dict(REC, doi="10.1/b"), {"title": "clean"}],
    "crossref": {"status": "ok", "message-type": "work-list",
                 "message": {"total-results": 2, "items": [REC, dict(REC, page="1-2")]}},
    "items": {"items": [REC, REC]},
    "openalex": {"meta": {"count": 2, "nested": [1, {"a": None}]}, "results": [REC, REC]},
    "datacite": {"data": [REC, {"title": "x"}], "links": {}},
    "awkward": [REC, {"n": float("nan"), "title": "t"}, [1], "text", None,
                {"big": 10**40, "s": "SURROGATE", "title": "é 中文"}, REC],
    "empty-list-is-in-memory": [],
    "one-record-is-in-memory": REC,
}


@pytest.mark.parametrize("indent", [None, 2, "\t"], ids=["minified", "pretty", "tabs"])
@pytest.mark.parametrize("shape", ARRAYS, ids=list(ARRAYS))
def test_large_arrays_stream_like_the_in_memory_reader(tmp_path, monkeypatch, shape, indent):
    import biblint.readers as readers
    from biblint.readers.jsonarray import JsonArrayStream

    monkeypatch.setattr(readers, "STREAM_JSON_ABOVE", 0)
    text = json.dumps(ARRAYS[shape], indent=indent, ensure_ascii=False)
    if shape == "awkward":  # with a repeated key inside a record
        text = text.replace('"title": "t"', '"title": "t", "title": "again"')
        text = text.replace("SURROGATE", "\\ud800 escaped")
    data = text.encode("utf-8")
    path = write(tmp_path, data, "big.json")
    document = open_path(path)
    assert isinstance(document, JsonArrayStream) == ("in-memory" not in shape)
    memory = read_bytes(data, str(path))
    got = list(document.iter_records())
    assert [r.origin for r in got] == [r.origin for r in memory.records]
    assert all(_same(a.data, b.data) for a, b in zip(got, memory.records, strict=True))
    assert sorted(document.problems, key=repr) == sorted(memory.problems, key=repr)
    linter = Linter()
    assert linter.check_paths([path]).files[0] == linter.check_bytes(data, str(path))


@pytest.mark.parametrize("broken", [
    b'[{"a": 1}, {"b": }]', b'[{"a": 1}] x', b'{"results": [{"a": 1}], "meta": {"x": }}',
    b'{"results": [{"a": 1}], "results": [{"b": 2}]}', b'[{"a": "\xff"}]', b'[{"a": 1},]',
])
def test_large_arrays_that_do_not_read_are_read_in_memory(tmp_path, monkeypatch, broken):
    import biblint.readers as readers

    monkeypatch.setattr(readers, "STREAM_JSON_ABOVE", 0)
    path = write(tmp_path, broken, "big.json")
    assert isinstance(open_path(path), JsonDocument)
