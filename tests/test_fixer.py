"""Fixing files: only the fixed values change, atomically, idempotently, never a broken file.

The seed tests use the default rule set (which grows while the rules are written), so they
derive the fixed values from the fix itself instead of listing them. Structural edits (keys
added and removed) use tiny test rules in a registry of their own.
"""

from __future__ import annotations

import codecs
import difflib
import json
import os
import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import biblint
from biblint import Config, Linter
from biblint.fixer import FixError, StaleFileError, converge, unified_diff, write_atomic
from biblint.model import Fix, PatchOp, Violation, join_pointer
from biblint.readers import read_bytes
from biblint.readers.jsonfile import JsonDocument
from biblint.registry import Registry, rule

from .conftest import SEED

DOI_URL = "https://doi.org/10.1177/15266028251361770"


# -- helpers ------------------------------------------------------------------------------------


def changed_pointers(old: Any, new: Any, pointer: str = "") -> list[str]:
    """The smallest values that differ between two records (a dict whose keys changed counts
    as one value)."""
    if type(old) is type(new) and old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and list(old) == list(new):
        return [p for k in old for p in changed_pointers(old[k], new[k], join_pointer(pointer, k))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new, strict=True))
                for p in changed_pointers(a, b, f"{pointer}/{i}")]
    return [pointer]


def value_spans(document: JsonDocument, index: int, pointers: list[str]) -> list[tuple[int, int]]:
    node = document.record_node(index)
    spans = []
    for pointer in pointers:
        found = node.find(pointer)
        assert found is not None, pointer
        spans.append((found.start, found.end))
    return sorted(spans)


def assert_only_values_changed(old: bytes, new: bytes, name: str) -> list[str]:
    """Every byte outside the values that differ is identical, and every changed line holds
    a changed value. Returns the changed pointers (``index:pointer``)."""
    before = read_bytes(old, name)
    after = read_bytes(new, name)
    assert isinstance(before, JsonDocument) and isinstance(after, JsonDocument)
    assert before.problems == [] and after.problems == []
    assert len(before.records) == len(after.records)
    assert (before.bom, before.encoding, before.lines) == (after.bom, after.encoding, after.lines)
    old_spans: list[tuple[int, int]] = []
    new_spans: list[tuple[int, int]] = []
    changed: list[str] = []
    for index, (a, b) in enumerate(zip(before.records, after.records, strict=True)):
        pointers = changed_pointers(a.data, b.data)
        changed.extend(f"{index}:{p}" for p in pointers)
        old_spans.extend(value_spans(before, index, pointers))
        new_spans.extend(value_spans(after, index, pointers))
    # Exact: the text between the changed values is the same, piece by piece.
    old_cuts = [0, *(x for span in old_spans for x in span), len(before.text)]
    new_cuts = [0, *(x for span in new_spans for x in span), len(after.text)]
    for k in range(0, len(old_cuts), 2):
        assert before.text[old_cuts[k]:old_cuts[k + 1]] == after.text[new_cuts[k]:new_cuts[k + 1]]
    # With difflib, line by line: each changed line of the old text holds a changed value.
    old_lines = before.text.splitlines(keepends=True)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, after.text.splitlines(keepends=True),
                                      autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for line in range(i1, i2):
            assert any(s < starts[line + 1] and e > starts[line] for s, e in old_spans), (
                f"line {line + 1} changed but holds no fixed value: {old_lines[line]!r}")
    return changed


HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def apply_unified_diff(old: str, diff: str) -> str:
    """Apply a unified diff of whole lines (split at "\n" only, as ``patch`` does)."""
    source = old.split("\n")
    rows = diff.split("\n")
    assert rows.pop() == ""
    assert rows[0].startswith("--- a/") and rows[1].startswith("+++ b/")
    out: list[str] = []
    cursor = 0
    for row in rows[2:]:
        match = HUNK.match(row)
        if match:
            start, count = int(match[1]), int(match[2] or "1")
            target = start - 1 if count else start
            assert target >= cursor
            out.extend(source[cursor:target])
            cursor = target
        elif row.startswith("\\"):
            assert row == "\\ No newline at end of file"
        elif row[:1] in (" ", "-"):
            assert source[cursor] == row[1:], (source[cursor], row)
            if row[0] == " ":
                out.append(row[1:])
            cursor += 1
        else:
            assert row[:1] == "+", row
            out.append(row[1:])
    out.extend(source[cursor:])
    return "\n".join(out)


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if "biblint-tmp" in p.name]


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "seed-record.json"
    shutil.copyfile(SEED, copy)
    return copy


