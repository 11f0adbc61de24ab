"""Only bibliographic data is linted: what a walk skips, what it counts, what it names.

The end-to-end run of a scratch repository with both real pre-commit hooks is in
tests/test_precommit.py (slow); here the same tree is checked in process.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from biblint.cli import main
from biblint.config import Config
from biblint.discovery import Skipped, discover, not_data
from biblint.readers import READERS

from .conftest import ROOT, SEED

SCHEMA = ROOT / "schemas" / "aggregator.schema.json"
JSONC = ('{\n  // editor settings\n  "editor.tabSize": 2,\n'
         '  "files.trimTrailingWhitespace": true,\n}\n')


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                   capture_output=True)


def data_repository(root: Path) -> dict[str, Path]:
    """A data repository as found in the wild: records next to a package.json (with a
    trailing space that --fix once "fixed"), JSONC editor settings (in .vscode/ and under an
    ordinary name), JSON Schemas (by name and by content), a baseline, a report, a MARC
    file (a format without a reader), a Maven pom.xml, and venv/, build/ and node_modules/
    folders holding copies of records."""
    files = {
        "seed": root / "data" / "seed.json",
        "lines": root / "data" / "more.jsonl",
        "package": root / "package.json",
        "lock": root / "package-lock.json",
        "tsconfig": root / "tsconfig.json",
        "vscode": root / ".vscode" / "settings.json",
        "settings": root / "config" / "editor-settings.json",
        "schema": root / "schemas" / "record.schema.json",
        "schema2": root / "schemas" / "lab.json",
        "report": root / "reports" / "gl-code-quality-report.json",
        "bib": root / "data" / "refs.mrc",
        "pom": root / "tools" / "pom.xml",
        "venv": root / "venv" / "lib" / "site-packages" / "pkg" / "record.json",
        "build": root / "build" / "record.json",
        "node": root / "node_modules" / "pkg" / "record.json",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, files["seed"])
    files["lines"].write_text(
        json.dumps({"title": "Gas exchange.", "doi": "10.1000/182", "citationCount": "3"})
        + "\n" + json.dumps({"title": "Another", "doi": "10.1000/183", "year": 2020}) + "\n")
    files["package"].write_text(json.dumps({
        "name": "site", "version": "1.0.0", "description": "Our lab's site ",
        "author": "Lab", "scripts": {"build": "make"}}, indent=2) + "\n")
    files["lock"].write_text(json.dumps({"name": "site", "lockfileVersion": 3,
                                         "packages": {}}, indent=2) + "\n")
    files["tsconfig"].write_text('{\n  // strict\n  "compilerOptions": {"strict": true}\n}\n')
    files["vscode"].write_text(JSONC)
    files["settings"].write_text(JSONC)
    shutil.copy(SCHEMA, files["schema"])
    shutil.copy(SCHEMA, files["schema2"])
    files["report"].write_text(json.dumps([{
        "description": "XREF001: DOI URL is null", "check_name": "XREF001",
        "fingerprint": "0" * 32, "severity": "major",
        "location": {"path": "data/seed.json", "lines": {"begin": 5}}}], indent=2))
    files["bib"].write_bytes(b"00714cam a2200205 a 4500")  # MARC 21: no reader
    files["pom"].write_text('<?xml version="1.0"?>\n<project><modelVersion>4.0.0'
                            "</modelVersion></project>\n")
    for name in ("venv", "build", "node"):
        shutil.copy(SEED, files[name])
    return files


def digests(files: dict[str, Path]) -> dict[str, str]:
    return {name: hashlib.sha256(path.read_bytes()).hexdigest()
            for name, path in files.items() if path.exists()}


DATA = {"seed", "lines"}


@pytest.mark.parametrize("with_git", [False, True])
def test_check_reports_only_the_data(capsys, tmp_path, monkeypatch, with_git):
    if with_git:
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        git(tmp_path, "init", "-q")
    files = data_repository(tmp_path)
    code, _, _ = run(capsys, "check", "--isolated", "--write-baseline",
                     str(tmp_path / "biblint-baseline.json"), str(files["seed"]))
    assert code == 0
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--isolated", "--format", "json")  # no path: "."
    report = json.loads(out)
    assert {f["file"] for f in report["findings"]} == {"data/seed.json", "data/more.jsonl"}
    assert report["summary"]["files"] == 2
    skipped = report["summary"]["skipped"]
    # Named by the walk: the data it could not read, and JSON without records (the
    # well-known files are excluded by name and never opened).
    assert skipped["unread"] == ["data/refs.mrc"]
    assert sorted(skipped["no_records"]) == [
        "biblint-baseline.json", "config/editor-settings.json",
        "reports/gl-code-quality-report.json", "schemas/lab.json", "tools/pom.xml"]
    # The report with a summary.skipped still validates against the report schema.
    import jsonschema

    jsonschema.Draft202012Validator(
        json.loads((ROOT / "schemas" / "report.schema.json").read_text())).validate(report)

    code, out, _ = run(capsys, "check", "--isolated")
    assert "Not read: 1 file in a format biblint has no reader for (.mrc): data/refs.mrc." in out
    assert "Skipped 5 files holding no bibliographic records: " in out


def test_fix_changes_only_the_data(capsys, tmp_path, monkeypatch):
    files = data_repository(tmp_path)
    before = digests(files)
    monkeypatch.chdir(tmp_path)
    run(capsys, "check", "--isolated", "--fix", ".")
    after = digests(files)
    changed = {name for name in files if before[name] != after[name]}
    assert changed == DATA


def test_force_exclude_holds_named_files_to_the_walks_rules(capsys, tmp_path, monkeypatch):
    """pre-commit names every staged file: with --force-exclude they are skipped as a walk
    skips them, and --fix never touches them."""
    files = data_repository(tmp_path)
    monkeypatch.chdir(tmp_path)
    named = [str(p.relative_to(tmp_path)) for p in files.values()]
    before = digests(files)
    code, out, err = run(capsys, "check", "--isolated", "--force-exclude", "--fix",
                         "--format", "concise", *named)
    assert code == 1  # the seed's findings that --fix cannot fix
    assert {line.split(":")[0] for line in out.splitlines()} == {"data/seed.json"}
    assert {n for n in files if before[n] != digests(files)[n]} == DATA
    assert "Not read: 1 file" in err and "data/refs.mrc" in err
    assert "config/editor-settings.json" in err and "package.json" not in err


def test_a_named_file_that_is_not_data_gets_a_clear_message(capsys, tmp_path):
    files = data_repository(tmp_path)
    before = digests(files)
    code, out, _ = run(capsys, "check", "--isolated", "--fix", "--format", "concise",
                       str(files["package"]), str(files["settings"]), str(files["schema"]),
                       str(files["bib"]))
    assert code == 1
    lines = out.splitlines()
    assert f"{files['package']}:1:1: IO004 not bibliographic data: no object in it has the " \
           "fields of a bibliographic record; not checked" in lines
    assert any(line.startswith(f"{files['settings']}:1:1: IO004") and "JSON with comments"
               in line for line in lines)
    assert any(line.startswith(f"{files['schema']}:1:1: IO004") and "JSON Schema" in line
               for line in lines)
    assert any(line.startswith(f"{files['bib']}: IO001 not read: biblint has no reader for "
                               ".mrc files") for line in lines)
    assert len(lines) == 4 and digests(files) == before  # nothing else, nothing changed


def test_a_folder_of_unread_formats_is_named_not_passed_silently(capsys, tmp_path):
    for name in ("a.enw", "b.mrc", "c.csv", "d.mods", "notes.txt"):
        (tmp_path / name).write_text("x")
    code, out, _ = run(capsys, "check", "--isolated", str(tmp_path))
    assert code == 0 and "0 findings in 0 files" in out  # no finding, but not silent:
    line = next(line for line in out.splitlines() if line.startswith("Not read:"))
    unread = {s for s in (".enw", ".mrc", ".csv", ".mods") if s not in READERS}
    assert unread and f"Not read: {len(unread)} file" in line
    assert "notes.txt" not in line  # not a bibliographic format


def test_walked_xml_that_is_not_bibliographic_is_skipped_not_reported(capsys, tmp_path):
    """A data repository holds a Maven pom, IDE settings and SVG figures beside its PubMed
    XML: they are counted as holding no records; bibliographic XML biblint does not read
    (EndNote), HTML saved as .xml and broken XML are still reported."""
    (tmp_path / "pom.xml").write_text(
        '<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">'
        "<modelVersion>4.0.0</modelVersion></project>\n")
    (tmp_path / "figure.xml").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (tmp_path / "endnote.xml").write_text("<xml><records><record/></records></xml>\n")
    (tmp_path / "page.xml").write_text("<!DOCTYPE html>\n<html><body>x</body></html>\n")
    (tmp_path / "broken.xml").write_text("<PubmedArticleSet><PubmedArticle>\n")
    code, out, err = run(capsys, "check", "--isolated", "--output-format", "concise",
                         str(tmp_path))
    assert code == 1
    reported = {Path(line.split(":")[0]).name for line in out.splitlines()
                if ": IO00" in line}
    assert reported == {"endnote.xml", "page.xml", "broken.xml"}
    # concise has no summary: the skipped files are named on stderr
    skipped = next(line for line in err.splitlines() if "Skipped" in line)
    assert "2 files" in skipped and "pom.xml" in skipped and "figure.xml" in skipped
    # Named explicitly, a pom still gets one clear finding rather than silence.
    code, out, _ = run(capsys, "check", "--isolated", "--output-format", "concise",
                       str(tmp_path / "pom.xml"))
    assert code == 1 and "IO004" in out and "<project>" in out


def test_registering_a_reader_makes_the_files_read(tmp_path, monkeypatch):
    """Built on the READERS table: when a reader for .bib is registered (the BibTeX work),
    .bib files stop being "not read" and are walked."""
    (tmp_path / "a.bib").write_text("@article{k, title={A}}\n")
    skipped = Skipped()
    monkeypatch.delitem(READERS, ".bib", raising=False)
    assert list(discover([tmp_path], Config(), skipped=skipped, use_git=False)) == []
    assert skipped.unread == [str(tmp_path / "a.bib")]
    monkeypatch.setitem(READERS, ".bib", READERS[".json"])
    skipped = Skipped()
    assert [p.name for p, _ in discover([tmp_path], Config(), skipped=skipped,
                                        use_git=False)] == ["a.bib"]
    assert not skipped


@pytest.mark.parametrize(("content", "data"), [
    ({"title": "A title"}, True),                           # one field, nothing else
    ({"title": "A", "year": 2020}, True),
    ({"doi": "10.1000/182"}, True),
    ([{"title": "A"}, {"version": 1}], True),                # one record is enough
    ({"message": {"items": [{"DOI": "10.1/x", "title": ["A"]}]}}, True),  # Crossref
    ({"results": [{"id": "https://openalex.org/W1", "display_name": "A"}]}, True),
    ({"paperId": "abc", "externalIds": {}, "title": "A"}, True),  # Semantic Scholar
    ({"message-type": "work-list", "message": {"items": []}}, True),  # empty, but data
    ({"key": "X", "links": {}, "data": {"title": "A", "creators": [{"name": "B"}]}}, True),
    ({"@context": "http://schema.org", "@type": "Dataset", "name": "A"}, True),
    ({"identifier": "https://doi.org/10.5061/dryad.8515"}, True),
    ({"title": "A", "version": 3}, True),                    # CSL and Zotero have versions
    ([1, 2], None),                                          # not records: the reader says
    ({"name": "pkg", "version": "1.0.0", "author": "Me", "scripts": {}}, False),
    ({"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Record",
      "type": "object", "properties": {"title": {"type": "string"}}}, False),
    ({"title": "Settings", "properties": {}}, False),
    ({"version": 1, "files": {}}, False),                    # a baseline
    ({"compilerOptions": {"strict": True}}, False),
    ([], False),
    ({}, False),
])
def test_what_counts_as_records(tmp_path, content, data):
    path = tmp_path / "x.json"
    path.write_text(json.dumps(content))
    reason = not_data(path)
    assert (reason is None) is (data is not False), reason


def test_user_profile_records_count_as_data(tmp_path):
    from biblint.profiles import profile_from_config

    lab = profile_from_config("lab", {"detect": {"keys": ["ref_id", "work_title"]},
                                      "fields": {"title": "/work_title"}})
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"ref_id": "r1", "work_title": "A", "dependencies": {}}))
    assert not_data(path) is not None
    assert not_data(path, Config(profiles=(lab,))) is None


def test_broken_json_is_still_reported(capsys, tmp_path):
    """A walked file that is neither JSON nor JSONC is data gone wrong: IO003, as before."""
    (tmp_path / "broken.json").write_text('{"title": "A", "doi": ')
    code, out, _ = run(capsys, "check", "--isolated", "--format", "concise", str(tmp_path))
    assert code == 1 and "broken.json:1:" in out and "IO003" in out


def test_force_exclude_keeps_named_files_of_other_suffixes(tmp_path):
    """A named file whose suffix is neither read nor a data format is still read (sniffed as
    JSON, as before): --force-exclude only skips what a walk would skip."""
    (tmp_path / "records.txt").write_text(json.dumps({"title": "A", "doi": "10.1000/1"}))
    (tmp_path / "a.ris").write_text("TY  - JOUR\n")
    skipped = Skipped()
    names = [tmp_path / "records.txt", tmp_path / "a.ris"]
    found = [p.name for p, _ in discover(names, Config(), force_exclude=True, skipped=skipped)]
    assert "records.txt" in found
    assert ("a.ris" in found) is (".ris" in READERS)


def test_stdin_named_as_a_non_data_file_is_passed_through(capsysbinary, monkeypatch):
    import io
    import sys

    data = b'{"name": "site", "description": "A site ", "scripts": {}}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(["check", "--isolated", "--fix", "--force-exclude", "--stdin-filename",
                 "package.json", "-"])
    out, _ = capsysbinary.readouterr()
    assert code == 0 and out == data  # an editor piping through biblint gets it back as is
