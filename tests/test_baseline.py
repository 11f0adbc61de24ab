"""Baselines: --write-baseline, --baseline, stale entries, --prune-baseline (lint/baseline.py)."""

from __future__ import annotations

import copy
import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from biblint.baseline import Baseline, BaselineError, StaleEntry
from biblint.cli import main
from biblint.engine import Linter
from biblint.model import Finding
from biblint.profiles import load_schema

from .conftest import SEED, corpus_or_skip

SEED_DATA: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def doi(number: int) -> str:
    """A DOI of the seed's journal (realistic, so that no DOI rule objects to it)."""
    return f"10.1177/152660282513617{number:02}"


def variant(doi: str, **changes: Any) -> dict[str, Any]:
    """The seed record under another DOI, title and abstract: the seed's defects, with
    fingerprints of their own, and no duplicate of another variant."""
    record = copy.deepcopy(SEED_DATA)
    record["doi"] = doi
    record["ListUrlMain"] = f"https://doi.org/{doi}"
    record["title"] = record["title"].replace("Critical", f"Critical ({doi})")
    record["abstract"] = record["abstract"].replace("<p><p>", f"<p><p>[{doi}] ")
    record.update(changes)
    return record


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")


def report_of(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, "check", "--format", "json", *args)
    report = json.loads(out)
    jsonschema.Draft202012Validator(load_schema("report.schema.json")).validate(report)
    return code, report