# -- the seed -----------------------------------------------------------------------------------


def test_fix_seed_changes_only_the_fixed_values(seed_copy):
    old = seed_copy.read_bytes()
    report = Linter().check_paths([seed_copy], fix=True)
    (result,) = report.files
    assert result.errors == []
    new = seed_copy.read_bytes()
    assert new != old
    changed = assert_only_values_changed(old, new, seed_copy.name)
    assert "0:/DOIUrl" in changed
    # The DOIUrl line: null becomes the URL, nothing else on it.
    old_lines, new_lines = old.decode().splitlines(), new.decode().splitlines()
    assert len(old_lines) == len(new_lines)
    assert old_lines[4] == '  "DOIUrl": null,'
    assert new_lines[4] == f'  "DOIUrl": "{DOI_URL}",'
    # The key order, the non-ASCII text and the final newline are untouched.
    assert list(json.loads(new)) == list(json.loads(old))
    assert '"RegionCategory": "医学"' in new.decode()
    assert new.endswith(b"\n") == old.endswith(b"\n")
    # The file holds exactly what biblint.fix gives, and the fixed findings are reported.
    assert json.loads(new) == biblint.fix(json.loads(old)).record
    fixed = {(f.code, f.pointer) for f in result.fixed}
    assert ("XREF001", "/DOIUrl") in fixed
    assert all(f.fix is not None for f in result.fixed)
    assert not any(f.fix is not None and f.fix.applicability is biblint.Applicability.SAFE
                   for f in result.findings)
    assert ("XREF001", "/DOIUrl") not in {(f.code, f.pointer) for f in result.findings}
    assert no_temp_files(seed_copy.parent)


def test_fix_is_idempotent(seed_copy):
    Linter().check_paths([seed_copy], fix=True)
    once = seed_copy.read_bytes()
    stamp = seed_copy.stat().st_mtime_ns
    (result,) = Linter().check_paths([seed_copy], fix=True).files
    assert seed_copy.read_bytes() == once
    assert seed_copy.stat().st_mtime_ns == stamp  # not even rewritten
    assert result.fixed == []
    assert result.errors == []


def test_fix_only_xref001(seed_copy):
    old = seed_copy.read_bytes()
    (result,) = Linter(Config(select=("XREF001",))).check_paths([seed_copy], fix=True).files
    new = seed_copy.read_bytes()
    assert [(f.code, f.pointer) for f in result.fixed] == [("XREF001", "/DOIUrl")]
    assert result.findings == []
    diff = list(difflib.unified_diff(old.decode().splitlines(), new.decode().splitlines(),
                                     lineterm="", n=0))
    assert diff[2:] == ["@@ -5 +5 @@", '-  "DOIUrl": null,', f'+  "DOIUrl": "{DOI_URL}",']


def test_diff_writes_nothing_and_returns_a_unified_diff(seed_copy):
    old = seed_copy.read_bytes()
    stamp = seed_copy.stat().st_mtime_ns
    (result,) = Linter().check_paths([seed_copy], diff=True).files
    assert seed_copy.read_bytes() == old
    assert seed_copy.stat().st_mtime_ns == stamp
    assert no_temp_files(seed_copy.parent)
    assert result.diff is not None
    lines = result.diff.splitlines()
    assert lines[0] == f"--- a/{seed_copy}"
    assert lines[1] == f"+++ b/{seed_copy}"
    assert "-  \"DOIUrl\": null," in lines
    assert f"+  \"DOIUrl\": \"{DOI_URL}\"," in lines
    # The diff is the one between the file and what fixing would write, and applies.
    new, _ = Linter().fix_bytes(old, str(seed_copy))
    assert result.diff == unified_diff(str(seed_copy), old, new)
    assert apply_unified_diff(old.decode(), result.diff) == new.decode()
    # The findings are the unfixed file's (nothing was fixed on disk).
    assert "XREF001" in {f.code for f in result.findings}


