"""``--dask`` and :mod:`biblint.dask`: a run on a Dask cluster gives the report of one process.

Blocks of JSON Lines files (with hostile lines at their edges), gzipped and remote (fsspec)
inputs, the library API (``lint_bag``, ``lint_paths``), the run-scope rules judged after a
shuffle, every output format and baselines through the command line, part files per
partition, and a worker killed during a run. The in-process tests use Dask's threaded
scheduler; the others one LocalCluster of two worker processes, shared by the module.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dask.bag")
pytest.importorskip("distributed")

import dask
import dask.bag as db
from distributed import Client, LocalCluster

from biblint import Linter
from biblint import dask as bdask
from biblint.cli import main
from biblint.dask import DaskLinter, lint_bag, lint_paths, plan
from biblint.model import Report
from biblint.report import RenderOptions
from biblint.report.json import as_dict

from .conftest import corpus_or_skip
from .test_runscope import (
    RUN_CODES,
    many_records,
    report_dump,
    run_records,
    write_jsonl,
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    """Two worker processes (one thread each), as ``--dask local:2`` starts them."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.CRITICAL) as local, \
            Client(local) as client:
        yield client


def dataset(folder: Path) -> Path:
    """Seed-shaped records over several files, with duplicates within and across files (and
    a case of every run-scope rule), and a large file with hostile lines."""
    folder.mkdir()
    records = many_records(40) + run_records()
    write_jsonl(folder / "a.jsonl", records[:35])
    write_jsonl(folder / "b.jsonl", records[35:] + many_records(8, offset=5))  # cross-file
    big = write_jsonl(folder / "c.jsonl", many_records(30, offset=400))
    lines = big.read_text(encoding="utf-8").split("\n")
    lines[12:12] = ["", "{not json", "[1, 2]", " \u00a0\u2028\r", "\t", "\ufeff{\"doi\": 1}"]
    big.write_text("\n".join(lines), encoding="utf-8")
    (folder / "d.json").write_text(json.dumps(many_records(4, offset=900)), encoding="utf-8")
    return folder


def names(report: Report, mapping: dict[str, str]) -> list[Any]:
    """The report with file names mapped (a gzipped or remote copy of a file)."""
    dump = report_dump(report)
    out = []
    for path, records, findings, errors, diff in dump:
        new = mapping.get(path, path)
        for f in findings:  # judged messages name the other record's file, or its name
            f["file"] = mapping.get(f["file"], f["file"])
            f["message"] = f["message"].replace(path, new).replace(
                path.rsplit("/", 1)[-1], new.rsplit("/", 1)[-1])
        out.append((new, records, findings, errors, diff))
    return out


# -- import hygiene -----------------------------------------------------------------------


def test_biblint_and_its_cli_do_not_import_dask():
    code = ("import sys, biblint, biblint.cli; biblint.cli._parser(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed', 'fsspec')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# -- partitions, in process --------------------------------------------------------------


def test_blocks_give_the_report_of_one_process(tmp_path):
    """Blocks of a few records: every edge case falls on some block's edge."""
    folder = dataset(tmp_path / "data")
    big = folder / "c.jsonl"
    # One line longer than a block (blocks inside it are empty), CRLF line ends, no final
    # newline: every block edge case the counting pass must agree on with the reader.
    with big.open("ab") as out:
        out.write(json.dumps({"doi": "10.1/long", "abstract": "x " * 3000}).encode() + b"\r\n")
        out.write(b"\n\n" + json.dumps(many_records(1, offset=7)[0]).encode())
    one = Linter().check_paths([folder], jobs=1)
    linter = DaskLinter(blocksize=4000)
    many = Report.collect(linter.iter_check([folder]))
    assert report_dump(many) == report_dump(one)
    found = bdask.sources(Linter().discover, [folder])
    parts = plan(found, 4000, lambda tasks: list(dask.compute(*tasks)))
    blocks = [p for p in parts if p.source.shown.endswith("c.jsonl")]
    assert len(blocks) > 10 and all(p.kind == "lines" for p in blocks)
    assert [p.start for p in blocks[1:]] == [p.end for p in blocks[:-1]]
    assert {"IO003", "IO004", "DUP001", "DUP003", "DUP005", "TYP008", "JRN001"} <= {
        f.code for f in one.findings}


def test_a_file_with_a_byte_order_mark_is_not_split(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in
                                                many_records(30)).encode())
    parts = plan(bdask.sources(Linter().discover, [path]), 1000,
                 lambda tasks: list(dask.compute(*tasks)))
    assert [p.kind for p in parts] == ["whole"]
    one = Linter().check_paths([path], jobs=1)
    assert report_dump(Report.collect(DaskLinter(blocksize=1000).iter_check([path]))) == \
        report_dump(one)