def validate_baseline(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema("baseline.schema.json")).validate(data)
    return data


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small data repository: the seed record and a JSON Lines file of three variants."""
    (tmp_path / "data").mkdir()
    shutil.copy(SEED, tmp_path / "data" / "seed.json")
    write_jsonl(tmp_path / "data" / "records.jsonl",
                [variant(doi(1)), variant(doi(2)), variant(doi(3))])
    return tmp_path


def test_write_baseline_is_versioned_sorted_stable_and_valid(capsys, repo):
    baseline = repo / "biblint-baseline.json"
    code, out, err = run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data"))
    assert code == 0 and out == ""
    assert f"baseline {baseline}: " in err and "recorded" in err
    data = validate_baseline(baseline)
    assert data["version"] == 1
    assert list(data["files"]) == ["data/records.jsonl", "data/seed.json"]  # relative, sorted
    _, report = report_of(capsys, str(repo / "data"))
    recorded = sum(e["count"] for entries in data["files"].values() for e in entries.values())
    assert recorded == len(report["findings"]) > 0
    seed_entries = data["files"]["data/seed.json"]
    xref = [(fp, e) for fp, e in seed_entries.items() if e["code"] == "XREF001"]
    assert len(xref) == 1
    fp, entry = xref[0]
    assert entry == {"code": "XREF001", "pointer": "/DOIUrl", "count": 1,
                     "message": next(f["message"] for f in report["findings"]
                                     if f["fingerprint"] == fp)}
    # Entries in a stable order (code, pointer, fingerprint): diff-friendly.
    keys = [(e["code"], e["pointer"], fp) for fp, e in seed_entries.items()]
    assert keys == sorted(keys)
    text = baseline.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\n  \"files\": {\n" in text
    # Writing again from the same data gives the same bytes.
    before = baseline.read_bytes()
    assert run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data"))[0] == 0
    assert baseline.read_bytes() == before


def test_baseline_hides_recorded_findings_and_exits_zero(capsys, repo):
    baseline = repo / "b.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data"))
    code, out, _ = run(capsys, "check", "--baseline", str(baseline), str(repo / "data"))
    assert code == 0, out
    assert "0 findings in 2 files (4 records)." in out
    assert f"Baseline {baseline}: " in out and "findings matched, no stale entries." in out
    code, report = report_of(capsys, "--baseline", str(baseline), str(repo / "data"))
    assert code == 0
    assert report["findings"] == [] and report["baseline"]["stale"] == []
    assert report["baseline"]["matched"] > 0


def test_walking_the_folder_of_the_baseline_does_not_read_the_baseline(capsys, repo):
    baseline = repo / "data" / "baseline.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data"))
    assert "data/baseline.json" not in validate_baseline(baseline)["files"]
    code, out, _ = run(capsys, "check", "--baseline", str(baseline), str(repo / "data"))
    assert code == 0 and "in 2 files" in out


def test_new_finding_is_reported_and_fails(capsys, repo):
    baseline = repo / "b.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data"))
    records = repo / "data" / "records.jsonl"
    with records.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"title": "A new record", "doi": doi(99),
                                 "DOIUrl": None, "PeriodicalName": "J"}) + "\n")
    code, report = report_of(capsys, "--baseline", str(baseline), str(repo / "data"))
    assert code == 1
    assert {(f["file"], f["record"]) for f in report["findings"]} == {(str(records), 3)}
    assert "XREF001" in {f["code"] for f in report["findings"]}
    assert report["baseline"]["stale"] == []


def test_survives_reordering_insertions_and_edits_of_other_records(capsys, repo):
    baseline = repo / "b.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data"))
    records = repo / "data" / "records.jsonl"
    lines = records.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = json.loads(lines[1])
    edited["PeriodicalIF"] = 2.5  # a value no rule looks at
    clean = json.dumps({"title": "A clean record", "doi": "10.1016/j.jvs.2021.03.004"}) + "\n"
    records.write_text(clean + lines[2] + json.dumps(edited) + "\n" + lines[0],
                       encoding="utf-8")
    seed = repo / "data" / "seed.json"
    seed.write_text(seed.read_text(encoding="utf-8").replace('"JCR": "Q3"', '"JCR": "Q2"'),
                    encoding="utf-8")
    code, report = report_of(capsys, "--baseline", str(baseline), str(repo / "data"))
    assert code == 0, report["findings"]
    assert report["findings"] == [] and report["baseline"]["stale"] == []


def test_fingerprints_come_from_the_doi_not_the_position():
    linter = Linter()
    same = "10.1016/j.jvs.2020.01.012"

    def prints(findings: list[Finding]) -> dict[tuple[str, str], str]:
        return {(f.code, f.pointer): f.fingerprint for f in findings}

    first = prints(linter.lint(variant(same)))
    moved = prints(list(linter.lint_stream([variant(doi(7)), variant(same)]))[1])
    assert moved == first and ("XREF001", "/DOIUrl") in first
    # The DOI is normalised: its case and a resolver prefix do not change the key.
    spelled = prints(linter.lint(variant(f"https://doi.org/{same.upper()}")))
    shared = set(spelled) & set(first)
    assert ("XREF001", "/DOIUrl") in shared
    assert all(spelled[key] == first[key] for key in shared)


def test_record_without_identifier_is_keyed_by_content(capsys, tmp_path):
    path = tmp_path / "anon.jsonl"
    record = {"title": "No identifier.", "citationCount": "3"}
    write_jsonl(path, [record])
    baseline = tmp_path / "b.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(path))
    record["year"] = 2020  # any change to such a record changes its key
    write_jsonl(path, [record])
    code, report = report_of(capsys, "--baseline", str(baseline), str(path))
    assert code == 1
    new = {(f["code"], f["pointer"]) for f in report["findings"]}
    assert {("TTL001", "/title"), ("TYP001", "/citationCount")} <= new
    assert {(s["code"], s["pointer"]) for s in report["baseline"]["stale"]} == new


def test_counts_match_up_to_the_recorded_number(capsys, tmp_path):
    path = tmp_path / "dup.jsonl"
    write_jsonl(path, [variant(doi(50)), variant(doi(50))])
    baseline = tmp_path / "b.json"
    run(capsys, "check", "--select", "XREF001", "--write-baseline", str(baseline), str(path))
    (entry,) = validate_baseline(baseline)["files"]["dup.jsonl"].values()
    assert entry["count"] == 2
    write_jsonl(path, [variant(doi(50))] * 3)
    code, report = report_of(capsys, "--select", "XREF001", "--baseline", str(baseline),
                             str(path))
    assert code == 1
    assert [(f["code"], f["record"]) for f in report["findings"]] == [("XREF001", 2)]
    assert report["baseline"]["matched"] == 2
    write_jsonl(path, [variant(doi(50))])
    code, report = report_of(capsys, "--select", "XREF001", "--baseline", str(baseline),
                             str(path))
    assert code == 0
    (stale,) = report["baseline"]["stale"]
    assert stale["count"] == 1 and stale["code"] == "XREF001" and stale["file"] == "dup.jsonl"


def test_stale_entries_are_reported_and_pruned(capsys, repo):
    baseline = repo / "b.json"
    data = str(repo / "data")
    run(capsys, "check", "--write-baseline", str(baseline), data)
    run(capsys, "check", "--fix", "--select", "XREF001", data)  # fixes 4 findings
    code, out, _ = run(capsys, "check", "--baseline", str(baseline), data)
    assert code == 0
    assert "4 stale entries (no longer found; remove them with --prune-baseline):" in out
    assert "  data/seed.json: XREF001 at /DOIUrl (1 not found, fingerprint " in out
    code, report = report_of(capsys, "--baseline", str(baseline), data)
    stale = report["baseline"]["stale"]
    assert [(s["file"], s["code"], s["count"]) for s in stale] == [
        ("data/records.jsonl", "XREF001", 1)] * 3 + [("data/seed.json", "XREF001", 1)]
    assert stale == sorted(stale, key=lambda s: (s["file"], s["code"], s["pointer"],
                                                 s["fingerprint"]))
    before = validate_baseline(baseline)
    code, _, err = run(capsys, "check", "--baseline", str(baseline), "--prune-baseline", data)
    assert code == 0 and "pruned 4 stale entries" in err
    after = validate_baseline(baseline)
    removed = {(name, fp) for name, entries in before["files"].items() for fp in entries} - {
        (name, fp) for name, entries in after["files"].items() for fp in entries}
    assert removed == {(s["file"], s["fingerprint"]) for s in stale}
    assert not list(repo.glob("*.biblint-tmp")) and not list(repo.glob(".b.json.*"))
    code, report = report_of(capsys, "--baseline", str(baseline), data)
    assert code == 0 and report["baseline"]["stale"] == [] and report["findings"] == []
    # Nothing stale: pruning leaves the file alone.
    snapshot = baseline.read_bytes()
    run(capsys, "check", "--baseline", str(baseline), "--prune-baseline", data)
    assert baseline.read_bytes() == snapshot


def test_prune_lowers_a_count_that_is_partly_used(capsys, tmp_path):
    path = tmp_path / "dup.jsonl"
    write_jsonl(path, [variant(doi(50))] * 3)
    baseline = tmp_path / "b.json"
    run(capsys, "check", "--select", "XREF001", "--write-baseline", str(baseline), str(path))
    write_jsonl(path, [variant(doi(50))])
    run(capsys, "check", "--select", "XREF001", "--baseline", str(baseline),
        "--prune-baseline", str(path))
    (entry,) = validate_baseline(baseline)["files"]["dup.jsonl"].values()
    assert entry["count"] == 1


def test_only_what_the_run_could_find_is_judged_stale(capsys, repo):
    baseline = repo / "b.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data"))
    # Another file only (pre-commit passes a few files): the other file's entries stand.
    code, report = report_of(capsys, "--baseline", str(baseline), str(repo / "data" / "seed.json"))
    assert code == 0 and report["baseline"]["stale"] == []
    # Some rules only: entries of the rules that did not run are not stale.
    code, report = report_of(capsys, "--select", "XREF001", "--baseline", str(baseline),
                             str(repo / "data"))
    assert code == 0 and report["baseline"]["stale"] == []
    assert report["baseline"]["matched"] == 4
    # A file that no longer exists: its entries are stale, and pruning drops the file.
    (repo / "data" / "seed.json").unlink()
    code, report = report_of(capsys, "--baseline", str(baseline), str(repo / "data"))
    assert code == 0
    assert report["baseline"]["stale"]
    assert {s["file"] for s in report["baseline"]["stale"]} == {"data/seed.json"}
    run(capsys, "check", "--baseline", str(baseline), "--prune-baseline", str(repo / "data"))
    assert list(validate_baseline(baseline)["files"]) == ["data/records.jsonl"]


def test_duplicates_across_files_are_judged_only_by_a_run_over_every_file(capsys, tmp_path):
    """DUP rules compare records across the files of a run: a run over some files cannot
    tell that a duplicate is gone, so their entries are not stale there."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    same = {"title": "One title", "abstract": SEED_DATA["abstract"]}
    write_jsonl(first, [variant(doi(1), **same)])
    write_jsonl(second, [variant(doi(2), **same)])
    baseline = tmp_path / "b.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(tmp_path))
    dups = {e["code"] for e in validate_baseline(baseline)["files"]["b.jsonl"].values()
            if e["code"].startswith("DUP")}
    assert dups  # the second record duplicates the first
    code, report = report_of(capsys, "--baseline", str(baseline), str(second))
    assert code == 0 and report["baseline"]["stale"] == []
    # A partial --write-baseline keeps them too.
    run(capsys, "check", "--write-baseline", str(baseline), str(second))
    kept = validate_baseline(baseline)["files"]["b.jsonl"].values()
    assert dups <= {e["code"] for e in kept}
    # A run over every file judges them: the duplicate is gone.
    write_jsonl(first, [variant(doi(1))])
    code, report = report_of(capsys, "--baseline", str(baseline), str(tmp_path))
    assert {s["code"] for s in report["baseline"]["stale"] if s["file"] == "b.jsonl"} == dups