# Raw in JSON strings (json.dumps escapes the control characters, not these).
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_diff_splits_lines_at_newlines_only(tmp_path, separator):
    """Regression: the diff split lines with str.splitlines, i.e. also inside JSON strings at
    U+2028, U+0085, form feeds..., and printed "No newline at end of file" in the middle."""
    text = json.dumps([{"title": f"a{separator}b"}, _aggregator(1)], indent=2,
                      ensure_ascii=False) + "\n"
    path = tmp_path / "sep.json"
    path.write_text(text, encoding="utf-8", newline="")
    (result,) = Linter(Config(select=("XREF001",))).check_paths([path], diff=True).files
    assert result.diff is not None
    assert "No newline" not in result.diff
    doi_line = text.split("\n").index('    "DOIUrl": null,') + 1
    assert f"@@ -{doi_line - 3},7 +{doi_line - 3},7 @@" in result.diff
    new, _ = Linter(Config(select=("XREF001",))).fix_bytes(text.encode(), str(path))
    assert apply_unified_diff(text, result.diff) == new.decode()


def test_diff_of_a_utf16_file_is_readable(tmp_path):
    text = json.dumps(_aggregator(1), indent=2)
    path = tmp_path / "u16.json"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (result,) = Linter(Config(select=("XREF001",))).check_paths([path], diff=True).files
    assert result.diff is not None
    assert '+  "DOIUrl": "https://doi.org/10.1234/x1",' in result.diff.splitlines()
    assert apply_unified_diff(text, result.diff) == text.replace(
        "null", '"https://doi.org/10.1234/x1"')


def test_diff_without_final_newline():
    old = json.dumps(_aggregator(1)).encode()
    new, _ = Linter(Config(select=("XREF001",))).fix_bytes(old, "n.json")
    diff = unified_diff("n.json", old, new)
    assert diff.count("\\ No newline at end of file") == 2
    assert apply_unified_diff(old.decode(), diff) == new.decode()


def test_diff_of_a_clean_file_is_none(tmp_path):
    path = tmp_path / "clean.json"
    path.write_text('{"title": "Fine"}\n')
    (result,) = Linter(Config(select=("XREF001",))).check_paths([path], diff=True).files
    assert result.diff is None


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_fix_keeps_the_file_mode(seed_copy, mode):
    seed_copy.chmod(mode)
    Linter().check_paths([seed_copy], fix=True)
    assert stat.S_IMODE(seed_copy.stat().st_mode) == mode
    assert json.loads(seed_copy.read_bytes())["DOIUrl"] == DOI_URL


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("broken.json", '{"doi": "10.1177/1526", "DOIUrl": null, "PeriodicalName": "J",'),
        ("broken.jsonl",
         '{"doi": "10.1/a", "DOIUrl": null, "PeriodicalName": "J"}\n{"doi": \n'),
        ("nan.json", '{"doi": "10.1/a", "DOIUrl": null, "PeriodicalName": "J", "x": NaN}'),
        ("mixed.json", '[{"doi": "10.1/a", "DOIUrl": null, "PeriodicalName": "J"}, 42]'),
        ("latin1.jsonl",
         '{"doi": "10.1/a", "DOIUrl": null, "PeriodicalName": "J"}\n{"t": "caf\udce9"}\n'),
    ],
)
def test_fix_never_writes_a_file_that_failed_to_read(tmp_path, name, text):
    path = tmp_path / name
    data = text.encode("utf-8", "surrogateescape")
    path.write_bytes(data)
    stamp = path.stat().st_mtime_ns
    (result,) = Linter().check_paths([path], fix=True).files
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == stamp
    assert result.fixed == []
    assert {f.code for f in result.findings} & {"IO002", "IO003", "IO004", "IO005"}
    assert no_temp_files(tmp_path)
    (result,) = Linter().check_paths([path], diff=True).files
    assert result.diff is None
    new, _ = Linter().fix_bytes(data, name)
    assert new == data


# -- atomic writing -----------------------------------------------------------------------------


