"""The bad-input suite: hostile files through the command line, as CI would run it.

Every input is generated here (no large checked-in blobs). For each: the run ends with the
right exit code and no traceback, the message names the file and a position, the good file
checked in the same run is still reported, and ``--fix`` never writes the bad file.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from biblint.cli import main

GOOD = {"title": "A title.", "doi": "10.1000/182"}  # TTL001: one safe-fixable finding
BAD_INPUTS: dict[str, tuple[bytes, str, str]] = {
    # name: (bytes, expected code, expected message fragment)
    "invalid-utf8.json": (b'{"title": "caf\xe9"}', "IO002", "not valid UTF-8"),
    "utf16-bom.json": (codecs.BOM_UTF16_LE + '{"title": "A"'.encode("utf-16-le"), "IO003",
                       "invalid JSON"),
    "utf8-bom-bad-bytes.json": (codecs.BOM_UTF8 + b'{"title": "\xff"}', "IO002",
                                "after its byte-order mark"),
    "truncated.json": (b'{"title": "A title", "doi": "10.1000/1', "IO003", "invalid JSON"),
    "broken-line.jsonl": (b'{"title": "A"}\n{"title": \n{"title": "C"}\n', "IO003",
                          "invalid JSON in line 2"),
    "nan.json": (b'{"title": "A", "PeriodicalIF": NaN}', "IO005", "NaN is not valid JSON"),
    "infinity.jsonl": (b'{"title": "A", "n": -Infinity}\n', "IO005", "Infinity"),
    "overflow.json": (b'{"title": "A", "PeriodicalIF": 1e400}', "IO005", "64-bit float"),
    "huge-int.json": (b'{"title": "A", "citationCount": ' + b"9" * 5000 + b"}", "IO005",
                      "an integer of 5000 digits"),
    "duplicate-keys.json": (b'{"title": "A", "doi": "10.1/a", "doi": "10.1/b"}', "IO006",
                            'key "doi" appears more than once'),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "IO003", "nested too deeply"),
    "deep.jsonl": (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"\n", "IO003",
                   "nested too deeply"),
    "empty.json": (b"", "IO003", "the file is empty"),
    "binary.json": (bytes(range(256)) * 64, "IO002", "not valid UTF-8"),
    "not-a-record.json": (b'[{"title": "A"}, 42]', "IO004", "expected a record"),
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_reported_and_the_rest_is_still_checked(capsys, tmp_path, name):
    data, code, fragment = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD))
    status, out, err = run(capsys, "check", "--format", "json", str(bad), str(good))
    assert status == 1, err
    assert "Traceback" not in err and err == ""
    findings = json.loads(out)["findings"]
    mine = [f for f in findings if f["file"] == str(bad)]
    assert any(f["code"] == code and fragment in f["message"] for f in mine), mine
    for finding in mine:
        if finding["code"].startswith("IO"):
            assert finding["line"] >= 1 and finding["column"] >= 1
    assert [f["code"] for f in findings if f["file"] == str(good)] == ["TTL001"]

    # --fix writes the good file and never the bad one.
    status, _, err = run(capsys, "check", "--fix", str(bad), str(good))
    assert status == 1 and "Traceback" not in err
    assert bad.read_bytes() == data
    assert json.loads(good.read_text())["title"] == "A title"


def test_text_output_names_file_line_and_column(capsys, tmp_path):
    bad = tmp_path / "broken-line.jsonl"
    bad.write_bytes(BAD_INPUTS["broken-line.jsonl"][0])
    _, out, _ = run(capsys, "check", str(bad))
    assert f"{bad}:2:11: IO003 invalid JSON in line 2" in out


@pytest.mark.slow
def test_a_100_mb_string(capsys, tmp_path):
    """A file that is one 100 MB JSON string: one finding, promptly, no copy of the text in
    the message."""
    big = tmp_path / "big.json"
    with big.open("wb") as out:
        out.write(b'"')
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            out.write(chunk)
        out.write(b'"')
    status, out, err = run(capsys, "check", "--format", "concise", str(big))
    assert status == 1 and err == ""
    assert out.startswith(f"{big}:1:1: IO004 expected a record (a JSON object), found string")
    assert len(out) < 500


def test_a_directory_passed_as_a_json_file_and_a_symlink_loop(capsys, tmp_path):
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "folder.json" / "r.json").write_text(json.dumps(GOOD))
    os.symlink(tmp_path, tmp_path / "folder.json" / "loop")
    os.symlink("self.json", tmp_path / "self.json")
    status, out, err = run(capsys, "check", "--format", "concise", str(tmp_path),
                           str(tmp_path / "self.json"))
    assert status == 1 and err == ""
    assert f"{tmp_path / 'folder.json' / 'r.json'}:1:11: TTL001" in out
    assert out.count("self.json: IO001") == 1  # walked and named: checked once
    assert f"{tmp_path / 'self.json'}: IO001 cannot read file" in out


def test_a_named_pipe_is_not_read(capsys, tmp_path):
    """A FIFO nobody writes to would block for ever: it is reported, not opened."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    status, out, _ = run(capsys, "check", "--format", "concise", str(fifo))
    assert status == 1
    assert "IO001 not a regular file" in out


def test_an_unreadable_file(capsys, tmp_path, monkeypatch):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps(GOOD))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD))
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # root reads everything: deny like chmod 0 would
        if self.name == "secret.json":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    status, out, err = run(capsys, "check", "--format", "concise", str(secret), str(good))
    assert status == 1 and err == ""
    assert f"{secret}: IO001 cannot read file: Permission denied" in out
    assert f"{good}:1:11: TTL001" in out


def test_a_missing_path_and_stdin_garbage(tmp_path):
    """Through the real console entry point: exit 1 or 2, messages, no traceback."""
    missing = tmp_path / "nope.json"
    done = subprocess.run([sys.executable, "-m", "biblint", "check", str(missing), "-"],
                          input=b"\xff\xfe garbage", capture_output=True, check=False)
    assert done.returncode == 2  # '-' cannot be combined with paths: a usage error
    assert b"Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "biblint", "check", "-"],
                          input=b"\x00\x01 garbage", capture_output=True, check=False)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"-:1:1: IO00" in done.stdout
    done = subprocess.run([sys.executable, "-m", "biblint", "check", str(missing)],
                          capture_output=True, check=False)
    assert done.returncode == 2 and b"Traceback" not in done.stderr  # a usage error
    assert f"no such file or folder: '{missing}'".encode() in done.stderr