def test_per_file_ignores_keep_entries_from_being_stale(capsys, repo, monkeypatch):
    baseline = repo / "b.json"
    monkeypatch.chdir(repo)
    run(capsys, "check", "--write-baseline", "b.json", "data")
    (repo / "biblint.toml").write_text('[per-file-ignores]\n"data/seed.json" = ["XREF"]\n')
    code, report = report_of(capsys, "--baseline", "b.json", "data")
    assert code == 0 and report["baseline"]["stale"] == []
    assert baseline.exists()


def test_paths_are_relative_to_the_baseline_folder(capsys, repo, monkeypatch):
    baseline = repo / "ci" / "baseline.json"
    baseline.parent.mkdir()
    monkeypatch.chdir(repo)
    run(capsys, "check", "--write-baseline", "ci/baseline.json", "data")
    assert list(validate_baseline(baseline)["files"]) == ["../data/records.jsonl",
                                                          "../data/seed.json"]
    # The same baseline from another working directory, with other spellings of the paths.
    monkeypatch.chdir(repo / "data")
    code, report = report_of(capsys, "--baseline", "../ci/baseline.json", ".")
    assert code == 0 and report["baseline"]["stale"] == []
    code, report = report_of(capsys, "--baseline", str(baseline), str(repo / "data" / "seed.json"))
    assert code == 0 and report["baseline"]["matched"] > 0