def test_gzipped_and_remote_files_as_their_plain_copy(tmp_path, monkeypatch):
    """A ``.jsonl.gz``, a gzipped file named without a suffix (OpenAlex's part_000.gz), a
    ``memory://`` copy (an fsspec filesystem other than the local one, split into blocks)
    and a ``file://`` URL give the findings of the plain file, positions included; gzipped
    and remote data are streamed in segments (made small here)."""
    monkeypatch.setattr(bdask, "SEGMENT", 3000)
    fsspec = pytest.importorskip("fsspec")
    plain = write_jsonl(tmp_path / "plain.jsonl", many_records(25) + run_records())
    data = plain.read_bytes()
    (tmp_path / "copy.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "part_000.gz").write_bytes(gzip.compress(data))
    with fsspec.open("memory://bucket/remote.jsonl", "wb") as out:
        out.write(data)
    shown = {"gz": str(tmp_path / "copy.jsonl.gz"), "part": str(tmp_path / "part_000.gz"),
             "memory": "memory://bucket/remote.jsonl", "url": f"file://{plain}"}
    alone = Linter().check_paths([plain], jobs=1)
    for key, given in shown.items():
        linter = DaskLinter(blocksize=5000)
        # One thread: fsspec's memory filesystem hands every reader the same file object.
        with dask.config.set(scheduler="sync"):
            report = Report.collect(linter.iter_check([given]))
        name = report.files[0].path
        assert name == (str(plain) if key == "url" else given)
        assert names(report, {name: str(plain)}) == report_dump(alone), key
        assert any(f.code == "DUP001" and f.line for f in report.findings)


def test_a_truncated_gzip_file_keeps_the_records_before_the_break(tmp_path):
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in many_records(40)).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    report = Report.collect(DaskLinter().iter_check([path]))
    unreadable = [f for f in report.findings if f.code == "IO001"]
    assert len(unreadable) == 1 and unreadable[0].file == str(path)
    assert 0 < report.files[0].records < 40


def test_a_missing_remote_file_is_a_finding_and_the_others_are_checked(tmp_path):
    plain = write_jsonl(tmp_path / "ok.jsonl", many_records(3))
    report = Report.collect(DaskLinter().iter_check(["memory://nowhere/gone.jsonl", plain]))
    assert [r.path for r in report.files] == ["memory://nowhere/gone.jsonl", str(plain)]
    assert [f.code for f in report.files[0].findings] == ["IO001"]
    assert report.files[1].records == 3


def test_a_glob_that_matches_nothing_is_a_usage_error(tmp_path, cli):
    code, _, err = cli(["--dask", "local:1", f"file://{tmp_path}/*.jsonl.gz"])
    assert code == 2 and "no file matches" in err


# -- the library API -----------------------------------------------------------------------


