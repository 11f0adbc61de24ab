"""The CI output formats: jsonl, github, sarif, gitlab and junit.

SARIF and GitLab output is validated against the official schemas shipped in
tests/data/schemas (see the README there for where each came from), offline.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.exceptions
import referencing.jsonschema
from lxml import etree

import biblint
from biblint.cli import main
from biblint.model import (
    Applicability,
    FileResult,
    Finding,
    Fix,
    PatchOp,
    Report,
    Severity,
)
from biblint.registry import default_registry
from biblint.report import REPORTERS, RenderOptions
from biblint.report.github import escape_data, escape_property
from biblint.report.gitlab import relative_path

from .conftest import SEED

SCHEMAS = Path(__file__).parent / "data" / "schemas"
BROKEN_JSONL = '{"title": "A", "doi": "10.1/x", "citationCount": "3"}\n{broken\n'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, _ = capsys.readouterr()
    return code, out


def make_data(root: Path) -> Path:
    """A data folder with a copy of the seed record and a JSONL file with a broken line."""
    data = root / "data"
    data.mkdir(parents=True)
    shutil.copy(SEED, data / "seed.json")
    (data / "bad.jsonl").write_text(BROKEN_JSONL, encoding="utf-8")
    return data


def json_findings(capsys: pytest.CaptureFixture[str], *paths: str) -> list[dict[str, Any]]:
    _, out = run(capsys, "check", "--format", "json", *paths)
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def finding(**changes: Any) -> Finding:
    values: dict[str, Any] = {
        "code": "XREF001", "name": "doi-url-missing", "severity": Severity.ERROR,
        "message": "DOI URL is null", "pointer": "/DOIUrl", "fix": None,
        "file": "data/a.json", "record": 0, "line": 5, "column": 13,
        "fingerprint": "0123456789abcdef0123",
    }
    values.update(changes)
    return Finding(**values)


def render(fmt: str, report: Report) -> str:
    return REPORTERS[fmt](report, RenderOptions())


def offline_validator(schema_file: str) -> jsonschema.Draft7Validator:
    """A draft-07 validator whose references resolve within the schema, never on the network."""
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))

    def no_network(uri: str) -> referencing.Resource[Any]:
        raise referencing.exceptions.NoSuchResource(ref=uri)

    registry: referencing.Registry[Any] = referencing.Registry(retrieve=no_network)
    if "$id" in schema:
        registry = registry.with_resource(
            schema["$id"], referencing.jsonschema.DRAFT7.create_resource(schema))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_formats_are_registered():
    assert {"jsonl", "github", "sarif", "gitlab", "junit"} <= set(REPORTERS)


# -- jsonl ---------------------------------------------------------------------------------

def test_jsonl_one_finding_a_line_as_in_the_json_report(capsys, tmp_path):
    data = make_data(tmp_path)
    paths = (str(data / "seed.json"), str(data / "bad.jsonl"))
    code, out = run(capsys, "check", "--format", "jsonl", *paths)
    assert code == 1
    assert out.endswith("\n")
    lines = out.splitlines()
    assert [json.loads(line) for line in lines] == json_findings(capsys, *paths)
    assert len(lines) > 15  # every seed defect and the broken line; no summary line


def test_jsonl_clean_run_prints_nothing(capsys, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"title": "A title", "doi": "10.1000/182"}))
    assert run(capsys, "check", "--format", "jsonl", str(good)) == (0, "")


# -- github --------------------------------------------------------------------------------

GITHUB_LINE = re.compile(
    r"^::(?P<cmd>error|warning|notice) file=(?P<file>[^,:]+),line=(?P<line>\d+)"
    r"(?:,col=(?P<col>\d+))?,title=biblint \((?P<code>[A-Z]+\d{3})\)::(?P<message>.*)$"
)


def test_github_annotations_one_per_finding(capsys, tmp_path):
    data = make_data(tmp_path)
    paths = (str(data / "seed.json"), str(data / "bad.jsonl"))
    code, out = run(capsys, "check", "--format", "github", *paths)
    assert code == 1
    expected = json_findings(capsys, *paths)
    lines = out.splitlines()
    assert len(lines) == len(expected)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, f in zip(lines, expected, strict=True):
        match = GITHUB_LINE.match(line)
        assert match, line
        assert match["cmd"] == commands[f["severity"]]
        assert match["file"] == f["file"]
        assert (int(match["line"]), int(match["col"])) == (f["line"], f["column"])
        assert match["code"] == f["code"]
        # The pointer names the field, which line and column alone do not on minified JSON.
        pointer = f" (at {f['pointer']})" if f["pointer"] else ""
        assert match["message"] == (f["message"] + pointer).replace("%", "%25")
    assert {m["cmd"] for m in map(GITHUB_LINE.match, lines) if m} >= {"error", "warning"}


def test_github_escaping_and_missing_line():
    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("50% a\r\nb: c, d") == "50%25 a%0D%0Ab%3A c%2C d"
    report = Report([FileResult("dir,1/a:b.json", findings=[
        finding(file="dir,1/a:b.json", message="two\nlines 100%"),
        finding(file="dir,1/a:b.json", line=None, column=None, severity=Severity.INFO),
    ], errors=["rule X crashed:\nboom"])])
    lines = render("github", report).splitlines()
    assert lines == [
        "::error file=dir%2C1/a%3Ab.json,line=5,col=13,title=biblint (XREF001)"
        "::two%0Alines 100%25 (at /DOIUrl)",
        "::notice file=dir%2C1/a%3Ab.json,line=1,title=biblint (XREF001)::DOI URL is null "
        "(at /DOIUrl)",
        "::error title=biblint (internal error)::rule X crashed:%0Aboom",
    ]


# -- sarif ---------------------------------------------------------------------------------

def test_sarif_validates_and_describes_every_finding(capsys, tmp_path, monkeypatch):
    make_data(tmp_path)
    monkeypatch.chdir(tmp_path)
    paths = ("data/seed.json", "data/bad.jsonl")
    code, out = run(capsys, "check", "--format", "sarif", *paths)
    assert code == 1
    log = json.loads(out)
    offline_validator("sarif-schema-2.1.0.json").validate(log)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "biblint"
    assert driver["version"] == biblint.__version__
    assert driver["informationUri"].startswith("https://")
    assert run_["invocations"] == [{"executionSuccessful": True}]

    expected = json_findings(capsys, *paths)
    registry = default_registry()
    rule_ids = [r["id"] for r in driver["rules"]]
    assert sorted(rule_ids) == sorted({f["code"] for f in expected})
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor in driver["rules"]:
        rule = registry.get(descriptor["id"])
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.doc
        assert descriptor["help"] == {"text": rule.doc, "markdown": rule.doc}
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity.label]
        assert rule.family in descriptor["properties"]["tags"]

    results = run_["results"]
    assert len(results) == len(expected)
    for result, f in zip(results, expected, strict=True):
        assert result["ruleId"] == f["code"]
        assert rule_ids[result["ruleIndex"]] == f["code"]
        assert result["level"] == levels[f["severity"]]
        assert result["message"]["text"] == f["message"]
        assert result["partialFingerprints"] == {"biblintFingerprint/v1": f["fingerprint"]}
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": f["file"], "uriBaseId": "%SRCROOT%"}
        assert physical["region"] == {"startLine": f["line"], "startColumn": f["column"]}
        assert location["logicalLocations"] == [
            {"fullyQualifiedName": f"record {f['record']}{f['pointer']}", "kind": "member"}]
        assert result["properties"].get("fix") == f["fix"]
    xref = next(r for r in results if r["ruleId"] == "XREF001")
    assert xref["properties"]["fix"]["ops"][0]["path"] == "/DOIUrl"


def test_sarif_absolute_paths_missing_lines_and_internal_errors(capsys, tmp_path):
    data = make_data(tmp_path)
    (tmp_path / "gone.json").symlink_to(tmp_path / "absent.json")  # exists, cannot be read
    _, out = run(capsys, "check", "--format", "sarif", str(data), str(tmp_path / "gone.json"))
    log = json.loads(out)
    validator = offline_validator("sarif-schema-2.1.0.json")
    validator.validate(log)
    results = log["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert (data / "seed.json").as_uri() in uris
    missing = next(r for r in results if r["ruleId"] == "IO001")
    physical = missing["locations"][0]["physicalLocation"]
    assert "region" not in physical and "uriBaseId" not in physical["artifactLocation"]

    report = Report([FileResult("a b/c.json", records=1, findings=[
        finding(file="a b/c.json", line=None, column=None, code="TST001", name="test-rule",
                fix=Fix("Drop it", (PatchOp("remove", "/DOIUrl"),), Applicability.UNSAFE)),
    ], errors=["a.json: record 0: rule TST001 crashed"])])
    log = json.loads(render("sarif", report))
    validator.validate(log)
    run_ = log["runs"][0]
    assert run_["invocations"] == [{
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": "a.json: record 0: rule TST001 crashed"}}],
    }]
    assert run_["tool"]["driver"]["rules"][0]["id"] == "TST001"  # not installed: still described
    (result,) = run_["results"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "a%20b/c.json", "uriBaseId": "%SRCROOT%"}}
    assert result["properties"]["fix"] == {
        "applicability": "unsafe", "title": "Drop it",
        "ops": [{"op": "remove", "path": "/DOIUrl"}]}


# -- gitlab --------------------------------------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def gitlab_report(capsys: pytest.CaptureFixture[str], *paths: str) -> list[dict[str, Any]]:
    _, out = run(capsys, "check", "--format", "gitlab", *paths)
    issues: list[dict[str, Any]] = json.loads(out)
    return issues


def check_gitlab(issues: list[dict[str, Any]]) -> None:
    """GitLab's own schema, plus the documented fields its schema leaves loose."""
    assert isinstance(issues, list)
    validator = offline_validator("gitlab-codequality.json")
    for item in issues:
        validator.validate(item)
        assert isinstance(item["check_name"], str) and item["check_name"]
        assert item["severity"] in GITLAB_SEVERITIES
        assert isinstance(item["location"]["path"], str)
        assert not Path(item["location"]["path"]).is_absolute()
        assert isinstance(item["location"]["lines"]["begin"], int)
        assert item["location"]["lines"]["begin"] >= 1
        assert re.fullmatch(r"[0-9a-f]{32}", item["fingerprint"])
    fingerprints = [item["fingerprint"] for item in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_validates_against_its_schema(capsys, tmp_path, monkeypatch):
    make_data(tmp_path)
    monkeypatch.chdir(tmp_path)
    paths = ("data/seed.json", "data/bad.jsonl")
    issues = gitlab_report(capsys, *paths)
    check_gitlab(issues)
    expected = json_findings(capsys, *paths)
    assert [i["check_name"] for i in issues] == [f["code"] for f in expected]
    assert [i["location"]["lines"]["begin"] for i in issues] == [f["line"] for f in expected]
    severities = {"error": "major", "warning": "minor", "info": "info"}
    assert [i["severity"] for i in issues] == [severities[f["severity"]] for f in expected]
    assert {i["location"]["path"] for i in issues} == set(paths)


def test_gitlab_fingerprint_survives_a_line_move(capsys, tmp_path, monkeypatch):
    data = make_data(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = gitlab_report(capsys, "data/seed.json")
    seed = data / "seed.json"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace('{\n  "title"', '{\n\n    "title"', 1), encoding="utf-8")
    after = gitlab_report(capsys, "data/seed.json")
    check_gitlab(after)
    assert len(after) == len(before)
    assert all(a["location"]["lines"]["begin"] == b["location"]["lines"]["begin"] + 1
               for a, b in zip(after, before, strict=True))
    assert [a["fingerprint"] for a in after] == [b["fingerprint"] for b in before]


def test_gitlab_fingerprint_independent_of_the_checkout_path(capsys, tmp_path, monkeypatch):
    first, second = tmp_path / "runner-1" / "clone", tmp_path / "elsewhere" / "checkout"
    make_data(first)
    shutil.copytree(first / "data", second / "data")
    reports = []
    for root in (first, second):
        monkeypatch.chdir(root)
        reports.append(gitlab_report(capsys, "data"))
    assert reports[0] == reports[1]
    check_gitlab(reports[0])
    # An absolute path under the working directory is reported relative to it.
    absolute = gitlab_report(capsys, str(second / "data" / "seed.json"))
    relative = gitlab_report(capsys, "data/seed.json")
    assert absolute == relative
    assert {i["location"]["path"] for i in absolute} == {"data/seed.json"}


def test_gitlab_fingerprints_unique_for_repeated_records(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record = json.dumps({"doi": "10.1000/182", "title": "A title", "citationCount": "3"})
    twice = tmp_path / "twice.jsonl"
    twice.write_text(f"{record}\n{record}\n", encoding="utf-8")
    issues = gitlab_report(capsys, "twice.jsonl")
    assert sum(i["check_name"] == "TYP001" for i in issues) == 2
    check_gitlab(issues)


def test_gitlab_relative_path(tmp_path):
    assert relative_path("./data/a.json") == "data/a.json"
    assert relative_path(str(tmp_path / "data" / "a.json"), cwd=tmp_path) == "data/a.json"
    outside = str(tmp_path.parent / "other.json")
    assert relative_path(outside, cwd=tmp_path) == outside


# -- junit ---------------------------------------------------------------------------------

def test_junit_counts_and_structure(capsys, tmp_path):
    data = make_data(tmp_path)
    good = data / "good.json"
    good.write_text(json.dumps({"title": "A title", "doi": "10.1000/182"}), encoding="utf-8")
    paths = (str(data / "seed.json"), str(data / "bad.jsonl"), str(good))
    code, out = run(capsys, "check", "--format", "junit", *paths)
    assert code == 1
    root = etree.fromstring(out.encode("utf-8"))
    expected = json_findings(capsys, *paths)
    assert root.tag == "testsuites"
    assert root.get("failures") == str(len(expected))
    assert root.get("errors") == "0"
    assert root.get("tests") == str(len(expected) + 1)  # + the clean file's passing case
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == list(paths)
    for suite, path in zip(suites, paths, strict=True):
        mine = [f for f in expected if f["file"] == path]
        failures = suite.findall("testcase/failure")
        assert suite.get("failures") == str(len(failures)) == str(len(mine))
        assert suite.get("tests") == str(len(suite.findall("testcase")))
        assert [f.get("type") for f in failures] == [f["code"] for f in mine]
        assert [f.get("message") for f in failures] == [f["message"] for f in mine]
    clean = suites[2].findall("testcase")
    assert len(clean) == 1 and len(clean[0]) == 0  # one passing case: the file was checked
    xref = next(f for f in root.iter("failure") if f.get("type") == "XREF001")
    assert f"{paths[0]}:5:13: XREF001" in (xref.text or "")


def test_junit_escapes_and_reports_internal_errors():
    nasty = 'a < b & "c" \x01 \U0001f600'
    report = Report([FileResult("x&y.json", records=1, findings=[finding(message=nasty)],
                                errors=["rule <TST001> crashed"])])
    root = etree.fromstring(render("junit", report).encode("utf-8"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "1")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "x&y.json"
    failure = suite.find("testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'a < b & "c" \\u0001 \U0001f600'
    error = suite.find("testcase/error")
    assert error is not None and error.get("message") == "rule <TST001> crashed"