def test_write_baseline_updates_only_what_the_run_checked(capsys, repo):
    baseline = repo / "b.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data"))
    before = validate_baseline(baseline)["files"]
    seed = repo / "data" / "seed.json"
    run(capsys, "check", "--fix", "--select", "XREF001", str(seed))
    # One file, one rule: only the XREF001 entry of seed.json goes.
    run(capsys, "check", "--select", "XREF001", "--write-baseline", str(baseline), str(seed))
    after = validate_baseline(baseline)["files"]
    assert after["data/records.jsonl"] == before["data/records.jsonl"]
    assert {e["code"] for e in after["data/seed.json"].values()} == (
        {e["code"] for e in before["data/seed.json"].values()} - {"XREF001"})
    # A deleted file's entries are dropped on the next write.
    (repo / "data" / "records.jsonl").unlink()
    run(capsys, "check", "--write-baseline", str(baseline), str(seed))
    assert list(validate_baseline(baseline)["files"]) == ["data/seed.json"]


def test_baseline_and_fix_report_fixed_entries_as_stale(capsys, repo):
    baseline = repo / "b.json"
    run(capsys, "check", "--write-baseline", str(baseline), str(repo / "data" / "seed.json"))
    code, report = report_of(capsys, "--fix", "--baseline", str(baseline),
                             str(repo / "data" / "seed.json"))
    assert code == 0  # what remains is baselined
    fixed = report["summary"]["fixed"]
    assert fixed > 0 and sum(s["count"] for s in report["baseline"]["stale"]) == fixed