def test_lint_bag_equals_lint_stream():
    records = many_records(30) + run_records() + many_records(10, offset=3)
    bag = db.from_sequence(records, npartitions=5)
    found = lint_bag(bag).compute(scheduler="threads")
    stream = [f.to_dict() for found in Linter().lint_stream(records) for f in found]

    def key(f: dict[str, Any]) -> tuple[Any, ...]:
        return f["record"], f["code"], f["pointer"], f["fingerprint"], f["message"]

    assert sorted(found, key=key) == sorted(stream, key=key)
    assert Counter(f["code"] for f in found if f["code"] in RUN_CODES) == Counter(
        f["code"] for f in stream if f["code"] in RUN_CODES)
    assert {"DUP001", "DUP002", "DUP004", "TYP008"} <= {f["code"] for f in found}


def test_lint_paths_gives_the_json_report(tmp_path, cluster):
    folder = dataset(tmp_path / "data")
    alone = Report.collect(Linter().iter_check([folder], jobs=1))
    result = lint_paths([folder], client=cluster, blocksize=10_000)
    expected = as_dict(alone, RenderOptions())
    assert result.summary == expected["summary"]
    assert result.findings == expected["findings"]
    assert result.errors == []


# -- the command line on a cluster --------------------------------------------------------


def _run(args: list[str]) -> tuple[int, str, str]:
    """``biblint check --isolated ARGS`` in a subprocess: exit code, stdout, stderr."""
    done = subprocess.run([sys.executable, "-m", "biblint", "check", "--isolated", *args],
                          capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """``biblint check --isolated ARGS`` in this process: exit code, stdout, stderr."""

    def run(args: list[str]) -> tuple[int, str, str]:
        try:
            code = main(["check", "--isolated", *args])
        except SystemExit as exc:  # argparse refused an option's value
            code = int(str(exc.code))
        out, err = capsys.readouterr()
        return code, out, err

    return run


FORMATS = ("concise", "json", "jsonl", "github", "sarif", "gitlab", "junit")


def test_every_output_format_equals_one_process(tmp_path, cluster, cli):
    folder = dataset(tmp_path / "data")
    outputs = {}
    for mode, extra in (("one", ["--jobs", "1"]),
                        ("dask", ["--dask", cluster.scheduler.address,
                                  "--dask-blocksize", "10kB"])):
        out = tmp_path / mode
        out.mkdir()
        formats = [f"--output-format={fmt}:{out / fmt}" for fmt in FORMATS]
        code, text, _ = cli([*extra, "--output-format", "text", *formats, str(folder)])
        outputs[mode] = (code, text, {fmt: (out / fmt).read_text() for fmt in FORMATS})
    assert outputs["dask"] == outputs["one"]
    assert outputs["one"][0] == 1 and "DUP001" in outputs["one"][2]["json"]


def test_baselines_work_on_a_cluster(tmp_path, cluster, cli):
    folder = dataset(tmp_path / "data")
    baseline = tmp_path / "baseline.json"
    address = cluster.scheduler.address
    assert cli(["--dask", address, "--write-baseline", str(baseline), str(folder)])[0] == 0
    records = many_records(2, offset=20000)
    records[1]["doi"] = records[0]["doi"]  # one new duplicate and the new records' defects
    write_jsonl(folder / "e.jsonl", records)
    expected = cli(["--jobs", "1", "--format", "json", "--baseline", str(baseline),
                    str(folder)])
    got = cli(["--dask", address, "--dask-blocksize", "10kB", "--format", "json",
               "--baseline", str(baseline), str(folder)])
    assert got[:2] == expected[:2] and got[0] == 1
    new = json.loads(got[1])["findings"]
    assert any(f["code"] == "DUP001" and f["file"] == str(folder / "e.jsonl") for f in new)
    assert len(new) < len(json.loads(cli(["--jobs", "1", "--format", "json",
                                          str(folder)])[1])["findings"]) / 10


def test_jsonl_dir_writes_one_findings_file_per_partition(tmp_path, cluster, cli):
    folder = dataset(tmp_path / "data")
    code, expected, _ = cli(["--jobs", "1", "--format", "jsonl", str(folder)])
    out = tmp_path / "findings"
    got = cli(["--dask", cluster.scheduler.address, "--dask-blocksize", "10kB",
               f"--output-format=jsonl:{out}/", str(folder)])
    assert got[0] == code == 1 and got[1] == ""
    parts = sorted(out.glob("part-*.jsonl"))
    found = bdask.sources(Linter().discover, [folder])
    assert len(parts) == len(plan(found, 10_000, lambda t: list(dask.compute(*t)))) > 5
    written = [line for path in sorted(out.iterdir()) for line in
               path.read_text(encoding="utf-8").splitlines()]
    assert Counter(written) == Counter(expected.splitlines())
    assert f"{len(written)} findings" in got[2]
    again = cli(["--dask", cluster.scheduler.address, f"--output-format=jsonl:{out}/",
                 str(folder)])
    assert again[0] == 2 and "earlier run" in again[2]
    mixed = cli(["--dask", cluster.scheduler.address, f"--output-format=jsonl:{out}2/",
                 "--output-format", "json", str(folder)])
    assert mixed[0] == 2 and "jsonl:DIR/" in mixed[2]


@pytest.mark.parametrize("args, message", [
    (["--fix"], "--fix and --diff"),
    (["--dask-blocksize", "0", "x.jsonl"], "block size"),
])
def test_dask_usage_errors(tmp_path, args, message, cli):
    path = write_jsonl(tmp_path / "x.jsonl", many_records(2))
    code, _, err = cli(["--dask", "local:1", *args, str(path)])
    assert code == 2 and message in err


@pytest.mark.parametrize("scheduler", ["local:0", "nonsense"])
def test_bad_schedulers_are_usage_errors(tmp_path, scheduler, capsys):
    path = write_jsonl(tmp_path / "x.jsonl", many_records(2))
    assert main(["check", "--isolated", "--dask", scheduler, str(path)]) == 2
    assert "--dask" in capsys.readouterr().err


def test_stdin_is_refused(monkeypatch, capsys):
    assert main(["check", "--isolated", "--dask", "local:1", "-"]) == 2
    assert "stdin" in capsys.readouterr().err


# -- fault tolerance -------------------------------------------------------------------------


def test_a_worker_killed_during_a_run_loses_and_duplicates_nothing(tmp_path, cluster):
    folder = tmp_path / "data"
    folder.mkdir()
    for n in range(4):
        write_jsonl(folder / f"{n}.jsonl", many_records(20, offset=100 * n) + (
            run_records() if n == 2 else []))
    one = Linter().check_paths([folder], jobs=1)
    before = cluster.run(os.getpid)
    killed = None
    linter = DaskLinter(client=cluster, blocksize=10_000)
    events = []
    for event in linter.iter_check([folder]):
        events.append(event)
        if killed is None:  # mid-run: the first partition is in, the others are not
            killed = next(iter(before.values()))
            os.kill(killed, signal.SIGKILL)
    assert report_dump(Report.collect(events)) == report_dump(one)
    deadline = time.monotonic() + 30
    while len(cluster.scheduler_info()["workers"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    after = cluster.run(os.getpid)
    assert killed not in after.values()  # the worker really died (and its nanny restarted it)


# -- the acceptance test -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.corpus
def test_dask_local_2_on_the_corpus_and_generated_files_equals_one_process(tmp_path):
    corpus = corpus_or_skip()
    generated = dataset(tmp_path / "generated")
    # 256 kB blocks: the corpus's Semantic Scholar papers.jsonl (2.7 MB) is split into 11.
    alone = _run(["--jobs", "1", "--format", "json", str(corpus), str(generated)])
    spread = _run(["--dask", "local:2", "--dask-blocksize", "256kB", "--format", "json",
                   str(corpus), str(generated)])
    assert spread[:2] == alone[:2]
    report = json.loads(spread[1])
    assert report["summary"]["files"] > 300
    assert {"DUP001", "DUP005"} <= set(report["summary"]["by_code"])