def test_write_atomic_refuses_a_file_changed_on_disk(tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes(b'{"a": 1}')
    read = path.read_bytes()
    path.write_bytes(b'{"a": 2}')  # someone else edits the file meanwhile
    with pytest.raises(StaleFileError):
        write_atomic(path, b'{"a": 3}', read)
    assert path.read_bytes() == b'{"a": 2}'
    assert no_temp_files(tmp_path)
    assert issubclass(StaleFileError, FixError)


def test_write_atomic_replaces_and_keeps_mode(tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes(b"old")
    path.chmod(0o604)
    inode = path.stat().st_ino
    write_atomic(path, b"new", b"old")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o604
    assert path.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_write_atomic_cleans_up_when_the_rename_fails(tmp_path, monkeypatch):
    path = tmp_path / "r.json"
    path.write_bytes(b"old")

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(path, b"new", b"old")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_write_atomic_missing_file(tmp_path):
    with pytest.raises(FixError):
        write_atomic(tmp_path / "gone.json", b"new", b"old")


def test_fix_leaves_a_file_that_changed_while_it_was_fixed(seed_copy, monkeypatch):
    concurrent = b'{"title": "written by someone else"}\n'
    real = Linter.fix_document

    def fix_then_edit(self: Linter, document: Any, **kwargs: Any) -> Any:
        outcome = real(self, document, **kwargs)
        seed_copy.write_bytes(concurrent)
        return outcome

    monkeypatch.setattr(Linter, "fix_document", fix_then_edit)
    (result,) = Linter().check_paths([seed_copy], fix=True).files
    assert seed_copy.read_bytes() == concurrent
    assert any("changed on disk" in e for e in result.errors)
    assert result.fixed == []
    assert no_temp_files(seed_copy.parent)


# -- JSON Lines and arrays ----------------------------------------------------------------------


def _aggregator(n: int, **extra: Any) -> dict[str, Any]:
    record = {"title": f"Paper {n}", "doi": f"10.1234/x{n}", "DOIUrl": None,
              "PeriodicalName": "Journal"}
    record.update(extra)
    return record


def test_json_lines_fix_changes_only_the_lines_with_fixes(tmp_path):
    clean = {"title": "Clean", "doi": "10.1234/c", "DOIUrl": "https://doi.org/10.1234/c",
             "PeriodicalName": "J"}
    lines = [
        json.dumps(clean),
        json.dumps(_aggregator(1, note="é 中文")),  # fixed
        '{ "title" :"Odd spacing",  "doi":"10.1234/o" ,"DOIUrl" : "https://doi.org/10.1234/o",'
        ' "PeriodicalName":"J" }',
        json.dumps(_aggregator(2, note="é"), ensure_ascii=True),  # fixed, escaped
        json.dumps(clean, separators=(",", ":")),
        "",
        json.dumps(_aggregator(3), separators=(",", ":")),  # fixed, compact
    ]
    data = ("\r\n".join(lines) + "\r\n").encode()
    path = tmp_path / "dump.jsonl"
    path.write_bytes(data)
    (result,) = Linter(Config(select=("XREF001",))).check_paths([path], fix=True).files
    assert sorted(f.record for f in result.fixed) == [1, 3, 5]
    new_lines = path.read_bytes().decode().split("\r\n")
    assert len(new_lines) == len(lines) + 1
    for number, (before, after) in enumerate(zip(lines, new_lines, strict=False)):
        if number in (1, 3, 6):
            assert before != after
            assert after == before.replace("null", json.dumps(
                "https://doi.org/" + json.loads(before)["doi"]))
        else:
            assert after == before
    assert_only_values_changed(data, path.read_bytes(), "dump.jsonl")


def test_json_lines_fix_with_every_rule(tmp_path):
    """With the whole rule set: lines whose record has nothing to fix stay byte-identical."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    records = [seed, {"title": "Nothing wrong here"}, dict(seed, citationCount=3), seed]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path = tmp_path / "all.ndjson"
    path.write_text(text, encoding="utf-8")
    Linter().check_paths([path], fix=True)
    new_lines = path.read_text(encoding="utf-8").splitlines()
    for before, after, record in zip(text.splitlines(), new_lines, records, strict=True):
        expected = biblint.fix(record).record
        assert json.loads(after) == expected
        if expected == record:
            assert after == before
    assert_only_values_changed(text.encode(), path.read_bytes(), path.name)


@pytest.mark.parametrize("indent", [2, 4, "\t"])
def test_pretty_array_keeps_its_formatting(tmp_path, indent):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    records = [_aggregator(1, nested={"a": [1, 2], "b": None}), seed,
               {"title": "Clean", "PeriodicalName": "J", "JCR": "Q1"}, _aggregator(2)]
    text = json.dumps(records, indent=indent, ensure_ascii=False) + "\n"
    path = tmp_path / "records.json"
    path.write_text(text, encoding="utf-8")
    (result,) = Linter().check_paths([path], fix=True).files
    assert result.errors == []
    new = path.read_bytes()
    changed = assert_only_values_changed(text.encode(), new, path.name)
    assert {"0:/DOIUrl", "1:/DOIUrl", "3:/DOIUrl"} <= set(changed)
    assert json.loads(new) == [biblint.fix(r).record for r in records]
    # Pretty-printed before, pretty-printed after: scalar fixes keep json.dumps' layout.
    fixed = [biblint.fix(r).record for r in records]
    if all(not isinstance(v, (dict, list)) or v == r.get(k)
           for f, r in zip(fixed, records, strict=True) for k, v in f.items()):
        assert new.decode() == json.dumps(fixed, indent=indent, ensure_ascii=False) + "\n"


def test_wrapped_records_are_fixed_in_place(tmp_path):
    page = {"meta": {"count": 2}, "results": [_aggregator(1), _aggregator(2)]}
    text = json.dumps(page, indent=2)
    new, result = Linter(Config(select=("XREF001",))).fix_bytes(text.encode(), "page.json")
    assert len(result.fixed) == 2
    assert result.findings == []
    assert new.decode() == json.dumps(
        {"meta": {"count": 2},
         "results": [_aggregator(1, DOIUrl="https://doi.org/10.1234/x1"),
                     _aggregator(2, DOIUrl="https://doi.org/10.1234/x2")]}, indent=2)


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
     (codecs.BOM_UTF16_BE, "utf-16-be"), (b"", "utf-8")],
)
def test_fix_keeps_bom_and_encoding(bom, encoding):
    text = json.dumps(_aggregator(1, note="Ünïcødé 😀"), ensure_ascii=False, indent=2)
    data = bom + text.encode(encoding)
    new, result = Linter(Config(select=("XREF001",))).fix_bytes(data, "bom.json")
    assert len(result.fixed) == 1
    assert new.startswith(bom)
    assert new[len(bom):].decode(encoding) == text.replace(
        "null", '"https://doi.org/10.1234/x1"')


def test_fix_keeps_ascii_escaping():
    """A file written with \\u escapes gets escaped insertions; others get the characters."""

    @rule("TST900", "test-set-title", fix="safe")
    def set_title(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
        """x"""
        if record.data.get("title") == "old":
            yield Violation("t", "/title", Fix.replace("/title", "Ünï 中文 😀", "set"))

    linter = Linter(registry=Registry([set_title]))
    escaped = json.dumps({"title": "old", "note": "é"}, ensure_ascii=True)
    new, _ = linter.fix_bytes(escaped.encode(), "e.json")
    assert new.decode("ascii") == json.dumps({"title": "Ünï 中文 😀", "note": "é"},
                                             ensure_ascii=True)
    raw = json.dumps({"title": "old", "note": "é"}, ensure_ascii=False)
    new, _ = linter.fix_bytes(raw.encode(), "r.json")
    assert new.decode() == json.dumps({"title": "Ünï 中文 😀", "note": "é"}, ensure_ascii=False)


def test_fix_that_leaves_a_lone_surrogate_is_written_escaped():
    """Regression: a fixed string holding a lone surrogate (read from a "\\ud800" escape) made
    render raise UnicodeEncodeError in a file that is not ASCII-escaped."""
    text = '{"doi": "10.1/x", "title": "café \\ud800 title.", "journal": {"name": "J"}}'
    new, result = Linter(Config(select=("TTL001",))).fix_bytes(text.encode(), "s.json")
    assert result.errors == []
    assert [f.code for f in result.fixed] == ["TTL001"]
    assert json.loads(new)["title"] == "café \ud800 title"
    assert b"\\ud800" in new


# -- structural edits: keys added and removed ---------------------------------------------------


def _dicts(value: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict):
        yield pointer, value
        for key, child in value.items():
            yield from _dicts(child, join_pointer(pointer, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _dicts(child, f"{pointer}/{index}")


@rule("TST001", "test-remove-marked", fix="safe")
def remove_marked(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Removes every member whose value is the string "DELETE"."""
    for pointer, obj in _dicts(record.data):
        for key, value in obj.items():
            if value == "DELETE":
                where = join_pointer(pointer, key)
                yield Violation("marked for removal", where, Fix.remove(where, "Remove"))


@rule("TST002", "test-add-wanted", fix="safe")
def add_wanted(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Adds the keys an object lists under "want" (value: "added <key>")."""
    for pointer, obj in _dicts(record.data):
        wanted = obj.get("want")
        if not isinstance(wanted, list):
            continue
        for key in wanted:
            if isinstance(key, str) and key not in obj:
                where = join_pointer(pointer, key)
                yield Violation("wanted", where,
                                Fix("Add", (PatchOp("add", where, f"added {key}"),)))


@rule("TST003", "test-replace-upper", fix="safe")
def replace_upper(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Lower-cases string values that are all capitals, in place."""
    for pointer, value in record.strings():
        if value.isupper() and value != "DELETE":
            yield Violation("capitals", pointer, Fix.replace(pointer, value.lower(), "Lower"))


@rule("TST004", "test-clear-object", fix="safe")
def clear_object(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Empties an object marked with "clear": true (a replace of the whole object)."""
    for pointer, obj in _dicts(record.data):
        if obj.get("clear") is True:
            yield Violation("clear", pointer, Fix.replace(pointer, {}, "Clear"))


@rule("TST005", "test-rename-old", fix="safe")
def rename_old(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Renames the top-level key "old" to "new" (one fix: a remove and an add)."""
    if isinstance(record.data, dict) and "old" in record.data and "new" not in record.data:
        ops = (PatchOp("remove", "/old"), PatchOp("add", "/new", record.data["old"]))
        yield Violation("rename", "/old", Fix("Rename", ops))


@rule("TST006", "test-fill-empty", fix="safe")
def fill_empty(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Adds a member to every empty object held under the key "fill"."""
    for pointer, obj in _dicts(record.data):
        if obj.get("fill") == {}:
            where = join_pointer(pointer, "fill", "x")
            yield Violation("fill", where, Fix("Fill", (PatchOp("add", where, "filled"),)))


STRUCTURAL = Registry([remove_marked, add_wanted, replace_upper, clear_object, rename_old,
                       fill_empty])

STYLES = {
    "compact": {"separators": (",", ":")},
    "default": {},
    "spaced": {"separators": (" , ", " : ")},
    "pretty2": {"indent": 2},
    "pretty4": {"indent": 4},
    "tabs": {"indent": "\t"},
}


def structural_fix(record: dict[str, Any]) -> dict[str, Any]:
    linter = Linter(registry=STRUCTURAL)
    result = converge(record, linter.lint)
    fixed: dict[str, Any] = result.record
    return fixed


CASES = {
    "remove-first": {"a": "DELETE", "b": 1, "c": 2},
    "remove-middle": {"a": 1, "b": "DELETE", "c": 2},
    "remove-last": {"a": 1, "b": 2, "c": "DELETE"},
    "remove-two-first": {"a": "DELETE", "b": "DELETE", "c": 2, "d": 3},
    "remove-first-and-last": {"a": "DELETE", "b": 1, "c": "DELETE"},
    "remove-all": {"a": "DELETE", "b": "DELETE"},
    "remove-only": {"a": "DELETE"},
    "add-to-one": {"want": ["x"]},
    "add-two": {"a": 1, "want": ["x", "y"]},
    "add-and-remove-first": {"a": "DELETE", "want": ["x"]},
    "add-and-remove-last": {"want": ["x"], "z": "DELETE"},
    "add-and-replace-last": {"want": ["x"], "z": "ABC"},
    "nested": {"a": {"b": "DELETE", "c": {"want": ["x"], "d": "DELETE"}}, "e": [{"f": "DELETE",
                                                                               "g": "HI"}]},
    "nested-emptied": {"a": {"b": "DELETE"}, "c": [{"d": "DELETE"}], "e": 1},
    "clear": {"a": {"clear": True, "x": [1, 2]}, "b": 2},
    "escaped-keys": {"a/b": "DELETE", "c~d": 1, "é\"\\": "DELETE", "want": ["\u2028/~"]},
    "rename-first": {"old": 1, "b": 2},
    "rename-last": {"a": 1, "old": "v"},
    "rename-only": {"old": "v"},
    "rename-and-remove-all": {"old": 1, "b": "DELETE"},
}
# Every member replaced by others: valid JSON, on one line (the layout is not guessed).
ONE_LINE = {"rename-only", "rename-and-remove-all"}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("case", CASES)
def test_keys_added_and_removed_round_trip(case, style):
    record = CASES[case]
    expected = structural_fix(record)
    assert expected != record
    text = json.dumps(record, **STYLES[style])
    new, result = Linter(registry=STRUCTURAL).fix_bytes(text.encode(), "r.json")
    assert result.errors == []
    assert json.loads(new) == expected
    assert list(json.loads(new)) == list(expected)
    # The layout of the file is kept: the result is what json.dumps writes in that style.
    # (An object with one member does not show its item separator; the spaced style's " , "
    # cannot be guessed from it, so ", " is used.)
    if "indent" in STYLES[style] and case in ONE_LINE:
        assert "\n" not in new.decode()
    elif style != "spaced" or case != "add-to-one":
        assert new.decode() == json.dumps(expected, **STYLES[style])


@pytest.mark.parametrize("style", ["compact", "default"])
def test_keys_added_to_an_empty_object(style):
    record = {"fill": {}, "a": {}, "b": {"fill": {}, "c": "DELETE"}, "c": {"clear": True}}
    text = json.dumps(record, **STYLES[style])
    new, result = Linter(registry=STRUCTURAL).fix_bytes(text.encode(), "r.json")
    assert result.errors == []
    assert json.loads(new) == structural_fix(record)
    assert structural_fix(record)["fill"] == {"x": "filled"}
    assert new.decode() == json.dumps(structural_fix(record), **STYLES[style])


@pytest.mark.parametrize("case", CASES)
def test_keys_added_and_removed_in_json_lines(case):
    other = {"keep": "as is", "n": 1}
    lines = [json.dumps(other), json.dumps(CASES[case]),
             json.dumps(CASES[case], separators=(",", ":")), json.dumps(other, indent=None)]
    text = "\n".join(lines) + "\n"
    new, result = Linter(registry=STRUCTURAL).fix_bytes(text.encode(), "r.jsonl")
    assert result.errors == []
    out = new.decode().split("\n")
    expected = structural_fix(CASES[case])
    assert out[0] == lines[0] and out[3] == lines[3] and out[4] == ""
    assert out[1] == json.dumps(expected)
    assert out[2] == json.dumps(expected, separators=(",", ":"))


ASCII_KEYS = st.one_of(st.text(alphabet="abcxyz/~é", min_size=1, max_size=3),
                       st.sampled_from(["old", "new"]))


@st.composite
def marked_objects(draw: st.DrawFn, depth: int = 2) -> dict[str, Any]:
    keys = draw(st.lists(ASCII_KEYS, unique=True, max_size=5))
    obj: dict[str, Any] = {}
    for key in keys:
        if key == "want":
            continue
        choice = draw(st.integers(0, 5 if depth else 3))
        if choice == 0:
            obj[key] = "DELETE"
        elif choice == 1:
            obj[key] = draw(st.sampled_from(["ABC", "abc", "", 0, 1.5, None, True]))
        elif choice == 2:
            obj[key] = draw(st.lists(st.integers(0, 9), max_size=3))
        elif choice == 3:
            obj[key] = "keep"
        else:
            obj[key] = draw(marked_objects(depth - 1))
    if draw(st.booleans()):
        obj["want"] = draw(st.lists(ASCII_KEYS, max_size=3))
    return obj


@given(marked_objects(), st.sampled_from(sorted(STYLES)), st.booleans())
def test_structural_edits_property(record, style, ensure_ascii):
    """Any mix of removals, additions and replacements reads back as the fixed record, in the
    layout json.dumps would give it (objects that end up or start empty aside)."""
    expected = structural_fix(record)
    text = json.dumps(record, ensure_ascii=ensure_ascii, **STYLES[style])
    new, result = Linter(registry=STRUCTURAL).fix_bytes(text.encode(), "r.json")
    assert result.errors == []
    assert json.loads(new) == expected
    if new != text.encode():
        assert_only_values_changed(text.encode(), new, "r.json")
        diff = unified_diff("r.json", text.encode(), new)
        assert apply_unified_diff(text, diff) == new.decode()


def test_duplicate_keys_are_fixed_correctly_or_not_at_all():
    """A repeated key defeats member spans: the fixer must refuse rather than write a lie."""
    for text in ('{"a": "DELETE", "b": 1, "a": "DELETE"}',
                 '{"a": 1, "b": "DELETE", "a": 2}',
                 '{"a": "ABC", "a": "DEF", "want": ["x"]}'):
        new, result = Linter(registry=STRUCTURAL).fix_bytes(text.encode(), "d.json")
        if new == text.encode():  # refused, and said so (IO006 names the repeated key)
            assert result.errors or "IO006" in [f.code for f in result.findings]
        else:
            assert json.loads(new) == structural_fix(json.loads(text))


# -- fixes that cannot be applied ---------------------------------------------------------------


@rule("TST010", "test-flip", fix="safe")
def flip(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Sets x to the other of 0 and 1: never converges."""
    x = record.data.get("x")
    if x in (0, 1):
        yield Violation("flip", "/x", Fix.replace("/x", 1 - x, "Flip"))


@rule("TST011", "test-bad-patch", fix="safe")
def bad_patch(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Removes a key that is not there."""
    if "y" in record.data:
        yield Violation("bad", "/nope", Fix.remove("/nope", "Remove nothing"))


@rule("TST012", "test-crash")
def crash(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Crashes on records with "boom"."""
    if "boom" in record.data:
        raise RuntimeError("kaboom")
    yield from ()


@rule("TST013", "test-unsafe", fix="unsafe")
def unsafe_fix(record: biblint.Record, ctx: biblint.Context) -> Iterator[Violation]:
    """Offers an unsafe fix for "u"."""
    if record.data.get("u") == "before":
        yield Violation("u", "/u", Fix.replace("/u", "after", "Change", unsafe=True))


BROKEN = Registry([flip, bad_patch, crash, unsafe_fix, add_wanted])


@pytest.mark.parametrize(
    ("record", "message"),
    [({"x": 0}, "undo each other"), ({"y": 1}, "does not apply"), ({"boom": 1}, "crashed")],
)
def test_a_fix_that_fails_is_an_error_and_writes_nothing(tmp_path, record, message):
    path = tmp_path / "r.jsonl"
    other = {"want": ["k"]}
    data = (json.dumps(other) + "\n" + json.dumps(record) + "\n").encode()
    path.write_bytes(data)
    (result,) = Linter(registry=BROKEN).check_paths([path], fix=True).files
    assert any(message in e for e in result.errors), result.errors
    # The record that could be fixed still is; the other line is untouched.
    lines = path.read_bytes().decode().splitlines()
    assert json.loads(lines[0]) == {"want": ["k"], "k": "added k"}
    assert lines[1] == json.dumps(record)
    assert no_temp_files(tmp_path)


def test_converge_raises_fix_error():
    linter = Linter(registry=BROKEN)
    with pytest.raises(FixError):
        converge({"x": 1}, linter.lint)


def test_unsafe_fixes_need_unsafe():
    text = b'{"u": "before"}'
    linter = Linter(registry=BROKEN)
    new, result = linter.fix_bytes(text, "u.json")
    assert new == text and result.fixed == []
    assert [f.code for f in result.findings] == ["TST013"]
    new, result = linter.fix_bytes(text, "u.json", unsafe=True)
    assert new == b'{"u": "after"}'
    assert [f.code for f in result.fixed] == ["TST013"]
    assert result.findings == []