def test_stdin_with_stdin_filename_matches_the_file_entry(capsys, repo, monkeypatch):
    baseline = repo / "b.json"
    monkeypatch.chdir(repo)
    run(capsys, "check", "--write-baseline", "b.json", "data/seed.json")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    code, out, _ = run(capsys, "check", "--baseline", str(baseline), "--stdin-filename",
                       "data/seed.json", "-")
    assert code == 0, out


def test_a_single_finding_suppressed_by_hand(capsys, repo):
    """JSON has no comments: one finding of one record is accepted through the baseline."""
    records = repo / "data" / "records.jsonl"
    _, report = report_of(capsys, str(records))
    target = next(f for f in report["findings"]
                  if f["code"] == "PAGE003" and f["record"] == 1)
    baseline = repo / "b.json"
    baseline.write_text(json.dumps({"version": 1, "files": {"data/records.jsonl": {
        target["fingerprint"]: {"code": target["code"], "pointer": target["pointer"],
                                "count": 1, "message": target["message"]}}}}))
    code, report = report_of(capsys, "--baseline", str(baseline), str(records))
    assert code == 1
    assert report["baseline"] == {"matched": 1, "stale": []}
    left = [(f["code"], f["record"]) for f in report["findings"] if f["code"] == "PAGE003"]
    assert left == [("PAGE003", 0), ("PAGE003", 2)]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        ('{"version": 2, "files": {}}', "version 2 is not supported"),
        ('{"version": 1}', "'files' is a required property"),
        ('{"version": 1, "files": {"a.json": {"xyz": {"code": "XREF001", "pointer": "",'
         ' "count": 1, "message": ""}}}}', "invalid at files/a.json"),
        ('{"version": 1, "files": {"a.json": {"0123456789abcdef0123": {"code": "XREF001",'
         ' "pointer": "", "count": 0, "message": ""}}}}', "count"),
    ],
)
def test_an_unusable_baseline_is_a_usage_error(capsys, tmp_path, content, needle):
    baseline = tmp_path / "b.json"
    if content is not None:
        baseline.write_text(content)
    code, _, err = run(capsys, "check", "--baseline", str(baseline), str(SEED))
    assert code == 2
    assert f"baseline {baseline}" in err and needle in err


def test_flag_combinations_that_make_no_sense_are_usage_errors(capsys, tmp_path):
    code, _, err = run(capsys, "check", "--prune-baseline", str(SEED))
    assert code == 2 and "--prune-baseline needs --baseline" in err
    code, _, err = run(capsys, "check", "--baseline", "b.json", "--write-baseline", "b.json",
                       str(SEED))
    assert code == 2 and "cannot be combined" in err


def test_statistics_and_other_formats_with_a_baseline(capsys, repo):
    baseline = repo / "b.json"
    seed = repo / "data" / "seed.json"
    run(capsys, "check", "--select", "XREF001", "--write-baseline", str(baseline), str(seed))
    code, out, _ = run(capsys, "check", "--statistics", "--baseline", str(baseline), str(seed))
    assert code == 1
    assert "XREF001" not in out.split("\n\n")[0] and "TYP002" in out
    assert "1 finding matched, no stale entries." in out
    code, out, err = run(capsys, "check", "--format", "concise", "--baseline", str(baseline),
                         str(seed))
    assert "XREF001" not in out and "Baseline" not in out
    assert "1 finding matched, no stale entries." in err


def test_baseline_api_round_trip(tmp_path):
    report = Linter().check_paths([SEED])
    baseline = Baseline.from_report(report, tmp_path / "b.json")
    baseline.write()
    loaded = Baseline.load(tmp_path / "b.json")
    assert loaded.files == baseline.files and loaded.findings == len(report.findings)
    outcome = loaded.apply(report)
    assert outcome.report.findings == [] and outcome.matched == len(report.findings)
    assert outcome.stale == []
    name, entries = next(iter(loaded.files.items()))
    fingerprint, entry = next(iter(entries.items()))
    stale = StaleEntry(name, fingerprint, entry.code, entry.pointer, entry.count, entry.message)
    pruned = loaded.pruned([stale])
    assert pruned.findings == loaded.findings - entry.count
    (tmp_path / "b.json").write_text("{}")  # changed on disk since it was loaded
    with pytest.raises(BaselineError, match="changed on disk"):
        pruned.write()
    assert (tmp_path / "b.json").read_text() == "{}"


@pytest.mark.corpus
@pytest.mark.slow
def test_acceptance_on_the_corpus(capsys, tmp_path, monkeypatch):
    """Issue 4's acceptance test: adopt on legacy data, gate only the new record."""
    corpus = corpus_or_skip()
    for name in ("crossref-json", "openalex-json", "s2-json", "aggregator-json", "csl-json",
                 "datacite-json"):
        shutil.copytree(corpus / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "check", "--write-baseline", "baseline.json", ".")[0] == 0
    data = validate_baseline(tmp_path / "baseline.json")
    assert data["files"]  # the corpus has legacy findings
    code, report = report_of(capsys, "--baseline", "baseline.json", ".")
    assert code == 0, report["findings"][:3]
    assert report["findings"] == [] and report["baseline"]["stale"] == []

    target = Path("aggregator-json/fatcat/example_doaj_articles.json")
    original = target.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    new = {"title": "A new record", "doi": "10.1177/15266028251369999", "DOIUrl": None,
           "PeriodicalName": "Journal of Endovascular Therapy"}
    target.write_text(original + json.dumps(new) + "\n", encoding="utf-8")
    code, report = report_of(capsys, "--baseline", "baseline.json", ".")
    assert code == 1
    assert {(f["file"], f["record"]) for f in report["findings"]} == {(str(target), len(lines))}
    assert "XREF001" in {f["code"] for f in report["findings"]}
    code, out, _ = run(capsys, "check", "--baseline", "baseline.json", ".")
    assert code == 1 and f"{target}:{len(lines) + 1}:" in out

    # Remove the new record and edit an unrelated record of the same file.
    first = json.loads(lines[0])
    first["last_updated"] = "2024-01-01T00:00:00Z"
    edited = json.dumps(first, ensure_ascii=False) + "\n"
    assert edited != lines[0]
    target.write_text(edited + "".join(lines[1:]), encoding="utf-8")
    code, report = report_of(capsys, "--baseline", "baseline.json", ".")
    assert code == 0, report["findings"][:3]
    assert report["baseline"]["stale"] == []
    assert report["baseline"]["matched"] == sum(
        e["count"] for entries in data["files"].values() for e in entries.values())
